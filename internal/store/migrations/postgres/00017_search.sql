-- Lists sort on their columns (?sort=) and page by keyset on (column, id):
-- one index per sort. PostgreSQL sorts text in byte order ("C"), as SQLite
-- does, so that both answer the same order.
--
-- One search across every kind of record: search_documents holds the words
-- of each record, kept by triggers in the transaction that writes the
-- record. PostgreSQL indexes a tsvector of the "simple"
-- configuration (lower-casing only, no stemming, no accent folding: Ukrainian
-- and French words are found as written) with GIN.

-- +goose Up
CREATE INDEX requirements_sort_ref ON requirements ((COALESCE(ref, '')) COLLATE "C", id);
CREATE INDEX requirements_sort_title ON requirements ((title) COLLATE "C", id);
CREATE INDEX requirements_sort_sector ON requirements ((sector) COLLATE "C", id);
CREATE INDEX requirements_sort_priority ON requirements ((CASE priority WHEN 'critical' THEN 0 WHEN 'high' THEN 1 WHEN 'medium' THEN 2 ELSE 3 END), id);
CREATE INDEX requirements_sort_estimated ON requirements ((estimated_eur_minor), id);
CREATE INDEX requirements_sort_needed_by ON requirements ((COALESCE(needed_by, DATE '0001-01-01')), id);
CREATE INDEX requirements_sort_status ON requirements ((status) COLLATE "C", id);
CREATE INDEX requirements_sort_tlp ON requirements ((CASE tlp WHEN 'clear' THEN 0 WHEN 'green' THEN 1 WHEN 'amber' THEN 2 WHEN 'amber+strict' THEN 3 ELSE 4 END), id);
CREATE INDEX pledges_sort_date ON pledges ((COALESCE(pledge_date, DATE '0001-01-01')), id);
CREATE INDEX pledges_sort_eur ON pledges ((eur_minor), id);
CREATE INDEX pledges_sort_status ON pledges ((status) COLLATE "C", id);
CREATE INDEX pledges_sort_channel ON pledges ((channel) COLLATE "C", id);
CREATE INDEX pledges_sort_tlp ON pledges ((CASE tlp WHEN 'clear' THEN 0 WHEN 'green' THEN 1 WHEN 'amber' THEN 2 WHEN 'amber+strict' THEN 3 ELSE 4 END), id);

CREATE TABLE search_documents (
    doc       bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    kind      text NOT NULL CHECK (kind IN ('requirement', 'pledge', 'offer', 'lesson', 'proposal', 'organisation', 'meeting')),
    record_id text NOT NULL,
    title     text NOT NULL,
    body      text NOT NULL,
    words     tsvector GENERATED ALWAYS AS (setweight(to_tsvector('simple', title), 'A') || setweight(to_tsvector('simple', body), 'B')) STORED
);
CREATE UNIQUE INDEX search_documents_record ON search_documents (kind, record_id);
CREATE INDEX search_documents_words ON search_documents USING gin (words);

INSERT INTO search_documents (kind, record_id, title, body) SELECT 'requirement', id, requirements.title, COALESCE(requirements.ref, '') || ' ' || requirements.description FROM requirements;
-- +goose StatementBegin
CREATE FUNCTION requirements_search() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'DELETE' THEN
        DELETE FROM search_documents WHERE kind = 'requirement' AND record_id = OLD.id;
        RETURN OLD;
    END IF;
    INSERT INTO search_documents (kind, record_id, title, body) VALUES ('requirement', NEW.id, new.title, COALESCE(new.ref, '') || ' ' || new.description)
    ON CONFLICT (kind, record_id) DO UPDATE SET title = EXCLUDED.title, body = EXCLUDED.body;
    RETURN NEW;
END
$$;
-- +goose StatementEnd
CREATE TRIGGER requirements_search AFTER INSERT OR DELETE OR UPDATE OF title, description, ref ON requirements FOR EACH ROW EXECUTE FUNCTION requirements_search();

INSERT INTO search_documents (kind, record_id, title, body) SELECT 'pledge', id, pledges.description, '' FROM pledges;
-- +goose StatementBegin
CREATE FUNCTION pledges_search() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'DELETE' THEN
        DELETE FROM search_documents WHERE kind = 'pledge' AND record_id = OLD.id;
        RETURN OLD;
    END IF;
    INSERT INTO search_documents (kind, record_id, title, body) VALUES ('pledge', NEW.id, new.description, '')
    ON CONFLICT (kind, record_id) DO UPDATE SET title = EXCLUDED.title, body = EXCLUDED.body;
    RETURN NEW;
END
$$;
-- +goose StatementEnd
CREATE TRIGGER pledges_search AFTER INSERT OR DELETE OR UPDATE OF description ON pledges FOR EACH ROW EXECUTE FUNCTION pledges_search();

INSERT INTO search_documents (kind, record_id, title, body) SELECT 'offer', id, offers.title, offers.description FROM offers;
-- +goose StatementBegin
CREATE FUNCTION offers_search() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'DELETE' THEN
        DELETE FROM search_documents WHERE kind = 'offer' AND record_id = OLD.id;
        RETURN OLD;
    END IF;
    INSERT INTO search_documents (kind, record_id, title, body) VALUES ('offer', NEW.id, new.title, new.description)
    ON CONFLICT (kind, record_id) DO UPDATE SET title = EXCLUDED.title, body = EXCLUDED.body;
    RETURN NEW;
END
$$;
-- +goose StatementEnd
CREATE TRIGGER offers_search AFTER INSERT OR DELETE OR UPDATE OF title, description ON offers FOR EACH ROW EXECUTE FUNCTION offers_search();

INSERT INTO search_documents (kind, record_id, title, body) SELECT 'lesson', id, lessons.title, lessons.what_happened || ' ' || lessons.what_learned || ' ' || lessons.recommendation FROM lessons;
-- +goose StatementBegin
CREATE FUNCTION lessons_search() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'DELETE' THEN
        DELETE FROM search_documents WHERE kind = 'lesson' AND record_id = OLD.id;
        RETURN OLD;
    END IF;
    INSERT INTO search_documents (kind, record_id, title, body) VALUES ('lesson', NEW.id, new.title, new.what_happened || ' ' || new.what_learned || ' ' || new.recommendation)
    ON CONFLICT (kind, record_id) DO UPDATE SET title = EXCLUDED.title, body = EXCLUDED.body;
    RETURN NEW;
END
$$;
-- +goose StatementEnd
CREATE TRIGGER lessons_search AFTER INSERT OR DELETE OR UPDATE OF title, what_happened, what_learned, recommendation ON lessons FOR EACH ROW EXECUTE FUNCTION lessons_search();

INSERT INTO search_documents (kind, record_id, title, body) SELECT 'proposal', id, proposals.title, proposals.body || ' ' || proposals.published_text FROM proposals;
-- +goose StatementBegin
CREATE FUNCTION proposals_search() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'DELETE' THEN
        DELETE FROM search_documents WHERE kind = 'proposal' AND record_id = OLD.id;
        RETURN OLD;
    END IF;
    INSERT INTO search_documents (kind, record_id, title, body) VALUES ('proposal', NEW.id, new.title, new.body || ' ' || new.published_text)
    ON CONFLICT (kind, record_id) DO UPDATE SET title = EXCLUDED.title, body = EXCLUDED.body;
    RETURN NEW;
END
$$;
-- +goose StatementEnd
CREATE TRIGGER proposals_search AFTER INSERT OR DELETE OR UPDATE OF title, body, published_text ON proposals FOR EACH ROW EXECUTE FUNCTION proposals_search();

INSERT INTO search_documents (kind, record_id, title, body) SELECT 'organisation', id, organisations.name, '' FROM organisations;
-- +goose StatementBegin
CREATE FUNCTION organisations_search() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'DELETE' THEN
        DELETE FROM search_documents WHERE kind = 'organisation' AND record_id = OLD.id;
        RETURN OLD;
    END IF;
    INSERT INTO search_documents (kind, record_id, title, body) VALUES ('organisation', NEW.id, new.name, '')
    ON CONFLICT (kind, record_id) DO UPDATE SET title = EXCLUDED.title, body = EXCLUDED.body;
    RETURN NEW;
END
$$;
-- +goose StatementEnd
CREATE TRIGGER organisations_search AFTER INSERT OR DELETE OR UPDATE OF name ON organisations FOR EACH ROW EXECUTE FUNCTION organisations_search();

INSERT INTO search_documents (kind, record_id, title, body) SELECT 'meeting', id, meetings.title, meetings.minutes FROM meetings;
-- +goose StatementBegin
CREATE FUNCTION meetings_search() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'DELETE' THEN
        DELETE FROM search_documents WHERE kind = 'meeting' AND record_id = OLD.id;
        RETURN OLD;
    END IF;
    INSERT INTO search_documents (kind, record_id, title, body) VALUES ('meeting', NEW.id, new.title, new.minutes)
    ON CONFLICT (kind, record_id) DO UPDATE SET title = EXCLUDED.title, body = EXCLUDED.body;
    RETURN NEW;
END
$$;
-- +goose StatementEnd
CREATE TRIGGER meetings_search AFTER INSERT OR DELETE OR UPDATE OF title, minutes ON meetings FOR EACH ROW EXECUTE FUNCTION meetings_search();

-- +goose Down
DROP TRIGGER meetings_search ON meetings;
DROP FUNCTION meetings_search();
DROP TRIGGER organisations_search ON organisations;
DROP FUNCTION organisations_search();
DROP TRIGGER proposals_search ON proposals;
DROP FUNCTION proposals_search();
DROP TRIGGER lessons_search ON lessons;
DROP FUNCTION lessons_search();
DROP TRIGGER offers_search ON offers;
DROP FUNCTION offers_search();
DROP TRIGGER pledges_search ON pledges;
DROP FUNCTION pledges_search();
DROP TRIGGER requirements_search ON requirements;
DROP FUNCTION requirements_search();
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
