package audit

import (
	"bytes"
	"context"
	"fmt"
	"time"

	"github.com/transparency-dev/merkle/proof"

	"github.com/cyberaid/cyberaid/internal/model"
	"github.com/cyberaid/cyberaid/internal/store"
)

// Replay recomputes, from the events in chain order, both the hash chain
// and the Merkle tree, keeping the roots at the sizes asked for.
type Replay struct {
	chain *Checker
	tree  *Builder
	roots map[uint64][]byte
	// leafErr is the first event whose chain hash is not a hash at all.
	leafErr    error
	leafErrSeq int64
}

// NewReplay remembers the roots of the first n events for each n of sizes.
func NewReplay(sizes ...uint64) *Replay {
	r := &Replay{chain: NewChecker(true), tree: NewBuilder(), roots: map[uint64][]byte{}}
	for _, n := range sizes {
		r.roots[n] = nil
	}
	if _, ok := r.roots[0]; ok {
		r.roots[0] = Hasher.EmptyRoot()
	}
	return r
}

// Add takes the next event.
func (r *Replay) Add(e model.AuditEvent) {
	r.chain.Check(e)
	if r.leafErr != nil {
		return
	}
	if err := r.tree.Add(e.Hash); err != nil {
		r.leafErr, r.leafErrSeq = err, e.Seq
		return
	}
	if _, ok := r.roots[r.tree.Size()]; ok {
		r.roots[r.tree.Size()] = r.tree.Root()
	}
}

// Chain is the hash chain's verdict.
func (r *Replay) Chain() Report { return r.chain.Report() }

// Size is how many events were replayed.
func (r *Replay) Size() uint64 { return r.tree.Size() }

// RootAt is the root of the first n events, nil when fewer were replayed
// or n was not asked for.
func (r *Replay) RootAt(n uint64) []byte { return r.roots[n] }

// Extension says whether a log extends a checkpoint.
type Extension struct {
	OK             bool
	CheckpointSize uint64
	LogSize        uint64
	// BadSeq names the first bad event when it is known.
	BadSeq  int64
	Problem string
}

// Extends judges a replayed log against a checkpoint.
func (r *Replay) Extends(cp Checkpoint) Extension {
	x := Extension{OK: true, CheckpointSize: cp.Size, LogSize: r.Size()}
	fail := func(seq int64, format string, args ...any) Extension {
		x.OK, x.BadSeq, x.Problem = false, seq, fmt.Sprintf(format, args...)
		return x
	}
	chain := r.Chain()
	var chainNote string
	if !chain.OK {
		chainNote = fmt.Sprintf("; the chain check names event %d: %s", chain.BadSeq, chain.Problem)
	}
	switch {
	case r.leafErr != nil:
		return fail(r.leafErrSeq, "event %d was rewritten: %v", r.leafErrSeq, r.leafErr)
	case r.Size() < cp.Size:
		return fail(int64(r.Size())+1, "events removed from the tail: the log holds %d events, the checkpoint %d%s", r.Size(), cp.Size, chainNote)
	case !bytes.Equal(r.RootAt(cp.Size), cp.Root):
		return fail(chain.BadSeq, "events rewritten or reordered: the first %d events no longer hash to the checkpoint's root%s", cp.Size, chainNote)
	case !chain.OK:
		return fail(chain.BadSeq, "the chain is broken at event %d: %s", chain.BadSeq, chain.Problem)
	}
	return x
}

// walk reads every event in chain order, in pages.
func walk(ctx context.Context, q store.Audit, page func([]model.AuditEvent) error) error {
	const size = 1000
	var after int64
	for {
		events, err := q.ListAuditEvents(ctx, model.AuditFilter{}, after, size)
		if err != nil {
			return fmt.Errorf("read audit log: %w", err)
		}
		if len(events) > 0 {
			if err := page(events); err != nil {
				return err
			}
			after = events[len(events)-1].Seq
		}
		if len(events) < size {
			return nil
		}
	}
}

// Audit is a full check of the log in the database: the chain, and the
// stored Merkle tree against the events.
type Audit struct {
	Replay   *Replay
	TreeSize uint64
	TreeRoot []byte
	// Problem is what is wrong with the stored tree, if anything, and
	// BadSeq the first event whose stored leaf differs, when known.
	Problem string
	BadSeq  int64
}

// AuditStore replays the whole log from the database, also keeping the
// root of its first n events for each n of sizes, and checks the stored tree
// against the events.
func AuditStore(ctx context.Context, s store.Store, tree *Tree, sizes ...uint64) (Audit, error) {
	treeSize, err := tree.Update(ctx)
	if err != nil {
		return Audit{}, err
	}
	treeRoot, err := tree.Root(ctx, treeSize)
	if err != nil {
		return Audit{}, err
	}
	out := Audit{Replay: NewReplay(append(sizes, treeSize)...), TreeSize: treeSize, TreeRoot: treeRoot}
	err = walk(ctx, s, func(events []model.AuditEvent) error {
		first := out.Replay.Size()
		for _, e := range events {
			out.Replay.Add(e)
		}
		// Name the first event whose leaf differs from the stored one.
		if out.BadSeq != 0 || first >= treeSize {
			return nil
		}
		var ids []model.AuditTreeNode
		for i := range events {
			if idx := first + uint64(i); idx < treeSize {
				ids = append(ids, model.AuditTreeNode{Level: 0, Index: idx})
			}
		}
		stored, err := s.AuditTreeNodes(ctx, ids)
		if err != nil {
			return err
		}
		for i, h := range stored {
			leaf, err := LeafHash(events[i].Hash)
			if err != nil || !bytes.Equal(leaf, h) {
				out.BadSeq = int64(first) + int64(i) + 1
				break
			}
		}
		return nil
	})
	if err != nil {
		return Audit{}, err
	}
	switch {
	case out.Replay.Size() < treeSize:
		out.Problem = fmt.Sprintf("events removed from the tail: the Merkle tree holds %d events, the log only %d", treeSize, out.Replay.Size())
		if out.BadSeq == 0 {
			out.BadSeq = int64(out.Replay.Size()) + 1
		}
	case out.BadSeq != 0 || !bytes.Equal(out.Replay.RootAt(treeSize), treeRoot):
		out.Problem = fmt.Sprintf("events rewritten: the first %d events no longer hash to the Merkle tree's root", treeSize)
		if out.BadSeq != 0 {
			out.Problem = fmt.Sprintf("event %d was rewritten after it entered the Merkle tree", out.BadSeq)
		}
	}
	return out, nil
}

// ExtendsStore checks that the log in the database extends cp: the events'
// own tree must have cp's root at cp's size, and the stored tree must prove
// itself consistent with cp.
func ExtendsStore(ctx context.Context, s store.Store, tree *Tree, cp Checkpoint) (Extension, error) {
	a, err := AuditStore(ctx, s, tree, cp.Size)
	if err != nil {
		return Extension{}, err
	}
	x := a.Replay.Extends(cp)
	if !x.OK {
		if x.BadSeq == 0 && a.BadSeq != 0 {
			x.BadSeq = a.BadSeq
			x.Problem += fmt.Sprintf("; event %d differs from the leaf the server's Merkle tree holds for it", a.BadSeq)
		}
		return x, nil
	}
	if a.Problem != "" {
		x.OK, x.BadSeq, x.Problem = false, a.BadSeq, a.Problem
		return x, nil
	}
	// The events extend cp; the server's tree, which signs checkpoints and
	// answers proofs, must say so too.
	if cp.Size <= a.TreeSize {
		p, err := tree.ConsistencyProof(ctx, cp.Size, a.TreeSize)
		if err != nil {
			return Extension{}, err
		}
		if err := proof.VerifyConsistency(Hasher, cp.Size, a.TreeSize, p, cp.Root, a.TreeRoot); err != nil {
			x.OK, x.Problem = false, fmt.Sprintf("the server's Merkle tree does not extend the checkpoint: %v", err)
		}
	}
	return x, nil
}

// ExtendsEvents checks that events, a whole exported log in chain order,
// extend cp.
func ExtendsEvents(cp Checkpoint, events func(yield func(model.AuditEvent) bool)) Extension {
	r := NewReplay(cp.Size)
	for e := range events {
		r.Add(e)
	}
	return r.Extends(cp)
}

// VerifyJob is the background full verification, run at start and then
// every interval across all servers: each run is claimed in the database.
func (l *Log) VerifyJob(startedAt time.Time, interval time.Duration) func(ctx context.Context) (int, error) {
	return func(ctx context.Context) (int, error) {
		now := l.now().UTC()
		// A run started before this process is no answer for it: each
		// server start verifies once, then one server an interval later.
		stale := now.Add(-interval)
		if startedAt.After(stale) {
			stale = startedAt
		}
		claimed, err := l.store.ClaimAuditVerification(ctx, now, stale)
		if err != nil || !claimed {
			return 0, err
		}
		v, err := l.VerifyNow(ctx)
		if err != nil {
			return 0, err
		}
		return 1, l.store.FinishAuditVerification(ctx, v)
	}
}

// VerifyNow runs a full verification: chain and stored tree.
func (l *Log) VerifyNow(ctx context.Context) (model.AuditVerification, error) {
	a, err := AuditStore(ctx, l.store, l.tree)
	if err != nil {
		return model.AuditVerification{}, err
	}
	rep := a.Replay.Chain()
	v := model.AuditVerification{VerifiedAt: l.now().UTC(), OK: rep.OK, Events: rep.Events, Head: rep.Head, BadSeq: rep.BadSeq, Problem: rep.Problem}
	if v.OK && a.Problem != "" {
		v.OK, v.BadSeq, v.Problem = false, a.BadSeq, a.Problem
	}
	return v, nil
}

// LastVerification is the outcome of the last background verification.
func (l *Log) LastVerification(ctx context.Context) (model.AuditVerification, error) {
	return l.store.LastAuditVerification(ctx)
}
