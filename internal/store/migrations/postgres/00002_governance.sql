-- Governance: proposals put to the coordination group, the positions of
-- member organisations, comments, statement signatories and lead rotation.

-- +goose Up
CREATE TABLE proposals (
    id                  text COLLATE "C" PRIMARY KEY,
    kind                text NOT NULL CHECK (kind IN ('membership_application', 'observer_admission', 'public_statement', 'operational_decision')),
    title               text NOT NULL CHECK (title <> ''),
    body                text NOT NULL DEFAULT '',
    proposer_user_id    text NOT NULL REFERENCES users (id),
    proposer_org_id     text NOT NULL REFERENCES organisations (id),
    subject_org_id      text REFERENCES organisations (id),
    prior_participation text NOT NULL DEFAULT '',
    procedure           text NOT NULL CHECK (procedure IN ('consensus', 'silence')),
    deadline            timestamptz NOT NULL,
    tlp                 text NOT NULL CHECK (tlp IN ('clear', 'green', 'amber', 'amber+strict', 'red')),
    status              text NOT NULL CHECK (status IN ('open', 'adopted', 'blocked', 'lapsed')),
    published_text      text NOT NULL DEFAULT '',
    closed_at           timestamptz,
    reminded_at         timestamptz,
    created_at          timestamptz NOT NULL,
    updated_at          timestamptz NOT NULL
);
CREATE INDEX proposals_due ON proposals (status, deadline);

CREATE TABLE proposal_electorate (
    proposal_id text NOT NULL REFERENCES proposals (id),
    org_id      text NOT NULL REFERENCES organisations (id),
    PRIMARY KEY (proposal_id, org_id)
);

CREATE TABLE proposal_positions (
    proposal_id text NOT NULL REFERENCES proposals (id),
    org_id      text NOT NULL REFERENCES organisations (id),
    user_id     text NOT NULL REFERENCES users (id),
    position    text NOT NULL CHECK (position IN ('support', 'abstain', 'object')),
    reason      text NOT NULL DEFAULT '',
    at          timestamptz NOT NULL,
    PRIMARY KEY (proposal_id, org_id)
);

CREATE TABLE proposal_comments (
    id          text COLLATE "C" PRIMARY KEY,
    proposal_id text NOT NULL REFERENCES proposals (id),
    user_id     text NOT NULL REFERENCES users (id),
    org_id      text NOT NULL REFERENCES organisations (id),
    body        text NOT NULL CHECK (body <> ''),
    created_at  timestamptz NOT NULL
);
CREATE INDEX proposal_comments_proposal ON proposal_comments (proposal_id, id);

CREATE TABLE statement_signatories (
    proposal_id text NOT NULL REFERENCES proposals (id),
    org_id      text NOT NULL REFERENCES organisations (id),
    at          timestamptz NOT NULL,
    PRIMARY KEY (proposal_id, org_id)
);

CREATE TABLE rotations (
    id                  text PRIMARY KEY,
    starts              date NOT NULL,
    ends                date NOT NULL,
    front_office_org_id text NOT NULL REFERENCES organisations (id),
    back_office_org_id  text NOT NULL REFERENCES organisations (id),
    created_at          timestamptz NOT NULL,
    CHECK (starts <= ends)
);
CREATE INDEX rotations_starts ON rotations (starts);

-- Notifications: what a user is told, in the application and by e-mail.
-- mail is the e-mail's state: none (not sent by mail), pending, sending
-- (claimed by one process at mail_claimed_at), sent or failed.
CREATE TABLE notifications (
    id              text COLLATE "C" PRIMARY KEY,
    user_id         text NOT NULL REFERENCES users (id),
    kind            text NOT NULL CHECK (kind IN ('proposal_opened', 'deadline_near', 'proposal_closed', 'requirement_validated', 'pledge_made')),
    object_type     text NOT NULL,
    object_id       text NOT NULL,
    subject         text NOT NULL DEFAULT '',
    created_at      timestamptz NOT NULL,
    read_at         timestamptz,
    mail            text NOT NULL CHECK (mail IN ('none', 'pending', 'sending', 'sent', 'failed')),
    mail_attempts   integer NOT NULL DEFAULT 0,
    mail_claimed_at timestamptz
);
CREATE INDEX notifications_user ON notifications (user_id, id);
CREATE INDEX notifications_mail ON notifications (mail, id);

CREATE TABLE notification_prefs (
    user_id text NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    kind    text NOT NULL,
    email   boolean NOT NULL,
    PRIMARY KEY (user_id, kind)
);

-- Meetings of the coordination group, their agenda and attendance.
CREATE TABLE meetings (
    id           text COLLATE "C" PRIMARY KEY,
    title        text NOT NULL CHECK (title <> ''),
    day          date NOT NULL,
    minutes      text NOT NULL DEFAULT '',
    tlp          text NOT NULL CHECK (tlp IN ('clear', 'green', 'amber', 'amber+strict', 'red')),
    owner_org_id text NOT NULL REFERENCES organisations (id),
    created_by   text NOT NULL REFERENCES users (id),
    created_at   timestamptz NOT NULL,
    updated_at   timestamptz NOT NULL
);
CREATE INDEX meetings_day ON meetings (day);

CREATE TABLE meeting_agenda (
    meeting_id text NOT NULL REFERENCES meetings (id),
    position   integer NOT NULL,
    kind       text NOT NULL CHECK (kind IN ('proposal', 'requirement', 'lesson', 'other')),
    ref_id     text NOT NULL DEFAULT '',
    note       text NOT NULL DEFAULT '',
    PRIMARY KEY (meeting_id, position)
);

CREATE TABLE meeting_attendance (
    meeting_id text NOT NULL REFERENCES meetings (id),
    org_id     text NOT NULL REFERENCES organisations (id),
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
