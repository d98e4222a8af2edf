-- Pledge stages. A pledge may be suspended (a donor's programme frozen):
-- suspended_on and suspend_reason are set while it is, and status keeps the
-- status it stood at, which resuming restores; the store reads such a pledge
-- as suspended. (SQLite changes a CHECK only by rebuilding the table, and
-- many tables refer to pledges.) A pledge may name the organisation whose
-- money it is (funder_org_id) apart from its donor, which implements it.
-- Money is disbursed in dated tranches, each valued in euros at the ECB rate
-- of its own date; disbursed_eur_minor is their sum on the pledge. The
-- coordinators are told of a suspension: a new kind of notification.

-- +goose Up
ALTER TABLE pledges ADD COLUMN funder_org_id TEXT REFERENCES organisations (id);
ALTER TABLE pledges ADD COLUMN suspended_on TEXT CHECK (suspended_on GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]');
ALTER TABLE pledges ADD COLUMN suspend_reason TEXT NOT NULL DEFAULT '';
ALTER TABLE pledges ADD COLUMN disbursed_eur_minor INTEGER NOT NULL DEFAULT 0 CHECK (disbursed_eur_minor >= 0);
CREATE INDEX pledges_funder ON pledges (funder_org_id);

CREATE TABLE disbursements (
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
CREATE INDEX disbursements_pledge ON disbursements (pledge_id, day);
CREATE INDEX disbursements_rate_provisional ON disbursements (id) WHERE rate_provisional;

CREATE TABLE notifications_new (
    id              TEXT PRIMARY KEY,
    user_id         TEXT NOT NULL REFERENCES users (id),
    kind            TEXT NOT NULL CHECK (kind IN ('proposal_opened', 'deadline_near', 'proposal_closed', 'requirement_validated', 'pledge_made', 'security_notice', 'review_awaited', 'pledge_suspended')),
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
DELETE FROM notifications WHERE kind = 'pledge_suspended';
CREATE TABLE notifications_new (
    id              TEXT PRIMARY KEY,
    user_id         TEXT NOT NULL REFERENCES users (id),
    kind            TEXT NOT NULL CHECK (kind IN ('proposal_opened', 'deadline_near', 'proposal_closed', 'requirement_validated', 'pledge_made', 'security_notice', 'review_awaited')),
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
DROP INDEX disbursements_rate_provisional;
DROP INDEX disbursements_pledge;
DROP TABLE disbursements;
DROP INDEX pledges_funder;
ALTER TABLE pledges DROP COLUMN disbursed_eur_minor;
ALTER TABLE pledges DROP COLUMN suspend_reason;
ALTER TABLE pledges DROP COLUMN suspended_on;
ALTER TABLE pledges DROP COLUMN funder_org_id;
