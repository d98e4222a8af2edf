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
-- later, whichever trigger of its row ran first. (SQLite, as built today,
-- fires the triggers created last first, an order it does not document:
-- these read the version as it stood before the row, so that the last
-- change before a reading is not marked at the version read and folded
-- again. In the other order that change would be folded twice, never
-- missed.)

-- +goose Up
-- +goose StatementBegin
CREATE TABLE requirement_changes (
    requirement_id TEXT PRIMARY KEY,
    n              INTEGER NOT NULL
);
CREATE INDEX requirement_changes_n ON requirement_changes (n);

CREATE TRIGGER requirement_changes_requirements_insert AFTER INSERT ON requirements BEGIN
    INSERT INTO requirement_changes (requirement_id, n) SELECT NEW.id, n FROM record_version WHERE true
        ON CONFLICT (requirement_id) DO UPDATE SET n = excluded.n;
END;
CREATE TRIGGER requirement_changes_requirements_update AFTER UPDATE ON requirements BEGIN
    INSERT INTO requirement_changes (requirement_id, n) SELECT NEW.id, n FROM record_version WHERE true
        ON CONFLICT (requirement_id) DO UPDATE SET n = excluded.n;
END;
CREATE TRIGGER requirement_changes_requirements_delete AFTER DELETE ON requirements BEGIN
    INSERT INTO requirement_changes (requirement_id, n) SELECT OLD.id, n FROM record_version WHERE true
        ON CONFLICT (requirement_id) DO UPDATE SET n = excluded.n;
END;

CREATE TRIGGER requirement_changes_pledges_insert AFTER INSERT ON pledges WHEN NEW.requirement_id IS NOT NULL BEGIN
    INSERT INTO requirement_changes (requirement_id, n) SELECT NEW.requirement_id, n FROM record_version WHERE true
        ON CONFLICT (requirement_id) DO UPDATE SET n = excluded.n;
END;
CREATE TRIGGER requirement_changes_pledges_update AFTER UPDATE ON pledges BEGIN
    INSERT INTO requirement_changes (requirement_id, n)
        SELECT id, n FROM (SELECT OLD.requirement_id AS id UNION SELECT NEW.requirement_id), record_version WHERE id IS NOT NULL
        ON CONFLICT (requirement_id) DO UPDATE SET n = excluded.n;
END;
CREATE TRIGGER requirement_changes_pledges_delete AFTER DELETE ON pledges WHEN OLD.requirement_id IS NOT NULL BEGIN
    INSERT INTO requirement_changes (requirement_id, n) SELECT OLD.requirement_id, n FROM record_version WHERE true
        ON CONFLICT (requirement_id) DO UPDATE SET n = excluded.n;
END;

-- A grant names a requirement or a pledge; a pledge's marks its requirement.
CREATE TRIGGER requirement_changes_grants_insert AFTER INSERT ON access_grants BEGIN
    INSERT INTO requirement_changes (requirement_id, n)
        SELECT id, n FROM (
            SELECT NEW.object_id AS id WHERE NEW.object_type = 'requirement'
            UNION SELECT requirement_id FROM pledges WHERE NEW.object_type = 'pledge' AND pledges.id = NEW.object_id
        ), record_version WHERE id IS NOT NULL
        ON CONFLICT (requirement_id) DO UPDATE SET n = excluded.n;
END;
CREATE TRIGGER requirement_changes_grants_update AFTER UPDATE ON access_grants BEGIN
    INSERT INTO requirement_changes (requirement_id, n)
        SELECT id, n FROM (
            SELECT OLD.object_id AS id WHERE OLD.object_type = 'requirement'
            UNION SELECT requirement_id FROM pledges WHERE OLD.object_type = 'pledge' AND pledges.id = OLD.object_id
            UNION SELECT NEW.object_id WHERE NEW.object_type = 'requirement'
            UNION SELECT requirement_id FROM pledges WHERE NEW.object_type = 'pledge' AND pledges.id = NEW.object_id
        ), record_version WHERE id IS NOT NULL
        ON CONFLICT (requirement_id) DO UPDATE SET n = excluded.n;
END;
CREATE TRIGGER requirement_changes_grants_delete AFTER DELETE ON access_grants BEGIN
    INSERT INTO requirement_changes (requirement_id, n)
        SELECT id, n FROM (
            SELECT OLD.object_id AS id WHERE OLD.object_type = 'requirement'
            UNION SELECT requirement_id FROM pledges WHERE OLD.object_type = 'pledge' AND pledges.id = OLD.object_id
        ), record_version WHERE id IS NOT NULL
        ON CONFLICT (requirement_id) DO UPDATE SET n = excluded.n;
END;

CREATE TRIGGER requirement_changes_organisations_insert AFTER INSERT ON organisations BEGIN
    INSERT INTO requirement_changes (requirement_id, n) SELECT '', n FROM record_version WHERE true
        ON CONFLICT (requirement_id) DO UPDATE SET n = excluded.n;
END;
CREATE TRIGGER requirement_changes_organisations_update AFTER UPDATE ON organisations BEGIN
    INSERT INTO requirement_changes (requirement_id, n) SELECT '', n FROM record_version WHERE true
        ON CONFLICT (requirement_id) DO UPDATE SET n = excluded.n;
END;
CREATE TRIGGER requirement_changes_organisations_delete AFTER DELETE ON organisations BEGIN
    INSERT INTO requirement_changes (requirement_id, n) SELECT '', n FROM record_version WHERE true
        ON CONFLICT (requirement_id) DO UPDATE SET n = excluded.n;
END;
-- +goose StatementEnd

-- +goose Down
-- +goose StatementBegin
DROP TRIGGER requirement_changes_organisations_delete;
DROP TRIGGER requirement_changes_organisations_update;
DROP TRIGGER requirement_changes_organisations_insert;
DROP TRIGGER requirement_changes_grants_delete;
DROP TRIGGER requirement_changes_grants_update;
DROP TRIGGER requirement_changes_grants_insert;
DROP TRIGGER requirement_changes_pledges_delete;
DROP TRIGGER requirement_changes_pledges_update;
DROP TRIGGER requirement_changes_pledges_insert;
DROP TRIGGER requirement_changes_requirements_delete;
DROP TRIGGER requirement_changes_requirements_update;
DROP TRIGGER requirement_changes_requirements_insert;
DROP TABLE requirement_changes;
-- +goose StatementEnd
