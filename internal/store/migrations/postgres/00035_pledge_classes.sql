-- The pledges on each requirement, summed per class the policy and the
-- coverage tell apart: donor, label, channel and status (a suspended pledge
-- by the status it resumes to, and suspended = 1). A pledge with an access
-- list is a class of its own (own = its id), since who sees it depends on
-- the list; own is '' for the others. A new pledge's transaction reads
-- these few rows (PledgeClasses) instead of every pledge on the
-- requirement. Triggers keep them in the transaction of every change to a
-- pledge or to a pledge's access list, whatever statement makes it; a class
-- left empty keeps its row with n = 0.

-- +goose Up
-- +goose StatementBegin
CREATE TABLE pledge_classes (
    requirement_id text COLLATE "C" NOT NULL,
    donor_org_id   text COLLATE "C" NOT NULL,
    tlp            text COLLATE "C" NOT NULL,
    channel        text COLLATE "C" NOT NULL,
    status         text COLLATE "C" NOT NULL,
    suspended      bigint NOT NULL,
    own            text COLLATE "C" NOT NULL,
    n   bigint NOT NULL DEFAULT 0,
    eur bigint NOT NULL DEFAULT 0,
    PRIMARY KEY (requirement_id, donor_org_id, tlp, channel, status, suspended, own)
);

INSERT INTO pledge_classes (requirement_id, donor_org_id, tlp, channel, status, suspended, own, n, eur)
    SELECT requirement_id, donor_org_id, tlp, channel, status, suspended, own, count(*), sum(eur_minor) FROM (SELECT p.requirement_id AS requirement_id,
        p.donor_org_id AS donor_org_id, p.tlp AS tlp, p.channel AS channel, p.status AS status,
        CASE WHEN p.suspended_on IS NULL THEN 0 ELSE 1 END AS suspended,
        CASE WHEN EXISTS (SELECT 1 FROM access_grants g WHERE g.object_type = 'pledge' AND g.object_id = p.id) THEN p.id ELSE '' END AS own,
        p.eur_minor AS eur_minor
    FROM pledges p WHERE p.requirement_id IS NOT NULL) c GROUP BY requirement_id, donor_org_id, tlp, channel, status, suspended, own;

-- pledge_classes_add adds dn times the pledge p to the class own of its
-- requirement.
CREATE FUNCTION pledge_classes_add(p pledges, own_id text, dn bigint) RETURNS void LANGUAGE plpgsql AS $$
BEGIN
    IF p.id IS NULL OR p.requirement_id IS NULL THEN
        RETURN;
    END IF;
    INSERT INTO pledge_classes (requirement_id, donor_org_id, tlp, channel, status, suspended, own, n, eur)
    VALUES (p.requirement_id, p.donor_org_id, p.tlp, p.channel, p.status, CASE WHEN p.suspended_on IS NULL THEN 0 ELSE 1 END, own_id, dn, dn * p.eur_minor)
    ON CONFLICT (requirement_id, donor_org_id, tlp, channel, status, suspended, own) DO UPDATE SET n = pledge_classes.n + excluded.n, eur = pledge_classes.eur + excluded.eur;
END;
$$;

CREATE FUNCTION pledge_classes_own(pledge_id text) RETURNS text LANGUAGE sql STABLE AS $$
    SELECT CASE WHEN EXISTS (SELECT 1 FROM access_grants g WHERE g.object_type = 'pledge' AND g.object_id = pledge_id) THEN pledge_id ELSE '' END
$$;

CREATE FUNCTION pledge_classes_pledge() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    -- The audit log's lock first, as the totals' triggers of migration
    -- 00030 take it: it orders every writer of these rows.
    PERFORM pg_advisory_xact_lock(1668899425, 'audit_events'::regclass::oid::integer);
    IF TG_OP IN ('UPDATE', 'DELETE') THEN
        PERFORM pledge_classes_add(OLD, pledge_classes_own(OLD.id), -1);
    END IF;
    IF TG_OP IN ('UPDATE', 'INSERT') THEN
        PERFORM pledge_classes_add(NEW, pledge_classes_own(NEW.id), 1);
    END IF;
    RETURN NULL;
END;
$$;

-- A pledge's first grant moves it to a class of its own; its last one
-- removed moves it back. A grant of a pledge that no longer exists moves
-- nothing.
CREATE FUNCTION pledge_classes_grant() RETURNS trigger LANGUAGE plpgsql AS $$
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

CREATE TRIGGER pledge_classes_insert AFTER INSERT ON pledges FOR EACH ROW WHEN (NEW.requirement_id IS NOT NULL) EXECUTE FUNCTION pledge_classes_pledge();
CREATE TRIGGER pledge_classes_delete AFTER DELETE ON pledges FOR EACH ROW WHEN (OLD.requirement_id IS NOT NULL) EXECUTE FUNCTION pledge_classes_pledge();
CREATE TRIGGER pledge_classes_update AFTER UPDATE ON pledges FOR EACH ROW WHEN (OLD.requirement_id IS DISTINCT FROM NEW.requirement_id OR OLD.donor_org_id IS DISTINCT FROM NEW.donor_org_id OR OLD.tlp IS DISTINCT FROM NEW.tlp OR OLD.channel IS DISTINCT FROM NEW.channel OR OLD.status IS DISTINCT FROM NEW.status OR OLD.suspended_on IS DISTINCT FROM NEW.suspended_on OR OLD.eur_minor IS DISTINCT FROM NEW.eur_minor) EXECUTE FUNCTION pledge_classes_pledge();
CREATE TRIGGER pledge_classes_grant AFTER INSERT ON access_grants FOR EACH ROW WHEN (NEW.object_type = 'pledge') EXECUTE FUNCTION pledge_classes_grant();
CREATE TRIGGER pledge_classes_ungrant AFTER DELETE ON access_grants FOR EACH ROW WHEN (OLD.object_type = 'pledge') EXECUTE FUNCTION pledge_classes_grant();
-- +goose StatementEnd

-- +goose Down
-- +goose StatementBegin
DROP TRIGGER pledge_classes_ungrant ON access_grants;
DROP TRIGGER pledge_classes_grant ON access_grants;
DROP TRIGGER pledge_classes_update ON pledges;
DROP TRIGGER pledge_classes_delete ON pledges;
DROP TRIGGER pledge_classes_insert ON pledges;
DROP FUNCTION pledge_classes_grant();
DROP FUNCTION pledge_classes_pledge();
DROP FUNCTION pledge_classes_own(text);
DROP FUNCTION pledge_classes_add(pledges, text, bigint);
DROP TABLE pledge_classes;
-- +goose StatementEnd
