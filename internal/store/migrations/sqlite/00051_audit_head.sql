-- PostgreSQL reads the audit log's head under its lock in one round trip
-- (see its file). SQLite's write transactions are serialised from BEGIN:
-- nothing changes here; the migration keeps the numbering in step.

-- +goose Up
SELECT 1;

-- +goose Down
SELECT 1;
