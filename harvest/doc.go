// Package harvest runs one crawl of one site end to end: the crawler finds
// and fetches the report pages, the extractor turns each into text and
// metadata, and the archive stores what is new. RunSite is the one function
// that `nianbao crawl` and the daemon's scheduled jobs both call.
//
// A Summary is what a run did: pages fetched, reports found, new documents,
// new versions, new sources, unchanged reports, and failures by kind.
package harvest
