-- Instants are declared TIMESTAMP so that the driver reads them back as
-- times; the store writes them as UTC text, which sorts in time order.
-- Calendar days are TEXT in the form YYYY-MM-DD. Booleans are 0 or 1.

-- +goose Up
CREATE TABLE organisations (
    id            TEXT PRIMARY KEY,
    name          TEXT NOT NULL CHECK (name <> ''),
    kind          TEXT NOT NULL CHECK (kind IN ('state', 'international_org', 'private_company', 'ngo', 'beneficiary_agency')),
    participation TEXT NOT NULL CHECK (participation IN ('member', 'observer', 'applicant', 'contributor', 'beneficiary', 'former')),
    country       TEXT NOT NULL DEFAULT '',
    created_at    TIMESTAMP NOT NULL,
    updated_at    TIMESTAMP NOT NULL
);
CREATE UNIQUE INDEX organisations_name ON organisations (name);

CREATE TABLE users (
    id            TEXT PRIMARY KEY,
    org_id        TEXT NOT NULL REFERENCES organisations (id),
    email         TEXT NOT NULL UNIQUE CHECK (email <> ''),
    name          TEXT NOT NULL DEFAULT '',
    disabled      INTEGER NOT NULL DEFAULT 0 CHECK (disabled IN (0, 1)),
    password_hash TEXT NOT NULL DEFAULT '',
    totp_secret   TEXT NOT NULL DEFAULT '',
    language      TEXT NOT NULL DEFAULT '',
    created_at    TIMESTAMP NOT NULL,
    updated_at    TIMESTAMP NOT NULL
);
CREATE INDEX users_org ON users (org_id);

CREATE TABLE user_roles (
    user_id TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    role    TEXT NOT NULL CHECK (role IN ('admin', 'coordinator', 'validator', 'requester', 'donor', 'delegate', 'viewer')),
    PRIMARY KEY (user_id, role)
);

CREATE TABLE sessions (
    token_hash TEXT PRIMARY KEY,
    user_id    TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    csrf_token TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    expires_at TIMESTAMP NOT NULL
);
CREATE INDEX sessions_user ON sessions (user_id);
CREATE INDEX sessions_expires ON sessions (expires_at);

CREATE TABLE api_tokens (
    id         TEXT PRIMARY KEY,
    user_id    TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    token_hash TEXT NOT NULL UNIQUE,
    created_at TIMESTAMP NOT NULL,
    expires_at TIMESTAMP NOT NULL,
    revoked_at TIMESTAMP
);
CREATE INDEX api_tokens_user ON api_tokens (user_id);

CREATE TABLE requirements (
    id                  TEXT PRIMARY KEY,
    ref                 TEXT UNIQUE,
    title               TEXT NOT NULL,
    description         TEXT NOT NULL DEFAULT '',
    beneficiary_org_id  TEXT NOT NULL REFERENCES organisations (id),
    sector              TEXT NOT NULL CHECK (sector IN ('energy', 'telecom', 'government', 'finance', 'transport', 'water', 'health', 'other')),
    category            TEXT NOT NULL CHECK (category IN ('hardware_software', 'edr', 'incident_response', 'training', 'satellite_comms', 'audit_consulting', 'restoration', 'other')),
    line_of_effort      TEXT NOT NULL CHECK (line_of_effort IN ('support', 'strengthen', 'sustain')),
    priority            TEXT NOT NULL CHECK (priority IN ('critical', 'high', 'medium', 'low')),
    estimated_eur_minor INTEGER NOT NULL CHECK (estimated_eur_minor >= 0),
    quantity            INTEGER NOT NULL DEFAULT 0 CHECK (quantity >= 0),
    unit                TEXT NOT NULL DEFAULT '',
    needed_by           TEXT CHECK (needed_by GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]'),
    region              TEXT NOT NULL DEFAULT '',
    tlp                 TEXT NOT NULL CHECK (tlp IN ('clear', 'green', 'amber', 'amber+strict', 'red')),
    status              TEXT NOT NULL CHECK (status IN ('draft', 'submitted', 'validated', 'returned', 'rejected', 'in_delivery', 'delivered', 'closed', 'withdrawn')),
    created_by          TEXT REFERENCES users (id),
    validated_at        TIMESTAMP,
    created_at          TIMESTAMP NOT NULL,
    updated_at          TIMESTAMP NOT NULL,
    -- lower(ref || ' ' || title || ' ' || description), written by the
    -- store in Go: SQLite's lower() folds ASCII only.
    search_text         TEXT NOT NULL
);
CREATE INDEX requirements_status ON requirements (status);
CREATE INDEX requirements_sector ON requirements (sector);
CREATE INDEX requirements_category ON requirements (category);
CREATE INDEX requirements_line ON requirements (line_of_effort);
CREATE INDEX requirements_priority ON requirements (priority);
CREATE INDEX requirements_beneficiary ON requirements (beneficiary_org_id);

CREATE TABLE validations (
    id             TEXT PRIMARY KEY,
    requirement_id TEXT NOT NULL REFERENCES requirements (id),
    decision       TEXT NOT NULL CHECK (decision IN ('approve', 'return', 'reject')),
    comment        TEXT NOT NULL DEFAULT '',
    user_id        TEXT NOT NULL REFERENCES users (id),
    at             TIMESTAMP NOT NULL
);
CREATE INDEX validations_requirement ON validations (requirement_id, at);

CREATE TABLE pledges (
    id             TEXT PRIMARY KEY,
    donor_org_id   TEXT NOT NULL REFERENCES organisations (id),
    requirement_id TEXT REFERENCES requirements (id),
    amount_minor   INTEGER NOT NULL CHECK (amount_minor >= 0),
    currency       TEXT NOT NULL CHECK (currency GLOB '[A-Z][A-Z][A-Z]'),
    eur_minor      INTEGER NOT NULL CHECK (eur_minor >= 0),
    rate           TEXT NOT NULL DEFAULT '',
    rate_date      TEXT CHECK (rate_date GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]'),
    pledge_date    TEXT CHECK (pledge_date GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]'),
    kind           TEXT NOT NULL CHECK (kind IN ('money', 'in_kind')),
    description    TEXT NOT NULL DEFAULT '',
    channel        TEXT NOT NULL CHECK (channel IN ('mechanism', 'bilateral')),
    status         TEXT NOT NULL CHECK (status IN ('proposed', 'confirmed', 'in_delivery', 'delivered', 'receipt_confirmed', 'withdrawn', 'rejected')),
    review         TEXT NOT NULL CHECK (review IN ('not_required', 'pending', 'approved', 'rejected')),
    review_comment TEXT NOT NULL DEFAULT '',
    -- Where the help goes: the requirement's beneficiary, sector and category
    -- for a mechanism pledge; stated by the donor for a bilateral report.
    beneficiary_org_id TEXT REFERENCES organisations (id),
    sector         TEXT NOT NULL DEFAULT '' CHECK (sector IN ('', 'energy', 'telecom', 'government', 'finance', 'transport', 'water', 'health', 'other')),
    category       TEXT NOT NULL DEFAULT '' CHECK (category IN ('', 'hardware_software', 'edr', 'incident_response', 'training', 'satellite_comms', 'audit_consulting', 'restoration', 'other')),
    period_start   TEXT CHECK (period_start GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]'),
    period_end     TEXT CHECK (period_end GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]'),
    -- The activity a bilateral report was imported from, so a new import updates it.
    iati_identifier TEXT,
    tlp            TEXT NOT NULL CHECK (tlp IN ('clear', 'green', 'amber', 'amber+strict', 'red')),
    created_by     TEXT REFERENCES users (id),
    created_at     TIMESTAMP NOT NULL,
    updated_at     TIMESTAMP NOT NULL
);
CREATE INDEX pledges_requirement ON pledges (requirement_id);
CREATE INDEX pledges_donor ON pledges (donor_org_id);
CREATE INDEX pledges_status ON pledges (status);
CREATE INDEX pledges_channel ON pledges (channel);
CREATE INDEX pledges_beneficiary ON pledges (beneficiary_org_id);
CREATE UNIQUE INDEX pledges_iati ON pledges (donor_org_id, iati_identifier) WHERE iati_identifier IS NOT NULL;

-- Who may see an AMBER+STRICT or RED record beyond its audience: one row
-- per organisation shared with or per user named.
CREATE TABLE access_grants (
    object_type TEXT NOT NULL CHECK (object_type <> ''),
    object_id   TEXT NOT NULL,
    org_id      TEXT REFERENCES organisations (id),
    user_id     TEXT REFERENCES users (id),
    CHECK ((org_id IS NULL) <> (user_id IS NULL))
);
CREATE INDEX access_grants_object ON access_grants (object_type, object_id);
CREATE UNIQUE INDEX access_grants_org ON access_grants (object_type, object_id, org_id) WHERE org_id IS NOT NULL;
CREATE UNIQUE INDEX access_grants_user ON access_grants (object_type, object_id, user_id) WHERE user_id IS NOT NULL;

CREATE TABLE rates (
    currency TEXT NOT NULL CHECK (currency GLOB '[A-Z][A-Z][A-Z]'),
    day      TEXT NOT NULL CHECK (day GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]'),
    rate     TEXT NOT NULL CHECK (rate <> ''),
    PRIMARY KEY (currency, day)
);

CREATE TABLE counters (
    name  TEXT PRIMARY KEY,
    value INTEGER NOT NULL
);

CREATE TABLE login_failures (
    key TEXT NOT NULL,
    at  TIMESTAMP NOT NULL
);
CREATE INDEX login_failures_key ON login_failures (key, at);

-- The caller computes seq and the hashes; before and after are TEXT so that
-- the JSON comes back byte for byte, as the hashes cover it.
CREATE TABLE audit_events (
    seq           INTEGER PRIMARY KEY CHECK (seq > 0),
    at            TIMESTAMP NOT NULL,
    actor_user_id TEXT,
    actor_org_id  TEXT,
    action        TEXT NOT NULL,
    object_type   TEXT NOT NULL,
    object_id     TEXT NOT NULL,
    before        TEXT,
    after         TEXT,
    payload_hash  TEXT NOT NULL,
    prev_hash     TEXT NOT NULL,
    hash          TEXT NOT NULL
);
CREATE INDEX audit_events_object ON audit_events (object_type, object_id, seq);

-- The log is append-only.
-- +goose StatementBegin
CREATE TRIGGER audit_events_no_update BEFORE UPDATE ON audit_events
BEGIN
    SELECT RAISE(ABORT, 'audit_events is append-only');
END;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE TRIGGER audit_events_no_delete BEFORE DELETE ON audit_events
BEGIN
    SELECT RAISE(ABORT, 'audit_events is append-only');
END;
-- +goose StatementEnd

-- +goose Down
DROP TABLE audit_events;
DROP TABLE login_failures;
DROP TABLE counters;
DROP TABLE rates;
DROP TABLE access_grants;
DROP TABLE pledges;
DROP TABLE validations;
DROP TABLE requirements;
DROP TABLE api_tokens;
DROP TABLE sessions;
DROP TABLE user_roles;
DROP TABLE users;
DROP TABLE organisations;
