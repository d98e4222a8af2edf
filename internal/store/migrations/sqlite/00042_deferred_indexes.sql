-- Indexes dropped for a bulk load (DB.WithoutIndexes), each with the
-- statement that builds it again. A row stays until its index is built,
-- so that a load stopped half way leaves the index to be built when the
-- schema is next brought up to date, never missing.

-- +goose Up
CREATE TABLE deferred_indexes (
    name TEXT PRIMARY KEY,
    table_name TEXT NOT NULL,
    definition TEXT NOT NULL
);

-- +goose Down
DROP TABLE deferred_indexes;
