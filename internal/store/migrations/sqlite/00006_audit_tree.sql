-- The audit events are also the leaves of an RFC 6962 Merkle tree, so that
-- the server can sign checkpoints (size, root) and prove that a later log
-- extends an earlier one. audit_tree_nodes keeps the hash of every perfect
-- subtree filled so far (level 0 holds the leaf hashes): a root or a proof
-- then costs O(log n) reads instead of a walk over the whole log. The nodes
-- are derived from audit_events and, like them, never change.

-- +goose Up
CREATE TABLE audit_tree_nodes (
    level INTEGER NOT NULL CHECK (level >= 0 AND level < 64),
    idx   INTEGER NOT NULL CHECK (idx >= 0),
    hash  TEXT NOT NULL CHECK (length(hash) = 64),
    PRIMARY KEY (level, idx)
);

-- +goose StatementBegin
CREATE TRIGGER audit_tree_nodes_no_update BEFORE UPDATE ON audit_tree_nodes
BEGIN
    SELECT RAISE(ABORT, 'audit_tree_nodes is append-only');
END;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE TRIGGER audit_tree_nodes_no_delete BEFORE DELETE ON audit_tree_nodes
BEGIN
    SELECT RAISE(ABORT, 'audit_tree_nodes is append-only');
END;
-- +goose StatementEnd

-- The last full verification of the log, which a background job runs. One
-- row: claimed_at lets exactly one server of several start each run.
CREATE TABLE audit_verification (
    id          INTEGER PRIMARY KEY CHECK (id = 1),
    claimed_at  TIMESTAMP,
    verified_at TIMESTAMP,
    ok          INTEGER NOT NULL DEFAULT 0 CHECK (ok IN (0, 1)),
    events      INTEGER NOT NULL DEFAULT 0,
    head        TEXT NOT NULL DEFAULT '',
    bad_seq     INTEGER NOT NULL DEFAULT 0,
    problem     TEXT NOT NULL DEFAULT ''
);
INSERT INTO audit_verification (id) VALUES (1);

-- +goose Down
DROP TABLE audit_verification;
DROP TABLE audit_tree_nodes;
