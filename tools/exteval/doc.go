// Command exteval measures nianbao's text extractor against a set of pages
// with gold text, next to two general-purpose extractors (go-readability
// and go-trafilatura) run on the same pages in the same run.
//
// It lives in its own module so that the comparison libraries never enter
// the main module's go.mod; the main module is used through a replace
// directive, so the extractor measured is the one in the working tree.
// Run it from this directory:
//
//	cd tools/exteval && go run . -dir /work/shared/eval/daniel-zh
//
// The directory holds <id>.html (the page) and <id>.txt (its gold text)
// pairs. Every page's bytes are decoded as the crawler decodes them,
// crawler.Decode(raw, "", "gb18030"), and the same UTF-8 text is given to
// all three extractors.
//
// # Scoring
//
// Chinese has no word spaces, so pages are scored by character bigrams
// (score.go): both texts are NFKC-normalised, whitespace, punctuation and
// invisible runes are dropped, and each text becomes a multiset of
// character bigrams. A page's precision is |got ∩ gold| / |got|, its
// recall |got ∩ gold| / |gold|, and F1 their harmonic mean. For each
// extractor the command prints the mean P, R and F1 over the pages, the
// number of pages with F1 < 0.8, and the worst pages.
//
// # Flags
//
//	-dir DIR     the directory of <id>.html and <id>.txt pairs (required)
//	-worst N     list the N pages with the lowest F1 (default 10)
//	-only        run nianbao's extractor only (fast, for iterating)
//	-json        print the results as JSON instead of a table
//	-fallback    let go-trafilatura fall back to its readability and
//	             dom-distiller candidates (slower)
//	-page ID     print the gold text and nianbao's text of one page, for
//	             diffing, instead of scoring
package main
