-- Matching and deconfliction: the offers catalogue, the pledges drawn from
-- each offer, and coordinators' acknowledgements of deconfliction alerts.

-- +goose Up
CREATE TABLE offers (
    id             text COLLATE "C" PRIMARY KEY,
    donor_org_id   text NOT NULL REFERENCES organisations (id),
    title          text NOT NULL CHECK (title <> ''),
    description    text NOT NULL DEFAULT '',
    kind           text NOT NULL CHECK (kind IN ('money', 'in_kind')),
    amount_minor   bigint NOT NULL CHECK (amount_minor > 0),
    currency       text NOT NULL CHECK (currency ~ '^[A-Z]{3}$'),
    eur_minor      bigint NOT NULL CHECK (eur_minor >= 0),
    rate           text NOT NULL DEFAULT '',
    rate_date      date,
    offer_date     date NOT NULL,
    quantity       bigint NOT NULL DEFAULT 0 CHECK (quantity >= 0),
    unit           text NOT NULL DEFAULT '',
    -- Constraint sets as sorted comma-separated codes; '' leaves the attribute open.
    sectors        text NOT NULL DEFAULT '',
    categories     text NOT NULL DEFAULT '',
    lines          text NOT NULL DEFAULT '',
    regions        text NOT NULL DEFAULT '',
    valid_until    date NOT NULL,
    status         text NOT NULL CHECK (status IN ('open', 'withdrawn', 'rejected')),
    review         text NOT NULL CHECK (review IN ('not_required', 'pending', 'approved', 'rejected')),
    review_comment text NOT NULL DEFAULT '',
    tlp            text NOT NULL CHECK (tlp IN ('clear', 'green', 'amber', 'amber+strict', 'red')),
    created_by     text REFERENCES users (id),
    created_at     timestamptz NOT NULL,
    updated_at     timestamptz NOT NULL
);
CREATE INDEX offers_donor ON offers (donor_org_id);

CREATE TABLE offer_pledges (
    pledge_id text COLLATE "C" PRIMARY KEY REFERENCES pledges (id),
    offer_id  text NOT NULL REFERENCES offers (id)
);
CREATE INDEX offer_pledges_offer ON offer_pledges (offer_id);

CREATE TABLE deconfliction_acks (
    key     text COLLATE "C" PRIMARY KEY,
    comment text NOT NULL DEFAULT '',
    user_id text NOT NULL REFERENCES users (id),
    org_id  text NOT NULL REFERENCES organisations (id),
    at      timestamptz NOT NULL
);

-- +goose Down
DROP TABLE deconfliction_acks;
DROP TABLE offer_pledges;
DROP TABLE offers;
