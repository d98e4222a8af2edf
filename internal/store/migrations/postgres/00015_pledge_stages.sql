-- Pledge stages. A pledge may be suspended (a donor's programme frozen):
-- suspended_on and suspend_reason are set while it is, and status keeps the
-- status it stood at, which resuming restores; the store reads such a pledge
-- as suspended (as on SQLite, where a CHECK changes only by rebuilding the
-- table). A pledge may name the organisation whose money it is
-- (funder_org_id) apart from its donor, which implements it. Money is
-- disbursed in dated tranches, each valued in euros at the ECB rate of its
-- own date; disbursed_eur_minor is their sum on the pledge. The coordinators
-- are told of a suspension: a new kind of notification.

-- +goose Up
ALTER TABLE pledges ADD COLUMN funder_org_id text REFERENCES organisations (id);
ALTER TABLE pledges ADD COLUMN suspended_on date;
ALTER TABLE pledges ADD COLUMN suspend_reason text NOT NULL DEFAULT '';
ALTER TABLE pledges ADD COLUMN disbursed_eur_minor bigint NOT NULL DEFAULT 0 CHECK (disbursed_eur_minor >= 0);
CREATE INDEX pledges_funder ON pledges (funder_org_id);

CREATE TABLE disbursements (
    id               text COLLATE "C" PRIMARY KEY,
    pledge_id        text NOT NULL REFERENCES pledges (id),
    amount_minor     bigint NOT NULL CHECK (amount_minor > 0),
    currency         text NOT NULL CHECK (currency ~ '^[A-Z]{3}$'),
    eur_minor        bigint NOT NULL CHECK (eur_minor >= 0),
    rate             text NOT NULL,
    rate_date        date NOT NULL,
    rate_provisional boolean NOT NULL DEFAULT false,
    day              date NOT NULL,
    note             text NOT NULL DEFAULT '',
    created_by       text NOT NULL REFERENCES users (id),
    created_at       timestamptz NOT NULL
);
CREATE INDEX disbursements_pledge ON disbursements (pledge_id, day);
CREATE INDEX disbursements_rate_provisional ON disbursements (id) WHERE rate_provisional;

ALTER TABLE notifications DROP CONSTRAINT notifications_kind_check;
ALTER TABLE notifications ADD CONSTRAINT notifications_kind_check CHECK (kind IN ('proposal_opened', 'deadline_near', 'proposal_closed', 'requirement_validated', 'pledge_made', 'security_notice', 'review_awaited', 'pledge_suspended'));

-- +goose Down
DELETE FROM notifications WHERE kind = 'pledge_suspended';
ALTER TABLE notifications DROP CONSTRAINT notifications_kind_check;
ALTER TABLE notifications ADD CONSTRAINT notifications_kind_check CHECK (kind IN ('proposal_opened', 'deadline_near', 'proposal_closed', 'requirement_validated', 'pledge_made', 'security_notice', 'review_awaited'));
DROP INDEX disbursements_rate_provisional;
DROP INDEX disbursements_pledge;
DROP TABLE disbursements;
DROP INDEX pledges_funder;
ALTER TABLE pledges DROP COLUMN disbursed_eur_minor;
ALTER TABLE pledges DROP COLUMN suspend_reason;
ALTER TABLE pledges DROP COLUMN suspended_on;
ALTER TABLE pledges DROP COLUMN funder_org_id;
