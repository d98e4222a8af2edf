-- SQLite's audit states trigger parses each state once from this migration
-- on (see its file). PostgreSQL's function parses the state into a
-- variable once already: nothing changes here.

-- +goose Up
SELECT 1;

-- +goose Down
SELECT 1;
