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
--
-- The triggers run once a statement, over its transition tables, and move
-- a row only when the statement changed a row that counts: a pledge's
-- access list is written by deleting it whole first, on every change to
-- the pledge. They move the rows under the audit log's lock, which every
-- change takes, so that two changes never wait for each other's rows.

-- +goose Up
-- +goose StatementBegin
CREATE TABLE requirement_list_versions (
    scope text COLLATE "C" PRIMARY KEY,
    n     bigint NOT NULL
);
INSERT INTO requirement_list_versions (scope, n) VALUES ('', 1);

CREATE FUNCTION requirement_list_versions_move(scopes text[]) RETURNS void LANGUAGE plpgsql AS $$
BEGIN
    IF cardinality(scopes) = 0 THEN
        RETURN;
    END IF;
    PERFORM pg_advisory_xact_lock(1668899425, 'audit_events'::regclass::oid::integer);
    INSERT INTO requirement_list_versions (scope, n)
        SELECT DISTINCT s, 1 FROM unnest(scopes) AS s WHERE s IS NOT NULL
        ON CONFLICT (scope) DO UPDATE SET n = requirement_list_versions.n + 1;
END;
$$;

-- A requirement, a review or an organisation: every list.
CREATE FUNCTION requirement_list_versions_every() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'DELETE' THEN
        IF EXISTS (SELECT 1 FROM old_rows) THEN
            PERFORM requirement_list_versions_move(ARRAY['']);
        END IF;
    ELSIF EXISTS (SELECT 1 FROM new_rows) THEN
        PERFORM requirement_list_versions_move(ARRAY['']);
    END IF;
    RETURN NULL;
END;
$$;
CREATE TRIGGER requirement_list_versions_requirements_insert AFTER INSERT ON requirements
    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION requirement_list_versions_every();
CREATE TRIGGER requirement_list_versions_requirements_update AFTER UPDATE ON requirements
    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION requirement_list_versions_every();
CREATE TRIGGER requirement_list_versions_requirements_delete AFTER DELETE ON requirements
    REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION requirement_list_versions_every();
CREATE TRIGGER requirement_list_versions_validations_insert AFTER INSERT ON validations
    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION requirement_list_versions_every();
CREATE TRIGGER requirement_list_versions_validations_update AFTER UPDATE ON validations
    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION requirement_list_versions_every();
CREATE TRIGGER requirement_list_versions_validations_delete AFTER DELETE ON validations
    REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION requirement_list_versions_every();
CREATE TRIGGER requirement_list_versions_organisations_insert AFTER INSERT ON organisations
    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION requirement_list_versions_every();
CREATE TRIGGER requirement_list_versions_organisations_update AFTER UPDATE ON organisations
    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION requirement_list_versions_every();
CREATE TRIGGER requirement_list_versions_organisations_delete AFTER DELETE ON organisations
    REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION requirement_list_versions_every();

-- A pledge's access list opens the pledge, not its requirement.
CREATE FUNCTION requirement_list_versions_grants() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    -- Each branch reads only the transition tables its event has.
    CASE TG_OP
    WHEN 'INSERT' THEN
        IF EXISTS (SELECT 1 FROM new_rows WHERE object_type = 'requirement') THEN
            PERFORM requirement_list_versions_move(ARRAY['']);
        END IF;
    WHEN 'DELETE' THEN
        IF EXISTS (SELECT 1 FROM old_rows WHERE object_type = 'requirement') THEN
            PERFORM requirement_list_versions_move(ARRAY['']);
        END IF;
    ELSE
        IF EXISTS (SELECT 1 FROM old_rows WHERE object_type = 'requirement' UNION ALL SELECT 1 FROM new_rows WHERE object_type = 'requirement') THEN
            PERFORM requirement_list_versions_move(ARRAY['']);
        END IF;
    END CASE;
    RETURN NULL;
END;
$$;
CREATE TRIGGER requirement_list_versions_grants_insert AFTER INSERT ON access_grants
    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION requirement_list_versions_grants();
CREATE TRIGGER requirement_list_versions_grants_update AFTER UPDATE ON access_grants
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION requirement_list_versions_grants();
CREATE TRIGGER requirement_list_versions_grants_delete AFTER DELETE ON access_grants
    REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION requirement_list_versions_grants();

-- A pledge: its donor's engagements, when it is made on a requirement,
-- moved to or from one or to another donor, or deleted.
CREATE FUNCTION requirement_list_versions_pledges() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    CASE TG_OP
    WHEN 'INSERT' THEN
        PERFORM requirement_list_versions_move(ARRAY(SELECT donor_org_id FROM new_rows WHERE requirement_id IS NOT NULL));
    WHEN 'DELETE' THEN
        PERFORM requirement_list_versions_move(ARRAY(SELECT donor_org_id FROM old_rows WHERE requirement_id IS NOT NULL));
    ELSE
        PERFORM requirement_list_versions_move(ARRAY(
            SELECT o.donor_org_id FROM old_rows o LEFT JOIN new_rows n ON n.id = o.id
                WHERE o.requirement_id IS NOT NULL
                    AND (n.id IS NULL OR (o.requirement_id, o.donor_org_id) IS DISTINCT FROM (n.requirement_id, n.donor_org_id))
            UNION SELECT n.donor_org_id FROM new_rows n LEFT JOIN old_rows o ON o.id = n.id
                WHERE n.requirement_id IS NOT NULL
                    AND (o.id IS NULL OR (o.requirement_id, o.donor_org_id) IS DISTINCT FROM (n.requirement_id, n.donor_org_id))));
    END CASE;
    RETURN NULL;
END;
$$;
CREATE TRIGGER requirement_list_versions_pledges_insert AFTER INSERT ON pledges
    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION requirement_list_versions_pledges();
CREATE TRIGGER requirement_list_versions_pledges_update AFTER UPDATE ON pledges
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION requirement_list_versions_pledges();
CREATE TRIGGER requirement_list_versions_pledges_delete AFTER DELETE ON pledges
    REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION requirement_list_versions_pledges();
-- +goose StatementEnd

-- +goose Down
-- +goose StatementBegin
DROP TRIGGER requirement_list_versions_pledges_delete ON pledges;
DROP TRIGGER requirement_list_versions_pledges_update ON pledges;
DROP TRIGGER requirement_list_versions_pledges_insert ON pledges;
DROP FUNCTION requirement_list_versions_pledges();
DROP TRIGGER requirement_list_versions_grants_delete ON access_grants;
DROP TRIGGER requirement_list_versions_grants_update ON access_grants;
DROP TRIGGER requirement_list_versions_grants_insert ON access_grants;
DROP FUNCTION requirement_list_versions_grants();
DROP TRIGGER requirement_list_versions_organisations_delete ON organisations;
DROP TRIGGER requirement_list_versions_organisations_update ON organisations;
DROP TRIGGER requirement_list_versions_organisations_insert ON organisations;
DROP TRIGGER requirement_list_versions_validations_delete ON validations;
DROP TRIGGER requirement_list_versions_validations_update ON validations;
DROP TRIGGER requirement_list_versions_validations_insert ON validations;
DROP TRIGGER requirement_list_versions_requirements_delete ON requirements;
DROP TRIGGER requirement_list_versions_requirements_update ON requirements;
DROP TRIGGER requirement_list_versions_requirements_insert ON requirements;
DROP FUNCTION requirement_list_versions_every();
DROP FUNCTION requirement_list_versions_move(text[]);
DROP TABLE requirement_list_versions;
-- +goose StatementEnd
