package main

import (
	"context"
	"encoding/json"
	"fmt"
	"net/url"
	"os"
	"strings"

	"github.com/spf13/cobra"

	"github.com/nianbao/nianbao/archive"
	"github.com/nianbao/nianbao/attachment"
	"github.com/nianbao/nianbao/config"
	"github.com/nianbao/nianbao/crawler"
	"github.com/nianbao/nianbao/extract"
)

// extractOptions are the flags of `nianbao extract`.
type extractOptions struct {
	URL      string
	JSON     bool
	Encoding string
	Content  string
	Remove   []string
}

func newExtractCommand(g *globalOptions) *cobra.Command {
	var o extractOptions
	cmd := &cobra.Command{
		Use:   "extract [--url URL] [--json] FILE...",
		Short: "Run the extractor on saved HTML files (or PDF, DOCX, DOC, WPS, OFD files) and print the text",
		Long: `Run the extractor on saved HTML pages and print what the archive would store.
The bytes are decoded by the crawler's rules (UTF-8 if valid, else the
page's <meta> charset, else --encoding), so a saved GBK page reads as the
crawler reads it. Use it while writing a site file: --content and --remove
try the same overrides a site file's selectors would set.

With --json, one JSON object per file with file, title, published, source,
kind, year, site_id_code, issuer, doc_number, index_number, mirror (the page
looked like a mirror site's copy: pinyin annotations, now removed),
encoding and text. A page whose article is only pictures (a report posted
as scans) has its title as text and adds text_status images_only,
images_only and images (the pictures' URLs).

A PDF, DOCX, DOC, WPS or OFD file, or a picture (told by its bytes), is read
as the crawler reads attachments; --json then adds file_type, text_status
(ok, or why there is no text: no_text_layer, no_unicode, encrypted,
unsupported, unreadable, too_large, image) and pages. A file without text is not an error, as in a crawl
(which archives it without text): without --json, stderr says
"FILE: no text: STATUS", and for a damaged file (unreadable, too_large) a
warning gives the reader's reason.`,
		Args: cobraArgs(cobra.MinimumNArgs(1)),
		RunE: func(cmd *cobra.Command, args []string) error { return runExtract(cmd.Context(), g, o, args) },
	}
	cmd.Flags().StringVar(&o.URL, "url", "", "the URL the page was saved from (used for dates in URLs and relative links)")
	cmd.Flags().BoolVar(&o.JSON, "json", false, "one JSON object per file")
	cmd.Flags().StringVar(&o.Encoding, "encoding", "gb18030", "encoding to assume when the page declares none and is not UTF-8")
	cmd.Flags().StringVar(&o.Content, "content", "", "CSS selector of the report body (as selectors.content in a site file)")
	cmd.Flags().StringArrayVar(&o.Remove, "remove", nil, "CSS selector to remove before extraction (repeatable)")
	return cmd
}

// extracted is one file's result, as printed with --json.
type extracted struct {
	File        string `json:"file"`
	Title       string `json:"title"`
	Published   string `json:"published"`
	Source      string `json:"source"`
	Kind        string `json:"kind"`
	Year        int    `json:"year"`
	SiteIDCode  string `json:"site_id_code"`
	Issuer      string `json:"issuer"`
	DocNumber   string `json:"doc_number"`
	IndexNumber string `json:"index_number"`
	Mirror      bool   `json:"mirror"`
	Encoding    string `json:"encoding"`
	FileType    string `json:"file_type,omitempty"`
	TextStatus  string `json:"text_status,omitempty"`
	Pages       int    `json:"pages,omitempty"`
	// ImagesOnly and Images: a page whose article is only pictures (text
	// status images_only), and the article's pictures.
	ImagesOnly bool     `json:"images_only,omitempty"`
	Images     []string `json:"images,omitempty"`
	Text       string   `json:"text"`
}

func runExtract(ctx context.Context, g *globalOptions, o extractOptions, files []string) error {
	// An encoding is checked up front, not only when a file needs it.
	if _, canon, err := crawler.Decode([]byte{0x80}, "", o.Encoding); err != nil && canon == "" {
		return usageError{fmt.Errorf("--encoding: %w", err)}
	}
	log, err := g.logger(nil)
	if err != nil {
		return err
	}
	var u *url.URL
	if o.URL != "" {
		var err error
		if u, err = url.Parse(o.URL); err != nil || u.Host == "" {
			return usageError{fmt.Errorf("--url %q is not an absolute URL", o.URL)}
		}
	}
	opts := extract.Options{ContentSelector: o.Content, RemoveSelectors: o.Remove}
	enc := json.NewEncoder(g.stdout)
	enc.SetEscapeHTML(false)
	var reader *attachment.Reader // started on the first file that is not a page
	defer func() {
		if reader != nil {
			reader.Close()
		}
	}()
	for i, f := range files {
		raw, err := os.ReadFile(f)
		if err != nil {
			return err
		}
		var doc *extract.Document
		var x extracted
		if kind := attachment.Sniff(raw, "", "", f); kind != attachment.KindUnknown {
			if reader == nil {
				reader = attachment.NewReader(attachment.ReaderConfig{CacheDir: config.Default().CachePath(os.Getenv)})
			}
			t, err := reader.Text(ctx, kind, raw)
			if err != nil {
				if ctx.Err() != nil || attachment.Transient(err) {
					return fmt.Errorf("%s: %w", f, err)
				}
				// As the crawler does: a file that cannot be read is
				// unreadable (or too_large), the reason is logged.
				log.Warn("file cannot be read", "file", f, "type", kind, "status", t.Status, "err", err)
				if t.Status != attachment.StatusTooLarge {
					t = attachment.Text{Status: attachment.StatusUnreadable}
				}
			}
			title, _, _ := strings.Cut(t.Text, "\n")
			doc = &extract.Document{Title: strings.TrimSpace(title), Text: t.Text}
			doc.Kind, doc.Year = extract.Classify(doc.Title, "")
			x = extracted{FileType: string(kind), TextStatus: string(t.Status), Pages: t.Pages}
			if t.Status != attachment.StatusOK && !o.JSON {
				fmt.Fprintf(g.stderr, "%s: no text: %s\n", f, t.Status)
			}
		} else {
			html, encName, err := crawler.Decode(raw, "", o.Encoding)
			if err != nil {
				return fmt.Errorf("%s: %w", f, err)
			}
			if doc, err = extract.Extract(html, u, opts); err != nil {
				return fmt.Errorf("%s: %w", f, err)
			}
			x.Encoding = encName
			if doc.ImagesOnly {
				x.TextStatus = archive.TextImagesOnly
				if !o.JSON {
					fmt.Fprintf(g.stderr, "%s: %s: the article is %d picture(s), no text\n", f, archive.TextImagesOnly, len(doc.Images))
				}
			}
		}
		if o.JSON {
			if err := enc.Encode(extracted{File: f, Title: doc.Title, Published: doc.Published, Source: doc.Source,
				Kind: doc.Kind, Year: doc.Year, SiteIDCode: doc.SiteIDCode, Issuer: doc.Issuer, DocNumber: doc.DocNumber,
				IndexNumber: doc.IndexNumber, Mirror: doc.Mirror, Encoding: x.Encoding, FileType: x.FileType,
				TextStatus: x.TextStatus, Pages: x.Pages, ImagesOnly: doc.ImagesOnly, Images: doc.Images, Text: doc.Text}); err != nil {
				return err
			}
			continue
		}
		if len(files) > 1 {
			if i > 0 {
				fmt.Fprintln(g.stdout)
			}
			fmt.Fprintf(g.stdout, "==> %s <==\n", f)
		}
		fmt.Fprint(g.stdout, doc.Text)
	}
	return nil
}
