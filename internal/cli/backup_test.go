package cli_test

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/cyberaid/cyberaid/internal/apptest"
	"github.com/cyberaid/cyberaid/internal/audit"
	"github.com/cyberaid/cyberaid/internal/model"
	"github.com/cyberaid/cyberaid/internal/pledges"
	"github.com/cyberaid/cyberaid/internal/requirements"
	"github.com/cyberaid/cyberaid/internal/store"
	"github.com/cyberaid/cyberaid/internal/store/storetest"
)

var backupNow = time.Date(2026, 6, 15, 10, 0, 0, 0, time.UTC)

func ref[T any](v T) *T { return &v }

func openDir(t *testing.T, dir string) *store.DB {
	t.Helper()
	s, err := store.Open(context.Background(), store.Config{DataDir: dir})
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Migrate(context.Background()); err != nil {
		t.Fatal(err)
	}
	return s
}

type counts struct{ requirements, pledges, events int }

func countRecords(t *testing.T, s *store.DB) counts {
	t.Helper()
	var c counts
	for _, q := range []struct {
		sql string
		n   *int
	}{
		{`SELECT COUNT(*) FROM requirements`, &c.requirements},
		{`SELECT COUNT(*) FROM pledges`, &c.pledges},
		{`SELECT COUNT(*) FROM audit_events`, &c.events},
	} {
		if err := s.SQLDB().QueryRow(q.sql).Scan(q.n); err != nil {
			t.Fatal(err)
		}
	}
	return c
}

// TestBackupUnderWriteLoad: a backup taken while requirements and pledges
// are being written restores into a fresh data directory with everything
// committed before it started and an intact audit chain.
func TestBackupUnderWriteLoad(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	s := openDir(t, dir)
	defer s.Close()
	a, cast := apptest.New(t, s, func() time.Time { return backupNow })
	need := func() requirements.Input {
		return requirements.Input{
			Title: ref("Backup servers"), Description: ref("Offline copies of the registers"),
			Sector: ref(model.Sector("energy")), Category: ref(model.Category("edr")),
			LineOfEffort: ref(model.LineSupport), Priority: ref(model.Priority("high")),
			EstimatedEURMinor: ref(int64(100_000_00)), NeededBy: ref(model.DateOf(backupNow).AddDays(60)), TLP: ref(model.TLPClear),
		}
	}
	r, err := a.Requirements.Create(ctx, cast.Viewer("requester"), need())
	if err != nil {
		t.Fatal(err)
	}
	if _, err := a.Requirements.Submit(ctx, cast.Viewer("requester"), r.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := a.Requirements.Validate(ctx, cast.Viewer("validator"), r.ID, model.DecisionApprove, ""); err != nil {
		t.Fatal(err)
	}

	// Writers run through the services until the backup is done.
	stop := make(chan struct{})
	var wg sync.WaitGroup
	var written atomic.Int64
	var werr atomic.Value
	write := func(fn func() error) {
		defer wg.Done()
		for {
			select {
			case <-stop:
				return
			default:
			}
			if err := fn(); err != nil {
				werr.Store(err)
				return
			}
			written.Add(1)
		}
	}
	wg.Add(4)
	for range 2 {
		go write(func() error {
			_, err := a.Requirements.Create(ctx, cast.Viewer("requester"), need())
			return err
		})
		go write(func() error {
			_, err := a.Pledges.Create(ctx, cast.Viewer("donor"), pledges.Input{RequirementID: &r.ID, AmountMinor: ref(int64(1_000_00)), Currency: ref("EUR")})
			return err
		})
	}
	for written.Load() < 20 && werr.Load() == nil {
		time.Sleep(5 * time.Millisecond)
	}
	before := countRecords(t, s)
	file := filepath.Join(t.TempDir(), "copy.db")
	res := run(t, "", "backup", file, "--data-dir", dir)
	after := countRecords(t, s)
	close(stop)
	wg.Wait()
	if err, _ := werr.Load().(error); err != nil {
		t.Fatalf("a writer failed: %v", err)
	}
	if res.code != 0 || !strings.Contains(res.stdout, "backed up to") {
		t.Fatalf("backup: %+v", res)
	}
	if final := countRecords(t, s); final.requirements+final.pledges <= before.requirements+before.pledges {
		t.Fatalf("no write went on around the backup: %+v then %+v", before, final)
	}

	fresh := t.TempDir()
	res = run(t, "", "restore", file, "--data-dir", fresh)
	if res.code != 0 || !strings.Contains(res.stdout, "audit chain intact") {
		t.Fatalf("restore: %+v", res)
	}
	restored := openDir(t, fresh)
	defer restored.Close()
	got := countRecords(t, restored)
	if got.requirements < before.requirements || got.pledges < before.pledges || got.events < before.events ||
		got.requirements > after.requirements || got.pledges > after.pledges || got.events > after.events {
		t.Fatalf("restored %+v; committed before the backup %+v, after it %+v", got, before, after)
	}
	rep, err := audit.Verify(ctx, restored)
	if err != nil || !rep.OK || rep.Events != int64(got.events) {
		t.Fatalf("restored audit chain: %+v %v", rep, err)
	}
	// Each record of the copy has its audit events: the copy is one moment.
	if got.events < got.requirements+got.pledges {
		t.Fatalf("restored %+v: fewer audit events than records", got)
	}

	// Into a store that holds records: refused, the store unchanged.
	res = run(t, "", "restore", file, "--data-dir", fresh)
	if res.code != 1 || !strings.Contains(res.stderr, "holds records already") {
		t.Fatalf("restore into a full store: %+v", res)
	}
	// Over an existing file: refused.
	if res = run(t, "", "backup", file, "--data-dir", dir); res.code != 1 || !strings.Contains(res.stderr, "exists already") {
		t.Fatalf("backup over a file: %+v", res)
	}
}

// TestRestoreRefusesABrokenChain: a copy whose audit log was edited is not
// restored, and nothing of it is left in the data directory.
func TestRestoreRefusesABrokenChain(t *testing.T) {
	src := t.TempDir()
	for _, name := range []string{"Estonia", "Latvia", "Lithuania"} {
		if r := run(t, "", "org", "add", "--name", name, "--kind", "state", "--participation", "member", "--country", "EE", "--data-dir", src); r.code != 0 {
			t.Fatalf("org add: %+v", r)
		}
	}
	file := filepath.Join(t.TempDir(), "copy.db")
	if r := run(t, "", "backup", file, "--data-dir", src); r.code != 0 {
		t.Fatalf("backup: %+v", r)
	}
	// The copy edited: opened as the database of a directory of its own.
	edit := t.TempDir()
	data, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(edit, "cyberaid.db"), data, 0o600); err != nil {
		t.Fatal(err)
	}
	s := openDir(t, edit)
	storetest.SetAuditField(t, s, 2, "after", `{"name":"Somewhere else"}`)
	if _, err := s.SQLDB().Exec(`PRAGMA wal_checkpoint(TRUNCATE)`); err != nil {
		t.Fatal(err)
	}
	s.Close()

	target := t.TempDir()
	r := run(t, "", "restore", filepath.Join(edit, "cyberaid.db"), "--data-dir", target)
	if r.code != 1 || !strings.Contains(r.stderr, "BROKEN at event 2") {
		t.Fatalf("restore of a broken copy: %+v", r)
	}
	t2 := openDir(t, target)
	defer t2.Close()
	if empty, err := t2.Empty(context.Background()); err != nil || !empty {
		t.Fatalf("the refused copy was left in the data directory: %v %v", empty, err)
	}
	entries, _ := os.ReadDir(target)
	for _, e := range entries {
		if strings.HasPrefix(e.Name(), ".restore-") {
			t.Errorf("staging left behind: %s", e.Name())
		}
	}
}

// TestBackupPostgresAdvice: PostgreSQL is backed up with its own tools, and
// the command says how.
func TestBackupPostgresAdvice(t *testing.T) {
	url := storetest.NewPostgresSchema(t)
	for _, cmd := range []string{"backup", "restore"} {
		r := run(t, "", cmd, filepath.Join(t.TempDir(), "x"), "--database-url", url)
		if r.code != 1 || !strings.Contains(r.stderr, "pg_dump -Fc") || !strings.Contains(r.stderr, "pg_restore") {
			t.Fatalf("%s on PostgreSQL: %+v", cmd, r)
		}
	}
}
