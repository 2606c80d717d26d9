// Package warc writes WARC/1.1 files (ISO 28500), the format web archivists
// use: a warcinfo record, then a request and a response record for each
// archived HTTP response, each record its own gzip member so that a reader
// can seek to any record and a file cut short loses only its last record.
//
// nianbao keeps a response's status, headers and body, not the bytes on
// the wire, so the HTTP envelope of a record is rebuilt from them:
// Content-Length is set to the body's length, and Content-Encoding and
// Transfer-Encoding, already undone, are dropped. The body is the exact
// bytes received, and WARC-Payload-Digest is of them.
package warc
