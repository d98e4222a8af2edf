package cli

import "net/http"

// SetFetchTransport lets a test trust its own TLS server; the returned
// function restores the transport.
func SetFetchTransport(rt http.RoundTripper) func() {
	old := fetchTransport
	fetchTransport = rt
	return func() { fetchTransport = old }
}
