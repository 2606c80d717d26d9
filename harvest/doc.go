// Package harvest runs one crawl of one site end to end: the crawler finds
// and fetches the report pages, the extractor turns each into text and
// metadata, and the archive stores what is new. RunSite is the one function
// that `nianbao crawl` and the daemon's scheduled jobs both call.
//
// Files: a report published as a file, and each file a report page links
// to, is read by the attachment package's Reader and archived as a document
// of its own, with the file kept as received and its metadata (name, type,
// text status, the page that lists it). A file without text that can be read
// (a scan, no Unicode map, a password) is archived without text, its status
// saying why. A file whose text is its page's own text in another form
// (character-bigram similarity ≥ 0.9) is marked same_text_as that page's
// document.
//
// A Summary is what a run did: pages and files fetched, reports found, new
// documents, new versions, new sources, unchanged reports, files without
// text, and failures by kind.
package harvest
