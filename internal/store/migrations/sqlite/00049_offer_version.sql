-- A version of the offers and their access lists: triggers advance it in
-- the transaction of every change to them, whichever statement makes it,
-- so that the offers' list total, a count of every offer the viewer sees
-- (3 ms at 10,000 offers on PostgreSQL, most of a page's time), may be
-- kept while it stands. The offers' audience reads nothing else: their
-- label, their donor and their named readers.

-- +goose Up
-- +goose StatementBegin
CREATE TABLE offer_version (
    one INTEGER PRIMARY KEY CHECK (one = 1),
    n   INTEGER NOT NULL
);
INSERT INTO offer_version (one, n) VALUES (1, 1);
CREATE TRIGGER offer_version_offers_insert AFTER INSERT ON offers BEGIN UPDATE offer_version SET n = n + 1; END;
CREATE TRIGGER offer_version_offers_update AFTER UPDATE ON offers BEGIN UPDATE offer_version SET n = n + 1; END;
CREATE TRIGGER offer_version_offers_delete AFTER DELETE ON offers BEGIN UPDATE offer_version SET n = n + 1; END;
CREATE TRIGGER offer_version_grants_insert AFTER INSERT ON access_grants WHEN NEW.object_type = 'offer' BEGIN UPDATE offer_version SET n = n + 1; END;
CREATE TRIGGER offer_version_grants_update AFTER UPDATE ON access_grants WHEN OLD.object_type = 'offer' OR NEW.object_type = 'offer' BEGIN UPDATE offer_version SET n = n + 1; END;
CREATE TRIGGER offer_version_grants_delete AFTER DELETE ON access_grants WHEN OLD.object_type = 'offer' BEGIN UPDATE offer_version SET n = n + 1; END;
-- +goose StatementEnd

-- +goose Down
-- +goose StatementBegin
DROP TRIGGER offer_version_grants_delete;
DROP TRIGGER offer_version_grants_update;
DROP TRIGGER offer_version_grants_insert;
DROP TRIGGER offer_version_offers_delete;
DROP TRIGGER offer_version_offers_update;
DROP TRIGGER offer_version_offers_insert;
DROP TABLE offer_version;
-- +goose StatementEnd
