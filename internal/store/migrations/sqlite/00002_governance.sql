-- Governance: proposals put to the coordination group, the positions of
-- member organisations, comments, statement signatories and lead rotation.

-- +goose Up
CREATE TABLE proposals (
    id                  TEXT PRIMARY KEY,
    kind                TEXT NOT NULL CHECK (kind IN ('membership_application', 'observer_admission', 'public_statement', 'operational_decision')),
    title               TEXT NOT NULL CHECK (title <> ''),
    body                TEXT NOT NULL DEFAULT '',
    proposer_user_id    TEXT NOT NULL REFERENCES users (id),
    proposer_org_id     TEXT NOT NULL REFERENCES organisations (id),
    subject_org_id      TEXT REFERENCES organisations (id),
    prior_participation TEXT NOT NULL DEFAULT '',
    procedure           TEXT NOT NULL CHECK (procedure IN ('consensus', 'silence')),
    deadline            TIMESTAMP NOT NULL,
    tlp                 TEXT NOT NULL CHECK (tlp IN ('clear', 'green', 'amber', 'amber+strict', 'red')),
    status              TEXT NOT NULL CHECK (status IN ('open', 'adopted', 'blocked', 'lapsed')),
    published_text      TEXT NOT NULL DEFAULT '',
    closed_at           TIMESTAMP,
    reminded_at         TIMESTAMP,
    created_at          TIMESTAMP NOT NULL,
    updated_at          TIMESTAMP NOT NULL
);
CREATE INDEX proposals_due ON proposals (status, deadline);

CREATE TABLE proposal_electorate (
    proposal_id TEXT NOT NULL REFERENCES proposals (id),
    org_id      TEXT NOT NULL REFERENCES organisations (id),
    PRIMARY KEY (proposal_id, org_id)
);

CREATE TABLE proposal_positions (
    proposal_id TEXT NOT NULL REFERENCES proposals (id),
    org_id      TEXT NOT NULL REFERENCES organisations (id),
    user_id     TEXT NOT NULL REFERENCES users (id),
    position    TEXT NOT NULL CHECK (position IN ('support', 'abstain', 'object')),
    reason      TEXT NOT NULL DEFAULT '',
    at          TIMESTAMP NOT NULL,
    PRIMARY KEY (proposal_id, org_id)
);

CREATE TABLE proposal_comments (
    id          TEXT PRIMARY KEY,
    proposal_id TEXT NOT NULL REFERENCES proposals (id),
    user_id     TEXT NOT NULL REFERENCES users (id),
    org_id      TEXT NOT NULL REFERENCES organisations (id),
    body        TEXT NOT NULL CHECK (body <> ''),
    created_at  TIMESTAMP NOT NULL
);
CREATE INDEX proposal_comments_proposal ON proposal_comments (proposal_id, id);

CREATE TABLE statement_signatories (
    proposal_id TEXT NOT NULL REFERENCES proposals (id),
    org_id      TEXT NOT NULL REFERENCES organisations (id),
    at          TIMESTAMP NOT NULL,
    PRIMARY KEY (proposal_id, org_id)
);

CREATE TABLE rotations (
    id                  TEXT PRIMARY KEY,
    starts              TEXT NOT NULL CHECK (starts GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]'),
    ends                TEXT NOT NULL CHECK (ends GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]'),
    front_office_org_id TEXT NOT NULL REFERENCES organisations (id),
    back_office_org_id  TEXT NOT NULL REFERENCES organisations (id),
    created_at          TIMESTAMP NOT NULL,
    CHECK (starts <= ends)
);
CREATE INDEX rotations_starts ON rotations (starts);

-- Notifications: what a user is told, in the application and by e-mail.
-- mail is the e-mail's state: none (not sent by mail), pending, sending
-- (claimed by one process at mail_claimed_at), sent or failed.
CREATE TABLE notifications (
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
CREATE INDEX notifications_user ON notifications (user_id, id);
CREATE INDEX notifications_mail ON notifications (mail, id);

CREATE TABLE notification_prefs (
    user_id TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    kind    TEXT NOT NULL,
    email   INTEGER NOT NULL CHECK (email IN (0, 1)),
    PRIMARY KEY (user_id, kind)
);

-- Meetings of the coordination group, their agenda and attendance.
CREATE TABLE meetings (
    id           TEXT PRIMARY KEY,
    title        TEXT NOT NULL CHECK (title <> ''),
    day          TEXT NOT NULL CHECK (day GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]'),
    minutes      TEXT NOT NULL DEFAULT '',
    tlp          TEXT NOT NULL CHECK (tlp IN ('clear', 'green', 'amber', 'amber+strict', 'red')),
    owner_org_id TEXT NOT NULL REFERENCES organisations (id),
    created_by   TEXT NOT NULL REFERENCES users (id),
    created_at   TIMESTAMP NOT NULL,
    updated_at   TIMESTAMP NOT NULL
);
CREATE INDEX meetings_day ON meetings (day);

CREATE TABLE meeting_agenda (
    meeting_id TEXT NOT NULL REFERENCES meetings (id),
    position   INTEGER NOT NULL,
    kind       TEXT NOT NULL CHECK (kind IN ('proposal', 'requirement', 'lesson', 'other')),
    ref_id     TEXT NOT NULL DEFAULT '',
    note       TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (meeting_id, position)
);

CREATE TABLE meeting_attendance (
    meeting_id TEXT NOT NULL REFERENCES meetings (id),
    org_id     TEXT NOT NULL REFERENCES organisations (id),
    PRIMARY KEY (meeting_id, org_id)
);

-- +goose Down
DROP TABLE meeting_attendance;
DROP TABLE meeting_agenda;
DROP TABLE meetings;
DROP TABLE notification_prefs;
DROP TABLE notifications;
DROP TABLE rotations;
DROP TABLE statement_signatories;
DROP TABLE proposal_comments;
DROP TABLE proposal_positions;
DROP TABLE proposal_electorate;
DROP TABLE proposals;
