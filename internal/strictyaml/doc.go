// Package strictyaml decodes YAML documents into structs strictly and with
// positions, for configuration files that people write by hand.
//
// A Problem is one thing wrong with a document: the line it is on, the dotted
// path of the field ("defaults.delay"), and what is wrong. Decode never stops at
// the first Problem, so a user sees every mistake in a file at once. Positions
// records the line of every field that was present, so a caller's own semantic
// checks can point at the right line and tell "absent" from "zero".
//
// Strict means: a key that names no field is a Problem (with a suggestion
// when it is close to one), a value of the wrong kind is a Problem in plain
// words, and a key given twice in one mapping is a Problem at its second
// line, naming the first ("start: given twice (first at line 3)"), where a
// plain YAML decoder lets the last one win.
package strictyaml
