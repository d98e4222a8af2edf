package model

import "time"

// AuditTreeNode is the hash of one perfect subtree of the Merkle tree over
// the audit log: level 0 holds the leaves (leaf Index is event Index+1),
// and the node (Level, Index) covers leaves [Index·2^Level, (Index+1)·2^Level).
type AuditTreeNode struct {
	Level uint
	Index uint64
	Hash  []byte // 32 bytes
}

// AuditChainHash is an event's place and chain hash: all the Merkle tree
// needs of it.
type AuditChainHash struct {
	Seq  int64
	Hash string // hex, as stored
}

// AuditVerification is the outcome of the last full verification of the
// log, run in the background.
type AuditVerification struct {
	// VerifiedAt is zero when no verification has finished yet.
	VerifiedAt time.Time
	OK         bool
	Events     int64
	Head       string
	BadSeq     int64
	Problem    string
}
