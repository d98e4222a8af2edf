-- Matching and deconfliction: the offers catalogue, the pledges drawn from
-- each offer, and coordinators' acknowledgements of deconfliction alerts.

-- +goose Up
CREATE TABLE offers (
    id             TEXT PRIMARY KEY,
    donor_org_id   TEXT NOT NULL REFERENCES organisations (id),
    title          TEXT NOT NULL CHECK (title <> ''),
    description    TEXT NOT NULL DEFAULT '',
    kind           TEXT NOT NULL CHECK (kind IN ('money', 'in_kind')),
    amount_minor   INTEGER NOT NULL CHECK (amount_minor > 0),
    currency       TEXT NOT NULL CHECK (currency GLOB '[A-Z][A-Z][A-Z]'),
    eur_minor      INTEGER NOT NULL CHECK (eur_minor >= 0),
    rate           TEXT NOT NULL DEFAULT '',
    rate_date      TEXT CHECK (rate_date GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]'),
    offer_date     TEXT NOT NULL CHECK (offer_date GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]'),
    quantity       INTEGER NOT NULL DEFAULT 0 CHECK (quantity >= 0),
    unit           TEXT NOT NULL DEFAULT '',
    -- Constraint sets as sorted comma-separated codes; '' leaves the attribute open.
    sectors        TEXT NOT NULL DEFAULT '',
    categories     TEXT NOT NULL DEFAULT '',
    lines          TEXT NOT NULL DEFAULT '',
    regions        TEXT NOT NULL DEFAULT '',
    valid_until    TEXT NOT NULL CHECK (valid_until GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]'),
    status         TEXT NOT NULL CHECK (status IN ('open', 'withdrawn', 'rejected')),
    review         TEXT NOT NULL CHECK (review IN ('not_required', 'pending', 'approved', 'rejected')),
    review_comment TEXT NOT NULL DEFAULT '',
    tlp            TEXT NOT NULL CHECK (tlp IN ('clear', 'green', 'amber', 'amber+strict', 'red')),
    created_by     TEXT REFERENCES users (id),
    created_at     TIMESTAMP NOT NULL,
    updated_at     TIMESTAMP NOT NULL
);
CREATE INDEX offers_donor ON offers (donor_org_id);

CREATE TABLE offer_pledges (
    pledge_id TEXT PRIMARY KEY REFERENCES pledges (id),
    offer_id  TEXT NOT NULL REFERENCES offers (id)
);
CREATE INDEX offer_pledges_offer ON offer_pledges (offer_id);

CREATE TABLE deconfliction_acks (
    key     TEXT PRIMARY KEY,
    comment TEXT NOT NULL DEFAULT '',
    user_id TEXT NOT NULL REFERENCES users (id),
    org_id  TEXT NOT NULL REFERENCES organisations (id),
    at      TIMESTAMP NOT NULL
);

-- +goose Down
DROP TABLE deconfliction_acks;
DROP TABLE offer_pledges;
DROP TABLE offers;
