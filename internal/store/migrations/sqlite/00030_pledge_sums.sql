-- Pledge totals kept by audience class. Every row sums the pledges that
-- share one value of a summary's grouping (dim, key) and every attribute the
-- policy's class-level decision about a pledge reads: its label, donor
-- (owner) and beneficiary, channel, and its requirement's label and whether
-- that requirement passed validation (req_tlp '' for a pledge on none). A
-- viewer's figure is the sum of the rows of the classes it may see, chosen by
-- the audience predicate the store builds from policy.AudienceOf, plus the
-- few pledges seen through a per-record relation (a share, a named reader, an
-- engaged organisation), read one by one. Triggers keep the rows in the
-- transaction of every change to a pledge or to the requirement attributes
-- they copy, whichever statement makes it: each takes back what the pledge
-- added before the change and adds what it adds after, by the same formula.

-- +goose Up
-- +goose StatementBegin
CREATE TABLE pledge_sum_dims (dim TEXT PRIMARY KEY);
INSERT INTO pledge_sum_dims (dim) VALUES ('donor'), ('implementer'), ('line'), ('sector'), ('category'), ('status'), ('month');

CREATE TABLE pledge_sums (
    dim                TEXT NOT NULL,
    key                TEXT NOT NULL,
    channel            TEXT NOT NULL,
    tlp                TEXT NOT NULL,
    donor_org_id       TEXT NOT NULL,
    beneficiary_org_id TEXT NOT NULL,
    req_tlp            TEXT NOT NULL,
    req_validated      INTEGER NOT NULL,
    n INTEGER NOT NULL DEFAULT 0,
    eur INTEGER NOT NULL DEFAULT 0,
    committed INTEGER NOT NULL DEFAULT 0,
    delivered INTEGER NOT NULL DEFAULT 0,
    disbursed INTEGER NOT NULL DEFAULT 0,
    unvalued INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (dim, key, channel, tlp, donor_org_id, beneficiary_org_id, req_tlp, req_validated)
);

INSERT INTO pledge_sums (dim, key, channel, tlp, donor_org_id, beneficiary_org_id, req_tlp, req_validated, n, eur, committed, delivered, disbursed, unvalued)
    SELECT dim, key, channel, tlp, donor_org_id, beneficiary_org_id, req_tlp, req_validated, sum(n), sum(eur), sum(committed), sum(delivered), sum(disbursed), sum(unvalued) FROM (SELECT d.dim AS dim,
    CASE d.dim
        WHEN 'donor' THEN COALESCE(NULLIF(p.funder_org_id, ''), p.donor_org_id)
        WHEN 'implementer' THEN p.donor_org_id
        WHEN 'line' THEN COALESCE(r.line_of_effort, '')
        WHEN 'sector' THEN COALESCE(r.sector, '')
        WHEN 'category' THEN COALESCE(r.category, '')
        WHEN 'status' THEN CASE WHEN p.suspended_on IS NOT NULL THEN 'suspended' ELSE p.status END
        ELSE COALESCE(substr(p.pledge_date, 1, 7), '')
    END AS key,
    p.channel AS channel, p.tlp AS tlp, p.donor_org_id AS donor_org_id,
    COALESCE(CASE WHEN r.id IS NULL THEN p.beneficiary_org_id ELSE r.beneficiary_org_id END, '') AS beneficiary_org_id,
    COALESCE(r.tlp, '') AS req_tlp,
    CASE WHEN r.status IN ('validated', 'in_delivery', 'delivered', 'closed') OR (r.status = 'withdrawn' AND r.validated_at IS NOT NULL) THEN 1 ELSE 0 END AS req_validated,
    CASE WHEN (CASE WHEN p.suspended_on IS NOT NULL THEN 'suspended' ELSE p.status END) NOT IN ('withdrawn', 'rejected', 'suspended') THEN 1 ELSE 0 END AS n,
    CASE WHEN (CASE WHEN p.suspended_on IS NOT NULL THEN 'suspended' ELSE p.status END) NOT IN ('withdrawn', 'rejected', 'suspended') THEN p.eur_minor ELSE 0 END AS eur,
    CASE WHEN (CASE WHEN p.suspended_on IS NOT NULL THEN 'suspended' ELSE p.status END) IN ('confirmed', 'in_delivery', 'delivered', 'receipt_confirmed') THEN p.eur_minor ELSE 0 END AS committed,
    CASE WHEN (CASE WHEN p.suspended_on IS NOT NULL THEN 'suspended' ELSE p.status END) IN ('delivered', 'receipt_confirmed') THEN p.eur_minor ELSE 0 END AS delivered,
    CASE WHEN p.status = 'rejected' AND p.suspended_on IS NULL THEN 0 ELSE p.disbursed_eur_minor END AS disbursed,
    CASE WHEN (CASE WHEN p.suspended_on IS NOT NULL THEN 'suspended' ELSE p.status END) NOT IN ('withdrawn', 'rejected', 'suspended') AND p.no_eur_value = 1 THEN 1 ELSE 0 END AS unvalued
FROM pledges p LEFT JOIN requirements r ON r.id = p.requirement_id CROSS JOIN pledge_sum_dims d WHERE 1 = 1) c GROUP BY dim, key, channel, tlp, donor_org_id, beneficiary_org_id, req_tlp, req_validated;

CREATE TRIGGER pledge_sums_insert AFTER INSERT ON pledges BEGIN
    INSERT INTO pledge_sums (dim, key, channel, tlp, donor_org_id, beneficiary_org_id, req_tlp, req_validated, n, eur, committed, delivered, disbursed, unvalued)
    SELECT dim, key, channel, tlp, donor_org_id, beneficiary_org_id, req_tlp, req_validated, n, eur, committed, delivered, disbursed, unvalued FROM (SELECT d.dim AS dim,
    CASE d.dim
        WHEN 'donor' THEN COALESCE(NULLIF(p.funder_org_id, ''), p.donor_org_id)
        WHEN 'implementer' THEN p.donor_org_id
        WHEN 'line' THEN COALESCE(r.line_of_effort, '')
        WHEN 'sector' THEN COALESCE(r.sector, '')
        WHEN 'category' THEN COALESCE(r.category, '')
        WHEN 'status' THEN CASE WHEN p.suspended_on IS NOT NULL THEN 'suspended' ELSE p.status END
        ELSE COALESCE(substr(p.pledge_date, 1, 7), '')
    END AS key,
    p.channel AS channel, p.tlp AS tlp, p.donor_org_id AS donor_org_id,
    COALESCE(CASE WHEN r.id IS NULL THEN p.beneficiary_org_id ELSE r.beneficiary_org_id END, '') AS beneficiary_org_id,
    COALESCE(r.tlp, '') AS req_tlp,
    CASE WHEN r.status IN ('validated', 'in_delivery', 'delivered', 'closed') OR (r.status = 'withdrawn' AND r.validated_at IS NOT NULL) THEN 1 ELSE 0 END AS req_validated,
    CASE WHEN (CASE WHEN p.suspended_on IS NOT NULL THEN 'suspended' ELSE p.status END) NOT IN ('withdrawn', 'rejected', 'suspended') THEN 1 ELSE 0 END AS n,
    CASE WHEN (CASE WHEN p.suspended_on IS NOT NULL THEN 'suspended' ELSE p.status END) NOT IN ('withdrawn', 'rejected', 'suspended') THEN p.eur_minor ELSE 0 END AS eur,
    CASE WHEN (CASE WHEN p.suspended_on IS NOT NULL THEN 'suspended' ELSE p.status END) IN ('confirmed', 'in_delivery', 'delivered', 'receipt_confirmed') THEN p.eur_minor ELSE 0 END AS committed,
    CASE WHEN (CASE WHEN p.suspended_on IS NOT NULL THEN 'suspended' ELSE p.status END) IN ('delivered', 'receipt_confirmed') THEN p.eur_minor ELSE 0 END AS delivered,
    CASE WHEN p.status = 'rejected' AND p.suspended_on IS NULL THEN 0 ELSE p.disbursed_eur_minor END AS disbursed,
    CASE WHEN (CASE WHEN p.suspended_on IS NOT NULL THEN 'suspended' ELSE p.status END) NOT IN ('withdrawn', 'rejected', 'suspended') AND p.no_eur_value = 1 THEN 1 ELSE 0 END AS unvalued
FROM pledges p LEFT JOIN requirements r ON r.id = p.requirement_id CROSS JOIN pledge_sum_dims d WHERE p.id = NEW.id) c WHERE 1 = 1
    ON CONFLICT (dim, key, channel, tlp, donor_org_id, beneficiary_org_id, req_tlp, req_validated) DO UPDATE SET n = pledge_sums.n + excluded.n, eur = pledge_sums.eur + excluded.eur, committed = pledge_sums.committed + excluded.committed, delivered = pledge_sums.delivered + excluded.delivered, disbursed = pledge_sums.disbursed + excluded.disbursed, unvalued = pledge_sums.unvalued + excluded.unvalued;
END;

CREATE TRIGGER pledge_sums_delete BEFORE DELETE ON pledges BEGIN
    INSERT INTO pledge_sums (dim, key, channel, tlp, donor_org_id, beneficiary_org_id, req_tlp, req_validated, n, eur, committed, delivered, disbursed, unvalued)
    SELECT dim, key, channel, tlp, donor_org_id, beneficiary_org_id, req_tlp, req_validated, -n, -eur, -committed, -delivered, -disbursed, -unvalued FROM (SELECT d.dim AS dim,
    CASE d.dim
        WHEN 'donor' THEN COALESCE(NULLIF(p.funder_org_id, ''), p.donor_org_id)
        WHEN 'implementer' THEN p.donor_org_id
        WHEN 'line' THEN COALESCE(r.line_of_effort, '')
        WHEN 'sector' THEN COALESCE(r.sector, '')
        WHEN 'category' THEN COALESCE(r.category, '')
        WHEN 'status' THEN CASE WHEN p.suspended_on IS NOT NULL THEN 'suspended' ELSE p.status END
        ELSE COALESCE(substr(p.pledge_date, 1, 7), '')
    END AS key,
    p.channel AS channel, p.tlp AS tlp, p.donor_org_id AS donor_org_id,
    COALESCE(CASE WHEN r.id IS NULL THEN p.beneficiary_org_id ELSE r.beneficiary_org_id END, '') AS beneficiary_org_id,
    COALESCE(r.tlp, '') AS req_tlp,
    CASE WHEN r.status IN ('validated', 'in_delivery', 'delivered', 'closed') OR (r.status = 'withdrawn' AND r.validated_at IS NOT NULL) THEN 1 ELSE 0 END AS req_validated,
    CASE WHEN (CASE WHEN p.suspended_on IS NOT NULL THEN 'suspended' ELSE p.status END) NOT IN ('withdrawn', 'rejected', 'suspended') THEN 1 ELSE 0 END AS n,
    CASE WHEN (CASE WHEN p.suspended_on IS NOT NULL THEN 'suspended' ELSE p.status END) NOT IN ('withdrawn', 'rejected', 'suspended') THEN p.eur_minor ELSE 0 END AS eur,
    CASE WHEN (CASE WHEN p.suspended_on IS NOT NULL THEN 'suspended' ELSE p.status END) IN ('confirmed', 'in_delivery', 'delivered', 'receipt_confirmed') THEN p.eur_minor ELSE 0 END AS committed,
    CASE WHEN (CASE WHEN p.suspended_on IS NOT NULL THEN 'suspended' ELSE p.status END) IN ('delivered', 'receipt_confirmed') THEN p.eur_minor ELSE 0 END AS delivered,
    CASE WHEN p.status = 'rejected' AND p.suspended_on IS NULL THEN 0 ELSE p.disbursed_eur_minor END AS disbursed,
    CASE WHEN (CASE WHEN p.suspended_on IS NOT NULL THEN 'suspended' ELSE p.status END) NOT IN ('withdrawn', 'rejected', 'suspended') AND p.no_eur_value = 1 THEN 1 ELSE 0 END AS unvalued
FROM pledges p LEFT JOIN requirements r ON r.id = p.requirement_id CROSS JOIN pledge_sum_dims d WHERE p.id = OLD.id) c WHERE 1 = 1
    ON CONFLICT (dim, key, channel, tlp, donor_org_id, beneficiary_org_id, req_tlp, req_validated) DO UPDATE SET n = pledge_sums.n + excluded.n, eur = pledge_sums.eur + excluded.eur, committed = pledge_sums.committed + excluded.committed, delivered = pledge_sums.delivered + excluded.delivered, disbursed = pledge_sums.disbursed + excluded.disbursed, unvalued = pledge_sums.unvalued + excluded.unvalued;
END;

CREATE TRIGGER pledge_sums_update_before BEFORE UPDATE ON pledges WHEN OLD.tlp IS NOT NEW.tlp OR OLD.donor_org_id IS NOT NEW.donor_org_id OR OLD.funder_org_id IS NOT NEW.funder_org_id OR OLD.requirement_id IS NOT NEW.requirement_id OR OLD.beneficiary_org_id IS NOT NEW.beneficiary_org_id OR OLD.channel IS NOT NEW.channel OR OLD.status IS NOT NEW.status OR OLD.suspended_on IS NOT NEW.suspended_on OR OLD.eur_minor IS NOT NEW.eur_minor OR OLD.disbursed_eur_minor IS NOT NEW.disbursed_eur_minor OR OLD.pledge_date IS NOT NEW.pledge_date OR OLD.no_eur_value IS NOT NEW.no_eur_value BEGIN
    INSERT INTO pledge_sums (dim, key, channel, tlp, donor_org_id, beneficiary_org_id, req_tlp, req_validated, n, eur, committed, delivered, disbursed, unvalued)
    SELECT dim, key, channel, tlp, donor_org_id, beneficiary_org_id, req_tlp, req_validated, -n, -eur, -committed, -delivered, -disbursed, -unvalued FROM (SELECT d.dim AS dim,
    CASE d.dim
        WHEN 'donor' THEN COALESCE(NULLIF(p.funder_org_id, ''), p.donor_org_id)
        WHEN 'implementer' THEN p.donor_org_id
        WHEN 'line' THEN COALESCE(r.line_of_effort, '')
        WHEN 'sector' THEN COALESCE(r.sector, '')
        WHEN 'category' THEN COALESCE(r.category, '')
        WHEN 'status' THEN CASE WHEN p.suspended_on IS NOT NULL THEN 'suspended' ELSE p.status END
        ELSE COALESCE(substr(p.pledge_date, 1, 7), '')
    END AS key,
    p.channel AS channel, p.tlp AS tlp, p.donor_org_id AS donor_org_id,
    COALESCE(CASE WHEN r.id IS NULL THEN p.beneficiary_org_id ELSE r.beneficiary_org_id END, '') AS beneficiary_org_id,
    COALESCE(r.tlp, '') AS req_tlp,
    CASE WHEN r.status IN ('validated', 'in_delivery', 'delivered', 'closed') OR (r.status = 'withdrawn' AND r.validated_at IS NOT NULL) THEN 1 ELSE 0 END AS req_validated,
    CASE WHEN (CASE WHEN p.suspended_on IS NOT NULL THEN 'suspended' ELSE p.status END) NOT IN ('withdrawn', 'rejected', 'suspended') THEN 1 ELSE 0 END AS n,
    CASE WHEN (CASE WHEN p.suspended_on IS NOT NULL THEN 'suspended' ELSE p.status END) NOT IN ('withdrawn', 'rejected', 'suspended') THEN p.eur_minor ELSE 0 END AS eur,
    CASE WHEN (CASE WHEN p.suspended_on IS NOT NULL THEN 'suspended' ELSE p.status END) IN ('confirmed', 'in_delivery', 'delivered', 'receipt_confirmed') THEN p.eur_minor ELSE 0 END AS committed,
    CASE WHEN (CASE WHEN p.suspended_on IS NOT NULL THEN 'suspended' ELSE p.status END) IN ('delivered', 'receipt_confirmed') THEN p.eur_minor ELSE 0 END AS delivered,
    CASE WHEN p.status = 'rejected' AND p.suspended_on IS NULL THEN 0 ELSE p.disbursed_eur_minor END AS disbursed,
    CASE WHEN (CASE WHEN p.suspended_on IS NOT NULL THEN 'suspended' ELSE p.status END) NOT IN ('withdrawn', 'rejected', 'suspended') AND p.no_eur_value = 1 THEN 1 ELSE 0 END AS unvalued
FROM pledges p LEFT JOIN requirements r ON r.id = p.requirement_id CROSS JOIN pledge_sum_dims d WHERE p.id = OLD.id) c WHERE 1 = 1
    ON CONFLICT (dim, key, channel, tlp, donor_org_id, beneficiary_org_id, req_tlp, req_validated) DO UPDATE SET n = pledge_sums.n + excluded.n, eur = pledge_sums.eur + excluded.eur, committed = pledge_sums.committed + excluded.committed, delivered = pledge_sums.delivered + excluded.delivered, disbursed = pledge_sums.disbursed + excluded.disbursed, unvalued = pledge_sums.unvalued + excluded.unvalued;
END;

CREATE TRIGGER pledge_sums_update_after AFTER UPDATE ON pledges WHEN OLD.tlp IS NOT NEW.tlp OR OLD.donor_org_id IS NOT NEW.donor_org_id OR OLD.funder_org_id IS NOT NEW.funder_org_id OR OLD.requirement_id IS NOT NEW.requirement_id OR OLD.beneficiary_org_id IS NOT NEW.beneficiary_org_id OR OLD.channel IS NOT NEW.channel OR OLD.status IS NOT NEW.status OR OLD.suspended_on IS NOT NEW.suspended_on OR OLD.eur_minor IS NOT NEW.eur_minor OR OLD.disbursed_eur_minor IS NOT NEW.disbursed_eur_minor OR OLD.pledge_date IS NOT NEW.pledge_date OR OLD.no_eur_value IS NOT NEW.no_eur_value BEGIN
    INSERT INTO pledge_sums (dim, key, channel, tlp, donor_org_id, beneficiary_org_id, req_tlp, req_validated, n, eur, committed, delivered, disbursed, unvalued)
    SELECT dim, key, channel, tlp, donor_org_id, beneficiary_org_id, req_tlp, req_validated, n, eur, committed, delivered, disbursed, unvalued FROM (SELECT d.dim AS dim,
    CASE d.dim
        WHEN 'donor' THEN COALESCE(NULLIF(p.funder_org_id, ''), p.donor_org_id)
        WHEN 'implementer' THEN p.donor_org_id
        WHEN 'line' THEN COALESCE(r.line_of_effort, '')
        WHEN 'sector' THEN COALESCE(r.sector, '')
        WHEN 'category' THEN COALESCE(r.category, '')
        WHEN 'status' THEN CASE WHEN p.suspended_on IS NOT NULL THEN 'suspended' ELSE p.status END
        ELSE COALESCE(substr(p.pledge_date, 1, 7), '')
    END AS key,
    p.channel AS channel, p.tlp AS tlp, p.donor_org_id AS donor_org_id,
    COALESCE(CASE WHEN r.id IS NULL THEN p.beneficiary_org_id ELSE r.beneficiary_org_id END, '') AS beneficiary_org_id,
    COALESCE(r.tlp, '') AS req_tlp,
    CASE WHEN r.status IN ('validated', 'in_delivery', 'delivered', 'closed') OR (r.status = 'withdrawn' AND r.validated_at IS NOT NULL) THEN 1 ELSE 0 END AS req_validated,
    CASE WHEN (CASE WHEN p.suspended_on IS NOT NULL THEN 'suspended' ELSE p.status END) NOT IN ('withdrawn', 'rejected', 'suspended') THEN 1 ELSE 0 END AS n,
    CASE WHEN (CASE WHEN p.suspended_on IS NOT NULL THEN 'suspended' ELSE p.status END) NOT IN ('withdrawn', 'rejected', 'suspended') THEN p.eur_minor ELSE 0 END AS eur,
    CASE WHEN (CASE WHEN p.suspended_on IS NOT NULL THEN 'suspended' ELSE p.status END) IN ('confirmed', 'in_delivery', 'delivered', 'receipt_confirmed') THEN p.eur_minor ELSE 0 END AS committed,
    CASE WHEN (CASE WHEN p.suspended_on IS NOT NULL THEN 'suspended' ELSE p.status END) IN ('delivered', 'receipt_confirmed') THEN p.eur_minor ELSE 0 END AS delivered,
    CASE WHEN p.status = 'rejected' AND p.suspended_on IS NULL THEN 0 ELSE p.disbursed_eur_minor END AS disbursed,
    CASE WHEN (CASE WHEN p.suspended_on IS NOT NULL THEN 'suspended' ELSE p.status END) NOT IN ('withdrawn', 'rejected', 'suspended') AND p.no_eur_value = 1 THEN 1 ELSE 0 END AS unvalued
FROM pledges p LEFT JOIN requirements r ON r.id = p.requirement_id CROSS JOIN pledge_sum_dims d WHERE p.id = NEW.id) c WHERE 1 = 1
    ON CONFLICT (dim, key, channel, tlp, donor_org_id, beneficiary_org_id, req_tlp, req_validated) DO UPDATE SET n = pledge_sums.n + excluded.n, eur = pledge_sums.eur + excluded.eur, committed = pledge_sums.committed + excluded.committed, delivered = pledge_sums.delivered + excluded.delivered, disbursed = pledge_sums.disbursed + excluded.disbursed, unvalued = pledge_sums.unvalued + excluded.unvalued;
END;

CREATE TRIGGER pledge_sums_requirement_before BEFORE UPDATE ON requirements WHEN OLD.tlp IS NOT NEW.tlp OR OLD.beneficiary_org_id IS NOT NEW.beneficiary_org_id OR OLD.line_of_effort IS NOT NEW.line_of_effort OR OLD.sector IS NOT NEW.sector OR OLD.category IS NOT NEW.category OR (OLD.status IN ('validated', 'in_delivery', 'delivered', 'closed') OR (OLD.status = 'withdrawn' AND OLD.validated_at IS NOT NULL)) <> (NEW.status IN ('validated', 'in_delivery', 'delivered', 'closed') OR (NEW.status = 'withdrawn' AND NEW.validated_at IS NOT NULL)) BEGIN
    INSERT INTO pledge_sums (dim, key, channel, tlp, donor_org_id, beneficiary_org_id, req_tlp, req_validated, n, eur, committed, delivered, disbursed, unvalued)
    SELECT dim, key, channel, tlp, donor_org_id, beneficiary_org_id, req_tlp, req_validated, -n, -eur, -committed, -delivered, -disbursed, -unvalued FROM (SELECT d.dim AS dim,
    CASE d.dim
        WHEN 'donor' THEN COALESCE(NULLIF(p.funder_org_id, ''), p.donor_org_id)
        WHEN 'implementer' THEN p.donor_org_id
        WHEN 'line' THEN COALESCE(r.line_of_effort, '')
        WHEN 'sector' THEN COALESCE(r.sector, '')
        WHEN 'category' THEN COALESCE(r.category, '')
        WHEN 'status' THEN CASE WHEN p.suspended_on IS NOT NULL THEN 'suspended' ELSE p.status END
        ELSE COALESCE(substr(p.pledge_date, 1, 7), '')
    END AS key,
    p.channel AS channel, p.tlp AS tlp, p.donor_org_id AS donor_org_id,
    COALESCE(CASE WHEN r.id IS NULL THEN p.beneficiary_org_id ELSE r.beneficiary_org_id END, '') AS beneficiary_org_id,
    COALESCE(r.tlp, '') AS req_tlp,
    CASE WHEN r.status IN ('validated', 'in_delivery', 'delivered', 'closed') OR (r.status = 'withdrawn' AND r.validated_at IS NOT NULL) THEN 1 ELSE 0 END AS req_validated,
    CASE WHEN (CASE WHEN p.suspended_on IS NOT NULL THEN 'suspended' ELSE p.status END) NOT IN ('withdrawn', 'rejected', 'suspended') THEN 1 ELSE 0 END AS n,
    CASE WHEN (CASE WHEN p.suspended_on IS NOT NULL THEN 'suspended' ELSE p.status END) NOT IN ('withdrawn', 'rejected', 'suspended') THEN p.eur_minor ELSE 0 END AS eur,
    CASE WHEN (CASE WHEN p.suspended_on IS NOT NULL THEN 'suspended' ELSE p.status END) IN ('confirmed', 'in_delivery', 'delivered', 'receipt_confirmed') THEN p.eur_minor ELSE 0 END AS committed,
    CASE WHEN (CASE WHEN p.suspended_on IS NOT NULL THEN 'suspended' ELSE p.status END) IN ('delivered', 'receipt_confirmed') THEN p.eur_minor ELSE 0 END AS delivered,
    CASE WHEN p.status = 'rejected' AND p.suspended_on IS NULL THEN 0 ELSE p.disbursed_eur_minor END AS disbursed,
    CASE WHEN (CASE WHEN p.suspended_on IS NOT NULL THEN 'suspended' ELSE p.status END) NOT IN ('withdrawn', 'rejected', 'suspended') AND p.no_eur_value = 1 THEN 1 ELSE 0 END AS unvalued
FROM pledges p LEFT JOIN requirements r ON r.id = p.requirement_id CROSS JOIN pledge_sum_dims d WHERE p.requirement_id = OLD.id) c WHERE 1 = 1
    ON CONFLICT (dim, key, channel, tlp, donor_org_id, beneficiary_org_id, req_tlp, req_validated) DO UPDATE SET n = pledge_sums.n + excluded.n, eur = pledge_sums.eur + excluded.eur, committed = pledge_sums.committed + excluded.committed, delivered = pledge_sums.delivered + excluded.delivered, disbursed = pledge_sums.disbursed + excluded.disbursed, unvalued = pledge_sums.unvalued + excluded.unvalued;
END;

CREATE TRIGGER pledge_sums_requirement_after AFTER UPDATE ON requirements WHEN OLD.tlp IS NOT NEW.tlp OR OLD.beneficiary_org_id IS NOT NEW.beneficiary_org_id OR OLD.line_of_effort IS NOT NEW.line_of_effort OR OLD.sector IS NOT NEW.sector OR OLD.category IS NOT NEW.category OR (OLD.status IN ('validated', 'in_delivery', 'delivered', 'closed') OR (OLD.status = 'withdrawn' AND OLD.validated_at IS NOT NULL)) <> (NEW.status IN ('validated', 'in_delivery', 'delivered', 'closed') OR (NEW.status = 'withdrawn' AND NEW.validated_at IS NOT NULL)) BEGIN
    INSERT INTO pledge_sums (dim, key, channel, tlp, donor_org_id, beneficiary_org_id, req_tlp, req_validated, n, eur, committed, delivered, disbursed, unvalued)
    SELECT dim, key, channel, tlp, donor_org_id, beneficiary_org_id, req_tlp, req_validated, n, eur, committed, delivered, disbursed, unvalued FROM (SELECT d.dim AS dim,
    CASE d.dim
        WHEN 'donor' THEN COALESCE(NULLIF(p.funder_org_id, ''), p.donor_org_id)
        WHEN 'implementer' THEN p.donor_org_id
        WHEN 'line' THEN COALESCE(r.line_of_effort, '')
        WHEN 'sector' THEN COALESCE(r.sector, '')
        WHEN 'category' THEN COALESCE(r.category, '')
        WHEN 'status' THEN CASE WHEN p.suspended_on IS NOT NULL THEN 'suspended' ELSE p.status END
        ELSE COALESCE(substr(p.pledge_date, 1, 7), '')
    END AS key,
    p.channel AS channel, p.tlp AS tlp, p.donor_org_id AS donor_org_id,
    COALESCE(CASE WHEN r.id IS NULL THEN p.beneficiary_org_id ELSE r.beneficiary_org_id END, '') AS beneficiary_org_id,
    COALESCE(r.tlp, '') AS req_tlp,
    CASE WHEN r.status IN ('validated', 'in_delivery', 'delivered', 'closed') OR (r.status = 'withdrawn' AND r.validated_at IS NOT NULL) THEN 1 ELSE 0 END AS req_validated,
    CASE WHEN (CASE WHEN p.suspended_on IS NOT NULL THEN 'suspended' ELSE p.status END) NOT IN ('withdrawn', 'rejected', 'suspended') THEN 1 ELSE 0 END AS n,
    CASE WHEN (CASE WHEN p.suspended_on IS NOT NULL THEN 'suspended' ELSE p.status END) NOT IN ('withdrawn', 'rejected', 'suspended') THEN p.eur_minor ELSE 0 END AS eur,
    CASE WHEN (CASE WHEN p.suspended_on IS NOT NULL THEN 'suspended' ELSE p.status END) IN ('confirmed', 'in_delivery', 'delivered', 'receipt_confirmed') THEN p.eur_minor ELSE 0 END AS committed,
    CASE WHEN (CASE WHEN p.suspended_on IS NOT NULL THEN 'suspended' ELSE p.status END) IN ('delivered', 'receipt_confirmed') THEN p.eur_minor ELSE 0 END AS delivered,
    CASE WHEN p.status = 'rejected' AND p.suspended_on IS NULL THEN 0 ELSE p.disbursed_eur_minor END AS disbursed,
    CASE WHEN (CASE WHEN p.suspended_on IS NOT NULL THEN 'suspended' ELSE p.status END) NOT IN ('withdrawn', 'rejected', 'suspended') AND p.no_eur_value = 1 THEN 1 ELSE 0 END AS unvalued
FROM pledges p LEFT JOIN requirements r ON r.id = p.requirement_id CROSS JOIN pledge_sum_dims d WHERE p.requirement_id = NEW.id) c WHERE 1 = 1
    ON CONFLICT (dim, key, channel, tlp, donor_org_id, beneficiary_org_id, req_tlp, req_validated) DO UPDATE SET n = pledge_sums.n + excluded.n, eur = pledge_sums.eur + excluded.eur, committed = pledge_sums.committed + excluded.committed, delivered = pledge_sums.delivered + excluded.delivered, disbursed = pledge_sums.disbursed + excluded.disbursed, unvalued = pledge_sums.unvalued + excluded.unvalued;
END;

CREATE INDEX access_grants_org_holder ON access_grants (org_id, object_type) WHERE org_id IS NOT NULL;
CREATE INDEX access_grants_user_holder ON access_grants (user_id, object_type) WHERE user_id IS NOT NULL;
-- +goose StatementEnd

-- +goose Down
-- +goose StatementBegin
DROP INDEX access_grants_user_holder;
DROP INDEX access_grants_org_holder;
DROP TRIGGER pledge_sums_requirement_after;
DROP TRIGGER pledge_sums_requirement_before;
DROP TRIGGER pledge_sums_update_after;
DROP TRIGGER pledge_sums_update_before;
DROP TRIGGER pledge_sums_delete;
DROP TRIGGER pledge_sums_insert;
DROP TABLE pledge_sums;
DROP TABLE pledge_sum_dims;
-- +goose StatementEnd
