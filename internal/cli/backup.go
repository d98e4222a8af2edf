package cli

import (
	"fmt"
	"os"

	"github.com/cyberaid/cyberaid/internal/audit"
	"github.com/cyberaid/cyberaid/internal/store"
)

// backup writes a consistent copy of the SQLite database while servers go
// on serving it.
func (e *env) backup(args []string) error {
	fs, db := newFlagSet("backup", e)
	if err := parse(fs, args); err != nil {
		return err
	}
	if fs.NArg() != 1 {
		return usageError{"backup needs one FILE to write"}
	}
	if db.databaseURL != "" {
		return store.ErrBackupUnsupported
	}
	file := fs.Arg(0)
	s, err := e.open(db)
	if err != nil {
		return err
	}
	defer s.Close()
	if err := s.Backup(e.ctx, file); err != nil {
		return err
	}
	info, err := os.Stat(file)
	if err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "backed up to %s (%d bytes)\n", file, info.Size())
	return nil
}

// restore makes a backup the database of an empty data directory, once its
// audit log verifies.
func (e *env) restore(args []string) error {
	fs, db := newFlagSet("restore", e)
	if err := parse(fs, args); err != nil {
		return err
	}
	if fs.NArg() != 1 {
		return usageError{"restore needs the backup FILE to read"}
	}
	if db.databaseURL != "" {
		return store.ErrBackupUnsupported
	}
	file := fs.Arg(0)
	var rep audit.Report
	err := store.RestoreSQLite(e.ctx, db.dataDir, file, func(d *store.DB) error {
		var err error
		if rep, err = audit.Verify(e.ctx, d); err != nil {
			return err
		}
		if !rep.OK {
			return fmt.Errorf("the copy's audit chain is BROKEN at event %d (%s): nothing was restored", rep.BadSeq, rep.Problem)
		}
		return nil
	})
	if err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "restored %s into %s: audit chain intact, %d events, head %s\n", file, db.dataDir, rep.Events, rep.Head)
	return nil
}
