// Package golden holds the tests' golden-file check: a test's output is
// compared byte for byte with a file under the package's testdata/, and
// rewritten there on purpose when the test runs with -update. The
// difference is reported as the lines only in the golden file (-) and
// only in the output (+).
package golden
