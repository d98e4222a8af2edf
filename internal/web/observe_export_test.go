package web

import "net/http"

// Observe exposes the outermost handler, so that tests can put a handler of
// their own (one that panics) behind it.
func (s *Server) Observe(h http.Handler) http.Handler { return s.observe(h) }
