//go:build race

package web_test

// raceDetector is set when the tests run under the race detector: the HTTP
// tests then run on SQLite only (see parallelBackends).
const raceDetector = true
