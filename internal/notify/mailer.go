package notify

import (
	"context"
	"fmt"
	"mime"
	"net"
	"net/smtp"
	"strings"
	"time"
)

// Mailer sends one e-mail.
type Mailer interface {
	Send(ctx context.Context, to, subject, body string) error
}

// SMTPConfig says where mail goes. An empty Addr means no e-mail at all.
type SMTPConfig struct {
	Addr     string // host:port of the submission server
	From     string
	Username string // with Password, authenticates with PLAIN (over TLS, or to localhost)
	Password string
}

// SMTP sends mail through a submission server, with STARTTLS when the
// server offers it.
type SMTP struct{ cfg SMTPConfig }

func NewSMTP(cfg SMTPConfig) (*SMTP, error) {
	if cfg.From == "" {
		return nil, fmt.Errorf("smtp: a From address is required")
	}
	if _, _, err := net.SplitHostPort(cfg.Addr); err != nil {
		return nil, fmt.Errorf("smtp: address %q: %w", cfg.Addr, err)
	}
	return &SMTP{cfg: cfg}, nil
}

func (m *SMTP) Send(ctx context.Context, to, subject, body string) error {
	if strings.ContainsAny(to, "\r\n") {
		return fmt.Errorf("smtp: bad recipient %q", to)
	}
	var auth smtp.Auth
	if m.cfg.Username != "" {
		host, _, _ := net.SplitHostPort(m.cfg.Addr)
		auth = smtp.PlainAuth("", m.cfg.Username, m.cfg.Password, host)
	}
	msg := "From: " + m.cfg.From + "\r\n" +
		"To: " + to + "\r\n" +
		"Subject: " + mime.QEncoding.Encode("utf-8", subject) + "\r\n" +
		"Date: " + time.Now().UTC().Format(time.RFC1123Z) + "\r\n" +
		"MIME-Version: 1.0\r\n" +
		"Content-Type: text/plain; charset=utf-8\r\n" +
		"Content-Transfer-Encoding: 8bit\r\n\r\n" +
		strings.ReplaceAll(body, "\n", "\r\n") + "\r\n"
	done := make(chan error, 1)
	go func() { done <- smtp.SendMail(m.cfg.Addr, auth, m.cfg.From, []string{to}, []byte(msg)) }()
	select {
	case err := <-done:
		return err
	case <-ctx.Done():
		return ctx.Err()
	}
}
