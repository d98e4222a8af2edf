package web

import (
	"net/http"
	"strings"
)

// pageLister keeps the HTML pages a route table declares.
type pageLister []string

func (p *pageLister) Handle(pattern string, _ http.Handler) {
	method, path, _ := strings.Cut(pattern, " ")
	if method == http.MethodGet && !strings.HasPrefix(path, "/api/") {
		*p = append(*p, path)
	}
}

// Pages lists the path patterns of every GET route outside the API, in the
// order of the route table: what a browser may be sent to, so that a check
// of every page (accessibility, layout) covers a page as soon as it is
// routed.
func (s *Server) Pages() []string {
	var p pageLister
	s.routes(&p)
	return p
}
