// Package archivetest checks an archive directory in tests, in the style of
// testing/fstest.TestFS: Check fails the test for every problem it finds.
package archivetest
