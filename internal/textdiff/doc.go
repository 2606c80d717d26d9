// Package textdiff compares two texts line by line and, within a changed
// line, character by character — what a reader of long Chinese paragraphs
// needs to see, where a whole-line diff shows two near-identical walls of
// text.
//
// An Edit is one line of the result: kept, deleted or inserted. A Span is a
// run of characters within a changed line, marked as changed or not. A Hunk
// is a run of changed lines between kept ones, with the line ranges it
// covers in each text numbered as a unified diff (GNU diff -U0) numbers
// them.
package textdiff
