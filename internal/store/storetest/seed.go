package storetest

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/cyberaid/cyberaid/internal/store"
)

// CopyPledge fills the database with n copies of the pledge with id
// template, for benchmarks: in one statement, since a million inserts one
// by one would take longer than what is measured. The copies' ids sort
// after the template's; their labels cycle through CLEAR, GREEN and AMBER.
func CopyPledge(tb testing.TB, s *store.DB, template string, n int) {
	tb.Helper()
	cols := `donor_org_id, requirement_id, amount_minor, currency, eur_minor, rate, rate_date, pledge_date, kind,
	description, channel, status, review, review_comment, created_by, created_at, updated_at,
	beneficiary_org_id, sector, category, period_start, period_end`
	from := "p." + strings.ReplaceAll(strings.ReplaceAll(cols, "\n\t", " "), ", ", ", p.")
	tlp := `CASE i % 3 WHEN 0 THEN 'clear' WHEN 1 THEN 'green' ELSE 'amber' END`
	var q string
	switch s.Dialect() {
	case "sqlite":
		q = `WITH RECURSIVE seq(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM seq WHERE i < ?)
			INSERT INTO pledges (id, tlp, ` + cols + `)
			SELECT p.id || printf('-%08d', i), ` + tlp + `, ` + from + ` FROM seq, pledges p WHERE p.id = ?`
	default:
		q = `INSERT INTO pledges (id, tlp, ` + cols + `)
			SELECT p.id || '-' || lpad(i::text, 8, '0'), ` + tlp + `, ` + from + ` FROM generate_series(1, $1::int) AS i, pledges p WHERE p.id = $2`
	}
	if _, err := s.SQLDB().ExecContext(context.Background(), q, n, template); err != nil {
		tb.Fatal(fmt.Errorf("copy pledge: %w", err))
	}
	if s.Dialect() == "postgres" {
		// Leave the table as autovacuum would, so that a benchmark does not
		// measure autovacuum catching up on a million new rows.
		if _, err := s.SQLDB().ExecContext(context.Background(), `VACUUM ANALYZE pledges`); err != nil {
			tb.Fatal(fmt.Errorf("vacuum pledges: %w", err))
		}
	}
}
