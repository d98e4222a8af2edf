-- PostgreSQL's pledge_classes_own compared ids under a collation its index
-- could not answer. SQLite's triggers compare ids as they are stored:
-- nothing changes here; the migration keeps the numbering in step.

-- +goose Up
SELECT 1;

-- +goose Down
SELECT 1;
