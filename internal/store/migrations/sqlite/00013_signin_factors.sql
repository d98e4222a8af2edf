-- Single sign-on and passkeys. An organisation's identity providers, with
-- their client secrets, live in the database because several servers share
-- them. The state, nonce and PKCE verifier of a sign-in in progress, and the
-- challenge of a passkey ceremony, are kept server-side, once, briefly: any
-- server may receive the answer. Sessions gain what the account page shows
-- of them, and an id to end one by. A user is told of every change to how
-- their account signs in: a new kind of notification (SQLite changes a
-- CHECK only by rebuilding the table).

-- +goose Up
CREATE TABLE sso_providers (
    id              TEXT PRIMARY KEY,
    org_id          TEXT NOT NULL REFERENCES organisations (id),
    name            TEXT NOT NULL,
    issuer          TEXT NOT NULL,
    client_id       TEXT NOT NULL,
    client_secret   TEXT NOT NULL,
    email_domains   TEXT NOT NULL DEFAULT '',
    allow_passwords INTEGER NOT NULL DEFAULT 1 CHECK (allow_passwords IN (0, 1)),
    created_at      TIMESTAMP NOT NULL,
    updated_at      TIMESTAMP NOT NULL,
    UNIQUE (org_id, issuer, client_id)
);
CREATE TABLE sso_links (
    provider_id TEXT NOT NULL REFERENCES sso_providers (id) ON DELETE CASCADE,
    subject     TEXT NOT NULL,
    user_id     TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    created_at  TIMESTAMP NOT NULL,
    PRIMARY KEY (provider_id, subject),
    UNIQUE (provider_id, user_id)
);
CREATE TABLE signin_flows (
    id          TEXT PRIMARY KEY,
    kind        TEXT NOT NULL,
    provider_id TEXT,
    user_id     TEXT REFERENCES users (id) ON DELETE CASCADE,
    nonce       TEXT NOT NULL DEFAULT '',
    verifier    TEXT NOT NULL DEFAULT '',
    data        TEXT NOT NULL DEFAULT '',
    next        TEXT NOT NULL DEFAULT '',
    expires_at  TIMESTAMP NOT NULL
);
CREATE INDEX signin_flows_expires ON signin_flows (expires_at);
CREATE TABLE passkeys (
    id            TEXT PRIMARY KEY,
    user_id       TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    credential_id TEXT NOT NULL UNIQUE,
    name          TEXT NOT NULL,
    credential    TEXT NOT NULL,
    created_at    TIMESTAMP NOT NULL,
    last_used_at  TIMESTAMP
);
CREATE INDEX passkeys_user ON passkeys (user_id);
CREATE TABLE recovery_codes (
    user_id   TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    code_hash TEXT NOT NULL,
    used_at   TIMESTAMP,
    PRIMARY KEY (user_id, code_hash)
);
CREATE TABLE signin_policies (
    scope          TEXT PRIMARY KEY,
    require_strong INTEGER NOT NULL CHECK (require_strong IN (0, 1))
);
ALTER TABLE sessions ADD COLUMN id TEXT NOT NULL DEFAULT '';
UPDATE sessions SET id = lower(hex(randomblob(16)));
CREATE UNIQUE INDEX sessions_id ON sessions (id);
ALTER TABLE sessions ADD COLUMN user_agent TEXT NOT NULL DEFAULT '';
ALTER TABLE sessions ADD COLUMN address TEXT NOT NULL DEFAULT '';
ALTER TABLE sessions ADD COLUMN last_used_at TIMESTAMP;
ALTER TABLE sessions ADD COLUMN method TEXT NOT NULL DEFAULT 'password';
ALTER TABLE sessions ADD COLUMN provider_id TEXT NOT NULL DEFAULT '';

CREATE TABLE notifications_new (
    id              TEXT PRIMARY KEY,
    user_id         TEXT NOT NULL REFERENCES users (id),
    kind            TEXT NOT NULL CHECK (kind IN ('proposal_opened', 'deadline_near', 'proposal_closed', 'requirement_validated', 'pledge_made', 'security_notice')),
    object_type     TEXT NOT NULL,
    object_id       TEXT NOT NULL,
    subject         TEXT NOT NULL DEFAULT '',
    created_at      TIMESTAMP NOT NULL,
    read_at         TIMESTAMP,
    mail            TEXT NOT NULL CHECK (mail IN ('none', 'pending', 'sending', 'sent', 'failed')),
    mail_attempts   INTEGER NOT NULL DEFAULT 0,
    mail_claimed_at TIMESTAMP
);
INSERT INTO notifications_new SELECT id, user_id, kind, object_type, object_id, subject, created_at, read_at, mail, mail_attempts, mail_claimed_at FROM notifications;
DROP TABLE notifications;
ALTER TABLE notifications_new RENAME TO notifications;
CREATE INDEX notifications_user ON notifications (user_id, id);
CREATE INDEX notifications_mail ON notifications (mail, id);

-- +goose Down
DELETE FROM notifications WHERE kind = 'security_notice';
CREATE TABLE notifications_new (
    id              TEXT PRIMARY KEY,
    user_id         TEXT NOT NULL REFERENCES users (id),
    kind            TEXT NOT NULL CHECK (kind IN ('proposal_opened', 'deadline_near', 'proposal_closed', 'requirement_validated', 'pledge_made')),
    object_type     TEXT NOT NULL,
    object_id       TEXT NOT NULL,
    subject         TEXT NOT NULL DEFAULT '',
    created_at      TIMESTAMP NOT NULL,
    read_at         TIMESTAMP,
    mail            TEXT NOT NULL CHECK (mail IN ('none', 'pending', 'sending', 'sent', 'failed')),
    mail_attempts   INTEGER NOT NULL DEFAULT 0,
    mail_claimed_at TIMESTAMP
);
INSERT INTO notifications_new SELECT id, user_id, kind, object_type, object_id, subject, created_at, read_at, mail, mail_attempts, mail_claimed_at FROM notifications;
DROP TABLE notifications;
ALTER TABLE notifications_new RENAME TO notifications;
CREATE INDEX notifications_user ON notifications (user_id, id);
CREATE INDEX notifications_mail ON notifications (mail, id);
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
