package notify_test

import (
	"context"
	"errors"
	"io"
	"net"
	"net/mail"
	"regexp"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/emersion/go-smtp"

	"github.com/cyberaid/cyberaid/internal/notify"
)

// rawInbox keeps each message as it came, headers and all.
type rawInbox struct {
	mu   sync.Mutex
	msgs []*mail.Message
}

type rawSession struct{ in *rawInbox }

func (s *rawSession) Reset()                                     {}
func (s *rawSession) Logout() error                              { return nil }
func (s *rawSession) Mail(string, *smtp.MailOptions) error       { return nil }
func (s *rawSession) Rcpt(string, *smtp.RcptOptions) error       { return nil }
func (in *rawInbox) NewSession(*smtp.Conn) (smtp.Session, error) { return &rawSession{in: in}, nil }
func (s *rawSession) Data(r io.Reader) error {
	m, err := mail.ReadMessage(r)
	if err != nil {
		return err
	}
	s.in.mu.Lock()
	defer s.in.mu.Unlock()
	s.in.msgs = append(s.in.msgs, m)
	return nil
}

// TestMessageHeaders: every message has a Message-ID of its own in From's
// domain, and a Date.
func TestMessageHeaders(t *testing.T) {
	in := &rawInbox{}
	srv := smtp.NewServer(in)
	srv.Domain = "localhost"
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	go srv.Serve(ln)
	t.Cleanup(func() { srv.Close() })

	m, err := notify.NewSMTP(notify.SMTPConfig{Addr: ln.Addr().String(), From: "Cyber Aid <noreply@aid.example>"})
	if err != nil {
		t.Fatal(err)
	}
	for range 2 {
		if err := m.Send(context.Background(), "a@test.example", "Hello", "Body"); err != nil {
			t.Fatal(err)
		}
	}
	if len(in.msgs) != 2 {
		t.Fatalf("received %d messages", len(in.msgs))
	}
	idForm := regexp.MustCompile(`^<[0-9a-f]{32}@aid\.example>$`)
	var ids []string
	for _, msg := range in.msgs {
		id := msg.Header.Get("Message-ID")
		if !idForm.MatchString(id) {
			t.Errorf("Message-ID %q", id)
		}
		ids = append(ids, id)
		d, err := msg.Header.Date()
		if err != nil || time.Since(d) > time.Hour || time.Until(d) > time.Hour {
			t.Errorf("Date %q: %v", msg.Header.Get("Date"), err)
		}
	}
	if ids[0] == ids[1] {
		t.Error("two messages share a Message-ID")
	}
}

// TestSendCancelled: a server that accepts the connection and never
// answers holds a send only until its context ends, and leaves no goroutine
// behind.
func TestSendCancelled(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ln.Close() })
	accepted := make(chan net.Conn, 1)
	stop := make(chan struct{})
	t.Cleanup(func() { close(stop) })
	go func() {
		c, err := ln.Accept()
		if err == nil {
			accepted <- c // held open, silent
		}
		// Lives on till the end, so that the count below is only of
		// what Send started.
		<-stop
	}()
	m, err := notify.NewSMTP(notify.SMTPConfig{Addr: ln.Addr().String(), From: "noreply@aid.example"})
	if err != nil {
		t.Fatal(err)
	}
	var conn net.Conn
	before := runtime.NumGoroutine()
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- m.Send(ctx, "a@test.example", "Hello", "Body") }()
	conn = <-accepted
	t.Cleanup(func() { conn.Close() })
	cancel()
	if err := <-done; !errors.Is(err, context.Canceled) {
		t.Fatalf("send after cancel: %v", err)
	}
	// What Send started must all have ended: poll until the count is back,
	// as a goroutine leak checker does, and name what is left if not.
	for i := 0; ; i++ {
		if runtime.NumGoroutine() <= before {
			break
		}
		if i == 200 {
			buf := make([]byte, 1<<20)
			t.Fatalf("goroutines: %d before, %d after:\n%s", before, runtime.NumGoroutine(), buf[:runtime.Stack(buf, true)])
		}
		time.Sleep(10 * time.Millisecond)
	}
	// The server sees the connection closed.
	_ = conn.SetReadDeadline(time.Now().Add(10 * time.Second))
	if _, err := conn.Read(make([]byte, 1)); err == nil || strings.Contains(err.Error(), "timeout") {
		t.Fatalf("the connection was left open: %v", err)
	}
}
