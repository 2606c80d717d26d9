//go:build !race

package main

// raceEnabled is set in a binary built with -race (see race_test.go).
const raceEnabled = false
