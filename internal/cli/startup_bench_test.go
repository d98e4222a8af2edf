package cli_test

import (
	"context"
	"io"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/cyberaid/cyberaid/internal/cli"
)

// BenchmarkServeDemo measures what a first visitor of `serve --demo` waits
// for: from the command's start on an empty data directory to the first
// 200 from /healthz, demo seeding and rate loading included.
func BenchmarkServeDemo(b *testing.B) {
	for b.Loop() {
		b.StopTimer()
		dir := b.TempDir()
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			b.Fatal(err)
		}
		addr := ln.Addr().String()
		ln.Close()
		ctx, cancel := context.WithCancel(context.Background())
		done := make(chan int, 1)
		b.StartTimer()
		go func() {
			done <- cli.Run(ctx, []string{"serve", "--demo", "--data-dir", dir, "--addr", addr, "--job-interval", "1h"},
				strings.NewReader(""), io.Discard, io.Discard)
		}()
		waitHealthy(b, "http://"+addr+"/healthz", done)
		b.StopTimer()
		cancel()
		<-done
		b.StartTimer()
	}
}

func waitHealthy(b *testing.B, url string, done <-chan int) {
	b.Helper()
	deadline := time.Now().Add(2 * time.Minute)
	for time.Now().Before(deadline) {
		res, err := http.Get(url)
		if err == nil {
			res.Body.Close()
			if res.StatusCode == http.StatusOK {
				return
			}
		}
		select {
		case code := <-done:
			b.Fatalf("serve exited %d", code)
		case <-time.After(5 * time.Millisecond):
		}
	}
	b.Fatal("no answer from /healthz")
}
