-- Which requirements changed, and when: a reader that keeps what it folded
-- of the needs by ranges of requirements (reports.needsFold) folds again
-- only the ranges holding a requirement changed since its reading, rather
-- than every requirement after any change. A requirement is marked with the
-- record version (migration 00034) at the time of the change, by triggers
-- in the transaction of every change that alters what a list shows of it:
-- the requirement itself, a pledge on it (before and after a move), an
-- access list of either. A change to an organisation marks the empty id,
-- which stands for every requirement. One row a requirement: the table
-- grows with the requirements, not with the changes.
--
-- A reader that read version V before its records asks for the marks at V
-- and later: a change committed after that reading was marked at V or
-- later. The marks are written under the audit log's lock, as the version
-- is advanced, so that the version they read is the latest committed.
-- PostgreSQL fires a statement's triggers in the order of their names: the
-- marks' (mark_…) run before the version's (record_version_…) and read the
-- version as it stood before the statement, so that the last change before
-- a reading is not marked at the version read and folded again. Were the
-- order otherwise, the marks would still hold, one change folded twice.
--
-- The triggers run once a statement, over its transition tables: the
-- generator writes thousands of pledges by one statement, on a few
-- thousand requirements, each marked once.

-- +goose Up
-- +goose StatementBegin
CREATE TABLE requirement_changes (
    requirement_id text COLLATE "C" PRIMARY KEY,
    n              bigint NOT NULL
);
CREATE INDEX requirement_changes_n ON requirement_changes (n);

CREATE FUNCTION requirement_changes_mark(ids text[]) RETURNS void LANGUAGE plpgsql AS $$
BEGIN
    IF cardinality(ids) = 0 THEN
        RETURN;
    END IF;
    PERFORM pg_advisory_xact_lock(1668899425, 'audit_events'::regclass::oid::integer);
    INSERT INTO requirement_changes (requirement_id, n)
        SELECT DISTINCT id, v.n FROM unnest(ids) AS id, record_version v WHERE id IS NOT NULL
        ON CONFLICT (requirement_id) DO UPDATE SET n = excluded.n;
END;
$$;

CREATE FUNCTION requirement_changes_requirements() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'DELETE' THEN
        PERFORM requirement_changes_mark(ARRAY(SELECT id FROM old_rows));
    ELSE
        PERFORM requirement_changes_mark(ARRAY(SELECT id FROM new_rows));
    END IF;
    RETURN NULL;
END;
$$;
CREATE TRIGGER mark_requirement_changes_requirements_insert AFTER INSERT ON requirements
    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION requirement_changes_requirements();
CREATE TRIGGER mark_requirement_changes_requirements_update AFTER UPDATE ON requirements
    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION requirement_changes_requirements();
CREATE TRIGGER mark_requirement_changes_requirements_delete AFTER DELETE ON requirements
    REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION requirement_changes_requirements();

CREATE FUNCTION requirement_changes_pledges() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    CASE TG_OP
    WHEN 'INSERT' THEN
        PERFORM requirement_changes_mark(ARRAY(SELECT requirement_id FROM new_rows));
    WHEN 'DELETE' THEN
        PERFORM requirement_changes_mark(ARRAY(SELECT requirement_id FROM old_rows));
    ELSE
        PERFORM requirement_changes_mark(ARRAY(SELECT requirement_id FROM old_rows UNION SELECT requirement_id FROM new_rows));
    END CASE;
    RETURN NULL;
END;
$$;
CREATE TRIGGER mark_requirement_changes_pledges_insert AFTER INSERT ON pledges
    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION requirement_changes_pledges();
CREATE TRIGGER mark_requirement_changes_pledges_update AFTER UPDATE ON pledges
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION requirement_changes_pledges();
CREATE TRIGGER mark_requirement_changes_pledges_delete AFTER DELETE ON pledges
    REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION requirement_changes_pledges();

-- A grant names a requirement or a pledge; a pledge's marks its requirement,
-- read under the lock, so that a move of the pledge committed meanwhile is
-- seen.
CREATE FUNCTION requirement_changes_grants() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_advisory_xact_lock(1668899425, 'audit_events'::regclass::oid::integer);
    CASE TG_OP
    WHEN 'INSERT' THEN
        PERFORM requirement_changes_mark(ARRAY(
            SELECT g.object_id FROM new_rows g WHERE g.object_type = 'requirement'
            UNION SELECT p.requirement_id FROM new_rows g JOIN pledges p ON p.id = g.object_id WHERE g.object_type = 'pledge'));
    WHEN 'DELETE' THEN
        PERFORM requirement_changes_mark(ARRAY(
            SELECT g.object_id FROM old_rows g WHERE g.object_type = 'requirement'
            UNION SELECT p.requirement_id FROM old_rows g JOIN pledges p ON p.id = g.object_id WHERE g.object_type = 'pledge'));
    ELSE
        PERFORM requirement_changes_mark(ARRAY(
            SELECT g.object_id FROM old_rows g WHERE g.object_type = 'requirement'
            UNION SELECT p.requirement_id FROM old_rows g JOIN pledges p ON p.id = g.object_id WHERE g.object_type = 'pledge'
            UNION SELECT g.object_id FROM new_rows g WHERE g.object_type = 'requirement'
            UNION SELECT p.requirement_id FROM new_rows g JOIN pledges p ON p.id = g.object_id WHERE g.object_type = 'pledge'));
    END CASE;
    RETURN NULL;
END;
$$;
CREATE TRIGGER mark_requirement_changes_grants_insert AFTER INSERT ON access_grants
    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION requirement_changes_grants();
CREATE TRIGGER mark_requirement_changes_grants_update AFTER UPDATE ON access_grants
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION requirement_changes_grants();
CREATE TRIGGER mark_requirement_changes_grants_delete AFTER DELETE ON access_grants
    REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION requirement_changes_grants();

CREATE FUNCTION requirement_changes_organisations() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM requirement_changes_mark(ARRAY['']);
    RETURN NULL;
END;
$$;
CREATE TRIGGER mark_requirement_changes_organisations AFTER INSERT OR UPDATE OR DELETE ON organisations
    FOR EACH STATEMENT EXECUTE FUNCTION requirement_changes_organisations();
-- +goose StatementEnd

-- +goose Down
-- +goose StatementBegin
DROP TRIGGER mark_requirement_changes_organisations ON organisations;
DROP FUNCTION requirement_changes_organisations();
DROP TRIGGER mark_requirement_changes_grants_delete ON access_grants;
DROP TRIGGER mark_requirement_changes_grants_update ON access_grants;
DROP TRIGGER mark_requirement_changes_grants_insert ON access_grants;
DROP FUNCTION requirement_changes_grants();
DROP TRIGGER mark_requirement_changes_pledges_delete ON pledges;
DROP TRIGGER mark_requirement_changes_pledges_update ON pledges;
DROP TRIGGER mark_requirement_changes_pledges_insert ON pledges;
DROP FUNCTION requirement_changes_pledges();
DROP TRIGGER mark_requirement_changes_requirements_delete ON requirements;
DROP TRIGGER mark_requirement_changes_requirements_update ON requirements;
DROP TRIGGER mark_requirement_changes_requirements_insert ON requirements;
DROP FUNCTION requirement_changes_requirements();
DROP FUNCTION requirement_changes_mark(text[]);
DROP TABLE requirement_changes;
-- +goose StatementEnd
