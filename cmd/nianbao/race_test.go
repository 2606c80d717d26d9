//go:build race

package main

// raceEnabled is set in a binary built with -race, whose allocations and
// speed are not nianbao's: tests that only look at outcomes there may use
// smaller inputs.
const raceEnabled = true
