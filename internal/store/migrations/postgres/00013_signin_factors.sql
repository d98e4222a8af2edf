-- Single sign-on and passkeys. An organisation's identity providers, with
-- their client secrets, live in the database because several servers share
-- them. The state, nonce and PKCE verifier of a sign-in in progress, and the
-- challenge of a passkey ceremony, are kept server-side, once, briefly: any
-- server may receive the answer. Sessions gain what the account page shows
-- of them, and an id to end one by. A user is told of every change to how
-- their account signs in: a new kind of notification.

-- +goose Up
CREATE TABLE sso_providers (
    id              text PRIMARY KEY,
    org_id          text NOT NULL REFERENCES organisations (id),
    name            text NOT NULL,
    issuer          text NOT NULL,
    client_id       text NOT NULL,
    client_secret   text NOT NULL,
    email_domains   text NOT NULL DEFAULT '',
    allow_passwords boolean NOT NULL DEFAULT true,
    created_at      timestamptz NOT NULL,
    updated_at      timestamptz NOT NULL,
    UNIQUE (org_id, issuer, client_id)
);
CREATE TABLE sso_links (
    provider_id text NOT NULL REFERENCES sso_providers (id) ON DELETE CASCADE,
    subject     text NOT NULL,
    user_id     text NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    created_at  timestamptz NOT NULL,
    PRIMARY KEY (provider_id, subject),
    UNIQUE (provider_id, user_id)
);
CREATE TABLE signin_flows (
    id          text PRIMARY KEY,
    kind        text NOT NULL,
    provider_id text,
    user_id     text REFERENCES users (id) ON DELETE CASCADE,
    nonce       text NOT NULL DEFAULT '',
    verifier    text NOT NULL DEFAULT '',
    data        text NOT NULL DEFAULT '',
    next        text NOT NULL DEFAULT '',
    expires_at  timestamptz NOT NULL
);
CREATE INDEX signin_flows_expires ON signin_flows (expires_at);
CREATE TABLE passkeys (
    id            text PRIMARY KEY,
    user_id       text NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    credential_id text NOT NULL UNIQUE,
    name          text NOT NULL,
    credential    text NOT NULL,
    created_at    timestamptz NOT NULL,
    last_used_at  timestamptz
);
CREATE INDEX passkeys_user ON passkeys (user_id);
CREATE TABLE recovery_codes (
    user_id   text NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    code_hash text NOT NULL,
    used_at   timestamptz,
    PRIMARY KEY (user_id, code_hash)
);
CREATE TABLE signin_policies (
    scope          text PRIMARY KEY,
    require_strong boolean NOT NULL
);
ALTER TABLE sessions ADD COLUMN id text NOT NULL DEFAULT '';
UPDATE sessions SET id = md5(random()::text || token_hash);
CREATE UNIQUE INDEX sessions_id ON sessions (id);
ALTER TABLE sessions ADD COLUMN user_agent text NOT NULL DEFAULT '';
ALTER TABLE sessions ADD COLUMN address text NOT NULL DEFAULT '';
ALTER TABLE sessions ADD COLUMN last_used_at timestamptz;
ALTER TABLE sessions ADD COLUMN method text NOT NULL DEFAULT 'password';
ALTER TABLE sessions ADD COLUMN provider_id text NOT NULL DEFAULT '';

ALTER TABLE notifications DROP CONSTRAINT notifications_kind_check;
ALTER TABLE notifications ADD CONSTRAINT notifications_kind_check CHECK (kind IN ('proposal_opened', 'deadline_near', 'proposal_closed', 'requirement_validated', 'pledge_made', 'security_notice'));

-- +goose Down
DELETE FROM notifications WHERE kind = 'security_notice';
ALTER TABLE notifications DROP CONSTRAINT notifications_kind_check;
ALTER TABLE notifications ADD CONSTRAINT notifications_kind_check CHECK (kind IN ('proposal_opened', 'deadline_near', 'proposal_closed', 'requirement_validated', 'pledge_made'));
DROP INDEX sessions_id;
ALTER TABLE sessions DROP COLUMN provider_id;
ALTER TABLE sessions DROP COLUMN method;
ALTER TABLE sessions DROP COLUMN last_used_at;
ALTER TABLE sessions DROP COLUMN address;
ALTER TABLE sessions DROP COLUMN user_agent;
ALTER TABLE sessions DROP COLUMN id;
DROP TABLE signin_policies;
DROP TABLE recovery_codes;
DROP TABLE passkeys;
DROP TABLE signin_flows;
DROP TABLE sso_links;
DROP TABLE sso_providers;
