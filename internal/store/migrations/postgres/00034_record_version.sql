-- A version of the records deconfliction and matching read: requirements,
-- pledges and their access lists. Triggers advance it in the transaction of
-- every change to them, whichever statement makes it, so that a result
-- computed from the records at one version may be served again while the
-- version stands.

-- +goose Up
-- +goose StatementBegin
CREATE TABLE record_version (
    one integer PRIMARY KEY CHECK (one = 1),
    n   bigint NOT NULL
);
INSERT INTO record_version (one, n) VALUES (1, 1);

CREATE FUNCTION record_version_advance() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    -- The audit log's lock first (store.auditLockClass), as the totals'
    -- triggers take it: every change appends an audit event under it
    -- anyway, and taking it before the version's row orders its writers,
    -- so that two transactions never wait on each other.
    PERFORM pg_advisory_xact_lock(1668899425, 'audit_events'::regclass::oid::integer);
    UPDATE record_version SET n = n + 1;
    RETURN NULL;
END;
$$;

CREATE TRIGGER record_version_requirements AFTER INSERT OR UPDATE OR DELETE ON requirements FOR EACH STATEMENT EXECUTE FUNCTION record_version_advance();
CREATE TRIGGER record_version_pledges AFTER INSERT OR UPDATE OR DELETE ON pledges FOR EACH STATEMENT EXECUTE FUNCTION record_version_advance();
CREATE TRIGGER record_version_grants AFTER INSERT OR UPDATE OR DELETE ON access_grants FOR EACH STATEMENT EXECUTE FUNCTION record_version_advance();
-- +goose StatementEnd

-- +goose Down
-- +goose StatementBegin
DROP TRIGGER record_version_grants ON access_grants;
DROP TRIGGER record_version_pledges ON pledges;
DROP TRIGGER record_version_requirements ON requirements;
DROP FUNCTION record_version_advance();
DROP TABLE record_version;
-- +goose StatementEnd
