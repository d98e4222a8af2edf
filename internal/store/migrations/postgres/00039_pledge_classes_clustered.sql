-- SQLite stores pledge_classes in its primary key's order from this
-- migration on (see its file). PostgreSQL reads the classes of a page's
-- requirements from the primary key's index and their heap pages, which a
-- table kept this small holds in memory: nothing changes here.

-- +goose Up
SELECT 1;

-- +goose Down
SELECT 1;
