-- The audit events are also the leaves of an RFC 6962 Merkle tree, so that
-- the server can sign checkpoints (size, root) and prove that a later log
-- extends an earlier one. audit_tree_nodes keeps the hash of every perfect
-- subtree filled so far (level 0 holds the leaf hashes): a root or a proof
-- then costs O(log n) reads instead of a walk over the whole log. The nodes
-- are derived from audit_events and, like them, never change.

-- +goose Up
CREATE TABLE audit_tree_nodes (
    level smallint NOT NULL CHECK (level >= 0 AND level < 64),
    idx   bigint NOT NULL CHECK (idx >= 0),
    hash  text NOT NULL CHECK (length(hash) = 64),
    PRIMARY KEY (level, idx)
);

-- +goose StatementBegin
CREATE FUNCTION audit_tree_nodes_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'audit_tree_nodes is append-only';
END;
$$;
-- +goose StatementEnd
CREATE TRIGGER audit_tree_nodes_no_change BEFORE UPDATE OR DELETE ON audit_tree_nodes
    FOR EACH ROW EXECUTE FUNCTION audit_tree_nodes_append_only();
CREATE TRIGGER audit_tree_nodes_no_truncate BEFORE TRUNCATE ON audit_tree_nodes
    FOR EACH STATEMENT EXECUTE FUNCTION audit_tree_nodes_append_only();

-- The last full verification of the log, which a background job runs. One
-- row: claimed_at lets exactly one server of several start each run.
CREATE TABLE audit_verification (
    id          integer PRIMARY KEY CHECK (id = 1),
    claimed_at  timestamptz,
    verified_at timestamptz,
    ok          boolean NOT NULL DEFAULT false,
    events      bigint NOT NULL DEFAULT 0,
    head        text NOT NULL DEFAULT '',
    bad_seq     bigint NOT NULL DEFAULT 0,
    problem     text NOT NULL DEFAULT ''
);
INSERT INTO audit_verification (id) VALUES (1);

-- +goose Down
DROP TABLE audit_verification;
DROP TABLE audit_tree_nodes;
DROP FUNCTION audit_tree_nodes_append_only();
