-- Lists sort on their columns (?sort=) and page by keyset on (column, id):
-- one index per sort. PostgreSQL sorts text in byte order ("C"), as SQLite
-- does, so that both answer the same order.
--
-- One search across every kind of record: search_documents holds the words
-- of each record, kept by triggers in the transaction that writes the
-- record. SQLite indexes them with FTS5 (external content, the
-- unicode61 tokenizer folding case in every script and keeping accents, as
-- PostgreSQL's "simple" configuration does).

-- +goose Up
CREATE INDEX requirements_sort_ref ON requirements ((COALESCE(ref, '')), id);
CREATE INDEX requirements_sort_title ON requirements ((title), id);
CREATE INDEX requirements_sort_sector ON requirements ((sector), id);
CREATE INDEX requirements_sort_priority ON requirements ((CASE priority WHEN 'critical' THEN 0 WHEN 'high' THEN 1 WHEN 'medium' THEN 2 ELSE 3 END), id);
CREATE INDEX requirements_sort_estimated ON requirements ((estimated_eur_minor), id);
CREATE INDEX requirements_sort_needed_by ON requirements ((COALESCE(needed_by, '')), id);
CREATE INDEX requirements_sort_status ON requirements ((status), id);
CREATE INDEX requirements_sort_tlp ON requirements ((CASE tlp WHEN 'clear' THEN 0 WHEN 'green' THEN 1 WHEN 'amber' THEN 2 WHEN 'amber+strict' THEN 3 ELSE 4 END), id);
CREATE INDEX pledges_sort_date ON pledges ((COALESCE(pledge_date, '')), id);
CREATE INDEX pledges_sort_eur ON pledges ((eur_minor), id);
CREATE INDEX pledges_sort_status ON pledges ((status), id);
CREATE INDEX pledges_sort_channel ON pledges ((channel), id);
CREATE INDEX pledges_sort_tlp ON pledges ((CASE tlp WHEN 'clear' THEN 0 WHEN 'green' THEN 1 WHEN 'amber' THEN 2 WHEN 'amber+strict' THEN 3 ELSE 4 END), id);

CREATE TABLE search_documents (
    doc       INTEGER PRIMARY KEY,
    kind      TEXT NOT NULL CHECK (kind IN ('requirement', 'pledge', 'offer', 'lesson', 'proposal', 'organisation', 'meeting')),
    record_id TEXT NOT NULL,
    title     TEXT NOT NULL,
    body      TEXT NOT NULL
);
CREATE UNIQUE INDEX search_documents_record ON search_documents (kind, record_id);
CREATE VIRTUAL TABLE search_fts USING fts5(title, body, content='search_documents', content_rowid='doc', tokenize="unicode61 remove_diacritics 0 tokenchars 'ʼ'");

-- +goose StatementBegin
CREATE TRIGGER search_documents_ai AFTER INSERT ON search_documents BEGIN
    INSERT INTO search_fts (rowid, title, body) VALUES (new.doc, new.title, new.body);
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER search_documents_ad AFTER DELETE ON search_documents BEGIN
    INSERT INTO search_fts (search_fts, rowid, title, body) VALUES ('delete', old.doc, old.title, old.body);
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER search_documents_au AFTER UPDATE ON search_documents BEGIN
    INSERT INTO search_fts (search_fts, rowid, title, body) VALUES ('delete', old.doc, old.title, old.body);
    INSERT INTO search_fts (rowid, title, body) VALUES (new.doc, new.title, new.body);
END;
-- +goose StatementEnd

INSERT INTO search_documents (kind, record_id, title, body) SELECT 'requirement', id, requirements.title, COALESCE(requirements.ref, '') || ' ' || requirements.description FROM requirements;
-- +goose StatementBegin
CREATE TRIGGER requirements_search_ai AFTER INSERT ON requirements BEGIN
    INSERT INTO search_documents (kind, record_id, title, body) VALUES ('requirement', new.id, new.title, COALESCE(new.ref, '') || ' ' || new.description);
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER requirements_search_au AFTER UPDATE OF title, description, ref ON requirements BEGIN
    UPDATE search_documents SET title = new.title, body = COALESCE(new.ref, '') || ' ' || new.description WHERE kind = 'requirement' AND record_id = new.id;
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER requirements_search_ad AFTER DELETE ON requirements BEGIN
    DELETE FROM search_documents WHERE kind = 'requirement' AND record_id = old.id;
END;
-- +goose StatementEnd

INSERT INTO search_documents (kind, record_id, title, body) SELECT 'pledge', id, pledges.description, '' FROM pledges;
-- +goose StatementBegin
CREATE TRIGGER pledges_search_ai AFTER INSERT ON pledges BEGIN
    INSERT INTO search_documents (kind, record_id, title, body) VALUES ('pledge', new.id, new.description, '');
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER pledges_search_au AFTER UPDATE OF description ON pledges BEGIN
    UPDATE search_documents SET title = new.description, body = '' WHERE kind = 'pledge' AND record_id = new.id;
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER pledges_search_ad AFTER DELETE ON pledges BEGIN
    DELETE FROM search_documents WHERE kind = 'pledge' AND record_id = old.id;
END;
-- +goose StatementEnd

INSERT INTO search_documents (kind, record_id, title, body) SELECT 'offer', id, offers.title, offers.description FROM offers;
-- +goose StatementBegin
CREATE TRIGGER offers_search_ai AFTER INSERT ON offers BEGIN
    INSERT INTO search_documents (kind, record_id, title, body) VALUES ('offer', new.id, new.title, new.description);
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER offers_search_au AFTER UPDATE OF title, description ON offers BEGIN
    UPDATE search_documents SET title = new.title, body = new.description WHERE kind = 'offer' AND record_id = new.id;
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER offers_search_ad AFTER DELETE ON offers BEGIN
    DELETE FROM search_documents WHERE kind = 'offer' AND record_id = old.id;
END;
-- +goose StatementEnd

INSERT INTO search_documents (kind, record_id, title, body) SELECT 'lesson', id, lessons.title, lessons.what_happened || ' ' || lessons.what_learned || ' ' || lessons.recommendation FROM lessons;
-- +goose StatementBegin
CREATE TRIGGER lessons_search_ai AFTER INSERT ON lessons BEGIN
    INSERT INTO search_documents (kind, record_id, title, body) VALUES ('lesson', new.id, new.title, new.what_happened || ' ' || new.what_learned || ' ' || new.recommendation);
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER lessons_search_au AFTER UPDATE OF title, what_happened, what_learned, recommendation ON lessons BEGIN
    UPDATE search_documents SET title = new.title, body = new.what_happened || ' ' || new.what_learned || ' ' || new.recommendation WHERE kind = 'lesson' AND record_id = new.id;
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER lessons_search_ad AFTER DELETE ON lessons BEGIN
    DELETE FROM search_documents WHERE kind = 'lesson' AND record_id = old.id;
END;
-- +goose StatementEnd

INSERT INTO search_documents (kind, record_id, title, body) SELECT 'proposal', id, proposals.title, proposals.body || ' ' || proposals.published_text FROM proposals;
-- +goose StatementBegin
CREATE TRIGGER proposals_search_ai AFTER INSERT ON proposals BEGIN
    INSERT INTO search_documents (kind, record_id, title, body) VALUES ('proposal', new.id, new.title, new.body || ' ' || new.published_text);
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER proposals_search_au AFTER UPDATE OF title, body, published_text ON proposals BEGIN
    UPDATE search_documents SET title = new.title, body = new.body || ' ' || new.published_text WHERE kind = 'proposal' AND record_id = new.id;
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER proposals_search_ad AFTER DELETE ON proposals BEGIN
    DELETE FROM search_documents WHERE kind = 'proposal' AND record_id = old.id;
END;
-- +goose StatementEnd

INSERT INTO search_documents (kind, record_id, title, body) SELECT 'organisation', id, organisations.name, '' FROM organisations;
-- +goose StatementBegin
CREATE TRIGGER organisations_search_ai AFTER INSERT ON organisations BEGIN
    INSERT INTO search_documents (kind, record_id, title, body) VALUES ('organisation', new.id, new.name, '');
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER organisations_search_au AFTER UPDATE OF name ON organisations BEGIN
    UPDATE search_documents SET title = new.name, body = '' WHERE kind = 'organisation' AND record_id = new.id;
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER organisations_search_ad AFTER DELETE ON organisations BEGIN
    DELETE FROM search_documents WHERE kind = 'organisation' AND record_id = old.id;
END;
-- +goose StatementEnd

INSERT INTO search_documents (kind, record_id, title, body) SELECT 'meeting', id, meetings.title, meetings.minutes FROM meetings;
-- +goose StatementBegin
CREATE TRIGGER meetings_search_ai AFTER INSERT ON meetings BEGIN
    INSERT INTO search_documents (kind, record_id, title, body) VALUES ('meeting', new.id, new.title, new.minutes);
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER meetings_search_au AFTER UPDATE OF title, minutes ON meetings BEGIN
    UPDATE search_documents SET title = new.title, body = new.minutes WHERE kind = 'meeting' AND record_id = new.id;
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER meetings_search_ad AFTER DELETE ON meetings BEGIN
    DELETE FROM search_documents WHERE kind = 'meeting' AND record_id = old.id;
END;
-- +goose StatementEnd

-- +goose Down
DROP TRIGGER meetings_search_ad;
DROP TRIGGER meetings_search_au;
DROP TRIGGER meetings_search_ai;
DROP TRIGGER organisations_search_ad;
DROP TRIGGER organisations_search_au;
DROP TRIGGER organisations_search_ai;
DROP TRIGGER proposals_search_ad;
DROP TRIGGER proposals_search_au;
DROP TRIGGER proposals_search_ai;
DROP TRIGGER lessons_search_ad;
DROP TRIGGER lessons_search_au;
DROP TRIGGER lessons_search_ai;
DROP TRIGGER offers_search_ad;
DROP TRIGGER offers_search_au;
DROP TRIGGER offers_search_ai;
DROP TRIGGER pledges_search_ad;
DROP TRIGGER pledges_search_au;
DROP TRIGGER pledges_search_ai;
DROP TRIGGER requirements_search_ad;
DROP TRIGGER requirements_search_au;
DROP TRIGGER requirements_search_ai;
DROP TABLE search_fts;
DROP TABLE search_documents;
DROP INDEX pledges_sort_tlp;
DROP INDEX pledges_sort_channel;
DROP INDEX pledges_sort_status;
DROP INDEX pledges_sort_eur;
DROP INDEX pledges_sort_date;
DROP INDEX requirements_sort_tlp;
DROP INDEX requirements_sort_status;
DROP INDEX requirements_sort_needed_by;
DROP INDEX requirements_sort_estimated;
DROP INDEX requirements_sort_priority;
DROP INDEX requirements_sort_sector;
DROP INDEX requirements_sort_title;
DROP INDEX requirements_sort_ref;
