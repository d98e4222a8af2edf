// Command loadtest measures a running cyberaid against a bare net/http
// handler serving the same bytes; docs/benchmarks.md says how to use it.
package main

import (
	"context"
	"os"
	"os/signal"

	"github.com/cyberaid/cyberaid/internal/loadtest"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	os.Exit(loadtest.Main(ctx, os.Args[1:], os.Stdout, os.Stderr))
}
