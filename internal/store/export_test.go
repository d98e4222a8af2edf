package store

import "context"

// RedoLastMigration undoes the newest migration and applies it again, as
// an existing database meets it for the first time.
func (d *DB) RedoLastMigration(ctx context.Context) error {
	p, err := d.migrations(ctx, false)
	if err != nil {
		return err
	}
	if _, err := p.Down(ctx); err != nil {
		return err
	}
	_, err = p.Up(ctx)
	return err
}
