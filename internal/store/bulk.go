package store

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"errors"
	"fmt"
	"io"
	"reflect"

	"github.com/jackc/pgx/v5/stdlib"
)

// bulkAppend is queryAppend for exports that read a million rows: it reads
// on a connection of the pool through the driver itself, and scans the
// driver's values with a few type switches. database/sql's Rows.Scan,
// which takes locks and converts each column through reflection, cost a
// sixth of reading a pledge. The scan functions are the ones every other
// read uses, so both paths read a row the same way.
func bulkAppend[T any](ctx context.Context, db *sql.DB, d dialect, scan func(scanner) (T, error), dst []T, query string, args ...any) ([]T, error) {
	args = bindArgs(args)
	c, err := db.Conn(ctx)
	if err != nil {
		return nil, err
	}
	defer c.Close()
	err = c.Raw(func(dc any) error {
		if pc, ok := dc.(*stdlib.Conn); ok {
			// pgx scans each column straight into its destination.
			rows, err := pc.Conn().Query(ctx, d.rebind(query), args...)
			if err != nil {
				return err
			}
			defer rows.Close()
			for rows.Next() {
				v, err := scan(rows)
				if err != nil {
					return err
				}
				dst = append(dst, v)
			}
			return rows.Err()
		}
		qc, ok := dc.(driver.QueryerContext)
		if !ok {
			return fmt.Errorf("the %s driver cannot run queries directly", d)
		}
		named := make([]driver.NamedValue, len(args))
		for i, a := range args {
			v, err := driver.DefaultParameterConverter.ConvertValue(a)
			if err != nil {
				return fmt.Errorf("argument %d: %w", i+1, err)
			}
			named[i] = driver.NamedValue{Ordinal: i + 1, Value: v}
		}
		rows, err := qc.QueryContext(ctx, d.rebind(query), named)
		if err != nil {
			return err
		}
		defer rows.Close()
		vs := valuesScanner(make([]driver.Value, len(rows.Columns())))
		for {
			if err := ctx.Err(); err != nil {
				return err
			}
			if err := rows.Next(vs); err == io.EOF {
				return nil
			} else if err != nil {
				return err
			}
			v, err := scan(vs)
			if err != nil {
				return err
			}
			dst = append(dst, v)
		}
	})
	return dst, err
}

// valuesScanner scans the values of one row as database/sql would for the
// destinations the store uses: strings, integers, booleans, codes (named string
// types) and sql.Scanner implementations.
type valuesScanner []driver.Value

func (vs valuesScanner) Scan(dest ...any) error {
	if len(dest) != len(vs) {
		return fmt.Errorf("scan: %d destinations for %d columns", len(dest), len(vs))
	}
	for i, d := range dest {
		if err := assignValue(d, vs[i]); err != nil {
			return fmt.Errorf("scan column %d: %w", i, err)
		}
	}
	return nil
}

var errUnsupportedScan = errors.New("unsupported conversion")

func assignValue(dest any, src driver.Value) error {
	switch d := dest.(type) {
	case sql.Scanner:
		return d.Scan(src)
	case *string:
		switch s := src.(type) {
		case string:
			*d = s
			return nil
		case []byte:
			*d = string(s)
			return nil
		}
	case *int64:
		if n, ok := src.(int64); ok {
			*d = n
			return nil
		}
	case *int:
		// Small counts, such as a requirement's review round.
		if n, ok := src.(int64); ok {
			*d = int(n)
			return nil
		}
	case *bool:
		// PostgreSQL sends a boolean; SQLite stores 0 or 1.
		switch b := src.(type) {
		case bool:
			*d = b
			return nil
		case int64:
			*d = b != 0
			return nil
		}
	default:
		// Codes such as model.TLP: a string stored under its own type.
		if s, ok := src.(string); ok {
			if rv := reflect.ValueOf(dest); rv.Kind() == reflect.Pointer && rv.Elem().Kind() == reflect.String {
				rv.Elem().SetString(s)
				return nil
			}
		}
	}
	return fmt.Errorf("%w: %T into %T", errUnsupportedScan, src, dest)
}
