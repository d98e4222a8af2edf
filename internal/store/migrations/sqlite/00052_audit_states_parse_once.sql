-- PostgreSQL's audit states function parses each state twice from this
-- migration on (see its file). SQLite's triggers have parsed each state
-- about once since 00041: nothing changes here.

-- +goose Up
SELECT 1;

-- +goose Down
SELECT 1;
