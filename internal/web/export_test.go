package web

import (
	"net/http"

	"github.com/cyberaid/cyberaid/internal/readings"
)

// patternRecorder keeps the patterns routes declares, in order.
type patternRecorder []string

func (r *patternRecorder) Handle(pattern string, _ http.Handler) { *r = append(*r, pattern) }

// RoutePatterns lists every "METHOD /path" pattern of s's route table.
func RoutePatterns(s *Server) []string {
	var r patternRecorder
	s.routes(&r)
	return r
}

// Uncached is a server over d that keeps no answer (kept.go), for the
// tests that hold the kept answers to answers computed afresh.
func Uncached(d Deps) (*Server, error) {
	s, err := New(d)
	if err == nil {
		s.version = nil
	}
	return s, err
}

// KeepEverything lets s keep every answer a test reads, so that an answer
// kept before a change is still there to be wrongly served after it.
func KeepEverything(s *Server) { s.bodies = readings.NewSized(1<<16, 1<<30) }
