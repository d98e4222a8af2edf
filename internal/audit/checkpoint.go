package audit

import (
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"encoding/base64"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"time"

	tlog "github.com/transparency-dev/formats/log"
	"golang.org/x/mod/sumdb/note"

	"github.com/cyberaid/cyberaid/internal/model"
	"github.com/cyberaid/cyberaid/internal/policy"
	"github.com/cyberaid/cyberaid/internal/store"
)

// The server signs checkpoints of the tree, in the common format of
// transparency logs (an origin line, the tree size, the base64 root, then
// signatures as a signed note), so that a member who keeps one can later
// prove that the log extends it.

// DefaultKeyName names a generated signing key; the key's name is the
// checkpoints' origin.
const DefaultKeyName = "cyberaid-audit"

// KeyFile is the name of the signing key in the data directory.
const KeyFile = "audit.key"

// GenerateKey returns a new Ed25519 signer key and its verifier key, as
// golang.org/x/mod/sumdb/note writes them.
func GenerateKey(name string) (skey, vkey string, err error) {
	return note.GenerateKey(rand.Reader, name)
}

// LoadKey returns the signer key: given itself when set, else the contents
// of file when set, else the key in dataDir, generated there on first use
// (readable by its owner only).
func LoadKey(given, file, dataDir string) (string, error) {
	if given = strings.TrimSpace(given); given != "" {
		return given, checkSignerKey(given)
	}
	read := func(path string) (string, error) {
		b, err := os.ReadFile(path)
		if err != nil {
			return "", err
		}
		k := strings.TrimSpace(string(b))
		if err := checkSignerKey(k); err != nil {
			return "", fmt.Errorf("%s: %w", path, err)
		}
		return k, nil
	}
	if file != "" {
		return read(file)
	}
	if dataDir == "" {
		return "", errors.New("audit signing key: no key, key file or data directory given")
	}
	path := filepath.Join(dataDir, KeyFile)
	if k, err := read(path); !errors.Is(err, fs.ErrNotExist) {
		return k, err
	}
	if err := os.MkdirAll(dataDir, 0o700); err != nil {
		return "", err
	}
	skey, _, err := GenerateKey(DefaultKeyName)
	if err != nil {
		return "", err
	}
	// O_EXCL: of two processes starting together, one writes the key and
	// the other reads it.
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if errors.Is(err, fs.ErrExist) {
		return read(path)
	}
	if err != nil {
		return "", err
	}
	if _, err := f.WriteString(skey + "\n"); err != nil {
		f.Close()
		return "", err
	}
	return skey, f.Close()
}

func checkSignerKey(skey string) error {
	if _, err := note.NewSigner(skey); err != nil {
		return fmt.Errorf("audit signing key: %w", err)
	}
	return nil
}

// VerifierKey derives the public verifier key of an Ed25519 signer key.
func VerifierKey(skey string) (string, error) {
	if err := checkSignerKey(skey); err != nil {
		return "", err
	}
	// PRIVATE+KEY+name+hash+base64(algorithm byte, 32-byte seed)
	parts := strings.SplitN(skey, "+", 5)
	raw, err := base64.StdEncoding.DecodeString(parts[4])
	if err != nil || len(raw) != 1+ed25519.SeedSize || raw[0] != 1 {
		return "", errors.New("audit signing key: not an Ed25519 key")
	}
	pub := ed25519.NewKeyFromSeed(raw[1:]).Public().(ed25519.PublicKey)
	return note.NewEd25519VerifierKey(parts[2], pub)
}

// Checkpoint is a signed statement of the tree's size and root.
type Checkpoint struct {
	Origin string
	Size   uint64
	Root   []byte
	// Note is the signed note, the text a member keeps.
	Note     []byte
	SignedAt time.Time
}

// Errors of checking a checkpoint a member kept.
var (
	ErrBadCheckpoint = errors.New("not a checkpoint of this log")
	ErrBadSignature  = errors.New("the checkpoint's signature does not verify")
)

// ParseCheckpoint verifies a signed checkpoint with the verifier key and
// reads it. Its origin must be the key's name.
func ParseCheckpoint(text []byte, vkey string) (Checkpoint, error) {
	v, err := note.NewVerifier(strings.TrimSpace(vkey))
	if err != nil {
		return Checkpoint{}, fmt.Errorf("verifier key: %w", err)
	}
	cp, _, _, err := tlog.ParseCheckpoint(text, v.Name(), v)
	if err != nil {
		var unknown *note.UnknownVerifierError
		var invalid *note.InvalidSignatureError
		switch {
		case errors.As(err, &unknown), errors.As(err, &invalid), strings.Contains(err.Error(), "verify signatures"):
			return Checkpoint{}, fmt.Errorf("%w with key %s (a wrong key, or an altered checkpoint): %v", ErrBadSignature, v.Name(), err)
		}
		return Checkpoint{}, fmt.Errorf("%w: %v", ErrBadCheckpoint, err)
	}
	if len(cp.Hash) != len(Hasher.EmptyRoot()) {
		return Checkpoint{}, fmt.Errorf("%w: its root is %d bytes, not %d", ErrBadCheckpoint, len(cp.Hash), len(Hasher.EmptyRoot()))
	}
	return Checkpoint{Origin: cp.Origin, Size: cp.Size, Root: cp.Hash, Note: text}, nil
}

// Log signs checkpoints of the audit log's tree and proves inclusion and
// consistency, for every participant: it reveals sizes and hashes only.
type Log struct {
	store    store.Store
	tree     *Tree
	signer   note.Signer
	verifier string
	now      func() time.Time
}

// NewLog signs with skey, an Ed25519 signer key (see LoadKey).
func NewLog(s store.Store, skey string, now func() time.Time) (*Log, error) {
	signer, err := note.NewSigner(skey)
	if err != nil {
		return nil, fmt.Errorf("audit signing key: %w", err)
	}
	vkey, err := VerifierKey(skey)
	if err != nil {
		return nil, err
	}
	if now == nil {
		now = time.Now
	}
	return &Log{store: s, tree: NewTree(s), signer: signer, verifier: vkey, now: now}, nil
}

// VerifierKey is the public key that checks this log's checkpoints.
func (l *Log) VerifierKey() string { return l.verifier }

// Tree is the stored Merkle tree the log signs.
func (l *Log) Tree() *Tree { return l.tree }

// Sign brings the tree up to date and signs its size and root.
func (l *Log) Sign(ctx context.Context) (Checkpoint, error) {
	size, err := l.tree.Update(ctx)
	if err != nil {
		return Checkpoint{}, err
	}
	root, err := l.tree.Root(ctx, size)
	if err != nil {
		return Checkpoint{}, err
	}
	cp := tlog.Checkpoint{Origin: l.signer.Name(), Size: size, Hash: root}
	text, err := note.Sign(&note.Note{Text: string(cp.Marshal())}, l.signer)
	if err != nil {
		return Checkpoint{}, err
	}
	return Checkpoint{Origin: cp.Origin, Size: size, Root: root, Note: text, SignedAt: l.now().UTC()}, nil
}

// Checkpoint signs the current tree for a participant.
func (l *Log) Checkpoint(ctx context.Context, v policy.Viewer) (Checkpoint, error) {
	if err := policy.Require(v, policy.AuditProofs); err != nil {
		return Checkpoint{}, err
	}
	return l.Sign(ctx)
}

// InclusionProof proves that event seq is in the tree of size events.
type InclusionProof struct {
	Seq       int64    `json:"seq"`
	Size      int64    `json:"size"`
	LeafIndex int64    `json:"leaf_index"`
	LeafHash  []byte   `json:"leaf_hash"`
	Root      []byte   `json:"root"`
	Proof     [][]byte `json:"proof"`
}

// ConsistencyProof proves that the tree of From events is a prefix of the
// tree of To events.
type ConsistencyProof struct {
	From     int64    `json:"from"`
	To       int64    `json:"to"`
	FromRoot []byte   `json:"from_root"`
	ToRoot   []byte   `json:"to_root"`
	Proof    [][]byte `json:"proof"`
}

// size checks a tree size a caller asked for against the log's.
func (l *Log) size(ctx context.Context, field string, n int64) (uint64, error) {
	if n < 0 {
		return 0, model.Invalid(field, "must be a whole number of events, 0 or more")
	}
	size, err := l.tree.Update(ctx)
	if err != nil {
		return 0, err
	}
	if uint64(n) > size {
		return 0, model.Broken(field, "beyond_log", "the log holds %d events; %s %d is beyond it", size, field, n)
	}
	return uint64(n), nil
}

// Inclusion proves that event seq is in the tree of the first size events.
func (l *Log) Inclusion(ctx context.Context, v policy.Viewer, seq, size int64) (InclusionProof, error) {
	if err := policy.Require(v, policy.AuditProofs); err != nil {
		return InclusionProof{}, err
	}
	if seq < 1 {
		return InclusionProof{}, model.Invalid("seq", "must be the sequence number of an event (1 or more)")
	}
	n, err := l.size(ctx, "size", size)
	if err != nil {
		return InclusionProof{}, err
	}
	if uint64(seq) > n {
		return InclusionProof{}, model.Broken("seq", "beyond_size", "event %d is not in a tree of %d events", seq, n)
	}
	index := uint64(seq - 1)
	out := InclusionProof{Seq: seq, Size: size, LeafIndex: int64(index)}
	if out.LeafHash, err = l.tree.Leaf(ctx, index); err != nil {
		return InclusionProof{}, err
	}
	if out.Root, err = l.tree.Root(ctx, n); err != nil {
		return InclusionProof{}, err
	}
	if out.Proof, err = l.tree.InclusionProof(ctx, index, n); err != nil {
		return InclusionProof{}, err
	}
	return out, nil
}

// Consistency proves that the first from events are still the first events
// of the tree of to events.
func (l *Log) Consistency(ctx context.Context, v policy.Viewer, from, to int64) (ConsistencyProof, error) {
	if err := policy.Require(v, policy.AuditProofs); err != nil {
		return ConsistencyProof{}, err
	}
	if from < 0 {
		return ConsistencyProof{}, model.Invalid("from", "must be a whole number of events, 0 or more")
	}
	n, err := l.size(ctx, "to", to)
	if err != nil {
		return ConsistencyProof{}, err
	}
	if uint64(from) > n {
		return ConsistencyProof{}, model.Broken("from", "after_to", "from (%d) must not be greater than to (%d)", from, to)
	}
	out := ConsistencyProof{From: from, To: to}
	if out.FromRoot, err = l.tree.Root(ctx, uint64(from)); err != nil {
		return ConsistencyProof{}, err
	}
	if out.ToRoot, err = l.tree.Root(ctx, n); err != nil {
		return ConsistencyProof{}, err
	}
	if out.Proof, err = l.tree.ConsistencyProof(ctx, uint64(from), n); err != nil {
		return ConsistencyProof{}, err
	}
	return out, nil
}

// ExportedEvent is one line of an exported log: every field the payload
// hash, the chain hash and the Merkle leaf are computed from, with before
// and after as the exact text stored, so that they hash alike.
type ExportedEvent struct {
	Seq         int64     `json:"seq"`
	At          time.Time `json:"at"`
	ActorUserID string    `json:"actor_user_id,omitempty"`
	ActorOrgID  string    `json:"actor_org_id,omitempty"`
	Action      string    `json:"action"`
	ObjectType  string    `json:"object_type"`
	ObjectID    string    `json:"object_id"`
	Before      string    `json:"before,omitempty"`
	After       string    `json:"after,omitempty"`
	PayloadHash string    `json:"payload_hash"`
	PrevHash    string    `json:"prev_hash"`
	Hash        string    `json:"hash"`
}

func Export(e model.AuditEvent) ExportedEvent {
	return ExportedEvent{Seq: e.Seq, At: e.At.UTC(), ActorUserID: e.ActorUserID, ActorOrgID: e.ActorOrgID,
		Action: e.Action, ObjectType: e.ObjectType, ObjectID: e.ObjectID, Before: string(e.Before), After: string(e.After),
		PayloadHash: e.PayloadHash, PrevHash: e.PrevHash, Hash: e.Hash}
}

func (x ExportedEvent) Event() model.AuditEvent {
	e := model.AuditEvent{Seq: x.Seq, At: x.At.UTC(), ActorUserID: x.ActorUserID, ActorOrgID: x.ActorOrgID,
		Action: x.Action, ObjectType: x.ObjectType, ObjectID: x.ObjectID,
		PayloadHash: x.PayloadHash, PrevHash: x.PrevHash, Hash: x.Hash}
	if x.Before != "" {
		e.Before = []byte(x.Before)
	}
	if x.After != "" {
		e.After = []byte(x.After)
	}
	return e
}

// Each calls fn with every event of the log in the database, in chain order.
func Each(ctx context.Context, q store.Audit, fn func(model.AuditEvent) error) error {
	return walk(ctx, q, func(events []model.AuditEvent) error {
		for _, e := range events {
			if err := fn(e); err != nil {
				return err
			}
		}
		return nil
	})
}
