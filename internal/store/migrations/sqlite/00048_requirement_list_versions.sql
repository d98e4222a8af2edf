-- What the requirements' lists count, versioned apart from the pledges'
-- amounts and stages: a list's total is a count of the requirements a
-- viewer sees under the list's filters, and it was kept only while no
-- record at all changed (migration 00034), so that every pledge had every
-- list counted again, a walk of every requirement. The count reads the
-- requirements, their reviews (the filter on a working group's review),
-- their access lists, the organisations (a query matches their names) and,
-- of the pledges, only who pledged on which requirement: an organisation
-- engaged on a requirement may see it (policy.Audience.EngagementOpens).
--
-- The row of scope '' moves with every change to a requirement, a review,
-- a requirement's access list or an organisation; the row of an
-- organisation's id moves when a pledge of it is made on a requirement,
-- moved to or from one, or deleted. A count is kept while both rows its
-- viewer's list reads stand.

-- +goose Up
-- +goose StatementBegin
CREATE TABLE requirement_list_versions (
    scope TEXT PRIMARY KEY,
    n     INTEGER NOT NULL
);
INSERT INTO requirement_list_versions (scope, n) VALUES ('', 1);

CREATE TRIGGER requirement_list_versions_requirements_insert AFTER INSERT ON requirements BEGIN
    UPDATE requirement_list_versions SET n = n + 1 WHERE scope = '';
END;
CREATE TRIGGER requirement_list_versions_requirements_update AFTER UPDATE ON requirements BEGIN
    UPDATE requirement_list_versions SET n = n + 1 WHERE scope = '';
END;
CREATE TRIGGER requirement_list_versions_requirements_delete AFTER DELETE ON requirements BEGIN
    UPDATE requirement_list_versions SET n = n + 1 WHERE scope = '';
END;

CREATE TRIGGER requirement_list_versions_validations_insert AFTER INSERT ON validations BEGIN
    UPDATE requirement_list_versions SET n = n + 1 WHERE scope = '';
END;
CREATE TRIGGER requirement_list_versions_validations_update AFTER UPDATE ON validations BEGIN
    UPDATE requirement_list_versions SET n = n + 1 WHERE scope = '';
END;
CREATE TRIGGER requirement_list_versions_validations_delete AFTER DELETE ON validations BEGIN
    UPDATE requirement_list_versions SET n = n + 1 WHERE scope = '';
END;

-- A pledge's access list opens the pledge, not its requirement.
CREATE TRIGGER requirement_list_versions_grants_insert AFTER INSERT ON access_grants WHEN NEW.object_type = 'requirement' BEGIN
    UPDATE requirement_list_versions SET n = n + 1 WHERE scope = '';
END;
CREATE TRIGGER requirement_list_versions_grants_update AFTER UPDATE ON access_grants
    WHEN OLD.object_type = 'requirement' OR NEW.object_type = 'requirement' BEGIN
    UPDATE requirement_list_versions SET n = n + 1 WHERE scope = '';
END;
CREATE TRIGGER requirement_list_versions_grants_delete AFTER DELETE ON access_grants WHEN OLD.object_type = 'requirement' BEGIN
    UPDATE requirement_list_versions SET n = n + 1 WHERE scope = '';
END;

CREATE TRIGGER requirement_list_versions_organisations_insert AFTER INSERT ON organisations BEGIN
    UPDATE requirement_list_versions SET n = n + 1 WHERE scope = '';
END;
CREATE TRIGGER requirement_list_versions_organisations_update AFTER UPDATE ON organisations BEGIN
    UPDATE requirement_list_versions SET n = n + 1 WHERE scope = '';
END;
CREATE TRIGGER requirement_list_versions_organisations_delete AFTER DELETE ON organisations BEGIN
    UPDATE requirement_list_versions SET n = n + 1 WHERE scope = '';
END;

CREATE TRIGGER requirement_list_versions_pledges_insert AFTER INSERT ON pledges WHEN NEW.requirement_id IS NOT NULL BEGIN
    INSERT INTO requirement_list_versions (scope, n) VALUES (NEW.donor_org_id, 1)
        ON CONFLICT (scope) DO UPDATE SET n = requirement_list_versions.n + 1;
END;
CREATE TRIGGER requirement_list_versions_pledges_update AFTER UPDATE ON pledges
    WHEN OLD.requirement_id IS NOT NEW.requirement_id OR OLD.donor_org_id IS NOT NEW.donor_org_id BEGIN
    INSERT INTO requirement_list_versions (scope, n)
        SELECT org, 1 FROM (
            SELECT OLD.donor_org_id AS org WHERE OLD.requirement_id IS NOT NULL
            UNION SELECT NEW.donor_org_id WHERE NEW.requirement_id IS NOT NULL
        ) WHERE true
        ON CONFLICT (scope) DO UPDATE SET n = requirement_list_versions.n + 1;
END;
CREATE TRIGGER requirement_list_versions_pledges_delete AFTER DELETE ON pledges WHEN OLD.requirement_id IS NOT NULL BEGIN
    INSERT INTO requirement_list_versions (scope, n) VALUES (OLD.donor_org_id, 1)
        ON CONFLICT (scope) DO UPDATE SET n = requirement_list_versions.n + 1;
END;
-- +goose StatementEnd

-- +goose Down
-- +goose StatementBegin
DROP TRIGGER requirement_list_versions_pledges_delete;
DROP TRIGGER requirement_list_versions_pledges_update;
DROP TRIGGER requirement_list_versions_pledges_insert;
DROP TRIGGER requirement_list_versions_organisations_delete;
DROP TRIGGER requirement_list_versions_organisations_update;
DROP TRIGGER requirement_list_versions_organisations_insert;
DROP TRIGGER requirement_list_versions_grants_delete;
DROP TRIGGER requirement_list_versions_grants_update;
DROP TRIGGER requirement_list_versions_grants_insert;
DROP TRIGGER requirement_list_versions_validations_delete;
DROP TRIGGER requirement_list_versions_validations_update;
DROP TRIGGER requirement_list_versions_validations_insert;
DROP TRIGGER requirement_list_versions_requirements_delete;
DROP TRIGGER requirement_list_versions_requirements_update;
DROP TRIGGER requirement_list_versions_requirements_insert;
DROP TABLE requirement_list_versions;
-- +goose StatementEnd
