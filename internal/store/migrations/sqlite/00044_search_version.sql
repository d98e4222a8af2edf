-- A version of the search index's words: triggers advance it in the
-- transaction of every change to the words of search_documents, whichever
-- record's trigger makes it, so that the candidates ranked for some words at one
-- version may be served again while the version stands. Who may see each
-- candidate is still decided at every search.

-- +goose Up
-- +goose StatementBegin
CREATE TABLE search_version (
    one INTEGER PRIMARY KEY CHECK (one = 1),
    n   INTEGER NOT NULL
);
INSERT INTO search_version (one, n) VALUES (1, 1);
CREATE TRIGGER search_version_insert AFTER INSERT ON search_documents BEGIN UPDATE search_version SET n = n + 1; END;
-- A pledge's or a requirement's update writes every column, and its
-- document with them: only new words are a new version.
CREATE TRIGGER search_version_update AFTER UPDATE ON search_documents WHEN OLD.title IS NOT NEW.title OR OLD.body IS NOT NEW.body BEGIN UPDATE search_version SET n = n + 1; END;
CREATE TRIGGER search_version_delete AFTER DELETE ON search_documents BEGIN UPDATE search_version SET n = n + 1; END;
-- +goose StatementEnd

-- +goose Down
-- +goose StatementBegin
DROP TRIGGER search_version_delete;
DROP TRIGGER search_version_update;
DROP TRIGGER search_version_insert;
DROP TABLE search_version;
-- +goose StatementEnd
