-- Sign-in limits are one counter row per key (an account or an address),
-- taken by one statement before a password is checked: counting failures
-- after the check let a burst of simultaneous guesses all pass the count.
-- A TOTP code is good once: the last accepted time step is kept per user.

-- +goose Up
DROP TABLE login_failures;
CREATE TABLE login_limits (
    key          TEXT PRIMARY KEY,
    window_start TIMESTAMP NOT NULL,
    attempts     INTEGER NOT NULL CHECK (attempts >= 0)
);
CREATE INDEX login_limits_window ON login_limits (window_start);
ALTER TABLE users ADD COLUMN totp_last_step INTEGER NOT NULL DEFAULT 0;

-- +goose Down
ALTER TABLE users DROP COLUMN totp_last_step;
DROP TABLE login_limits;
CREATE TABLE login_failures (
    key TEXT NOT NULL,
    at  TIMESTAMP NOT NULL
);
CREATE INDEX login_failures_key ON login_failures (key, at);
