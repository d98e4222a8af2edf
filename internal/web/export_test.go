package web

import "net/http"

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
