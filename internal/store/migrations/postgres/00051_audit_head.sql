-- The head of the audit log read under its lock in one round trip. An
-- appender took the lock by one statement and read the head by the next,
-- since a statement reads the snapshot it began with: a head read by the
-- statement that waited for the lock could be one another appender has
-- since moved. Under READ COMMITTED, which the store's transactions ask
-- for, a VOLATILE function's queries each take a new snapshot, so the
-- query after the lock here reads the head as the last appender to hold
-- it committed it. A pledge waits for the lock in its insert and
-- holds it to its commit: every round trip under it is one every other
-- writer waits for.

-- +goose Up
-- +goose StatementBegin
CREATE FUNCTION audit_head() RETURNS SETOF audit_events LANGUAGE plpgsql VOLATILE AS $$
BEGIN
    PERFORM pg_advisory_xact_lock(1668899425, 'audit_events'::regclass::oid::integer);
    RETURN QUERY SELECT * FROM audit_events ORDER BY seq DESC LIMIT 1;
END
$$;
-- +goose StatementEnd

-- +goose Down
DROP FUNCTION audit_head();
