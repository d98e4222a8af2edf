package store

import (
	"context"
	"database/sql/driver"
	"errors"
	"io"
	"net"
	"strings"

	"github.com/jackc/pgx/v5/pgconn"
)

// brokenConn reports whether err means that the connection a statement ran
// on is gone (the server restarted, an administrator or a proxy ended it)
// rather than that the statement failed: the pool then hands out another
// connection, and a read may be tried again. database/sql retries by itself
// only when the driver knew before sending; a connection found dead while
// reading the answer surfaces as one of these.
func brokenConn(ctx context.Context, err error) bool {
	if err == nil || ctx.Err() != nil {
		return false
	}
	if errors.Is(err, driver.ErrBadConn) || pgconn.SafeToRetry(err) {
		return true
	}
	var pe *pgconn.PgError
	if errors.As(err, &pe) {
		// Class 08 is "connection exception"; 57P01–57P03 are the server
		// shutting down or ending this backend.
		return strings.HasPrefix(pe.Code, "08") || pe.Code == "57P01" || pe.Code == "57P02" || pe.Code == "57P03"
	}
	if pgconn.Timeout(err) {
		return false
	}
	var ne net.Error
	return errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, net.ErrClosed) ||
		errors.As(err, &ne) || strings.Contains(err.Error(), "conn closed")
}
