-- Delivery to receipt: the milestones of a pledge, the beneficiary's
-- receipts (with the lead-time marks they record), and lessons learned.

-- +goose Up
CREATE TABLE milestones (
    id         text COLLATE "C" PRIMARY KEY,
    pledge_id  text NOT NULL REFERENCES pledges (id),
    kind       text NOT NULL CHECK (kind IN ('planned', 'ordered', 'shipped', 'delivered')),
    day        date NOT NULL,
    note       text NOT NULL DEFAULT '',
    created_by text NOT NULL REFERENCES users (id),
    created_at timestamptz NOT NULL
);
CREATE INDEX milestones_pledge ON milestones (pledge_id);

CREATE TABLE receipts (
    id              text COLLATE "C" PRIMARY KEY,
    pledge_id       text NOT NULL REFERENCES pledges (id),
    outcome         text NOT NULL CHECK (outcome IN ('received', 'problem')),
    note            text NOT NULL DEFAULT '',
    user_id         text NOT NULL REFERENCES users (id),
    org_id          text NOT NULL REFERENCES organisations (id),
    at              timestamptz NOT NULL,
    requirement_id  text REFERENCES requirements (id),
    validated_at    timestamptz,
    first_pledge_at timestamptz
);
CREATE INDEX receipts_pledge ON receipts (pledge_id);

CREATE TABLE lessons (
    id              text COLLATE "C" PRIMARY KEY,
    title           text NOT NULL CHECK (title <> ''),
    link            text NOT NULL CHECK (link IN ('none', 'requirement', 'pledge', 'delivery')),
    link_id         text,
    what_happened   text NOT NULL DEFAULT '',
    what_learned    text NOT NULL DEFAULT '',
    recommendation  text NOT NULL DEFAULT '',
    status          text NOT NULL CHECK (status IN ('proposed', 'accepted', 'implemented', 'dropped')),
    owner_user_id   text REFERENCES users (id),
    review_on       date,
    tlp             text NOT NULL CHECK (tlp IN ('clear', 'green', 'amber', 'amber+strict', 'red')),
    author_org_id   text NOT NULL REFERENCES organisations (id),
    created_by      text NOT NULL REFERENCES users (id),
    created_at      timestamptz NOT NULL,
    updated_at      timestamptz NOT NULL
);
CREATE INDEX lessons_review ON lessons (status, review_on);

-- +goose Down
DROP TABLE lessons;
DROP TABLE receipts;
DROP TABLE milestones;
