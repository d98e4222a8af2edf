package notify

import (
	"context"
	"crypto/rand"
	"crypto/tls"
	"encoding/hex"
	"errors"
	"fmt"
	"mime"
	"net"
	"net/mail"
	"strings"
	"sync/atomic"
	"time"

	"github.com/emersion/go-sasl"
	"github.com/emersion/go-smtp"
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

// How long the steps of one delivery may take. The context bounds them too:
// the mail job's context ends at shutdown.
const (
	dialTimeout    = 30 * time.Second
	commandTimeout = time.Minute
	dataTimeout    = 5 * time.Minute
)

// SMTP sends mail through a submission server: over STARTTLS, which it
// requires unless the server is on this machine (loopback), where a relay
// without TLS is common and the password never crosses a network.
type SMTP struct {
	cfg    SMTPConfig
	sender string // the envelope sender, the bare address of From
	domain string // From's domain, for Message-IDs
	host   string
	tls    bool // TLS required
	// plain is set once a loopback server turned out to offer no STARTTLS.
	plain atomic.Bool
}

func NewSMTP(cfg SMTPConfig) (*SMTP, error) {
	if cfg.From == "" {
		return nil, fmt.Errorf("smtp: a From address is required")
	}
	from, err := mail.ParseAddress(cfg.From)
	if err != nil {
		return nil, fmt.Errorf("smtp: From address %q: %w", cfg.From, err)
	}
	at := strings.LastIndexByte(from.Address, '@')
	if at < 0 {
		return nil, fmt.Errorf("smtp: From address %q has no domain", cfg.From)
	}
	host, _, err := net.SplitHostPort(cfg.Addr)
	if err != nil {
		return nil, fmt.Errorf("smtp: address %q: %w", cfg.Addr, err)
	}
	return &SMTP{cfg: cfg, sender: from.Address, domain: from.Address[at+1:], host: host, tls: !isLoopback(host)}, nil
}

func isLoopback(host string) bool {
	if strings.EqualFold(host, "localhost") {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// ErrNoTLS is a remote server that does not offer STARTTLS: the message and
// the password would cross the network in clear.
var ErrNoTLS = errors.New("smtp: the server does not offer STARTTLS, which a server not on this machine must")

// Send delivers one message. It returns when the context ends, having
// closed the connection: nothing of it is left running.
func (m *SMTP) Send(ctx context.Context, to, subject, body string) error {
	if strings.ContainsAny(to, "\r\n") {
		return fmt.Errorf("smtp: bad recipient %q", to)
	}
	msg, err := m.message(to, subject, body, time.Now())
	if err != nil {
		return err
	}
	plain := !m.tls && m.plain.Load()
	err = m.attempt(ctx, to, msg, plain)
	if errors.Is(err, errNoStartTLS) && !m.tls {
		// A local relay without TLS: remembered, so that the next message
		// goes in clear at once.
		m.plain.Store(true)
		err = m.attempt(ctx, to, msg, true)
	}
	if errors.Is(err, errNoStartTLS) {
		return ErrNoTLS
	}
	return err
}

// errNoStartTLS is a server that did not offer STARTTLS; the client has
// closed the connection by then.
var errNoStartTLS = errors.New("no STARTTLS")

func (m *SMTP) attempt(ctx context.Context, to string, msg []byte, plain bool) error {
	d := net.Dialer{Timeout: dialTimeout}
	conn, err := d.DialContext(ctx, "tcp", m.cfg.Addr)
	if err != nil {
		return fmt.Errorf("smtp: %w", err)
	}
	// Closing the connection is what interrupts a read or write the
	// server never answers.
	stop := context.AfterFunc(ctx, func() { conn.Close() })
	defer stop()
	err = m.deliver(conn, to, msg, plain)
	if ctx.Err() != nil {
		conn.Close()
		return ctx.Err()
	}
	return err
}

func (m *SMTP) deliver(conn net.Conn, to string, msg []byte, plain bool) error {
	var c *smtp.Client
	if plain {
		c = smtp.NewClient(conn)
	} else {
		var err error
		// The library offers STARTTLS only as the first step of a client.
		c, err = smtp.NewClientStartTLS(conn, &tls.Config{ServerName: m.host, MinVersion: tls.VersionTLS12})
		if err != nil {
			conn.Close()
			var se *smtp.SMTPError
			if !errors.As(err, &se) && strings.Contains(err.Error(), "support STARTTLS") {
				return errNoStartTLS
			}
			return fmt.Errorf("smtp: STARTTLS: %w", err)
		}
	}
	defer c.Close()
	c.CommandTimeout = commandTimeout
	c.SubmissionTimeout = dataTimeout
	if m.cfg.Username != "" {
		if err := c.Auth(sasl.NewPlainClient("", m.cfg.Username, m.cfg.Password)); err != nil {
			return fmt.Errorf("smtp: authenticate: %w", err)
		}
	}
	if err := c.Mail(m.sender, nil); err != nil {
		return fmt.Errorf("smtp: %w", err)
	}
	if err := c.Rcpt(to, nil); err != nil {
		return fmt.Errorf("smtp: %w", err)
	}
	w, err := c.Data()
	if err != nil {
		return fmt.Errorf("smtp: %w", err)
	}
	if _, err := w.Write(msg); err != nil {
		w.Close()
		return fmt.Errorf("smtp: %w", err)
	}
	if err := w.Close(); err != nil {
		return fmt.Errorf("smtp: %w", err)
	}
	return c.Quit()
}

// message is the RFC 5322 text of one e-mail.
func (m *SMTP) message(to, subject, body string, now time.Time) ([]byte, error) {
	var id [16]byte
	if _, err := rand.Read(id[:]); err != nil {
		return nil, err
	}
	msg := "From: " + m.cfg.From + "\r\n" +
		"To: " + to + "\r\n" +
		"Subject: " + mime.QEncoding.Encode("utf-8", subject) + "\r\n" +
		"Date: " + now.UTC().Format(time.RFC1123Z) + "\r\n" +
		"Message-ID: <" + hex.EncodeToString(id[:]) + "@" + m.domain + ">\r\n" +
		"MIME-Version: 1.0\r\n" +
		"Content-Type: text/plain; charset=utf-8\r\n" +
		"Content-Transfer-Encoding: 8bit\r\n\r\n" +
		strings.ReplaceAll(body, "\n", "\r\n") + "\r\n"
	return []byte(msg), nil
}
