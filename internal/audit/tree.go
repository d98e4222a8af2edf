package audit

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"

	"github.com/transparency-dev/merkle/compact"
	"github.com/transparency-dev/merkle/proof"
	"github.com/transparency-dev/merkle/rfc6962"

	"github.com/cyberaid/cyberaid/internal/model"
	"github.com/cyberaid/cyberaid/internal/store"
)

// The audit events are the leaves of an RFC 6962 Merkle tree: leaf i is
// event i+1's chain hash. The leaf is the hash, not the event's contents, so
// that a participant who may read only some events can still check proofs
// about all of them.

// Hasher is the tree's hash: RFC 6962 over SHA-256.
var Hasher = rfc6962.DefaultHasher

var rangeFactory = &compact.RangeFactory{Hash: Hasher.HashChildren}

// LeafHash is the Merkle leaf of an event whose chain hash is hexHash.
func LeafHash(hexHash string) ([]byte, error) {
	b, err := hex.DecodeString(hexHash)
	if err != nil || len(b) != sha256.Size {
		return nil, fmt.Errorf("chain hash %q is not 32 bytes of hex", hexHash)
	}
	return Hasher.HashLeaf(b), nil
}

// Builder computes the root of a tree from its leaves in order, in memory
// proportional to log n: what a verifier holding the whole log uses.
type Builder struct {
	rng *compact.Range
}

func NewBuilder() *Builder { return &Builder{rng: rangeFactory.NewEmptyRange(0)} }

// Add appends the leaf of the event with chain hash hexHash.
func (b *Builder) Add(hexHash string) error {
	h, err := LeafHash(hexHash)
	if err != nil {
		return err
	}
	return b.rng.Append(h, nil)
}

// Size is how many leaves were added.
func (b *Builder) Size() uint64 { return b.rng.End() }

// Root is the root of the tree of the leaves added so far.
func (b *Builder) Root() []byte { return rootOf(b.rng) }

func rootOf(r *compact.Range) []byte {
	if r.End() == 0 {
		return Hasher.EmptyRoot()
	}
	root, err := r.GetRootHash(nil)
	if err != nil {
		// A range built from 0 always has a root.
		panic(err)
	}
	return root
}

// Tree is the Merkle tree kept in the store. Every perfect subtree's hash
// is stored once computed, so that a root or a proof reads O(log n) nodes,
// and bringing the tree up to date reads only the events appended since.
type Tree struct {
	store store.Store
}

func NewTree(s store.Store) *Tree { return &Tree{store: s} }

// fillBatch is how many events one pass of Update reads.
const fillBatch = 1000

// Update adds the events appended since the last update to the stored tree
// and returns its size. It stops before a missing event: the tree covers the
// unbroken start of the log only. It is safe to call from several servers at
// once: they fill one after the other, and a node is written once.
func (t *Tree) Update(ctx context.Context) (uint64, error) {
	size, err := t.store.AuditTreeSize(ctx)
	if err != nil {
		return 0, err
	}
	head, err := t.store.LastAuditEvent(ctx)
	switch {
	case errors.Is(err, model.ErrNotFound):
		return size, nil
	case err != nil:
		return 0, err
	case uint64(head.Seq) <= size:
		return size, nil
	}
	err = t.store.InTx(ctx, func(q store.Queries) error {
		if size, err = q.AuditTreeSize(ctx); err != nil {
			return err
		}
		rng, err := storedRange(ctx, q, size)
		if err != nil {
			return err
		}
		for {
			hs, err := q.AuditChainHashes(ctx, int64(rng.End()), fillBatch)
			if err != nil {
				return err
			}
			var nodes []model.AuditTreeNode
			visit := func(id compact.NodeID, hash []byte) {
				nodes = append(nodes, model.AuditTreeNode{Level: id.Level, Index: id.Index, Hash: hash})
			}
			gap := false
			for _, h := range hs {
				if uint64(h.Seq) != rng.End()+1 {
					gap = true
					break
				}
				leaf, err := LeafHash(h.Hash)
				if err != nil {
					return fmt.Errorf("audit event %d: %w", h.Seq, err)
				}
				if err := rng.Append(leaf, visit); err != nil {
					return err
				}
			}
			if err := q.PutAuditTreeNodes(ctx, nodes); err != nil {
				return err
			}
			if gap || len(hs) < fillBatch {
				size = rng.End()
				return nil
			}
		}
	})
	return size, err
}

// storedRange reads the compact range [0, size) from the stored nodes.
func storedRange(ctx context.Context, q store.AuditTree, size uint64) (*compact.Range, error) {
	ids := compact.RangeNodes(0, size, nil)
	hashes, err := q.AuditTreeNodes(ctx, nodeRefs(ids))
	if err != nil {
		return nil, err
	}
	return rangeFactory.NewRange(0, size, hashes)
}

func nodeRefs(ids []compact.NodeID) []model.AuditTreeNode {
	out := make([]model.AuditTreeNode, len(ids))
	for i, id := range ids {
		out[i] = model.AuditTreeNode{Level: id.Level, Index: id.Index}
	}
	return out
}

// Root is the root of the first size leaves; size must not exceed what
// Update returned.
func (t *Tree) Root(ctx context.Context, size uint64) ([]byte, error) {
	rng, err := storedRange(ctx, t.store, size)
	if err != nil {
		return nil, err
	}
	return rootOf(rng), nil
}

// Leaf returns the stored leaf hash at index.
func (t *Tree) Leaf(ctx context.Context, index uint64) ([]byte, error) {
	hs, err := t.store.AuditTreeNodes(ctx, []model.AuditTreeNode{{Level: 0, Index: index}})
	if err != nil {
		return nil, err
	}
	return hs[0], nil
}

// InclusionProof proves that leaf index is in the tree of the first size
// leaves (index < size).
func (t *Tree) InclusionProof(ctx context.Context, index, size uint64) ([][]byte, error) {
	nodes, err := proof.Inclusion(index, size)
	if err != nil {
		return nil, err
	}
	return t.rehash(ctx, nodes)
}

// ConsistencyProof proves that the tree of the first from leaves is a
// prefix of the tree of the first to leaves (from <= to).
func (t *Tree) ConsistencyProof(ctx context.Context, from, to uint64) ([][]byte, error) {
	nodes, err := proof.Consistency(from, to)
	if err != nil {
		return nil, err
	}
	return t.rehash(ctx, nodes)
}

func (t *Tree) rehash(ctx context.Context, nodes proof.Nodes) ([][]byte, error) {
	hashes, err := t.store.AuditTreeNodes(ctx, nodeRefs(nodes.IDs))
	if err != nil {
		return nil, err
	}
	return nodes.Rehash(hashes, Hasher.HashChildren)
}
