-- Validation takes two reviews, one per working group of the beneficiary
-- government: the technical group scores technical capacity and relevance,
-- the interagency group strategic importance. A validator belongs to one
-- group. Each submission of a requirement opens a new review round; the
-- reviews of earlier rounds stay, and so does every decision made before
-- reviews had groups (round 0, no group).
-- A requirement also records what kind of body receives the help, and the
-- reference a beneficiary gave it in its own spreadsheet, so that importing
-- the same sheet again updates the drafts instead of duplicating them.

-- +goose Up
ALTER TABLE users ADD COLUMN working_group TEXT NOT NULL DEFAULT '' CHECK (working_group IN ('', 'technical', 'interagency'));
ALTER TABLE requirements ADD COLUMN recipient_type TEXT NOT NULL DEFAULT 'other' CHECK (recipient_type IN ('central_executive_body', 'local_executive_body', 'state_owned_enterprise', 'critical_infrastructure_operator', 'other'));
ALTER TABLE requirements ADD COLUMN review_round INTEGER NOT NULL DEFAULT 0 CHECK (review_round >= 0);
ALTER TABLE requirements ADD COLUMN external_ref TEXT;
CREATE UNIQUE INDEX requirements_external_ref ON requirements (beneficiary_org_id, external_ref) WHERE external_ref IS NOT NULL;
ALTER TABLE validations ADD COLUMN working_group TEXT NOT NULL DEFAULT '' CHECK (working_group IN ('', 'technical', 'interagency'));
ALTER TABLE validations ADD COLUMN review_round INTEGER NOT NULL DEFAULT 0 CHECK (review_round >= 0);
ALTER TABLE validations ADD COLUMN technical_capacity INTEGER CHECK (technical_capacity BETWEEN 1 AND 5);
ALTER TABLE validations ADD COLUMN relevance INTEGER CHECK (relevance BETWEEN 1 AND 5);
ALTER TABLE validations ADD COLUMN strategic_importance INTEGER CHECK (strategic_importance BETWEEN 1 AND 5);
-- One review per group and round: two validators of a group answering at
-- once cannot both decide.
CREATE UNIQUE INDEX validations_round_group ON validations (requirement_id, review_round, working_group) WHERE review_round > 0;
-- A requirement submitted before reviews had rounds is in its first round.
UPDATE requirements SET review_round = 1 WHERE status = 'submitted';
-- Validators of a working group are told when a requirement awaits their review.
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

-- +goose Down
DELETE FROM notifications WHERE kind = 'review_awaited';
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
DROP INDEX validations_round_group;
ALTER TABLE validations DROP COLUMN strategic_importance;
ALTER TABLE validations DROP COLUMN relevance;
ALTER TABLE validations DROP COLUMN technical_capacity;
ALTER TABLE validations DROP COLUMN review_round;
ALTER TABLE validations DROP COLUMN working_group;
DROP INDEX requirements_external_ref;
ALTER TABLE requirements DROP COLUMN external_ref;
ALTER TABLE requirements DROP COLUMN review_round;
ALTER TABLE requirements DROP COLUMN recipient_type;
ALTER TABLE users DROP COLUMN working_group;
