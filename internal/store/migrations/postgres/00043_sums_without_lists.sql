-- SQLite's totals' triggers are rewritten in this migration (see its
-- file): a list after IN cost it a table built at every row. PostgreSQL's
-- triggers are PL/pgSQL functions, their plans made once per session:
-- nothing changes here.

-- +goose Up
SELECT 1;

-- +goose Down
SELECT 1;
