package store

import (
	"database/sql"
	"errors"
	"fmt"
	"strings"

	"github.com/jackc/pgx/v5/pgconn"
	"modernc.org/sqlite"
	sqlite3 "modernc.org/sqlite/lib"

	"github.com/cyberaid/cyberaid/internal/model"
)

// dbErr wraps a database error with what was being done, after turning the
// errors callers act on into the model's sentinels.
func dbErr(err error, format string, args ...any) error {
	if err == nil {
		return nil
	}
	return fmt.Errorf(format+": %w", append(args, translate(err))...)
}

// translate maps missing rows and constraint violations of either backend
// to model errors. The driver's error is not wrapped for those, so that no
// caller comes to depend on one backend's error type; its text is kept.
func translate(err error) error {
	if errors.Is(err, sql.ErrNoRows) {
		return model.ErrNotFound
	}
	var se *sqlite.Error
	if errors.As(err, &se) {
		switch se.Code() {
		case sqlite3.SQLITE_CONSTRAINT_UNIQUE, sqlite3.SQLITE_CONSTRAINT_PRIMARYKEY:
			return fmt.Errorf("%w: %s", model.ErrDuplicate, strings.TrimPrefix(sqliteConstraint(se), "UNIQUE constraint failed: "))
		case sqlite3.SQLITE_CONSTRAINT_FOREIGNKEY:
			return fmt.Errorf("%w: refers to a record that does not exist", model.ErrInvalid)
		case sqlite3.SQLITE_CONSTRAINT_CHECK, sqlite3.SQLITE_CONSTRAINT_NOTNULL:
			return fmt.Errorf("%w: %s", model.ErrInvalid, sqliteConstraint(se))
		}
		return err
	}
	var pe *pgconn.PgError
	if errors.As(err, &pe) {
		switch pe.Code {
		case "23505": // unique_violation
			return fmt.Errorf("%w: %s", model.ErrDuplicate, pgUniqueColumns(pe))
		case "23503": // foreign_key_violation
			return fmt.Errorf("%w: refers to a record that does not exist", model.ErrInvalid)
		case "23514": // check_violation
			return fmt.Errorf("%w: CHECK constraint failed: %s", model.ErrInvalid, pe.ConstraintName)
		case "23502": // not_null_violation
			return fmt.Errorf("%w: NOT NULL constraint failed: %s.%s", model.ErrInvalid, pe.TableName, pe.ColumnName)
		}
	}
	return err
}

// sqliteConstraint extracts SQLite's own words from the driver's message,
// such as "UNIQUE constraint failed: users.email" from "constraint failed:
// UNIQUE constraint failed: users.email (2067)".
func sqliteConstraint(se *sqlite.Error) string {
	msg := se.Error()
	if i := strings.LastIndex(msg, " ("); i >= 0 {
		msg = msg[:i]
	}
	if _, rest, ok := strings.Cut(msg, ": "); ok {
		msg = rest
	}
	return msg
}

// pgUniqueColumns names the columns of a unique violation as SQLite does,
// "users.email", from a detail such as "Key (email)=(a@b.example) already
// exists.", leaving the value out. It falls back to the constraint name.
func pgUniqueColumns(pe *pgconn.PgError) string {
	cols, ok := strings.CutPrefix(pe.Detail, "Key (")
	if ok {
		cols, _, ok = strings.Cut(cols, ")=")
	}
	if !ok || pe.TableName == "" {
		return pe.ConstraintName
	}
	names := strings.Split(cols, ", ")
	for i, c := range names {
		names[i] = pe.TableName + "." + c
	}
	return strings.Join(names, ", ")
}
