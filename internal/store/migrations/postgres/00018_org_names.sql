-- An organisation's name as readers of Ukrainian and French know it; empty
-- where none is given, and the English name is shown instead.

-- +goose Up
ALTER TABLE organisations ADD COLUMN name_uk text NOT NULL DEFAULT '';
ALTER TABLE organisations ADD COLUMN name_fr text NOT NULL DEFAULT '';

-- +goose Down
ALTER TABLE organisations DROP COLUMN name_fr;
ALTER TABLE organisations DROP COLUMN name_uk;
