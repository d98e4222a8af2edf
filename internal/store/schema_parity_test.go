package store_test

import (
	"context"
	"database/sql"
	"fmt"
	"regexp"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/cyberaid/cyberaid/internal/store/storetest"
)

// TestSchemaParity: after every migration, the SQLite and PostgreSQL schemas
// hold the same tables, columns (compatible types, same nullability),
// indexes (names and columns) and constraints (primary keys, foreign keys,
// unique, and checks by the columns they read). A migration written for one
// dialect and forgotten, or written differently, in the other fails here.
// Deliberate differences are in schemaParityAllowed, each with its reason.
func TestSchemaParity(t *testing.T) {
	t.Parallel()
	lite := sqliteSchema(t, storetest.OpenSQLite(t).SQLDB())
	pg, pgTypes := postgresSchema(t, storetest.OpenPostgres(t).SQLDB())
	if len(lite) < 10 {
		t.Fatalf("only %d facts read from SQLite's schema", len(lite))
	}
	for _, f := range diffFacts(lite, pg) {
		if reason, ok := schemaParityAllowed[f]; ok {
			t.Logf("allowed: %s (%s)", f, reason)
			continue
		}
		if reason, ok := typedCheck(f, pgTypes); ok {
			t.Logf("allowed: %s (%s)", f, reason)
			continue
		}
		t.Error(f)
	}
	for f := range schemaParityAllowed {
		if !slices.Contains(diffFacts(lite, pg), f) {
			t.Errorf("schemaParityAllowed names %q, which is no longer a difference: remove it", f)
		}
	}
	kinds := map[string]int{}
	for f := range lite {
		kind, _, _ := strings.Cut(f, " ")
		kinds[kind]++
	}
	t.Logf("%d facts compared: %v", len(lite), kinds)
}

// schemaParityAllowed: differences between the dialects that are meant,
// each with why. A key is a line of diffFacts.
var schemaParityAllowed = map[string]string{
	"only in SQLite: column goose_db_version.tstamp text null":                                               "the migration tool's own table, which it creates differently per dialect",
	"only in PostgreSQL: column goose_db_version.tstamp text not null":                                       "the migration tool's own table, which it creates differently per dialect",
	"only in PostgreSQL: column search_documents.words tsvector null":                                        "PostgreSQL's full-text index of the documents; SQLite's is the FTS5 table search_fts",
	"only in PostgreSQL: index search_documents_words on search_documents(words) unique=false partial=false": "the GIN index of PostgreSQL's full-text search; SQLite's is the FTS5 table search_fts",
	"only in SQLite: table pledge_sums_by_statement":                                                         "SQLite has no setting local to a transaction: PostgreSQL's insert trigger of pledge_sums reads cyberaid.pledge_sums_by_statement instead (migration 00045)",
	"only in SQLite: column pledge_sums_by_statement.one integer not null":                                   "the same table's one column",
	"only in SQLite: primary key pledge_sums_by_statement(one)":                                              "the same table's key",
	"only in SQLite: check pledge_sums_by_statement(one)":                                                    "the same table's check that it holds one row at most",
}

var onlySQLiteCheck = regexp.MustCompile(`^only in SQLite: check (\w+)\((\w+)\)$`)

// typedCheck allows a check that SQLite alone has on one column whose
// PostgreSQL type already enforces it: SQLite has no date or boolean type,
// so its schema checks that a date is written YYYY-MM-DD and a flag is 0 or
// 1, which PostgreSQL's date and boolean types do themselves.
func typedCheck(fact string, pgTypes map[string]string) (string, bool) {
	m := onlySQLiteCheck.FindStringSubmatch(fact)
	if m == nil {
		return "", false
	}
	switch typ := pgTypes[m[1]+"."+m[2]]; typ {
	case "date", "boolean":
		return "PostgreSQL's " + typ + " type enforces it", true
	}
	return "", false
}

// schemaFacts is a schema as a set of comparable lines, such as
// "column users.email text not null".
type schemaFacts map[string]bool

// diffFacts lists, sorted, what one schema has and the other lacks.
func diffFacts(lite, pg schemaFacts) []string {
	var out []string
	for f := range lite {
		if !pg[f] {
			out = append(out, "only in SQLite: "+f)
		}
	}
	for f := range pg {
		if !lite[f] {
			out = append(out, "only in PostgreSQL: "+f)
		}
	}
	sort.Strings(out)
	return out
}

// typeClass maps a declared column type to what it stores, so that the
// dialects' spellings of one kind compare equal.
func typeClass(t *testing.T, dialect, typ string) string {
	typ = strings.ToLower(strings.TrimSpace(typ))
	if i := strings.IndexByte(typ, '('); i >= 0 {
		typ = strings.TrimSpace(typ[:i])
	}
	switch typ {
	case "text", "character varying", "varchar", "character", "char", "uuid", "json", "jsonb", "date",
		"timestamp", "timestamp with time zone", "timestamp without time zone", "timestamptz":
		return "text"
	case "integer", "int", "bigint", "smallint", "int8", "int4", "boolean", "bool":
		return "integer"
	case "real", "double precision", "double", "float", "numeric", "decimal":
		return "real"
	case "blob", "bytea":
		return "blob"
	case "tsvector":
		return "tsvector"
	}
	t.Errorf("%s: unknown column type %q: add it to typeClass", dialect, typ)
	return typ
}

func queryStrings(t *testing.T, db *sql.DB, q string, args ...any) [][]string {
	t.Helper()
	rows, err := db.QueryContext(context.Background(), q, args...)
	if err != nil {
		t.Fatalf("%s: %v", q, err)
	}
	defer rows.Close()
	cols, _ := rows.Columns()
	var out [][]string
	for rows.Next() {
		vals := make([]sql.NullString, len(cols))
		ptrs := make([]any, len(cols))
		for i := range vals {
			ptrs[i] = &vals[i]
		}
		if err := rows.Scan(ptrs...); err != nil {
			t.Fatal(err)
		}
		row := make([]string, len(cols))
		for i, v := range vals {
			row[i] = v.String
		}
		out = append(out, row)
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}

func nullability(notNull bool) string {
	if notNull {
		return "not null"
	}
	return "null"
}

var checkKeyword = regexp.MustCompile(`(?i)\bcheck\s*\(`)

// sqliteChecks returns the balanced expression of every CHECK in a CREATE
// TABLE statement: SQLite keeps checks only in the statement's text.
func sqliteChecks(create string) []string {
	var out []string
	for _, loc := range checkKeyword.FindAllStringIndex(create, -1) {
		depth, start := 0, loc[1]-1
		for i := start; i < len(create); i++ {
			switch create[i] {
			case '(':
				depth++
			case ')':
				depth--
			}
			if depth == 0 {
				out = append(out, create[start+1:i])
				break
			}
		}
	}
	return out
}

// checkColumns names the columns an expression reads, sorted.
func checkColumns(expr string, columns []string) string {
	var out []string
	for _, c := range columns {
		if regexp.MustCompile(`(?i)(^|[^a-z0-9_])"?` + regexp.QuoteMeta(c) + `"?([^a-z0-9_]|$)`).MatchString(expr) {
			out = append(out, c)
		}
	}
	return strings.Join(out, ",")
}

func sqliteSchema(t *testing.T, db *sql.DB) schemaFacts {
	f := schemaFacts{}
	// The full-text index is SQLite's own kind of table (FTS5, with the
	// shadow tables it keeps); PostgreSQL holds the same index as a column
	// of search_documents, which schemaParityAllowed names.
	tables := queryStrings(t, db, `SELECT name, sql FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name NOT LIKE 'search_fts%' ORDER BY name`)
	for _, tab := range tables {
		name, create := tab[0], tab[1]
		f["table "+name] = true
		var columns, pk []string
		pkOrder := map[string]string{}
		for _, c := range queryStrings(t, db, `SELECT name, type, "notnull", pk FROM pragma_table_info(?)`, name) {
			columns = append(columns, c[0])
			// A primary key column is never null, whether or not it says so.
			f[fmt.Sprintf("column %s.%s %s %s", name, c[0], typeClass(t, "sqlite", c[1]), nullability(c[2] == "1" || c[3] != "0"))] = true
			if c[3] != "0" {
				pkOrder[c[3]] = c[0]
			}
		}
		for i := 1; i <= len(pkOrder); i++ {
			pk = append(pk, pkOrder[fmt.Sprint(i)])
		}
		if len(pk) > 0 {
			f[fmt.Sprintf("primary key %s(%s)", name, strings.Join(pk, ","))] = true
		}
		for _, ix := range queryStrings(t, db, `SELECT name, "unique", origin, partial FROM pragma_index_list(?)`, name) {
			var cols []string
			for _, c := range queryStrings(t, db, `SELECT coalesce(name, '<expression>') FROM pragma_index_info(?) ORDER BY seqno`, ix[0]) {
				cols = append(cols, c[0])
			}
			switch ix[2] {
			case "pk":
				// Read from the columns above.
			case "u":
				f[fmt.Sprintf("unique %s(%s)", name, strings.Join(cols, ","))] = true
			default:
				f[fmt.Sprintf("index %s on %s(%s) unique=%v partial=%v", ix[0], name, strings.Join(cols, ","), ix[1] == "1", ix[3] == "1")] = true
			}
		}
		fks := map[string][][]string{}
		for _, fk := range queryStrings(t, db, `SELECT id, "table", "from", "to", on_delete FROM pragma_foreign_key_list(?) ORDER BY id, seq`, name) {
			fks[fk[0]] = append(fks[fk[0]], fk[1:])
		}
		for _, parts := range fks {
			var from, to []string
			for _, p := range parts {
				from, to = append(from, p[1]), append(to, p[2])
			}
			f[fmt.Sprintf("foreign key %s(%s) references %s(%s) on delete %s", name, strings.Join(from, ","), parts[0][0], strings.Join(to, ","), strings.ToLower(parts[0][3]))] = true
		}
		for _, expr := range sqliteChecks(create) {
			f[fmt.Sprintf("check %s(%s)", name, checkColumns(expr, columns))] = true
		}
	}
	return f
}

// postgresSchema returns the schema's facts, and each column's type by
// "table.column".
func postgresSchema(t *testing.T, db *sql.DB) (schemaFacts, map[string]string) {
	f := schemaFacts{}
	types := map[string]string{}
	for _, tab := range queryStrings(t, db, `SELECT table_name FROM information_schema.tables
		WHERE table_schema = current_schema() AND table_type = 'BASE TABLE'`) {
		f["table "+tab[0]] = true
	}
	// A view's columns are the formula's, not the schema's: SQLite's
	// facts are its tables' too.
	for _, c := range queryStrings(t, db, `SELECT c.table_name, c.column_name, c.data_type, c.is_nullable FROM information_schema.columns c
		JOIN information_schema.tables t ON t.table_schema = c.table_schema AND t.table_name = c.table_name
		WHERE c.table_schema = current_schema() AND t.table_type = 'BASE TABLE'`) {
		f[fmt.Sprintf("column %s.%s %s %s", c[0], c[1], typeClass(t, "postgres", c[2]), nullability(c[3] == "NO"))] = true
		types[c[0]+"."+c[1]] = c[2]
	}
	// Constraints, with their columns in key order.
	cons := queryStrings(t, db, `
		SELECT c.contype, t.relname,
			(SELECT string_agg(a.attname, ',' ORDER BY k.n) FROM unnest(c.conkey) WITH ORDINALITY k(attnum, n)
				JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = k.attnum),
			coalesce(r.relname, ''),
			coalesce((SELECT string_agg(a.attname, ',' ORDER BY k.n) FROM unnest(c.confkey) WITH ORDINALITY k(attnum, n)
				JOIN pg_attribute a ON a.attrelid = c.confrelid AND a.attnum = k.attnum), ''),
			c.confdeltype
		FROM pg_constraint c
		JOIN pg_class t ON t.oid = c.conrelid
		JOIN pg_namespace n ON n.oid = t.relnamespace
		LEFT JOIN pg_class r ON r.oid = c.confrelid
		WHERE n.nspname = current_schema() AND c.contype IN ('p', 'u', 'f', 'c')`)
	onDelete := map[string]string{"a": "no action", "r": "restrict", "c": "cascade", "n": "set null", "d": "set default"}
	for _, c := range cons {
		switch c[0] {
		case "p":
			f[fmt.Sprintf("primary key %s(%s)", c[1], c[2])] = true
		case "u":
			f[fmt.Sprintf("unique %s(%s)", c[1], c[2])] = true
		case "f":
			f[fmt.Sprintf("foreign key %s(%s) references %s(%s) on delete %s", c[1], c[2], c[3], c[4], onDelete[c[5]])] = true
		case "c":
			// By column, in the order the table declares them, as for SQLite.
			f[fmt.Sprintf("check %s(%s)", c[1], postgresColumnOrder(t, db, c[1], c[2]))] = true
		}
	}
	// Indexes that do not back a constraint: the ones CREATE INDEX made.
	for _, ix := range queryStrings(t, db, `
		SELECT i.relname, t.relname, x.indisunique, x.indpred IS NOT NULL,
			(SELECT string_agg(coalesce(a.attname, '<expression>'), ',' ORDER BY k.n) FROM unnest(x.indkey) WITH ORDINALITY k(attnum, n)
				LEFT JOIN pg_attribute a ON a.attrelid = x.indrelid AND a.attnum = k.attnum)
		FROM pg_index x
		JOIN pg_class i ON i.oid = x.indexrelid
		JOIN pg_class t ON t.oid = x.indrelid
		JOIN pg_namespace n ON n.oid = t.relnamespace
		WHERE n.nspname = current_schema()
			AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = x.indexrelid AND c.conrelid = x.indrelid)`) {
		f[fmt.Sprintf("index %s on %s(%s) unique=%v partial=%v", ix[0], ix[1], ix[4], ix[2] == "true", ix[3] == "true")] = true
	}
	return f, types
}

// postgresColumnOrder sorts the columns cols lists by their position in
// table.
func postgresColumnOrder(t *testing.T, db *sql.DB, table, cols string) string {
	want := strings.Split(cols, ",")
	var out []string
	for _, c := range queryStrings(t, db, `SELECT column_name FROM information_schema.columns
		WHERE table_schema = current_schema() AND table_name = $1 ORDER BY ordinal_position`, table) {
		if slices.Contains(want, c[0]) {
			out = append(out, c[0])
		}
	}
	return strings.Join(out, ",")
}
