package storetest

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/cyberaid/cyberaid/internal/model"
	"github.com/cyberaid/cyberaid/internal/store"
)

// testGroupCommit runs many commands at once, as concurrent requests do,
// some failing and one panicking, and checks that each behaves as a
// transaction of its own although they commit in groups: a command that
// succeeds is committed, with its audit event, when InTx returns (another
// connection reads it); one that fails gets its own error and leaves
// nothing; no command sees what a failed one wrote; the chain of audit
// events has one event per successful command, in order.
func testGroupCommit(t *testing.T, s *store.DB) {
	ctx := ctxOf(t)
	const commands = 48
	var failed sync.Map // id of an organisation a failed command wrote → true

	// A command alone is the first of its group, which runs without a
	// savepoint: failing, it still leaves nothing, and the next command
	// starts clean.
	alone := model.Organisation{Name: "Fails alone", Kind: model.KindState, Participation: model.Member, Country: "EE"}
	err := s.InTx(ctx, func(q store.Queries) error {
		if err := q.CreateOrganisation(ctx, &alone); err != nil {
			return err
		}
		return errBoom
	})
	if !errors.Is(err, errBoom) {
		t.Fatalf("a command failing alone returned %v, not its own error", err)
	}
	failed.Store(alone.ID, true)
	if _, err := s.OrganisationByID(ctx, alone.ID); !errors.Is(err, model.ErrNotFound) {
		t.Fatalf("a command failing alone kept its write (%v)", err)
	}
	// Alone, a command whose caller gives up while it runs, and one that
	// panics, leave nothing either.
	gaveUp, giveUp := context.WithCancel(ctx)
	cancelled := model.Organisation{Name: "Given up alone", Kind: model.KindState, Participation: model.Member, Country: "EE"}
	err = s.InTx(gaveUp, func(q store.Queries) error {
		if err := q.CreateOrganisation(ctx, &cancelled); err != nil {
			return err
		}
		giveUp()
		return nil
	})
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("a command whose caller gave up returned %v", err)
	}
	failed.Store(cancelled.ID, true)
	var panicking model.Organisation
	func() {
		defer func() {
			if r := recover(); r != "alone" {
				t.Fatalf("the panic reached its caller as %v", r)
			}
		}()
		s.InTx(ctx, func(q store.Queries) error {
			panicking = model.Organisation{Name: "Panics alone", Kind: model.KindState, Participation: model.Member, Country: "EE"}
			if err := q.CreateOrganisation(ctx, &panicking); err != nil {
				return err
			}
			panic("alone")
		})
	}()
	failed.Store(panicking.ID, true)
	for _, id := range []string{cancelled.ID, panicking.ID} {
		if _, err := s.OrganisationByID(ctx, id); !errors.Is(err, model.ErrNotFound) {
			t.Fatalf("organisation %s of a command alone that did not finish was kept (%v)", id, err)
		}
	}
	// The next command alone commits.
	next := model.Organisation{Name: "Next alone", Kind: model.KindState, Participation: model.Member, Country: "EE"}
	must(t, s.InTx(ctx, func(q store.Queries) error { return q.CreateOrganisation(ctx, &next) }))
	if _, err := s.OrganisationByID(ctx, next.ID); err != nil {
		t.Fatalf("the command after those alone was not committed: %v", err)
	}
	type outcome struct {
		i     int
		orgID string
		err   error
		fails bool
	}
	out := make(chan outcome, commands)
	var wg sync.WaitGroup
	for i := range commands {
		wg.Go(func() {
			o := outcome{i: i, fails: i%5 == 3}
			o.err = s.InTx(ctx, func(q store.Queries) error {
				// What a failed command wrote does not exist for the others.
				var seen []string
				failed.Range(func(id, _ any) bool {
					if _, err := q.OrganisationByID(ctx, id.(string)); !errors.Is(err, model.ErrNotFound) {
						seen = append(seen, id.(string))
					}
					return true
				})
				if len(seen) > 0 {
					return fmt.Errorf("command %d sees the writes of failed commands: %v", i, seen)
				}
				org := model.Organisation{Name: fmt.Sprintf("Command %d", i), Kind: model.KindState, Participation: model.Member, Country: "EE"}
				if err := q.CreateOrganisation(ctx, &org); err != nil {
					return err
				}
				o.orgID = org.ID
				seq, prev := int64(1), "genesis"
				head, err := q.LastAuditEvent(ctx)
				switch {
				case err == nil:
					seq, prev = head.Seq+1, head.Hash
				case !errors.Is(err, model.ErrNotFound):
					return err
				}
				// Others queue meanwhile, and join this command's group.
				time.Sleep(time.Duration(rand.IntN(2000)) * time.Microsecond)
				if err := q.AppendAuditEvent(ctx, auditEvent(seq, prev, org.ID, "", "")); err != nil {
					return err
				}
				if o.fails {
					failed.Store(org.ID, true)
					return fmt.Errorf("command %d: %w", i, errBoom)
				}
				return nil
			})
			if o.err == nil {
				// Acknowledged: another connection reads it at once.
				if _, err := s.OrganisationByID(context.WithoutCancel(ctx), o.orgID); err != nil {
					o.err = fmt.Errorf("command %d acknowledged but not committed: %w", i, err)
				}
			}
			out <- o
		})
	}
	// A command that panics discards its writes and lets the others go on.
	var panicked any
	wg.Go(func() {
		defer func() { panicked = recover() }()
		s.InTx(ctx, func(q store.Queries) error {
			org := model.Organisation{Name: "Panics", Kind: model.KindState, Participation: model.Member, Country: "EE"}
			if err := q.CreateOrganisation(ctx, &org); err != nil {
				return err
			}
			failed.Store(org.ID, true)
			panic("boom")
		})
	})
	// A caller that has given up is not run.
	gone, cancel := context.WithCancel(ctx)
	cancel()
	ran := false
	if err := s.InTx(gone, func(q store.Queries) error { ran = true; return nil }); !errors.Is(err, context.Canceled) || ran {
		t.Fatalf("a cancelled caller's command: ran %v, error %v", ran, err)
	}
	wg.Wait()
	close(out)
	if panicked != "boom" {
		t.Fatalf("the panic reached its caller as %v", panicked)
	}

	var succeeded []string
	for o := range out {
		switch {
		case o.fails:
			if !errors.Is(o.err, errBoom) || !strings.Contains(o.err.Error(), fmt.Sprintf("command %d:", o.i)) {
				t.Errorf("failing command %d returned %v, not its own error", o.i, o.err)
			}
		case o.err != nil:
			t.Error(o.err)
		default:
			succeeded = append(succeeded, o.orgID)
		}
	}
	failed.Range(func(id, _ any) bool {
		if _, err := s.OrganisationByID(ctx, id.(string)); !errors.Is(err, model.ErrNotFound) {
			t.Errorf("organisation %s of a failed command was kept (%v)", id, err)
		}
		return true
	})
	all, err := s.ListAuditEvents(ctx, model.AuditFilter{}, 0, 0)
	must(t, err)
	var logged []string
	for i, e := range all {
		if e.Seq != int64(i+1) || (i == 0 && e.PrevHash != "genesis") || (i > 0 && e.PrevHash != all[i-1].Hash) {
			t.Fatalf("event %d (seq %d) does not chain onto its predecessor", i, e.Seq)
		}
		logged = append(logged, e.ObjectID)
	}
	slices.Sort(logged)
	slices.Sort(succeeded)
	if !slices.Equal(logged, succeeded) {
		t.Fatalf("audit events of %v, want one for each successful command %v", logged, succeeded)
	}
}

var errBoom = errors.New("boom")
