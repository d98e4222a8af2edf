-- access_grants.object_id holds the ids of requirements, pledges, offers
-- and documents, which are COLLATE "C", in the database's collation. An
-- id compared with it is compared under "C", which its indexes, in the
-- other collation, cannot answer:
--
-- - pledge_classes_own, which every pledge's insert, update and delete
--   calls, read every grant: a function's parameter carries its
--   argument's collation, a pledge's id. At 10,000 grants it took 0.7 to
--   0.9 ms a call, half the time `demo generate` took at 100,000 pledges
--   (74 of 150 s); 2,000 calls took 2.6 s, 29 ms with the index.
-- - The audiences' conditions (`sg.object_id = p.id AND sg.org_id = ?`)
--   were answered by the holder's index on (org_id, object_type), every
--   grant of that kind the organisation holds compared in turn.
--
-- The column now has the ids' collation, and its indexes are rebuilt in
-- it; equality of ids is the same under both. pledge_classes_own is also
-- PL/pgSQL now: a trigger's call of an SQL function plans its query anew
-- each time (57 µs a call), PL/pgSQL once a session (about 5 µs).

-- +goose Up
-- +goose StatementBegin
ALTER TABLE access_grants ALTER COLUMN object_id TYPE text COLLATE "C";
-- A column's new type forgets its statistics.
ANALYZE access_grants;

CREATE OR REPLACE FUNCTION pledge_classes_own(pledge_id text) RETURNS text LANGUAGE plpgsql STABLE AS $$
BEGIN
    IF EXISTS (SELECT 1 FROM access_grants g WHERE g.object_type = 'pledge' AND g.object_id = pledge_id) THEN
        RETURN pledge_id;
    END IF;
    RETURN '';
END;
$$;
-- +goose StatementEnd

-- +goose Down
-- +goose StatementBegin
CREATE OR REPLACE FUNCTION pledge_classes_own(pledge_id text) RETURNS text LANGUAGE sql STABLE AS $$
    SELECT CASE WHEN EXISTS (SELECT 1 FROM access_grants g WHERE g.object_type = 'pledge' AND g.object_id = pledge_id) THEN pledge_id ELSE '' END
$$;
ALTER TABLE access_grants ALTER COLUMN object_id TYPE text COLLATE "default";
-- +goose StatementEnd
