-- A version of the search index's words: a trigger advances it in the
-- transaction of every statement that changes search_documents, whichever
-- record's trigger makes it, so that the candidates ranked for some words
-- at one version may be served again while the version stands. Who may see
-- each candidate is still decided at every search.

-- +goose Up
-- +goose StatementBegin
CREATE TABLE search_version (
    one integer PRIMARY KEY CHECK (one = 1),
    n   bigint NOT NULL
);
INSERT INTO search_version (one, n) VALUES (1, 1);

CREATE FUNCTION search_version_advance() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    -- The audit log's lock first, as record_version_advance takes it: the
    -- change appends an audit event under it anyway, and taking it before
    -- the version's row orders the writers.
    PERFORM pg_advisory_xact_lock(1668899425, 'audit_events'::regclass::oid::integer);
    UPDATE search_version SET n = n + 1;
    RETURN NULL;
END;
$$;

CREATE TRIGGER search_version_documents AFTER INSERT OR UPDATE OR DELETE ON search_documents FOR EACH STATEMENT EXECUTE FUNCTION search_version_advance();
-- +goose StatementEnd

-- +goose Down
-- +goose StatementBegin
DROP TRIGGER search_version_documents ON search_documents;
DROP FUNCTION search_version_advance();
DROP TABLE search_version;
-- +goose StatementEnd
