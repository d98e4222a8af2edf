-- The lessons, proposals, notifications and directory lists sort on their
-- columns (?sort=) and page by keyset on (column, id): one index per sort,
-- text in byte order ("C") as SQLite compares it.

-- +goose Up
CREATE INDEX lessons_sort_title ON lessons ((title) COLLATE "C", id);
CREATE INDEX lessons_sort_status ON lessons ((status) COLLATE "C", id);
CREATE INDEX lessons_sort_review ON lessons ((COALESCE(review_on, DATE '0001-01-01')), id);
CREATE INDEX proposals_sort_title ON proposals ((title) COLLATE "C", id);
CREATE INDEX proposals_sort_status ON proposals ((status) COLLATE "C", id);
CREATE INDEX proposals_sort_decided ON proposals ((COALESCE(closed_at, TIMESTAMPTZ '0001-01-01 00:00:00+00')), id);
CREATE INDEX notifications_unread ON notifications (user_id, id) WHERE read_at IS NULL;
CREATE INDEX organisations_sort_kind ON organisations ((kind) COLLATE "C", id);
CREATE INDEX organisations_sort_participation ON organisations ((participation) COLLATE "C", id);
CREATE INDEX organisations_sort_country ON organisations ((country) COLLATE "C", id);
CREATE INDEX organisations_sort_name ON organisations ((name) COLLATE "C", id);
CREATE INDEX users_sort_email ON users ((email) COLLATE "C", id);
CREATE INDEX users_sort_name ON users ((name) COLLATE "C", id);

-- +goose Down
DROP INDEX users_sort_name;
DROP INDEX users_sort_email;
DROP INDEX organisations_sort_name;
DROP INDEX organisations_sort_country;
DROP INDEX organisations_sort_participation;
DROP INDEX organisations_sort_kind;
DROP INDEX notifications_unread;
DROP INDEX proposals_sort_decided;
DROP INDEX proposals_sort_status;
DROP INDEX proposals_sort_title;
DROP INDEX lessons_sort_review;
DROP INDEX lessons_sort_status;
DROP INDEX lessons_sort_title;
