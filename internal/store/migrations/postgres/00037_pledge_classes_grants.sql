-- A pledge given several access-list entries in one statement stayed in its
-- class without a list: PostgreSQL fires the row triggers of access_grants
-- once the statement is done, when each of them already sees every entry,
-- so the "first entry" test of migration 00035 never held. The trigger now
-- moves the pledge to the class its entries call for, whichever class it is
-- in, however many entries its statement wrote; and the classes are counted
-- again from the pledges.

-- +goose Up
-- +goose StatementBegin
CREATE OR REPLACE FUNCTION pledge_classes_grant() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    p pledges;
    pledge_id text;
    was text;
    wanted text;
BEGIN
    PERFORM pg_advisory_xact_lock(1668899425, 'audit_events'::regclass::oid::integer);
    IF TG_OP = 'INSERT' THEN
        pledge_id := NEW.object_id;
    ELSE
        pledge_id := OLD.object_id;
    END IF;
    SELECT * INTO p FROM pledges WHERE id = pledge_id;
    IF NOT FOUND OR p.requirement_id IS NULL THEN
        RETURN NULL;
    END IF;
    was := CASE WHEN EXISTS (SELECT 1 FROM pledge_classes c WHERE c.requirement_id = p.requirement_id AND c.own = p.id AND c.n > 0) THEN p.id ELSE '' END;
    wanted := pledge_classes_own(p.id);
    IF was <> wanted THEN
        PERFORM pledge_classes_add(p, was, -1);
        PERFORM pledge_classes_add(p, wanted, 1);
    END IF;
    RETURN NULL;
END;
$$;
DELETE FROM pledge_classes;
INSERT INTO pledge_classes (requirement_id, donor_org_id, tlp, channel, status, suspended, own, n, eur)
    SELECT requirement_id, donor_org_id, tlp, channel, status, suspended, own, count(*), sum(eur_minor) FROM (SELECT p.requirement_id AS requirement_id,
        p.donor_org_id AS donor_org_id, p.tlp AS tlp, p.channel AS channel, p.status AS status,
        CASE WHEN p.suspended_on IS NULL THEN 0 ELSE 1 END AS suspended,
        CASE WHEN EXISTS (SELECT 1 FROM access_grants g WHERE g.object_type = 'pledge' AND g.object_id = p.id) THEN p.id ELSE '' END AS own,
        p.eur_minor AS eur_minor
    FROM pledges p WHERE p.requirement_id IS NOT NULL) c GROUP BY requirement_id, donor_org_id, tlp, channel, status, suspended, own;
-- +goose StatementEnd

-- +goose Down
-- +goose StatementBegin
CREATE OR REPLACE FUNCTION pledge_classes_grant() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    p pledges;
    pledge_id text;
BEGIN
    PERFORM pg_advisory_xact_lock(1668899425, 'audit_events'::regclass::oid::integer);
    IF TG_OP = 'INSERT' THEN
        pledge_id := NEW.object_id;
        IF (SELECT count(*) FROM access_grants g WHERE g.object_type = 'pledge' AND g.object_id = pledge_id) <> 1 THEN
            RETURN NULL;
        END IF;
    ELSE
        pledge_id := OLD.object_id;
        IF EXISTS (SELECT 1 FROM access_grants g WHERE g.object_type = 'pledge' AND g.object_id = pledge_id) THEN
            RETURN NULL;
        END IF;
    END IF;
    SELECT * INTO p FROM pledges WHERE id = pledge_id;
    IF NOT FOUND THEN
        RETURN NULL;
    END IF;
    IF TG_OP = 'INSERT' THEN
        PERFORM pledge_classes_add(p, '', -1);
        PERFORM pledge_classes_add(p, p.id, 1);
    ELSE
        PERFORM pledge_classes_add(p, p.id, -1);
        PERFORM pledge_classes_add(p, '', 1);
    END IF;
    RETURN NULL;
END;
$$;
-- +goose StatementEnd
