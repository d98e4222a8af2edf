-- SQLite codes a list of three constants or more after IN as a table it
-- builds before its first use, and a trigger's statement builds it anew at
-- every row it fires for: the totals' triggers of 00033 built six such
-- tables for each pledge written, most of the time a pledge's insert took
-- (11 s of the 22 s that 100,000 pledges took to write). The same
-- formula, each list now written as the arms of a CASE, which compares
-- the value in turn and builds nothing. The stage a pledge counts by is
-- still 'suspended' while it is suspended, else its status; a requirement
-- is still validated from its validation on, a withdrawn one if it was
-- validated before. PostgreSQL's triggers are functions compiled once:
-- nothing changes there.

-- +goose Up
-- +goose StatementBegin
DROP TRIGGER pledge_sums_insert;
DROP TRIGGER pledge_sums_delete;
DROP TRIGGER pledge_sums_update_before;
DROP TRIGGER pledge_sums_update_after;
DROP TRIGGER pledge_sums_requirement_before;
DROP TRIGGER pledge_sums_requirement_after;

CREATE TRIGGER pledge_sums_insert AFTER INSERT ON pledges BEGIN
    INSERT INTO pledge_sums (dim, key, channel, tlp, donor_org_id, beneficiary_org_id, req_tlp, req_validated, n, eur, committed, delivered, disbursed, unvalued, records)
    SELECT dim, key, channel, tlp, donor_org_id, beneficiary_org_id, req_tlp, req_validated, n, eur, committed, delivered, disbursed, unvalued, records FROM (SELECT d.dim AS dim,
    CASE d.dim
        WHEN 'donor' THEN COALESCE(NULLIF(p.funder_org_id, ''), p.donor_org_id)
        WHEN 'implementer' THEN p.donor_org_id
        WHEN 'line' THEN COALESCE(r.line_of_effort, '')
        WHEN 'sector' THEN COALESCE(r.sector, '')
        WHEN 'category' THEN COALESCE(r.category, '')
        WHEN 'place_sector' THEN p.sector
        WHEN 'place_category' THEN p.category
        WHEN 'label' THEN p.tlp
        WHEN 'status' THEN CASE WHEN p.suspended_on IS NOT NULL THEN 'suspended' ELSE p.status END
        ELSE COALESCE(substr(p.pledge_date, 1, 7), '')
    END AS key,
    p.channel AS channel, p.tlp AS tlp, p.donor_org_id AS donor_org_id,
    COALESCE(CASE WHEN r.id IS NULL THEN p.beneficiary_org_id ELSE r.beneficiary_org_id END, '') AS beneficiary_org_id,
    COALESCE(r.tlp, '') AS req_tlp,
    CASE r.status WHEN 'validated' THEN 1 WHEN 'in_delivery' THEN 1 WHEN 'delivered' THEN 1 WHEN 'closed' THEN 1 WHEN 'withdrawn' THEN r.validated_at IS NOT NULL ELSE 0 END AS req_validated,
    CASE (CASE WHEN p.suspended_on IS NOT NULL THEN 'suspended' ELSE p.status END) WHEN 'withdrawn' THEN 0 WHEN 'rejected' THEN 0 WHEN 'suspended' THEN 0 ELSE 1 END AS n,
    CASE (CASE WHEN p.suspended_on IS NOT NULL THEN 'suspended' ELSE p.status END) WHEN 'withdrawn' THEN 0 WHEN 'rejected' THEN 0 WHEN 'suspended' THEN 0 ELSE p.eur_minor END AS eur,
    CASE (CASE WHEN p.suspended_on IS NOT NULL THEN 'suspended' ELSE p.status END) WHEN 'confirmed' THEN p.eur_minor WHEN 'in_delivery' THEN p.eur_minor WHEN 'delivered' THEN p.eur_minor WHEN 'receipt_confirmed' THEN p.eur_minor ELSE 0 END AS committed,
    CASE (CASE WHEN p.suspended_on IS NOT NULL THEN 'suspended' ELSE p.status END) WHEN 'delivered' THEN p.eur_minor WHEN 'receipt_confirmed' THEN p.eur_minor ELSE 0 END AS delivered,
    CASE WHEN p.status = 'rejected' AND p.suspended_on IS NULL THEN 0 ELSE p.disbursed_eur_minor END AS disbursed,
    CASE (CASE WHEN p.suspended_on IS NOT NULL THEN 'suspended' ELSE p.status END) WHEN 'withdrawn' THEN 0 WHEN 'rejected' THEN 0 WHEN 'suspended' THEN 0 ELSE p.no_eur_value = 1 END AS unvalued,
    1 AS records
FROM pledges p LEFT JOIN requirements r ON r.id = p.requirement_id CROSS JOIN pledge_sum_dims d WHERE p.id = NEW.id) c WHERE 1 = 1
    ON CONFLICT (dim, key, channel, tlp, donor_org_id, beneficiary_org_id, req_tlp, req_validated) DO UPDATE SET n = pledge_sums.n + excluded.n, eur = pledge_sums.eur + excluded.eur, committed = pledge_sums.committed + excluded.committed, delivered = pledge_sums.delivered + excluded.delivered, disbursed = pledge_sums.disbursed + excluded.disbursed, unvalued = pledge_sums.unvalued + excluded.unvalued, records = pledge_sums.records + excluded.records;
END;

CREATE TRIGGER pledge_sums_delete BEFORE DELETE ON pledges BEGIN
    INSERT INTO pledge_sums (dim, key, channel, tlp, donor_org_id, beneficiary_org_id, req_tlp, req_validated, n, eur, committed, delivered, disbursed, unvalued, records)
    SELECT dim, key, channel, tlp, donor_org_id, beneficiary_org_id, req_tlp, req_validated, -n, -eur, -committed, -delivered, -disbursed, -unvalued, -records FROM (SELECT d.dim AS dim,
    CASE d.dim
        WHEN 'donor' THEN COALESCE(NULLIF(p.funder_org_id, ''), p.donor_org_id)
        WHEN 'implementer' THEN p.donor_org_id
        WHEN 'line' THEN COALESCE(r.line_of_effort, '')
        WHEN 'sector' THEN COALESCE(r.sector, '')
        WHEN 'category' THEN COALESCE(r.category, '')
        WHEN 'place_sector' THEN p.sector
        WHEN 'place_category' THEN p.category
        WHEN 'label' THEN p.tlp
        WHEN 'status' THEN CASE WHEN p.suspended_on IS NOT NULL THEN 'suspended' ELSE p.status END
        ELSE COALESCE(substr(p.pledge_date, 1, 7), '')
    END AS key,
    p.channel AS channel, p.tlp AS tlp, p.donor_org_id AS donor_org_id,
    COALESCE(CASE WHEN r.id IS NULL THEN p.beneficiary_org_id ELSE r.beneficiary_org_id END, '') AS beneficiary_org_id,
    COALESCE(r.tlp, '') AS req_tlp,
    CASE r.status WHEN 'validated' THEN 1 WHEN 'in_delivery' THEN 1 WHEN 'delivered' THEN 1 WHEN 'closed' THEN 1 WHEN 'withdrawn' THEN r.validated_at IS NOT NULL ELSE 0 END AS req_validated,
    CASE (CASE WHEN p.suspended_on IS NOT NULL THEN 'suspended' ELSE p.status END) WHEN 'withdrawn' THEN 0 WHEN 'rejected' THEN 0 WHEN 'suspended' THEN 0 ELSE 1 END AS n,
    CASE (CASE WHEN p.suspended_on IS NOT NULL THEN 'suspended' ELSE p.status END) WHEN 'withdrawn' THEN 0 WHEN 'rejected' THEN 0 WHEN 'suspended' THEN 0 ELSE p.eur_minor END AS eur,
    CASE (CASE WHEN p.suspended_on IS NOT NULL THEN 'suspended' ELSE p.status END) WHEN 'confirmed' THEN p.eur_minor WHEN 'in_delivery' THEN p.eur_minor WHEN 'delivered' THEN p.eur_minor WHEN 'receipt_confirmed' THEN p.eur_minor ELSE 0 END AS committed,
    CASE (CASE WHEN p.suspended_on IS NOT NULL THEN 'suspended' ELSE p.status END) WHEN 'delivered' THEN p.eur_minor WHEN 'receipt_confirmed' THEN p.eur_minor ELSE 0 END AS delivered,
    CASE WHEN p.status = 'rejected' AND p.suspended_on IS NULL THEN 0 ELSE p.disbursed_eur_minor END AS disbursed,
    CASE (CASE WHEN p.suspended_on IS NOT NULL THEN 'suspended' ELSE p.status END) WHEN 'withdrawn' THEN 0 WHEN 'rejected' THEN 0 WHEN 'suspended' THEN 0 ELSE p.no_eur_value = 1 END AS unvalued,
    1 AS records
FROM pledges p LEFT JOIN requirements r ON r.id = p.requirement_id CROSS JOIN pledge_sum_dims d WHERE p.id = OLD.id) c WHERE 1 = 1
    ON CONFLICT (dim, key, channel, tlp, donor_org_id, beneficiary_org_id, req_tlp, req_validated) DO UPDATE SET n = pledge_sums.n + excluded.n, eur = pledge_sums.eur + excluded.eur, committed = pledge_sums.committed + excluded.committed, delivered = pledge_sums.delivered + excluded.delivered, disbursed = pledge_sums.disbursed + excluded.disbursed, unvalued = pledge_sums.unvalued + excluded.unvalued, records = pledge_sums.records + excluded.records;
END;

CREATE TRIGGER pledge_sums_update_before BEFORE UPDATE ON pledges WHEN OLD.tlp IS NOT NEW.tlp OR OLD.donor_org_id IS NOT NEW.donor_org_id OR OLD.funder_org_id IS NOT NEW.funder_org_id OR OLD.requirement_id IS NOT NEW.requirement_id OR OLD.beneficiary_org_id IS NOT NEW.beneficiary_org_id OR OLD.channel IS NOT NEW.channel OR OLD.status IS NOT NEW.status OR OLD.suspended_on IS NOT NEW.suspended_on OR OLD.eur_minor IS NOT NEW.eur_minor OR OLD.disbursed_eur_minor IS NOT NEW.disbursed_eur_minor OR OLD.pledge_date IS NOT NEW.pledge_date OR OLD.no_eur_value IS NOT NEW.no_eur_value OR OLD.sector IS NOT NEW.sector OR OLD.category IS NOT NEW.category BEGIN
    INSERT INTO pledge_sums (dim, key, channel, tlp, donor_org_id, beneficiary_org_id, req_tlp, req_validated, n, eur, committed, delivered, disbursed, unvalued, records)
    SELECT dim, key, channel, tlp, donor_org_id, beneficiary_org_id, req_tlp, req_validated, -n, -eur, -committed, -delivered, -disbursed, -unvalued, -records FROM (SELECT d.dim AS dim,
    CASE d.dim
        WHEN 'donor' THEN COALESCE(NULLIF(p.funder_org_id, ''), p.donor_org_id)
        WHEN 'implementer' THEN p.donor_org_id
        WHEN 'line' THEN COALESCE(r.line_of_effort, '')
        WHEN 'sector' THEN COALESCE(r.sector, '')
        WHEN 'category' THEN COALESCE(r.category, '')
        WHEN 'place_sector' THEN p.sector
        WHEN 'place_category' THEN p.category
        WHEN 'label' THEN p.tlp
        WHEN 'status' THEN CASE WHEN p.suspended_on IS NOT NULL THEN 'suspended' ELSE p.status END
        ELSE COALESCE(substr(p.pledge_date, 1, 7), '')
    END AS key,
    p.channel AS channel, p.tlp AS tlp, p.donor_org_id AS donor_org_id,
    COALESCE(CASE WHEN r.id IS NULL THEN p.beneficiary_org_id ELSE r.beneficiary_org_id END, '') AS beneficiary_org_id,
    COALESCE(r.tlp, '') AS req_tlp,
    CASE r.status WHEN 'validated' THEN 1 WHEN 'in_delivery' THEN 1 WHEN 'delivered' THEN 1 WHEN 'closed' THEN 1 WHEN 'withdrawn' THEN r.validated_at IS NOT NULL ELSE 0 END AS req_validated,
    CASE (CASE WHEN p.suspended_on IS NOT NULL THEN 'suspended' ELSE p.status END) WHEN 'withdrawn' THEN 0 WHEN 'rejected' THEN 0 WHEN 'suspended' THEN 0 ELSE 1 END AS n,
    CASE (CASE WHEN p.suspended_on IS NOT NULL THEN 'suspended' ELSE p.status END) WHEN 'withdrawn' THEN 0 WHEN 'rejected' THEN 0 WHEN 'suspended' THEN 0 ELSE p.eur_minor END AS eur,
    CASE (CASE WHEN p.suspended_on IS NOT NULL THEN 'suspended' ELSE p.status END) WHEN 'confirmed' THEN p.eur_minor WHEN 'in_delivery' THEN p.eur_minor WHEN 'delivered' THEN p.eur_minor WHEN 'receipt_confirmed' THEN p.eur_minor ELSE 0 END AS committed,
    CASE (CASE WHEN p.suspended_on IS NOT NULL THEN 'suspended' ELSE p.status END) WHEN 'delivered' THEN p.eur_minor WHEN 'receipt_confirmed' THEN p.eur_minor ELSE 0 END AS delivered,
    CASE WHEN p.status = 'rejected' AND p.suspended_on IS NULL THEN 0 ELSE p.disbursed_eur_minor END AS disbursed,
    CASE (CASE WHEN p.suspended_on IS NOT NULL THEN 'suspended' ELSE p.status END) WHEN 'withdrawn' THEN 0 WHEN 'rejected' THEN 0 WHEN 'suspended' THEN 0 ELSE p.no_eur_value = 1 END AS unvalued,
    1 AS records
FROM pledges p LEFT JOIN requirements r ON r.id = p.requirement_id CROSS JOIN pledge_sum_dims d WHERE p.id = OLD.id) c WHERE 1 = 1
    ON CONFLICT (dim, key, channel, tlp, donor_org_id, beneficiary_org_id, req_tlp, req_validated) DO UPDATE SET n = pledge_sums.n + excluded.n, eur = pledge_sums.eur + excluded.eur, committed = pledge_sums.committed + excluded.committed, delivered = pledge_sums.delivered + excluded.delivered, disbursed = pledge_sums.disbursed + excluded.disbursed, unvalued = pledge_sums.unvalued + excluded.unvalued, records = pledge_sums.records + excluded.records;
END;

CREATE TRIGGER pledge_sums_update_after AFTER UPDATE ON pledges WHEN OLD.tlp IS NOT NEW.tlp OR OLD.donor_org_id IS NOT NEW.donor_org_id OR OLD.funder_org_id IS NOT NEW.funder_org_id OR OLD.requirement_id IS NOT NEW.requirement_id OR OLD.beneficiary_org_id IS NOT NEW.beneficiary_org_id OR OLD.channel IS NOT NEW.channel OR OLD.status IS NOT NEW.status OR OLD.suspended_on IS NOT NEW.suspended_on OR OLD.eur_minor IS NOT NEW.eur_minor OR OLD.disbursed_eur_minor IS NOT NEW.disbursed_eur_minor OR OLD.pledge_date IS NOT NEW.pledge_date OR OLD.no_eur_value IS NOT NEW.no_eur_value OR OLD.sector IS NOT NEW.sector OR OLD.category IS NOT NEW.category BEGIN
    INSERT INTO pledge_sums (dim, key, channel, tlp, donor_org_id, beneficiary_org_id, req_tlp, req_validated, n, eur, committed, delivered, disbursed, unvalued, records)
    SELECT dim, key, channel, tlp, donor_org_id, beneficiary_org_id, req_tlp, req_validated, n, eur, committed, delivered, disbursed, unvalued, records FROM (SELECT d.dim AS dim,
    CASE d.dim
        WHEN 'donor' THEN COALESCE(NULLIF(p.funder_org_id, ''), p.donor_org_id)
        WHEN 'implementer' THEN p.donor_org_id
        WHEN 'line' THEN COALESCE(r.line_of_effort, '')
        WHEN 'sector' THEN COALESCE(r.sector, '')
        WHEN 'category' THEN COALESCE(r.category, '')
        WHEN 'place_sector' THEN p.sector
        WHEN 'place_category' THEN p.category
        WHEN 'label' THEN p.tlp
        WHEN 'status' THEN CASE WHEN p.suspended_on IS NOT NULL THEN 'suspended' ELSE p.status END
        ELSE COALESCE(substr(p.pledge_date, 1, 7), '')
    END AS key,
    p.channel AS channel, p.tlp AS tlp, p.donor_org_id AS donor_org_id,
    COALESCE(CASE WHEN r.id IS NULL THEN p.beneficiary_org_id ELSE r.beneficiary_org_id END, '') AS beneficiary_org_id,
    COALESCE(r.tlp, '') AS req_tlp,
    CASE r.status WHEN 'validated' THEN 1 WHEN 'in_delivery' THEN 1 WHEN 'delivered' THEN 1 WHEN 'closed' THEN 1 WHEN 'withdrawn' THEN r.validated_at IS NOT NULL ELSE 0 END AS req_validated,
    CASE (CASE WHEN p.suspended_on IS NOT NULL THEN 'suspended' ELSE p.status END) WHEN 'withdrawn' THEN 0 WHEN 'rejected' THEN 0 WHEN 'suspended' THEN 0 ELSE 1 END AS n,
    CASE (CASE WHEN p.suspended_on IS NOT NULL THEN 'suspended' ELSE p.status END) WHEN 'withdrawn' THEN 0 WHEN 'rejected' THEN 0 WHEN 'suspended' THEN 0 ELSE p.eur_minor END AS eur,
    CASE (CASE WHEN p.suspended_on IS NOT NULL THEN 'suspended' ELSE p.status END) WHEN 'confirmed' THEN p.eur_minor WHEN 'in_delivery' THEN p.eur_minor WHEN 'delivered' THEN p.eur_minor WHEN 'receipt_confirmed' THEN p.eur_minor ELSE 0 END AS committed,
    CASE (CASE WHEN p.suspended_on IS NOT NULL THEN 'suspended' ELSE p.status END) WHEN 'delivered' THEN p.eur_minor WHEN 'receipt_confirmed' THEN p.eur_minor ELSE 0 END AS delivered,
    CASE WHEN p.status = 'rejected' AND p.suspended_on IS NULL THEN 0 ELSE p.disbursed_eur_minor END AS disbursed,
    CASE (CASE WHEN p.suspended_on IS NOT NULL THEN 'suspended' ELSE p.status END) WHEN 'withdrawn' THEN 0 WHEN 'rejected' THEN 0 WHEN 'suspended' THEN 0 ELSE p.no_eur_value = 1 END AS unvalued,
    1 AS records
FROM pledges p LEFT JOIN requirements r ON r.id = p.requirement_id CROSS JOIN pledge_sum_dims d WHERE p.id = NEW.id) c WHERE 1 = 1
    ON CONFLICT (dim, key, channel, tlp, donor_org_id, beneficiary_org_id, req_tlp, req_validated) DO UPDATE SET n = pledge_sums.n + excluded.n, eur = pledge_sums.eur + excluded.eur, committed = pledge_sums.committed + excluded.committed, delivered = pledge_sums.delivered + excluded.delivered, disbursed = pledge_sums.disbursed + excluded.disbursed, unvalued = pledge_sums.unvalued + excluded.unvalued, records = pledge_sums.records + excluded.records;
END;

CREATE TRIGGER pledge_sums_requirement_before BEFORE UPDATE ON requirements WHEN OLD.tlp IS NOT NEW.tlp OR OLD.beneficiary_org_id IS NOT NEW.beneficiary_org_id OR OLD.line_of_effort IS NOT NEW.line_of_effort OR OLD.sector IS NOT NEW.sector OR OLD.category IS NOT NEW.category OR (CASE OLD.status WHEN 'validated' THEN 1 WHEN 'in_delivery' THEN 1 WHEN 'delivered' THEN 1 WHEN 'closed' THEN 1 WHEN 'withdrawn' THEN OLD.validated_at IS NOT NULL ELSE 0 END) <> (CASE NEW.status WHEN 'validated' THEN 1 WHEN 'in_delivery' THEN 1 WHEN 'delivered' THEN 1 WHEN 'closed' THEN 1 WHEN 'withdrawn' THEN NEW.validated_at IS NOT NULL ELSE 0 END) BEGIN
    INSERT INTO pledge_sums (dim, key, channel, tlp, donor_org_id, beneficiary_org_id, req_tlp, req_validated, n, eur, committed, delivered, disbursed, unvalued, records)
    SELECT dim, key, channel, tlp, donor_org_id, beneficiary_org_id, req_tlp, req_validated, -n, -eur, -committed, -delivered, -disbursed, -unvalued, -records FROM (SELECT d.dim AS dim,
    CASE d.dim
        WHEN 'donor' THEN COALESCE(NULLIF(p.funder_org_id, ''), p.donor_org_id)
        WHEN 'implementer' THEN p.donor_org_id
        WHEN 'line' THEN COALESCE(r.line_of_effort, '')
        WHEN 'sector' THEN COALESCE(r.sector, '')
        WHEN 'category' THEN COALESCE(r.category, '')
        WHEN 'place_sector' THEN p.sector
        WHEN 'place_category' THEN p.category
        WHEN 'label' THEN p.tlp
        WHEN 'status' THEN CASE WHEN p.suspended_on IS NOT NULL THEN 'suspended' ELSE p.status END
        ELSE COALESCE(substr(p.pledge_date, 1, 7), '')
    END AS key,
    p.channel AS channel, p.tlp AS tlp, p.donor_org_id AS donor_org_id,
    COALESCE(CASE WHEN r.id IS NULL THEN p.beneficiary_org_id ELSE r.beneficiary_org_id END, '') AS beneficiary_org_id,
    COALESCE(r.tlp, '') AS req_tlp,
    CASE r.status WHEN 'validated' THEN 1 WHEN 'in_delivery' THEN 1 WHEN 'delivered' THEN 1 WHEN 'closed' THEN 1 WHEN 'withdrawn' THEN r.validated_at IS NOT NULL ELSE 0 END AS req_validated,
    CASE (CASE WHEN p.suspended_on IS NOT NULL THEN 'suspended' ELSE p.status END) WHEN 'withdrawn' THEN 0 WHEN 'rejected' THEN 0 WHEN 'suspended' THEN 0 ELSE 1 END AS n,
    CASE (CASE WHEN p.suspended_on IS NOT NULL THEN 'suspended' ELSE p.status END) WHEN 'withdrawn' THEN 0 WHEN 'rejected' THEN 0 WHEN 'suspended' THEN 0 ELSE p.eur_minor END AS eur,
    CASE (CASE WHEN p.suspended_on IS NOT NULL THEN 'suspended' ELSE p.status END) WHEN 'confirmed' THEN p.eur_minor WHEN 'in_delivery' THEN p.eur_minor WHEN 'delivered' THEN p.eur_minor WHEN 'receipt_confirmed' THEN p.eur_minor ELSE 0 END AS committed,
    CASE (CASE WHEN p.suspended_on IS NOT NULL THEN 'suspended' ELSE p.status END) WHEN 'delivered' THEN p.eur_minor WHEN 'receipt_confirmed' THEN p.eur_minor ELSE 0 END AS delivered,
    CASE WHEN p.status = 'rejected' AND p.suspended_on IS NULL THEN 0 ELSE p.disbursed_eur_minor END AS disbursed,
    CASE (CASE WHEN p.suspended_on IS NOT NULL THEN 'suspended' ELSE p.status END) WHEN 'withdrawn' THEN 0 WHEN 'rejected' THEN 0 WHEN 'suspended' THEN 0 ELSE p.no_eur_value = 1 END AS unvalued,
    1 AS records
FROM pledges p LEFT JOIN requirements r ON r.id = p.requirement_id CROSS JOIN pledge_sum_dims d WHERE p.requirement_id = OLD.id) c WHERE 1 = 1
    ON CONFLICT (dim, key, channel, tlp, donor_org_id, beneficiary_org_id, req_tlp, req_validated) DO UPDATE SET n = pledge_sums.n + excluded.n, eur = pledge_sums.eur + excluded.eur, committed = pledge_sums.committed + excluded.committed, delivered = pledge_sums.delivered + excluded.delivered, disbursed = pledge_sums.disbursed + excluded.disbursed, unvalued = pledge_sums.unvalued + excluded.unvalued, records = pledge_sums.records + excluded.records;
END;

CREATE TRIGGER pledge_sums_requirement_after AFTER UPDATE ON requirements WHEN OLD.tlp IS NOT NEW.tlp OR OLD.beneficiary_org_id IS NOT NEW.beneficiary_org_id OR OLD.line_of_effort IS NOT NEW.line_of_effort OR OLD.sector IS NOT NEW.sector OR OLD.category IS NOT NEW.category OR (CASE OLD.status WHEN 'validated' THEN 1 WHEN 'in_delivery' THEN 1 WHEN 'delivered' THEN 1 WHEN 'closed' THEN 1 WHEN 'withdrawn' THEN OLD.validated_at IS NOT NULL ELSE 0 END) <> (CASE NEW.status WHEN 'validated' THEN 1 WHEN 'in_delivery' THEN 1 WHEN 'delivered' THEN 1 WHEN 'closed' THEN 1 WHEN 'withdrawn' THEN NEW.validated_at IS NOT NULL ELSE 0 END) BEGIN
    INSERT INTO pledge_sums (dim, key, channel, tlp, donor_org_id, beneficiary_org_id, req_tlp, req_validated, n, eur, committed, delivered, disbursed, unvalued, records)
    SELECT dim, key, channel, tlp, donor_org_id, beneficiary_org_id, req_tlp, req_validated, n, eur, committed, delivered, disbursed, unvalued, records FROM (SELECT d.dim AS dim,
    CASE d.dim
        WHEN 'donor' THEN COALESCE(NULLIF(p.funder_org_id, ''), p.donor_org_id)
        WHEN 'implementer' THEN p.donor_org_id
        WHEN 'line' THEN COALESCE(r.line_of_effort, '')
        WHEN 'sector' THEN COALESCE(r.sector, '')
        WHEN 'category' THEN COALESCE(r.category, '')
        WHEN 'place_sector' THEN p.sector
        WHEN 'place_category' THEN p.category
        WHEN 'label' THEN p.tlp
        WHEN 'status' THEN CASE WHEN p.suspended_on IS NOT NULL THEN 'suspended' ELSE p.status END
        ELSE COALESCE(substr(p.pledge_date, 1, 7), '')
    END AS key,
    p.channel AS channel, p.tlp AS tlp, p.donor_org_id AS donor_org_id,
    COALESCE(CASE WHEN r.id IS NULL THEN p.beneficiary_org_id ELSE r.beneficiary_org_id END, '') AS beneficiary_org_id,
    COALESCE(r.tlp, '') AS req_tlp,
    CASE r.status WHEN 'validated' THEN 1 WHEN 'in_delivery' THEN 1 WHEN 'delivered' THEN 1 WHEN 'closed' THEN 1 WHEN 'withdrawn' THEN r.validated_at IS NOT NULL ELSE 0 END AS req_validated,
    CASE (CASE WHEN p.suspended_on IS NOT NULL THEN 'suspended' ELSE p.status END) WHEN 'withdrawn' THEN 0 WHEN 'rejected' THEN 0 WHEN 'suspended' THEN 0 ELSE 1 END AS n,
    CASE (CASE WHEN p.suspended_on IS NOT NULL THEN 'suspended' ELSE p.status END) WHEN 'withdrawn' THEN 0 WHEN 'rejected' THEN 0 WHEN 'suspended' THEN 0 ELSE p.eur_minor END AS eur,
    CASE (CASE WHEN p.suspended_on IS NOT NULL THEN 'suspended' ELSE p.status END) WHEN 'confirmed' THEN p.eur_minor WHEN 'in_delivery' THEN p.eur_minor WHEN 'delivered' THEN p.eur_minor WHEN 'receipt_confirmed' THEN p.eur_minor ELSE 0 END AS committed,
    CASE (CASE WHEN p.suspended_on IS NOT NULL THEN 'suspended' ELSE p.status END) WHEN 'delivered' THEN p.eur_minor WHEN 'receipt_confirmed' THEN p.eur_minor ELSE 0 END AS delivered,
    CASE WHEN p.status = 'rejected' AND p.suspended_on IS NULL THEN 0 ELSE p.disbursed_eur_minor END AS disbursed,
    CASE (CASE WHEN p.suspended_on IS NOT NULL THEN 'suspended' ELSE p.status END) WHEN 'withdrawn' THEN 0 WHEN 'rejected' THEN 0 WHEN 'suspended' THEN 0 ELSE p.no_eur_value = 1 END AS unvalued,
    1 AS records
FROM pledges p LEFT JOIN requirements r ON r.id = p.requirement_id CROSS JOIN pledge_sum_dims d WHERE p.requirement_id = NEW.id) c WHERE 1 = 1
    ON CONFLICT (dim, key, channel, tlp, donor_org_id, beneficiary_org_id, req_tlp, req_validated) DO UPDATE SET n = pledge_sums.n + excluded.n, eur = pledge_sums.eur + excluded.eur, committed = pledge_sums.committed + excluded.committed, delivered = pledge_sums.delivered + excluded.delivered, disbursed = pledge_sums.disbursed + excluded.disbursed, unvalued = pledge_sums.unvalued + excluded.unvalued, records = pledge_sums.records + excluded.records;
END;
-- +goose StatementEnd

-- +goose Down
-- +goose StatementBegin
DROP TRIGGER pledge_sums_insert;
DROP TRIGGER pledge_sums_delete;
DROP TRIGGER pledge_sums_update_before;
DROP TRIGGER pledge_sums_update_after;
DROP TRIGGER pledge_sums_requirement_before;
DROP TRIGGER pledge_sums_requirement_after;

CREATE TRIGGER pledge_sums_insert AFTER INSERT ON pledges BEGIN
    INSERT INTO pledge_sums (dim, key, channel, tlp, donor_org_id, beneficiary_org_id, req_tlp, req_validated, n, eur, committed, delivered, disbursed, unvalued, records)
    SELECT dim, key, channel, tlp, donor_org_id, beneficiary_org_id, req_tlp, req_validated, n, eur, committed, delivered, disbursed, unvalued, records FROM (SELECT d.dim AS dim,
    CASE d.dim
        WHEN 'donor' THEN COALESCE(NULLIF(p.funder_org_id, ''), p.donor_org_id)
        WHEN 'implementer' THEN p.donor_org_id
        WHEN 'line' THEN COALESCE(r.line_of_effort, '')
        WHEN 'sector' THEN COALESCE(r.sector, '')
        WHEN 'category' THEN COALESCE(r.category, '')
        WHEN 'place_sector' THEN p.sector
        WHEN 'place_category' THEN p.category
        WHEN 'label' THEN p.tlp
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
    CASE WHEN (CASE WHEN p.suspended_on IS NOT NULL THEN 'suspended' ELSE p.status END) NOT IN ('withdrawn', 'rejected', 'suspended') AND p.no_eur_value = 1 THEN 1 ELSE 0 END AS unvalued,
    1 AS records
FROM pledges p LEFT JOIN requirements r ON r.id = p.requirement_id CROSS JOIN pledge_sum_dims d WHERE p.id = NEW.id) c WHERE 1 = 1
    ON CONFLICT (dim, key, channel, tlp, donor_org_id, beneficiary_org_id, req_tlp, req_validated) DO UPDATE SET n = pledge_sums.n + excluded.n, eur = pledge_sums.eur + excluded.eur, committed = pledge_sums.committed + excluded.committed, delivered = pledge_sums.delivered + excluded.delivered, disbursed = pledge_sums.disbursed + excluded.disbursed, unvalued = pledge_sums.unvalued + excluded.unvalued, records = pledge_sums.records + excluded.records;
END;

CREATE TRIGGER pledge_sums_delete BEFORE DELETE ON pledges BEGIN
    INSERT INTO pledge_sums (dim, key, channel, tlp, donor_org_id, beneficiary_org_id, req_tlp, req_validated, n, eur, committed, delivered, disbursed, unvalued, records)
    SELECT dim, key, channel, tlp, donor_org_id, beneficiary_org_id, req_tlp, req_validated, -n, -eur, -committed, -delivered, -disbursed, -unvalued, -records FROM (SELECT d.dim AS dim,
    CASE d.dim
        WHEN 'donor' THEN COALESCE(NULLIF(p.funder_org_id, ''), p.donor_org_id)
        WHEN 'implementer' THEN p.donor_org_id
        WHEN 'line' THEN COALESCE(r.line_of_effort, '')
        WHEN 'sector' THEN COALESCE(r.sector, '')
        WHEN 'category' THEN COALESCE(r.category, '')
        WHEN 'place_sector' THEN p.sector
        WHEN 'place_category' THEN p.category
        WHEN 'label' THEN p.tlp
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
    CASE WHEN (CASE WHEN p.suspended_on IS NOT NULL THEN 'suspended' ELSE p.status END) NOT IN ('withdrawn', 'rejected', 'suspended') AND p.no_eur_value = 1 THEN 1 ELSE 0 END AS unvalued,
    1 AS records
FROM pledges p LEFT JOIN requirements r ON r.id = p.requirement_id CROSS JOIN pledge_sum_dims d WHERE p.id = OLD.id) c WHERE 1 = 1
    ON CONFLICT (dim, key, channel, tlp, donor_org_id, beneficiary_org_id, req_tlp, req_validated) DO UPDATE SET n = pledge_sums.n + excluded.n, eur = pledge_sums.eur + excluded.eur, committed = pledge_sums.committed + excluded.committed, delivered = pledge_sums.delivered + excluded.delivered, disbursed = pledge_sums.disbursed + excluded.disbursed, unvalued = pledge_sums.unvalued + excluded.unvalued, records = pledge_sums.records + excluded.records;
END;

CREATE TRIGGER pledge_sums_update_before BEFORE UPDATE ON pledges WHEN OLD.tlp IS NOT NEW.tlp OR OLD.donor_org_id IS NOT NEW.donor_org_id OR OLD.funder_org_id IS NOT NEW.funder_org_id OR OLD.requirement_id IS NOT NEW.requirement_id OR OLD.beneficiary_org_id IS NOT NEW.beneficiary_org_id OR OLD.channel IS NOT NEW.channel OR OLD.status IS NOT NEW.status OR OLD.suspended_on IS NOT NEW.suspended_on OR OLD.eur_minor IS NOT NEW.eur_minor OR OLD.disbursed_eur_minor IS NOT NEW.disbursed_eur_minor OR OLD.pledge_date IS NOT NEW.pledge_date OR OLD.no_eur_value IS NOT NEW.no_eur_value OR OLD.sector IS NOT NEW.sector OR OLD.category IS NOT NEW.category BEGIN
    INSERT INTO pledge_sums (dim, key, channel, tlp, donor_org_id, beneficiary_org_id, req_tlp, req_validated, n, eur, committed, delivered, disbursed, unvalued, records)
    SELECT dim, key, channel, tlp, donor_org_id, beneficiary_org_id, req_tlp, req_validated, -n, -eur, -committed, -delivered, -disbursed, -unvalued, -records FROM (SELECT d.dim AS dim,
    CASE d.dim
        WHEN 'donor' THEN COALESCE(NULLIF(p.funder_org_id, ''), p.donor_org_id)
        WHEN 'implementer' THEN p.donor_org_id
        WHEN 'line' THEN COALESCE(r.line_of_effort, '')
        WHEN 'sector' THEN COALESCE(r.sector, '')
        WHEN 'category' THEN COALESCE(r.category, '')
        WHEN 'place_sector' THEN p.sector
        WHEN 'place_category' THEN p.category
        WHEN 'label' THEN p.tlp
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
    CASE WHEN (CASE WHEN p.suspended_on IS NOT NULL THEN 'suspended' ELSE p.status END) NOT IN ('withdrawn', 'rejected', 'suspended') AND p.no_eur_value = 1 THEN 1 ELSE 0 END AS unvalued,
    1 AS records
FROM pledges p LEFT JOIN requirements r ON r.id = p.requirement_id CROSS JOIN pledge_sum_dims d WHERE p.id = OLD.id) c WHERE 1 = 1
    ON CONFLICT (dim, key, channel, tlp, donor_org_id, beneficiary_org_id, req_tlp, req_validated) DO UPDATE SET n = pledge_sums.n + excluded.n, eur = pledge_sums.eur + excluded.eur, committed = pledge_sums.committed + excluded.committed, delivered = pledge_sums.delivered + excluded.delivered, disbursed = pledge_sums.disbursed + excluded.disbursed, unvalued = pledge_sums.unvalued + excluded.unvalued, records = pledge_sums.records + excluded.records;
END;

CREATE TRIGGER pledge_sums_update_after AFTER UPDATE ON pledges WHEN OLD.tlp IS NOT NEW.tlp OR OLD.donor_org_id IS NOT NEW.donor_org_id OR OLD.funder_org_id IS NOT NEW.funder_org_id OR OLD.requirement_id IS NOT NEW.requirement_id OR OLD.beneficiary_org_id IS NOT NEW.beneficiary_org_id OR OLD.channel IS NOT NEW.channel OR OLD.status IS NOT NEW.status OR OLD.suspended_on IS NOT NEW.suspended_on OR OLD.eur_minor IS NOT NEW.eur_minor OR OLD.disbursed_eur_minor IS NOT NEW.disbursed_eur_minor OR OLD.pledge_date IS NOT NEW.pledge_date OR OLD.no_eur_value IS NOT NEW.no_eur_value OR OLD.sector IS NOT NEW.sector OR OLD.category IS NOT NEW.category BEGIN
    INSERT INTO pledge_sums (dim, key, channel, tlp, donor_org_id, beneficiary_org_id, req_tlp, req_validated, n, eur, committed, delivered, disbursed, unvalued, records)
    SELECT dim, key, channel, tlp, donor_org_id, beneficiary_org_id, req_tlp, req_validated, n, eur, committed, delivered, disbursed, unvalued, records FROM (SELECT d.dim AS dim,
    CASE d.dim
        WHEN 'donor' THEN COALESCE(NULLIF(p.funder_org_id, ''), p.donor_org_id)
        WHEN 'implementer' THEN p.donor_org_id
        WHEN 'line' THEN COALESCE(r.line_of_effort, '')
        WHEN 'sector' THEN COALESCE(r.sector, '')
        WHEN 'category' THEN COALESCE(r.category, '')
        WHEN 'place_sector' THEN p.sector
        WHEN 'place_category' THEN p.category
        WHEN 'label' THEN p.tlp
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
    CASE WHEN (CASE WHEN p.suspended_on IS NOT NULL THEN 'suspended' ELSE p.status END) NOT IN ('withdrawn', 'rejected', 'suspended') AND p.no_eur_value = 1 THEN 1 ELSE 0 END AS unvalued,
    1 AS records
FROM pledges p LEFT JOIN requirements r ON r.id = p.requirement_id CROSS JOIN pledge_sum_dims d WHERE p.id = NEW.id) c WHERE 1 = 1
    ON CONFLICT (dim, key, channel, tlp, donor_org_id, beneficiary_org_id, req_tlp, req_validated) DO UPDATE SET n = pledge_sums.n + excluded.n, eur = pledge_sums.eur + excluded.eur, committed = pledge_sums.committed + excluded.committed, delivered = pledge_sums.delivered + excluded.delivered, disbursed = pledge_sums.disbursed + excluded.disbursed, unvalued = pledge_sums.unvalued + excluded.unvalued, records = pledge_sums.records + excluded.records;
END;

CREATE TRIGGER pledge_sums_requirement_before BEFORE UPDATE ON requirements WHEN OLD.tlp IS NOT NEW.tlp OR OLD.beneficiary_org_id IS NOT NEW.beneficiary_org_id OR OLD.line_of_effort IS NOT NEW.line_of_effort OR OLD.sector IS NOT NEW.sector OR OLD.category IS NOT NEW.category OR (OLD.status IN ('validated', 'in_delivery', 'delivered', 'closed') OR (OLD.status = 'withdrawn' AND OLD.validated_at IS NOT NULL)) <> (NEW.status IN ('validated', 'in_delivery', 'delivered', 'closed') OR (NEW.status = 'withdrawn' AND NEW.validated_at IS NOT NULL)) BEGIN
    INSERT INTO pledge_sums (dim, key, channel, tlp, donor_org_id, beneficiary_org_id, req_tlp, req_validated, n, eur, committed, delivered, disbursed, unvalued, records)
    SELECT dim, key, channel, tlp, donor_org_id, beneficiary_org_id, req_tlp, req_validated, -n, -eur, -committed, -delivered, -disbursed, -unvalued, -records FROM (SELECT d.dim AS dim,
    CASE d.dim
        WHEN 'donor' THEN COALESCE(NULLIF(p.funder_org_id, ''), p.donor_org_id)
        WHEN 'implementer' THEN p.donor_org_id
        WHEN 'line' THEN COALESCE(r.line_of_effort, '')
        WHEN 'sector' THEN COALESCE(r.sector, '')
        WHEN 'category' THEN COALESCE(r.category, '')
        WHEN 'place_sector' THEN p.sector
        WHEN 'place_category' THEN p.category
        WHEN 'label' THEN p.tlp
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
    CASE WHEN (CASE WHEN p.suspended_on IS NOT NULL THEN 'suspended' ELSE p.status END) NOT IN ('withdrawn', 'rejected', 'suspended') AND p.no_eur_value = 1 THEN 1 ELSE 0 END AS unvalued,
    1 AS records
FROM pledges p LEFT JOIN requirements r ON r.id = p.requirement_id CROSS JOIN pledge_sum_dims d WHERE p.requirement_id = OLD.id) c WHERE 1 = 1
    ON CONFLICT (dim, key, channel, tlp, donor_org_id, beneficiary_org_id, req_tlp, req_validated) DO UPDATE SET n = pledge_sums.n + excluded.n, eur = pledge_sums.eur + excluded.eur, committed = pledge_sums.committed + excluded.committed, delivered = pledge_sums.delivered + excluded.delivered, disbursed = pledge_sums.disbursed + excluded.disbursed, unvalued = pledge_sums.unvalued + excluded.unvalued, records = pledge_sums.records + excluded.records;
END;

CREATE TRIGGER pledge_sums_requirement_after AFTER UPDATE ON requirements WHEN OLD.tlp IS NOT NEW.tlp OR OLD.beneficiary_org_id IS NOT NEW.beneficiary_org_id OR OLD.line_of_effort IS NOT NEW.line_of_effort OR OLD.sector IS NOT NEW.sector OR OLD.category IS NOT NEW.category OR (OLD.status IN ('validated', 'in_delivery', 'delivered', 'closed') OR (OLD.status = 'withdrawn' AND OLD.validated_at IS NOT NULL)) <> (NEW.status IN ('validated', 'in_delivery', 'delivered', 'closed') OR (NEW.status = 'withdrawn' AND NEW.validated_at IS NOT NULL)) BEGIN
    INSERT INTO pledge_sums (dim, key, channel, tlp, donor_org_id, beneficiary_org_id, req_tlp, req_validated, n, eur, committed, delivered, disbursed, unvalued, records)
    SELECT dim, key, channel, tlp, donor_org_id, beneficiary_org_id, req_tlp, req_validated, n, eur, committed, delivered, disbursed, unvalued, records FROM (SELECT d.dim AS dim,
    CASE d.dim
        WHEN 'donor' THEN COALESCE(NULLIF(p.funder_org_id, ''), p.donor_org_id)
        WHEN 'implementer' THEN p.donor_org_id
        WHEN 'line' THEN COALESCE(r.line_of_effort, '')
        WHEN 'sector' THEN COALESCE(r.sector, '')
        WHEN 'category' THEN COALESCE(r.category, '')
        WHEN 'place_sector' THEN p.sector
        WHEN 'place_category' THEN p.category
        WHEN 'label' THEN p.tlp
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
    CASE WHEN (CASE WHEN p.suspended_on IS NOT NULL THEN 'suspended' ELSE p.status END) NOT IN ('withdrawn', 'rejected', 'suspended') AND p.no_eur_value = 1 THEN 1 ELSE 0 END AS unvalued,
    1 AS records
FROM pledges p LEFT JOIN requirements r ON r.id = p.requirement_id CROSS JOIN pledge_sum_dims d WHERE p.requirement_id = NEW.id) c WHERE 1 = 1
    ON CONFLICT (dim, key, channel, tlp, donor_org_id, beneficiary_org_id, req_tlp, req_validated) DO UPDATE SET n = pledge_sums.n + excluded.n, eur = pledge_sums.eur + excluded.eur, committed = pledge_sums.committed + excluded.committed, delivered = pledge_sums.delivered + excluded.delivered, disbursed = pledge_sums.disbursed + excluded.disbursed, unvalued = pledge_sums.unvalued + excluded.unvalued, records = pledge_sums.records + excluded.records;
END;
-- +goose StatementEnd
