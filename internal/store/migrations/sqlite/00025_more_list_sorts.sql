-- The lessons, proposals, notifications and directory lists sort on their
-- columns (?sort=) and page by keyset on (column, id): one index per sort.

-- +goose Up
CREATE INDEX lessons_sort_title ON lessons ((title), id);
CREATE INDEX lessons_sort_status ON lessons ((status), id);
CREATE INDEX lessons_sort_review ON lessons ((COALESCE(review_on, '')), id);
CREATE INDEX proposals_sort_title ON proposals ((title), id);
CREATE INDEX proposals_sort_status ON proposals ((status), id);
CREATE INDEX proposals_sort_decided ON proposals ((COALESCE(closed_at, '')), id);
CREATE INDEX notifications_unread ON notifications (user_id, id) WHERE read_at IS NULL;
CREATE INDEX organisations_sort_kind ON organisations ((kind), id);
CREATE INDEX organisations_sort_participation ON organisations ((participation), id);
CREATE INDEX organisations_sort_country ON organisations ((country), id);
CREATE INDEX organisations_sort_name ON organisations ((name), id);
CREATE INDEX users_sort_email ON users ((email), id);
CREATE INDEX users_sort_name ON users ((name), id);

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
