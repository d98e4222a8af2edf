-- Delivery to receipt: the milestones of a pledge, the beneficiary's
-- receipts (with the lead-time marks they record), and lessons learned.

-- +goose Up
CREATE TABLE milestones (
    id         TEXT PRIMARY KEY,
    pledge_id  TEXT NOT NULL REFERENCES pledges (id),
    kind       TEXT NOT NULL CHECK (kind IN ('planned', 'ordered', 'shipped', 'delivered')),
    day        TEXT NOT NULL CHECK (day GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]'),
    note       TEXT NOT NULL DEFAULT '',
    created_by TEXT NOT NULL REFERENCES users (id),
    created_at TIMESTAMP NOT NULL
);
CREATE INDEX milestones_pledge ON milestones (pledge_id);

CREATE TABLE receipts (
    id              TEXT PRIMARY KEY,
    pledge_id       TEXT NOT NULL REFERENCES pledges (id),
    outcome         TEXT NOT NULL CHECK (outcome IN ('received', 'problem')),
    note            TEXT NOT NULL DEFAULT '',
    user_id         TEXT NOT NULL REFERENCES users (id),
    org_id          TEXT NOT NULL REFERENCES organisations (id),
    at              TIMESTAMP NOT NULL,
    requirement_id  TEXT REFERENCES requirements (id),
    validated_at    TIMESTAMP,
    first_pledge_at TIMESTAMP
);
CREATE INDEX receipts_pledge ON receipts (pledge_id);

CREATE TABLE lessons (
    id              TEXT PRIMARY KEY,
    title           TEXT NOT NULL CHECK (title <> ''),
    link            TEXT NOT NULL CHECK (link IN ('none', 'requirement', 'pledge', 'delivery')),
    link_id         TEXT,
    what_happened   TEXT NOT NULL DEFAULT '',
    what_learned    TEXT NOT NULL DEFAULT '',
    recommendation  TEXT NOT NULL DEFAULT '',
    status          TEXT NOT NULL CHECK (status IN ('proposed', 'accepted', 'implemented', 'dropped')),
    owner_user_id   TEXT REFERENCES users (id),
    review_on       TEXT CHECK (review_on GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]'),
    tlp             TEXT NOT NULL CHECK (tlp IN ('clear', 'green', 'amber', 'amber+strict', 'red')),
    author_org_id   TEXT NOT NULL REFERENCES organisations (id),
    created_by      TEXT NOT NULL REFERENCES users (id),
    created_at      TIMESTAMP NOT NULL,
    updated_at      TIMESTAMP NOT NULL
);
CREATE INDEX lessons_review ON lessons (status, review_on);

-- +goose Down
DROP TABLE lessons;
DROP TABLE receipts;
DROP TABLE milestones;
