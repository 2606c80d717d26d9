package archive

import "time"

// Version is one stored text of a document: its metadata file (vN.json),
// and the line `archive ls --json` prints for it.
type Version struct {
	Site       string `json:"site"`
	Doc        string `json:"doc"`
	Version    int    `json:"version"`
	URL        string `json:"url"`
	Title      string `json:"title"`
	Year       int    `json:"year"`
	Kind       string `json:"kind"`
	Published  string `json:"published,omitempty"`
	Source     string `json:"source,omitempty"`
	SiteIDCode string `json:"site_id_code,omitempty"`
	// Issuer, DocNumber and IndexNumber come from the 信息公开 info table
	// (发布机构, 文号, 索引号) when the page has one.
	Issuer      string `json:"issuer,omitempty"`
	DocNumber   string `json:"doc_number,omitempty"`
	IndexNumber string `json:"index_number,omitempty"`
	// Mirror is set when the page looked like a mirror site's copy of a
	// government page (pinyin annotations glued into the text, now removed).
	Mirror    bool      `json:"mirror,omitempty"`
	SHA256    string    `json:"sha256"` // of the .txt bytes exactly: `sha256sum vN.txt` verifies it
	Bytes     int       `json:"bytes"`
	Path      string    `json:"path"` // the .txt, relative to archive_dir
	FetchedAt time.Time `json:"fetched_at"`
	Extractor string    `json:"extractor"`
	Raw       *Raw      `json:"raw,omitempty"`
	// Reextracted is set on a version made by re-extracting an earlier
	// version's raw bytes (no network): Raw is that version's, and
	// FetchedAt is when those bytes were fetched.
	Reextracted *Reextraction `json:"reextracted,omitempty"`
	// File is set on a version read from a file (an attachment: PDF, DOCX,
	// DOC, WPS, OFD, or a page's image) rather than a web page. The file's
	// bytes are kept as they were received beside the text (Raw, vN.pdf…).
	File *File `json:"file,omitempty"`
	// TextStatus is set on a page version whose report is not text:
	// TextImagesOnly for a page whose article is only images (a report
	// posted as scans). Its text is then the title line alone, and Images
	// are the article's images, in order; each is archived as a file listed
	// on the page. "" for a page with text, and for every file version
	// (File.TextStatus says).
	TextStatus string   `json:"text_status,omitempty"`
	Images     []string `json:"images,omitempty"`
	// Report and Role are the document's (Doc.Report, Doc.Role) when the
	// version was written: doc.json's say what they are now (a regrouping
	// may change them), these restore them when doc.json is lost.
	Report string `json:"report,omitempty"`
	Role   string `json:"role,omitempty"`
}

// TextImagesOnly is Version.TextStatus for a page whose article is only
// images.
const TextImagesOnly = "images_only"

// File describes the attachment a version's text was read from. Its size
// and sha256 are the version's Raw.Bytes and Raw.SHA256.
type File struct {
	Name string `json:"name"` // as the server or the link named it
	Type string `json:"type"` // pdf, docx, doc, wps, ofd; an image: jpg, png, gif, webp, bmp, tif
	// TextStatus says whether the file had text: ok, or why not
	// (no_text_layer: a scan; no_unicode: characters that map to nothing;
	// encrypted; unsupported; unreadable: damaged or garbled; too_large:
	// over a reader's budget). A version without text has an empty vN.txt
	// and is told apart from others by its file's bytes.
	TextStatus string `json:"text_status"`
	Pages      int    `json:"pages,omitempty"`
	// Truncated is set when a reader's budget cut the reading short: the
	// text is what was read within it, and TruncatedBy names the budget
	// (max_pages, max_page_chars, max_chars, memory_limit).
	Truncated   bool   `json:"truncated,omitempty"`
	TruncatedBy string `json:"truncated_by,omitempty"`
	// ListedOn is the page that links to the file, when there is one (a
	// file linked straight from a list has none), and ListedOnDoc that
	// page's document when it is archived.
	ListedOn    string `json:"listed_on,omitempty"`
	ListedOnDoc string `json:"listed_on_doc,omitempty"`
	LinkText    string `json:"link_text,omitempty"`
	// SameTextAs is set when the text is the listing page's own text in
	// another form (a report both inline and as a file).
	SameTextAs *SameText `json:"same_text_as,omitempty"`
}

// SameText names a document whose text matches a file's.
type SameText struct {
	Doc        string  `json:"doc"`
	Version    int     `json:"version"`
	Similarity float64 `json:"similarity"` // character-bigram F1 of the two texts, 0–1
}

// HasText reports whether a version holds the report's text: a page version
// unless its article is only images, a file version only when its file had
// a text layer that could be read.
func (v Version) HasText() bool {
	if v.File == nil {
		return v.TextStatus == ""
	}
	return v.File.TextStatus == TextOK
}

// Status is why a version has no text (a file's File.TextStatus, a page's
// TextStatus), or TextOK.
func (v Version) Status() string {
	switch {
	case v.File != nil:
		return v.File.TextStatus
	case v.TextStatus != "":
		return v.TextStatus
	}
	return TextOK
}

// TextOK is File.TextStatus for a file whose text was read.
const TextOK = "ok"

// key is what deduplicates a version: its text's sha256, or, for a file
// without text, its file's — two scans are not the same report because
// neither has text.
func (v Version) key() string {
	if v.File != nil && v.File.TextStatus != TextOK && v.Raw != nil {
		return fileKey(v.Raw.SHA256)
	}
	return v.SHA256
}

// fileKey is the key of a file without text, from its bytes' sha256.
func fileKey(sha string) string { return "file:" + sha }

// Reextraction says where a re-extracted version's text came from.
type Reextraction struct {
	From int       `json:"from"` // the version whose raw bytes were re-extracted
	At   time.Time `json:"at"`
}

// Raw describes the response a version's text was extracted from, kept
// beside the text so it can be re-extracted offline: a page's body
// gzip-compressed (vN.raw.gz), a file as received (vN.pdf, vN.docx…). For a
// report split over several pages, the file holds every page's body one
// after the other, and Parts says where each one is.
type Raw struct {
	Path        string    `json:"path"`   // the .raw.gz (or the file), relative to archive_dir
	SHA256      string    `json:"sha256"` // of the uncompressed bytes
	Bytes       int       `json:"bytes"`  // uncompressed
	Status      int       `json:"status"`
	ContentType string    `json:"content_type,omitempty"`
	Encoding    string    `json:"encoding,omitempty"` // what the bytes were decoded from
	Parts       []RawPart `json:"parts,omitempty"`
}

// RawPart is one page of a report split over several pages: the first is
// the page itself, then its further pages in order.
type RawPart struct {
	URL      string `json:"url"`
	Offset   int    `json:"offset"` // in the uncompressed bytes
	Bytes    int    `json:"bytes"`
	SHA256   string `json:"sha256"`
	Encoding string `json:"encoding,omitempty"`
}

// Doc is a document: one report, whatever URLs it is published at. Its
// doc.json is the only archive file that is ever replaced (when a source is
// added); its versions never are.
type Doc struct {
	ID        string    `json:"doc"`
	Site      string    `json:"site"`
	Year      int       `json:"year"`
	Kind      string    `json:"kind"`
	Title     string    `json:"title"`
	Dir       string    `json:"dir"` // relative to archive_dir
	CreatedAt time.Time `json:"created_at"`
	Sources   []Source  `json:"sources"`
	// Report is the report this document is a rendition of, when that is
	// another document (the report's first rendition, whose id is the
	// report's); "" when the document is its own report.
	Report string `json:"report,omitempty"`
	// Role is RoleListing for a stub page: a page that only announces its
	// attachments, kept as where the report's renditions were found, not
	// as a rendition; "" for a rendition.
	Role string `json:"role,omitempty"`
	// Grouped is set when Report and Role were decided — by the crawl that
	// archived the document, or by a regrouping — and unset on a document
	// an earlier release wrote, which Regroup may still group.
	Grouped bool `json:"grouped,omitempty"`
}

// RoleListing is Doc.Role for a stub page.
const RoleListing = "listing"

// ReportID is the id of the report d belongs to: its own, or the report's
// it is a rendition of. A listing belongs to none ("").
func (d Doc) ReportID() string {
	switch {
	case d.Role == RoleListing:
		return ""
	case d.Report != "":
		return d.Report
	}
	return d.ID
}

// Source is a URL a document was found at. A repost is a second source.
type Source struct {
	URL       string    `json:"url"`
	Site      string    `json:"site"`
	FirstSeen time.Time `json:"first_seen"`
}

// Run is the record of one crawl of one site.
type Run struct {
	ID         string    `json:"id"`
	Site       string    `json:"site"`
	StartedAt  time.Time `json:"started_at"`
	FinishedAt time.Time `json:"finished_at"`
	Status     string    `json:"status"` // ok, failed, cancelled
	Error      string    `json:"error,omitempty"`
	Summary    any       `json:"summary"`
}

// FetchState is what the last fetch of a URL returned, for cheap re-crawls:
// its ETag and Last-Modified make the next request conditional. It is
// recorded only once the page's text is archived, so validators never stand
// for a page the archive does not have.
type FetchState struct {
	URL          string
	Site         string
	Status       int
	ETag         string
	LastModified string
	SHA256       string // of the raw body
	Bytes        int
	FetchedAt    time.Time
}

// ListState is what the last full read of a list page left: its validators,
// and the links read from it (bytes the crawler writes and reads), so that
// a 304 to the next conditional request can be followed without the body.
// Like FetchState it is a cache, not rebuilt from the files.
type ListState struct {
	URL          string
	Site         string
	ETag         string
	LastModified string
	Links        []byte
	FetchedAt    time.Time
}

// SourceState is what the index knows about a source URL.
type SourceState struct {
	Doc       string
	Report    string // the document's Doc.Report
	Role      string // the document's Doc.Role
	LastSHA   string // sha256 of the text last seen at this URL
	FirstSeen time.Time
}

// Filter selects versions.
type Filter struct {
	Site string
	Doc  string
}
