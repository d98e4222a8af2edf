-- PostgreSQL's grants held record ids in another collation than the
-- records', which its indexes could not compare (see its file). SQLite
-- compares every id byte by byte: nothing changes here; the migration
-- keeps the numbering in step.

-- +goose Up
SELECT 1;

-- +goose Down
SELECT 1;
