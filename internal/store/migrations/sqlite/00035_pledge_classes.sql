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
    requirement_id TEXT NOT NULL,
    donor_org_id   TEXT NOT NULL,
    tlp            TEXT NOT NULL,
    channel        TEXT NOT NULL,
    status         TEXT NOT NULL,
    suspended      INTEGER NOT NULL,
    own            TEXT NOT NULL,
    n   INTEGER NOT NULL DEFAULT 0,
    eur INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (requirement_id, donor_org_id, tlp, channel, status, suspended, own)
);

INSERT INTO pledge_classes (requirement_id, donor_org_id, tlp, channel, status, suspended, own, n, eur)
    SELECT requirement_id, donor_org_id, tlp, channel, status, suspended, own, count(*), sum(eur_minor) FROM (SELECT p.requirement_id AS requirement_id,
        p.donor_org_id AS donor_org_id, p.tlp AS tlp, p.channel AS channel, p.status AS status,
        CASE WHEN p.suspended_on IS NULL THEN 0 ELSE 1 END AS suspended,
        CASE WHEN EXISTS (SELECT 1 FROM access_grants g WHERE g.object_type = 'pledge' AND g.object_id = p.id) THEN p.id ELSE '' END AS own,
        p.eur_minor AS eur_minor
    FROM pledges p WHERE p.requirement_id IS NOT NULL) c GROUP BY requirement_id, donor_org_id, tlp, channel, status, suspended, own;

CREATE TRIGGER pledge_classes_insert AFTER INSERT ON pledges WHEN NEW.requirement_id IS NOT NULL BEGIN
    INSERT INTO pledge_classes (requirement_id, donor_org_id, tlp, channel, status, suspended, own, n, eur)
    SELECT NEW.requirement_id, NEW.donor_org_id, NEW.tlp, NEW.channel, NEW.status, CASE WHEN NEW.suspended_on IS NULL THEN 0 ELSE 1 END,
        CASE WHEN EXISTS (SELECT 1 FROM access_grants g WHERE g.object_type = 'pledge' AND g.object_id = NEW.id) THEN NEW.id ELSE '' END, 1, NEW.eur_minor
    WHERE 1 = 1
    ON CONFLICT (requirement_id, donor_org_id, tlp, channel, status, suspended, own) DO UPDATE SET n = n + 1, eur = eur + excluded.eur;
END;

CREATE TRIGGER pledge_classes_delete AFTER DELETE ON pledges WHEN OLD.requirement_id IS NOT NULL BEGIN
    UPDATE pledge_classes SET n = n - 1, eur = eur - OLD.eur_minor
    WHERE requirement_id = OLD.requirement_id AND donor_org_id = OLD.donor_org_id AND tlp = OLD.tlp AND channel = OLD.channel AND status = OLD.status
        AND suspended = (CASE WHEN OLD.suspended_on IS NULL THEN 0 ELSE 1 END)
        AND own = (CASE WHEN EXISTS (SELECT 1 FROM access_grants g WHERE g.object_type = 'pledge' AND g.object_id = OLD.id) THEN OLD.id ELSE '' END);
END;

CREATE TRIGGER pledge_classes_update AFTER UPDATE OF requirement_id, donor_org_id, tlp, channel, status, suspended_on, eur_minor ON pledges BEGIN
    UPDATE pledge_classes SET n = n - 1, eur = eur - OLD.eur_minor
    WHERE requirement_id = OLD.requirement_id AND donor_org_id = OLD.donor_org_id AND tlp = OLD.tlp AND channel = OLD.channel AND status = OLD.status
        AND suspended = (CASE WHEN OLD.suspended_on IS NULL THEN 0 ELSE 1 END)
        AND own = (CASE WHEN EXISTS (SELECT 1 FROM access_grants g WHERE g.object_type = 'pledge' AND g.object_id = OLD.id) THEN OLD.id ELSE '' END);
    INSERT INTO pledge_classes (requirement_id, donor_org_id, tlp, channel, status, suspended, own, n, eur)
    SELECT NEW.requirement_id, NEW.donor_org_id, NEW.tlp, NEW.channel, NEW.status, CASE WHEN NEW.suspended_on IS NULL THEN 0 ELSE 1 END,
        CASE WHEN EXISTS (SELECT 1 FROM access_grants g WHERE g.object_type = 'pledge' AND g.object_id = NEW.id) THEN NEW.id ELSE '' END, 1, NEW.eur_minor
    WHERE NEW.requirement_id IS NOT NULL
    ON CONFLICT (requirement_id, donor_org_id, tlp, channel, status, suspended, own) DO UPDATE SET n = n + 1, eur = eur + excluded.eur;
END;

-- A pledge's first grant moves it to a class of its own; its last one
-- removed moves it back. A grant of a pledge that no longer exists moves
-- nothing.
CREATE TRIGGER pledge_classes_grant AFTER INSERT ON access_grants
WHEN NEW.object_type = 'pledge' AND (SELECT count(*) FROM access_grants g WHERE g.object_type = 'pledge' AND g.object_id = NEW.object_id) = 1 BEGIN
    UPDATE pledge_classes SET n = n - 1, eur = eur - (SELECT p.eur_minor FROM pledges p WHERE p.id = NEW.object_id)
    WHERE (requirement_id, donor_org_id, tlp, channel, status, suspended, own) =
        (SELECT p.requirement_id, p.donor_org_id, p.tlp, p.channel, p.status, CASE WHEN p.suspended_on IS NULL THEN 0 ELSE 1 END, '' FROM pledges p WHERE p.id = NEW.object_id);
    INSERT INTO pledge_classes (requirement_id, donor_org_id, tlp, channel, status, suspended, own, n, eur)
    SELECT p.requirement_id, p.donor_org_id, p.tlp, p.channel, p.status, CASE WHEN p.suspended_on IS NULL THEN 0 ELSE 1 END, p.id, 1, p.eur_minor
    FROM pledges p WHERE p.id = NEW.object_id AND p.requirement_id IS NOT NULL
    ON CONFLICT (requirement_id, donor_org_id, tlp, channel, status, suspended, own) DO UPDATE SET n = n + 1, eur = eur + excluded.eur;
END;

CREATE TRIGGER pledge_classes_ungrant AFTER DELETE ON access_grants
WHEN OLD.object_type = 'pledge' AND NOT EXISTS (SELECT 1 FROM access_grants g WHERE g.object_type = 'pledge' AND g.object_id = OLD.object_id) BEGIN
    UPDATE pledge_classes SET n = n - 1, eur = eur - (SELECT p.eur_minor FROM pledges p WHERE p.id = OLD.object_id)
    WHERE (requirement_id, donor_org_id, tlp, channel, status, suspended, own) =
        (SELECT p.requirement_id, p.donor_org_id, p.tlp, p.channel, p.status, CASE WHEN p.suspended_on IS NULL THEN 0 ELSE 1 END, p.id FROM pledges p WHERE p.id = OLD.object_id);
    INSERT INTO pledge_classes (requirement_id, donor_org_id, tlp, channel, status, suspended, own, n, eur)
    SELECT p.requirement_id, p.donor_org_id, p.tlp, p.channel, p.status, CASE WHEN p.suspended_on IS NULL THEN 0 ELSE 1 END, '', 1, p.eur_minor
    FROM pledges p WHERE p.id = OLD.object_id AND p.requirement_id IS NOT NULL
    ON CONFLICT (requirement_id, donor_org_id, tlp, channel, status, suspended, own) DO UPDATE SET n = n + 1, eur = eur + excluded.eur;
END;
-- +goose StatementEnd

-- +goose Down
-- +goose StatementBegin
DROP TRIGGER pledge_classes_ungrant;
DROP TRIGGER pledge_classes_grant;
DROP TRIGGER pledge_classes_update;
DROP TRIGGER pledge_classes_delete;
DROP TRIGGER pledge_classes_insert;
DROP TABLE pledge_classes;
-- +goose StatementEnd
