-- Columns that lists sort on use the "C" collation: byte order, as SQLite
-- sorts, so that both backends list and page identically.

-- +goose Up
CREATE TABLE organisations (
    id            text PRIMARY KEY,
    name          text COLLATE "C" NOT NULL CHECK (name <> ''),
    kind          text NOT NULL CHECK (kind IN ('state', 'international_org', 'private_company', 'ngo', 'beneficiary_agency')),
    participation text NOT NULL CHECK (participation IN ('member', 'observer', 'applicant', 'contributor', 'beneficiary', 'former')),
    country       text NOT NULL DEFAULT '',
    created_at    timestamptz NOT NULL,
    updated_at    timestamptz NOT NULL
);
CREATE UNIQUE INDEX organisations_name ON organisations (name);

CREATE TABLE users (
    id            text PRIMARY KEY,
    org_id        text NOT NULL REFERENCES organisations (id),
    email         text COLLATE "C" NOT NULL UNIQUE CHECK (email <> ''),
    name          text NOT NULL DEFAULT '',
    disabled      boolean NOT NULL DEFAULT false,
    password_hash text NOT NULL DEFAULT '',
    totp_secret   text NOT NULL DEFAULT '',
    language      text NOT NULL DEFAULT '',
    created_at    timestamptz NOT NULL,
    updated_at    timestamptz NOT NULL
);
CREATE INDEX users_org ON users (org_id);

CREATE TABLE user_roles (
    user_id text NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    role    text NOT NULL CHECK (role IN ('admin', 'coordinator', 'validator', 'requester', 'donor', 'delegate', 'viewer')),
    PRIMARY KEY (user_id, role)
);

CREATE TABLE sessions (
    token_hash text PRIMARY KEY,
    user_id    text NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    csrf_token text NOT NULL,
    created_at timestamptz NOT NULL,
    expires_at timestamptz NOT NULL
);
CREATE INDEX sessions_user ON sessions (user_id);
CREATE INDEX sessions_expires ON sessions (expires_at);

CREATE TABLE api_tokens (
    id         text PRIMARY KEY,
    user_id    text NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    token_hash text NOT NULL UNIQUE,
    created_at timestamptz NOT NULL,
    expires_at timestamptz NOT NULL,
    revoked_at timestamptz
);
CREATE INDEX api_tokens_user ON api_tokens (user_id);

CREATE TABLE requirements (
    id                  text COLLATE "C" PRIMARY KEY,
    ref                 text UNIQUE,
    title               text NOT NULL,
    description         text NOT NULL DEFAULT '',
    beneficiary_org_id  text NOT NULL REFERENCES organisations (id),
    sector              text NOT NULL CHECK (sector IN ('energy', 'telecom', 'government', 'finance', 'transport', 'water', 'health', 'other')),
    category            text NOT NULL CHECK (category IN ('hardware_software', 'edr', 'incident_response', 'training', 'satellite_comms', 'audit_consulting', 'restoration', 'other')),
    line_of_effort      text NOT NULL CHECK (line_of_effort IN ('support', 'strengthen', 'sustain')),
    priority            text NOT NULL CHECK (priority IN ('critical', 'high', 'medium', 'low')),
    estimated_eur_minor bigint NOT NULL CHECK (estimated_eur_minor >= 0),
    quantity            bigint NOT NULL DEFAULT 0 CHECK (quantity >= 0),
    unit                text NOT NULL DEFAULT '',
    needed_by           date,
    region              text NOT NULL DEFAULT '',
    tlp                 text NOT NULL CHECK (tlp IN ('clear', 'green', 'amber', 'amber+strict', 'red')),
    status              text NOT NULL CHECK (status IN ('draft', 'submitted', 'validated', 'returned', 'rejected', 'in_delivery', 'delivered', 'closed', 'withdrawn')),
    created_by          text REFERENCES users (id),
    validated_at        timestamptz,
    created_at          timestamptz NOT NULL,
    updated_at          timestamptz NOT NULL,
    -- lower(ref || ' ' || title || ' ' || description), written by the
    -- store in Go, so that matching folds case exactly as on SQLite.
    search_text         text NOT NULL
);
CREATE INDEX requirements_status ON requirements (status);
CREATE INDEX requirements_sector ON requirements (sector);
CREATE INDEX requirements_category ON requirements (category);
CREATE INDEX requirements_line ON requirements (line_of_effort);
CREATE INDEX requirements_priority ON requirements (priority);
CREATE INDEX requirements_beneficiary ON requirements (beneficiary_org_id);

CREATE TABLE validations (
    id             text COLLATE "C" PRIMARY KEY,
    requirement_id text NOT NULL REFERENCES requirements (id),
    decision       text NOT NULL CHECK (decision IN ('approve', 'return', 'reject')),
    comment        text NOT NULL DEFAULT '',
    user_id        text NOT NULL REFERENCES users (id),
    at             timestamptz NOT NULL
);
CREATE INDEX validations_requirement ON validations (requirement_id, at);

CREATE TABLE pledges (
    id             text COLLATE "C" PRIMARY KEY,
    donor_org_id   text NOT NULL REFERENCES organisations (id),
    requirement_id text REFERENCES requirements (id),
    amount_minor   bigint NOT NULL CHECK (amount_minor >= 0),
    currency       text NOT NULL CHECK (currency ~ '^[A-Z]{3}$'),
    eur_minor      bigint NOT NULL CHECK (eur_minor >= 0),
    rate           text NOT NULL DEFAULT '',
    rate_date      date,
    pledge_date    date,
    kind           text NOT NULL CHECK (kind IN ('money', 'in_kind')),
    description    text NOT NULL DEFAULT '',
    channel        text NOT NULL CHECK (channel IN ('mechanism', 'bilateral')),
    status         text NOT NULL CHECK (status IN ('proposed', 'confirmed', 'in_delivery', 'delivered', 'receipt_confirmed', 'withdrawn', 'rejected')),
    review         text NOT NULL CHECK (review IN ('not_required', 'pending', 'approved', 'rejected')),
    review_comment text NOT NULL DEFAULT '',
    -- Where the help goes: the requirement's beneficiary, sector and category
    -- for a mechanism pledge; stated by the donor for a bilateral report.
    beneficiary_org_id text REFERENCES organisations (id),
    sector         text NOT NULL DEFAULT '' CHECK (sector IN ('', 'energy', 'telecom', 'government', 'finance', 'transport', 'water', 'health', 'other')),
    category       text NOT NULL DEFAULT '' CHECK (category IN ('', 'hardware_software', 'edr', 'incident_response', 'training', 'satellite_comms', 'audit_consulting', 'restoration', 'other')),
    period_start   date,
    period_end     date,
    -- The activity a bilateral report was imported from, so a new import updates it.
    iati_identifier text,
    tlp            text NOT NULL CHECK (tlp IN ('clear', 'green', 'amber', 'amber+strict', 'red')),
    created_by     text REFERENCES users (id),
    created_at     timestamptz NOT NULL,
    updated_at     timestamptz NOT NULL
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
    object_type text NOT NULL CHECK (object_type <> ''),
    object_id   text NOT NULL,
    org_id      text REFERENCES organisations (id),
    user_id     text REFERENCES users (id),
    CHECK ((org_id IS NULL) <> (user_id IS NULL))
);
CREATE INDEX access_grants_object ON access_grants (object_type, object_id);
CREATE UNIQUE INDEX access_grants_org ON access_grants (object_type, object_id, org_id) WHERE org_id IS NOT NULL;
CREATE UNIQUE INDEX access_grants_user ON access_grants (object_type, object_id, user_id) WHERE user_id IS NOT NULL;

-- rate is the ECB's decimal text, kept as published.
CREATE TABLE rates (
    currency text NOT NULL CHECK (currency ~ '^[A-Z]{3}$'),
    day      date NOT NULL,
    rate     text NOT NULL CHECK (rate <> ''),
    PRIMARY KEY (currency, day)
);

CREATE TABLE counters (
    name  text PRIMARY KEY,
    value bigint NOT NULL
);

CREATE TABLE login_failures (
    key text NOT NULL,
    at  timestamptz NOT NULL
);
CREATE INDEX login_failures_key ON login_failures (key, at);

-- The caller computes seq and the hashes; before and after are text, not
-- jsonb, so that the JSON comes back byte for byte, as the hashes cover it.
CREATE TABLE audit_events (
    seq           bigint PRIMARY KEY CHECK (seq > 0),
    at            timestamptz NOT NULL,
    actor_user_id text,
    actor_org_id  text,
    action        text NOT NULL,
    object_type   text NOT NULL,
    object_id     text NOT NULL,
    before        text,
    after         text,
    payload_hash  text NOT NULL,
    prev_hash     text NOT NULL,
    hash          text NOT NULL
);
CREATE INDEX audit_events_object ON audit_events (object_type, object_id, seq);

-- The log is append-only.
-- +goose StatementBegin
CREATE FUNCTION audit_events_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'audit_events is append-only' USING ERRCODE = 'prohibited_sql_statement_attempted';
END
$$;
-- +goose StatementEnd
CREATE TRIGGER audit_events_no_change BEFORE UPDATE OR DELETE ON audit_events
    FOR EACH ROW EXECUTE FUNCTION audit_events_append_only();
CREATE TRIGGER audit_events_no_truncate BEFORE TRUNCATE ON audit_events
    FOR EACH STATEMENT EXECUTE FUNCTION audit_events_append_only();

-- +goose Down
DROP TABLE audit_events;
DROP FUNCTION audit_events_append_only();
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
