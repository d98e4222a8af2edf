-- A version of the search index's words: triggers advance it in the
-- transaction of every change to the words of search_documents, whichever
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
    -- Once a transaction is enough to tell its words from those before
    -- it: updating the one row at each of a batch's thousands of pledges
    -- leaves a chain of the row's versions that each update walks. The
    -- setting is local to the transaction, and undone with a savepoint's
    -- rollback as the update is.
    IF current_setting('cyberaid.search_version_advanced', true) IS DISTINCT FROM txid_current()::text THEN
        -- The audit log's lock first, as record_version_advance takes it:
        -- the change appends an audit event under it anyway, and taking it
        -- before the version's row orders the writers.
        PERFORM pg_advisory_xact_lock(1668899425, 'audit_events'::regclass::oid::integer);
        UPDATE search_version SET n = n + 1;
        PERFORM set_config('cyberaid.search_version_advanced', txid_current()::text, true);
    END IF;
    RETURN NULL;
END;
$$;

-- Row triggers, not a statement's: a record's trigger writes its document
-- with INSERT … ON CONFLICT DO UPDATE, which fires a statement's INSERT
-- trigger even when it inserts nothing.
CREATE TRIGGER search_version_documents AFTER INSERT OR DELETE ON search_documents FOR EACH ROW EXECUTE FUNCTION search_version_advance();
-- A pledge's or a requirement's update writes every column, and its
-- document with them: only new words are a new version.
CREATE TRIGGER search_version_words AFTER UPDATE ON search_documents FOR EACH ROW
    WHEN (OLD.title IS DISTINCT FROM NEW.title OR OLD.body IS DISTINCT FROM NEW.body) EXECUTE FUNCTION search_version_advance();
-- +goose StatementEnd

-- +goose Down
-- +goose StatementBegin
DROP TRIGGER search_version_words ON search_documents;
DROP TRIGGER search_version_documents ON search_documents;
DROP FUNCTION search_version_advance();
DROP TABLE search_version;
-- +goose StatementEnd
