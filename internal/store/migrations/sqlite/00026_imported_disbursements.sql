-- Tranches read from a donor's IATI file (its disbursement transactions)
-- are the import's, as the reports they belong to are: made by whoever ran
-- the import, or, at the operator's command line, by no user, so
-- created_by may be NULL, as it may for a pledge. (SQLite drops a NOT NULL
-- only by rebuilding the table; nothing refers to disbursements.)

-- +goose Up
CREATE TABLE disbursements_new (
    id               TEXT PRIMARY KEY,
    pledge_id        TEXT NOT NULL REFERENCES pledges (id),
    amount_minor     INTEGER NOT NULL CHECK (amount_minor > 0),
    currency         TEXT NOT NULL CHECK (currency GLOB '[A-Z][A-Z][A-Z]'),
    eur_minor        INTEGER NOT NULL CHECK (eur_minor >= 0),
    rate             TEXT NOT NULL,
    rate_date        TEXT NOT NULL CHECK (rate_date GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]'),
    rate_provisional INTEGER NOT NULL DEFAULT 0 CHECK (rate_provisional IN (0, 1)),
    day              TEXT NOT NULL CHECK (day GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]'),
    note             TEXT NOT NULL DEFAULT '',
    created_by       TEXT REFERENCES users (id),
    created_at       TIMESTAMP NOT NULL
);
INSERT INTO disbursements_new SELECT id, pledge_id, amount_minor, currency, eur_minor, rate, rate_date, rate_provisional, day, note, created_by, created_at FROM disbursements;
DROP INDEX disbursements_rate_provisional;
DROP INDEX disbursements_pledge;
DROP TABLE disbursements;
ALTER TABLE disbursements_new RENAME TO disbursements;
CREATE INDEX disbursements_pledge ON disbursements (pledge_id, day);
CREATE INDEX disbursements_rate_provisional ON disbursements (id) WHERE rate_provisional;

-- +goose Down
-- The tranches no user made go, and with them what they added to their
-- pledges' disbursed sums.
UPDATE pledges SET disbursed_eur_minor = MAX(0, disbursed_eur_minor -
    (SELECT COALESCE(SUM(eur_minor), 0) FROM disbursements d WHERE d.pledge_id = pledges.id AND d.created_by IS NULL))
WHERE id IN (SELECT pledge_id FROM disbursements WHERE created_by IS NULL);
DELETE FROM disbursements WHERE created_by IS NULL;
CREATE TABLE disbursements_new (
    id               TEXT PRIMARY KEY,
    pledge_id        TEXT NOT NULL REFERENCES pledges (id),
    amount_minor     INTEGER NOT NULL CHECK (amount_minor > 0),
    currency         TEXT NOT NULL CHECK (currency GLOB '[A-Z][A-Z][A-Z]'),
    eur_minor        INTEGER NOT NULL CHECK (eur_minor >= 0),
    rate             TEXT NOT NULL,
    rate_date        TEXT NOT NULL CHECK (rate_date GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]'),
    rate_provisional INTEGER NOT NULL DEFAULT 0 CHECK (rate_provisional IN (0, 1)),
    day              TEXT NOT NULL CHECK (day GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]'),
    note             TEXT NOT NULL DEFAULT '',
    created_by       TEXT NOT NULL REFERENCES users (id),
    created_at       TIMESTAMP NOT NULL
);
INSERT INTO disbursements_new SELECT id, pledge_id, amount_minor, currency, eur_minor, rate, rate_date, rate_provisional, day, note, created_by, created_at FROM disbursements;
DROP INDEX disbursements_rate_provisional;
DROP INDEX disbursements_pledge;
DROP TABLE disbursements;
ALTER TABLE disbursements_new RENAME TO disbursements;
CREATE INDEX disbursements_pledge ON disbursements (pledge_id, day);
CREATE INDEX disbursements_rate_provisional ON disbursements (id) WHERE rate_provisional;
