-- Three more groupings of the pledge totals and a count of every pledge in
-- a class. The dashboard's charts group pledges by where the help goes (the
-- pledge's own sector and category, which a bilateral report states and a
-- mechanism pledge copies from its requirement), and its printed copy
-- carries the strictest label of the records it was computed from (the
-- grouping by label): a class that holds only withdrawn pledges adds
-- nothing to a total, yet its label counts, so each class also counts its
-- pledges whatever their stage (records). The totals are rebuilt from
-- every pledge once, and the triggers of 00030 replaced by the same formula
-- with these columns, also run when a pledge's sector or category changes.

-- +goose Up
-- +goose StatementBegin
ALTER TABLE pledge_sums ADD COLUMN records bigint NOT NULL DEFAULT 0;
INSERT INTO pledge_sum_dims (dim) VALUES ('place_sector'), ('place_category'), ('label');
DROP TRIGGER pledge_sums_requirement_after ON requirements;
DROP TRIGGER pledge_sums_requirement_before ON requirements;
DROP TRIGGER pledge_sums_update_after ON pledges;
DROP TRIGGER pledge_sums_update_before ON pledges;
DROP TRIGGER pledge_sums_delete ON pledges;
DROP TRIGGER pledge_sums_insert ON pledges;
DELETE FROM pledge_sums;

INSERT INTO pledge_sums (dim, key, channel, tlp, donor_org_id, beneficiary_org_id, req_tlp, req_validated, n, eur, committed, delivered, disbursed, unvalued, records)
    SELECT dim, key, channel, tlp, donor_org_id, beneficiary_org_id, req_tlp, req_validated, sum(n), sum(eur), sum(committed), sum(delivered), sum(disbursed), sum(unvalued), sum(records) FROM (SELECT d.dim AS dim,
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
        ELSE COALESCE(to_char(p.pledge_date, 'YYYY-MM'), '')
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
    CASE WHEN (CASE WHEN p.suspended_on IS NOT NULL THEN 'suspended' ELSE p.status END) NOT IN ('withdrawn', 'rejected', 'suspended') AND p.no_eur_value THEN 1 ELSE 0 END AS unvalued,
    1 AS records
FROM pledges p LEFT JOIN requirements r ON r.id = p.requirement_id CROSS JOIN pledge_sum_dims d WHERE 1 = 1) c GROUP BY dim, key, channel, tlp, donor_org_id, beneficiary_org_id, req_tlp, req_validated;


CREATE OR REPLACE FUNCTION pledge_sums_add() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    -- The audit log's lock first (store.auditLockClass): every change
    -- appends an audit event under it anyway, and taking it before the
    -- totals' rows orders all their writers, so that two transactions
    -- never wait on each other's rows.
    PERFORM pg_advisory_xact_lock(1668899425, 'audit_events'::regclass::oid::integer);
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
        ELSE COALESCE(to_char(p.pledge_date, 'YYYY-MM'), '')
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
    CASE WHEN (CASE WHEN p.suspended_on IS NOT NULL THEN 'suspended' ELSE p.status END) NOT IN ('withdrawn', 'rejected', 'suspended') AND p.no_eur_value THEN 1 ELSE 0 END AS unvalued,
    1 AS records
FROM pledges p LEFT JOIN requirements r ON r.id = p.requirement_id CROSS JOIN pledge_sum_dims d WHERE p.id = NEW.id) c WHERE 1 = 1
    ON CONFLICT (dim, key, channel, tlp, donor_org_id, beneficiary_org_id, req_tlp, req_validated) DO UPDATE SET n = pledge_sums.n + excluded.n, eur = pledge_sums.eur + excluded.eur, committed = pledge_sums.committed + excluded.committed, delivered = pledge_sums.delivered + excluded.delivered, disbursed = pledge_sums.disbursed + excluded.disbursed, unvalued = pledge_sums.unvalued + excluded.unvalued, records = pledge_sums.records + excluded.records;
    RETURN NULL;
END;
$$;

CREATE OR REPLACE FUNCTION pledge_sums_take() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    -- The audit log's lock first (store.auditLockClass): every change
    -- appends an audit event under it anyway, and taking it before the
    -- totals' rows orders all their writers, so that two transactions
    -- never wait on each other's rows.
    PERFORM pg_advisory_xact_lock(1668899425, 'audit_events'::regclass::oid::integer);
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
        ELSE COALESCE(to_char(p.pledge_date, 'YYYY-MM'), '')
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
    CASE WHEN (CASE WHEN p.suspended_on IS NOT NULL THEN 'suspended' ELSE p.status END) NOT IN ('withdrawn', 'rejected', 'suspended') AND p.no_eur_value THEN 1 ELSE 0 END AS unvalued,
    1 AS records
FROM pledges p LEFT JOIN requirements r ON r.id = p.requirement_id CROSS JOIN pledge_sum_dims d WHERE p.id = OLD.id) c WHERE 1 = 1
    ON CONFLICT (dim, key, channel, tlp, donor_org_id, beneficiary_org_id, req_tlp, req_validated) DO UPDATE SET n = pledge_sums.n + excluded.n, eur = pledge_sums.eur + excluded.eur, committed = pledge_sums.committed + excluded.committed, delivered = pledge_sums.delivered + excluded.delivered, disbursed = pledge_sums.disbursed + excluded.disbursed, unvalued = pledge_sums.unvalued + excluded.unvalued, records = pledge_sums.records + excluded.records;
    RETURN NEW;
END;
$$;

CREATE OR REPLACE FUNCTION pledge_sums_forget() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    -- The audit log's lock first (store.auditLockClass): every change
    -- appends an audit event under it anyway, and taking it before the
    -- totals' rows orders all their writers, so that two transactions
    -- never wait on each other's rows.
    PERFORM pg_advisory_xact_lock(1668899425, 'audit_events'::regclass::oid::integer);
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
        ELSE COALESCE(to_char(p.pledge_date, 'YYYY-MM'), '')
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
    CASE WHEN (CASE WHEN p.suspended_on IS NOT NULL THEN 'suspended' ELSE p.status END) NOT IN ('withdrawn', 'rejected', 'suspended') AND p.no_eur_value THEN 1 ELSE 0 END AS unvalued,
    1 AS records
FROM pledges p LEFT JOIN requirements r ON r.id = p.requirement_id CROSS JOIN pledge_sum_dims d WHERE p.id = OLD.id) c WHERE 1 = 1
    ON CONFLICT (dim, key, channel, tlp, donor_org_id, beneficiary_org_id, req_tlp, req_validated) DO UPDATE SET n = pledge_sums.n + excluded.n, eur = pledge_sums.eur + excluded.eur, committed = pledge_sums.committed + excluded.committed, delivered = pledge_sums.delivered + excluded.delivered, disbursed = pledge_sums.disbursed + excluded.disbursed, unvalued = pledge_sums.unvalued + excluded.unvalued, records = pledge_sums.records + excluded.records;
    RETURN OLD;
END;
$$;

CREATE OR REPLACE FUNCTION pledge_sums_requirement_add() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    -- The audit log's lock first (store.auditLockClass): every change
    -- appends an audit event under it anyway, and taking it before the
    -- totals' rows orders all their writers, so that two transactions
    -- never wait on each other's rows.
    PERFORM pg_advisory_xact_lock(1668899425, 'audit_events'::regclass::oid::integer);
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
        ELSE COALESCE(to_char(p.pledge_date, 'YYYY-MM'), '')
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
    CASE WHEN (CASE WHEN p.suspended_on IS NOT NULL THEN 'suspended' ELSE p.status END) NOT IN ('withdrawn', 'rejected', 'suspended') AND p.no_eur_value THEN 1 ELSE 0 END AS unvalued,
    1 AS records
FROM pledges p LEFT JOIN requirements r ON r.id = p.requirement_id CROSS JOIN pledge_sum_dims d WHERE p.requirement_id = NEW.id) c WHERE 1 = 1
    ON CONFLICT (dim, key, channel, tlp, donor_org_id, beneficiary_org_id, req_tlp, req_validated) DO UPDATE SET n = pledge_sums.n + excluded.n, eur = pledge_sums.eur + excluded.eur, committed = pledge_sums.committed + excluded.committed, delivered = pledge_sums.delivered + excluded.delivered, disbursed = pledge_sums.disbursed + excluded.disbursed, unvalued = pledge_sums.unvalued + excluded.unvalued, records = pledge_sums.records + excluded.records;
    RETURN NULL;
END;
$$;

CREATE OR REPLACE FUNCTION pledge_sums_requirement_take() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    -- The audit log's lock first (store.auditLockClass): every change
    -- appends an audit event under it anyway, and taking it before the
    -- totals' rows orders all their writers, so that two transactions
    -- never wait on each other's rows.
    PERFORM pg_advisory_xact_lock(1668899425, 'audit_events'::regclass::oid::integer);
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
        ELSE COALESCE(to_char(p.pledge_date, 'YYYY-MM'), '')
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
    CASE WHEN (CASE WHEN p.suspended_on IS NOT NULL THEN 'suspended' ELSE p.status END) NOT IN ('withdrawn', 'rejected', 'suspended') AND p.no_eur_value THEN 1 ELSE 0 END AS unvalued,
    1 AS records
FROM pledges p LEFT JOIN requirements r ON r.id = p.requirement_id CROSS JOIN pledge_sum_dims d WHERE p.requirement_id = OLD.id) c WHERE 1 = 1
    ON CONFLICT (dim, key, channel, tlp, donor_org_id, beneficiary_org_id, req_tlp, req_validated) DO UPDATE SET n = pledge_sums.n + excluded.n, eur = pledge_sums.eur + excluded.eur, committed = pledge_sums.committed + excluded.committed, delivered = pledge_sums.delivered + excluded.delivered, disbursed = pledge_sums.disbursed + excluded.disbursed, unvalued = pledge_sums.unvalued + excluded.unvalued, records = pledge_sums.records + excluded.records;
    RETURN NEW;
END;
$$;

CREATE TRIGGER pledge_sums_insert AFTER INSERT ON pledges FOR EACH ROW EXECUTE FUNCTION pledge_sums_add();
CREATE TRIGGER pledge_sums_delete BEFORE DELETE ON pledges FOR EACH ROW EXECUTE FUNCTION pledge_sums_forget();
CREATE TRIGGER pledge_sums_update_before BEFORE UPDATE ON pledges FOR EACH ROW WHEN (OLD.tlp IS DISTINCT FROM NEW.tlp OR OLD.donor_org_id IS DISTINCT FROM NEW.donor_org_id OR OLD.funder_org_id IS DISTINCT FROM NEW.funder_org_id OR OLD.requirement_id IS DISTINCT FROM NEW.requirement_id OR OLD.beneficiary_org_id IS DISTINCT FROM NEW.beneficiary_org_id OR OLD.channel IS DISTINCT FROM NEW.channel OR OLD.status IS DISTINCT FROM NEW.status OR OLD.suspended_on IS DISTINCT FROM NEW.suspended_on OR OLD.eur_minor IS DISTINCT FROM NEW.eur_minor OR OLD.disbursed_eur_minor IS DISTINCT FROM NEW.disbursed_eur_minor OR OLD.pledge_date IS DISTINCT FROM NEW.pledge_date OR OLD.no_eur_value IS DISTINCT FROM NEW.no_eur_value OR OLD.sector IS DISTINCT FROM NEW.sector OR OLD.category IS DISTINCT FROM NEW.category) EXECUTE FUNCTION pledge_sums_take();
CREATE TRIGGER pledge_sums_update_after AFTER UPDATE ON pledges FOR EACH ROW WHEN (OLD.tlp IS DISTINCT FROM NEW.tlp OR OLD.donor_org_id IS DISTINCT FROM NEW.donor_org_id OR OLD.funder_org_id IS DISTINCT FROM NEW.funder_org_id OR OLD.requirement_id IS DISTINCT FROM NEW.requirement_id OR OLD.beneficiary_org_id IS DISTINCT FROM NEW.beneficiary_org_id OR OLD.channel IS DISTINCT FROM NEW.channel OR OLD.status IS DISTINCT FROM NEW.status OR OLD.suspended_on IS DISTINCT FROM NEW.suspended_on OR OLD.eur_minor IS DISTINCT FROM NEW.eur_minor OR OLD.disbursed_eur_minor IS DISTINCT FROM NEW.disbursed_eur_minor OR OLD.pledge_date IS DISTINCT FROM NEW.pledge_date OR OLD.no_eur_value IS DISTINCT FROM NEW.no_eur_value OR OLD.sector IS DISTINCT FROM NEW.sector OR OLD.category IS DISTINCT FROM NEW.category) EXECUTE FUNCTION pledge_sums_add();
CREATE TRIGGER pledge_sums_requirement_before BEFORE UPDATE ON requirements FOR EACH ROW WHEN (OLD.tlp IS DISTINCT FROM NEW.tlp OR OLD.beneficiary_org_id IS DISTINCT FROM NEW.beneficiary_org_id OR OLD.line_of_effort IS DISTINCT FROM NEW.line_of_effort OR OLD.sector IS DISTINCT FROM NEW.sector OR OLD.category IS DISTINCT FROM NEW.category OR (OLD.status IN ('validated', 'in_delivery', 'delivered', 'closed') OR (OLD.status = 'withdrawn' AND OLD.validated_at IS NOT NULL)) <> (NEW.status IN ('validated', 'in_delivery', 'delivered', 'closed') OR (NEW.status = 'withdrawn' AND NEW.validated_at IS NOT NULL))) EXECUTE FUNCTION pledge_sums_requirement_take();
CREATE TRIGGER pledge_sums_requirement_after AFTER UPDATE ON requirements FOR EACH ROW WHEN (OLD.tlp IS DISTINCT FROM NEW.tlp OR OLD.beneficiary_org_id IS DISTINCT FROM NEW.beneficiary_org_id OR OLD.line_of_effort IS DISTINCT FROM NEW.line_of_effort OR OLD.sector IS DISTINCT FROM NEW.sector OR OLD.category IS DISTINCT FROM NEW.category OR (OLD.status IN ('validated', 'in_delivery', 'delivered', 'closed') OR (OLD.status = 'withdrawn' AND OLD.validated_at IS NOT NULL)) <> (NEW.status IN ('validated', 'in_delivery', 'delivered', 'closed') OR (NEW.status = 'withdrawn' AND NEW.validated_at IS NOT NULL))) EXECUTE FUNCTION pledge_sums_requirement_add();
-- +goose StatementEnd

-- +goose Down
-- +goose StatementBegin
DROP TRIGGER pledge_sums_requirement_after ON requirements;
DROP TRIGGER pledge_sums_requirement_before ON requirements;
DROP TRIGGER pledge_sums_update_after ON pledges;
DROP TRIGGER pledge_sums_update_before ON pledges;
DROP TRIGGER pledge_sums_delete ON pledges;
DROP TRIGGER pledge_sums_insert ON pledges;
DELETE FROM pledge_sums;
DELETE FROM pledge_sum_dims WHERE dim IN ('place_sector', 'place_category', 'label');
ALTER TABLE pledge_sums DROP COLUMN records;

INSERT INTO pledge_sums (dim, key, channel, tlp, donor_org_id, beneficiary_org_id, req_tlp, req_validated, n, eur, committed, delivered, disbursed, unvalued)
    SELECT dim, key, channel, tlp, donor_org_id, beneficiary_org_id, req_tlp, req_validated, sum(n), sum(eur), sum(committed), sum(delivered), sum(disbursed), sum(unvalued) FROM (SELECT d.dim AS dim,
    CASE d.dim
        WHEN 'donor' THEN COALESCE(NULLIF(p.funder_org_id, ''), p.donor_org_id)
        WHEN 'implementer' THEN p.donor_org_id
        WHEN 'line' THEN COALESCE(r.line_of_effort, '')
        WHEN 'sector' THEN COALESCE(r.sector, '')
        WHEN 'category' THEN COALESCE(r.category, '')
        WHEN 'status' THEN CASE WHEN p.suspended_on IS NOT NULL THEN 'suspended' ELSE p.status END
        ELSE COALESCE(to_char(p.pledge_date, 'YYYY-MM'), '')
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
    CASE WHEN (CASE WHEN p.suspended_on IS NOT NULL THEN 'suspended' ELSE p.status END) NOT IN ('withdrawn', 'rejected', 'suspended') AND p.no_eur_value THEN 1 ELSE 0 END AS unvalued
FROM pledges p LEFT JOIN requirements r ON r.id = p.requirement_id CROSS JOIN pledge_sum_dims d WHERE 1 = 1) c GROUP BY dim, key, channel, tlp, donor_org_id, beneficiary_org_id, req_tlp, req_validated;


CREATE OR REPLACE FUNCTION pledge_sums_add() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    -- The audit log's lock first (store.auditLockClass): every change
    -- appends an audit event under it anyway, and taking it before the
    -- totals' rows orders all their writers, so that two transactions
    -- never wait on each other's rows.
    PERFORM pg_advisory_xact_lock(1668899425, 'audit_events'::regclass::oid::integer);
    INSERT INTO pledge_sums (dim, key, channel, tlp, donor_org_id, beneficiary_org_id, req_tlp, req_validated, n, eur, committed, delivered, disbursed, unvalued)
    SELECT dim, key, channel, tlp, donor_org_id, beneficiary_org_id, req_tlp, req_validated, n, eur, committed, delivered, disbursed, unvalued FROM (SELECT d.dim AS dim,
    CASE d.dim
        WHEN 'donor' THEN COALESCE(NULLIF(p.funder_org_id, ''), p.donor_org_id)
        WHEN 'implementer' THEN p.donor_org_id
        WHEN 'line' THEN COALESCE(r.line_of_effort, '')
        WHEN 'sector' THEN COALESCE(r.sector, '')
        WHEN 'category' THEN COALESCE(r.category, '')
        WHEN 'status' THEN CASE WHEN p.suspended_on IS NOT NULL THEN 'suspended' ELSE p.status END
        ELSE COALESCE(to_char(p.pledge_date, 'YYYY-MM'), '')
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
    CASE WHEN (CASE WHEN p.suspended_on IS NOT NULL THEN 'suspended' ELSE p.status END) NOT IN ('withdrawn', 'rejected', 'suspended') AND p.no_eur_value THEN 1 ELSE 0 END AS unvalued
FROM pledges p LEFT JOIN requirements r ON r.id = p.requirement_id CROSS JOIN pledge_sum_dims d WHERE p.id = NEW.id) c WHERE 1 = 1
    ON CONFLICT (dim, key, channel, tlp, donor_org_id, beneficiary_org_id, req_tlp, req_validated) DO UPDATE SET n = pledge_sums.n + excluded.n, eur = pledge_sums.eur + excluded.eur, committed = pledge_sums.committed + excluded.committed, delivered = pledge_sums.delivered + excluded.delivered, disbursed = pledge_sums.disbursed + excluded.disbursed, unvalued = pledge_sums.unvalued + excluded.unvalued;
    RETURN NULL;
END;
$$;

CREATE OR REPLACE FUNCTION pledge_sums_take() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    -- The audit log's lock first (store.auditLockClass): every change
    -- appends an audit event under it anyway, and taking it before the
    -- totals' rows orders all their writers, so that two transactions
    -- never wait on each other's rows.
    PERFORM pg_advisory_xact_lock(1668899425, 'audit_events'::regclass::oid::integer);
    INSERT INTO pledge_sums (dim, key, channel, tlp, donor_org_id, beneficiary_org_id, req_tlp, req_validated, n, eur, committed, delivered, disbursed, unvalued)
    SELECT dim, key, channel, tlp, donor_org_id, beneficiary_org_id, req_tlp, req_validated, -n, -eur, -committed, -delivered, -disbursed, -unvalued FROM (SELECT d.dim AS dim,
    CASE d.dim
        WHEN 'donor' THEN COALESCE(NULLIF(p.funder_org_id, ''), p.donor_org_id)
        WHEN 'implementer' THEN p.donor_org_id
        WHEN 'line' THEN COALESCE(r.line_of_effort, '')
        WHEN 'sector' THEN COALESCE(r.sector, '')
        WHEN 'category' THEN COALESCE(r.category, '')
        WHEN 'status' THEN CASE WHEN p.suspended_on IS NOT NULL THEN 'suspended' ELSE p.status END
        ELSE COALESCE(to_char(p.pledge_date, 'YYYY-MM'), '')
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
    CASE WHEN (CASE WHEN p.suspended_on IS NOT NULL THEN 'suspended' ELSE p.status END) NOT IN ('withdrawn', 'rejected', 'suspended') AND p.no_eur_value THEN 1 ELSE 0 END AS unvalued
FROM pledges p LEFT JOIN requirements r ON r.id = p.requirement_id CROSS JOIN pledge_sum_dims d WHERE p.id = OLD.id) c WHERE 1 = 1
    ON CONFLICT (dim, key, channel, tlp, donor_org_id, beneficiary_org_id, req_tlp, req_validated) DO UPDATE SET n = pledge_sums.n + excluded.n, eur = pledge_sums.eur + excluded.eur, committed = pledge_sums.committed + excluded.committed, delivered = pledge_sums.delivered + excluded.delivered, disbursed = pledge_sums.disbursed + excluded.disbursed, unvalued = pledge_sums.unvalued + excluded.unvalued;
    RETURN NEW;
END;
$$;

CREATE OR REPLACE FUNCTION pledge_sums_forget() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    -- The audit log's lock first (store.auditLockClass): every change
    -- appends an audit event under it anyway, and taking it before the
    -- totals' rows orders all their writers, so that two transactions
    -- never wait on each other's rows.
    PERFORM pg_advisory_xact_lock(1668899425, 'audit_events'::regclass::oid::integer);
    INSERT INTO pledge_sums (dim, key, channel, tlp, donor_org_id, beneficiary_org_id, req_tlp, req_validated, n, eur, committed, delivered, disbursed, unvalued)
    SELECT dim, key, channel, tlp, donor_org_id, beneficiary_org_id, req_tlp, req_validated, -n, -eur, -committed, -delivered, -disbursed, -unvalued FROM (SELECT d.dim AS dim,
    CASE d.dim
        WHEN 'donor' THEN COALESCE(NULLIF(p.funder_org_id, ''), p.donor_org_id)
        WHEN 'implementer' THEN p.donor_org_id
        WHEN 'line' THEN COALESCE(r.line_of_effort, '')
        WHEN 'sector' THEN COALESCE(r.sector, '')
        WHEN 'category' THEN COALESCE(r.category, '')
        WHEN 'status' THEN CASE WHEN p.suspended_on IS NOT NULL THEN 'suspended' ELSE p.status END
        ELSE COALESCE(to_char(p.pledge_date, 'YYYY-MM'), '')
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
    CASE WHEN (CASE WHEN p.suspended_on IS NOT NULL THEN 'suspended' ELSE p.status END) NOT IN ('withdrawn', 'rejected', 'suspended') AND p.no_eur_value THEN 1 ELSE 0 END AS unvalued
FROM pledges p LEFT JOIN requirements r ON r.id = p.requirement_id CROSS JOIN pledge_sum_dims d WHERE p.id = OLD.id) c WHERE 1 = 1
    ON CONFLICT (dim, key, channel, tlp, donor_org_id, beneficiary_org_id, req_tlp, req_validated) DO UPDATE SET n = pledge_sums.n + excluded.n, eur = pledge_sums.eur + excluded.eur, committed = pledge_sums.committed + excluded.committed, delivered = pledge_sums.delivered + excluded.delivered, disbursed = pledge_sums.disbursed + excluded.disbursed, unvalued = pledge_sums.unvalued + excluded.unvalued;
    RETURN OLD;
END;
$$;

CREATE OR REPLACE FUNCTION pledge_sums_requirement_add() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    -- The audit log's lock first (store.auditLockClass): every change
    -- appends an audit event under it anyway, and taking it before the
    -- totals' rows orders all their writers, so that two transactions
    -- never wait on each other's rows.
    PERFORM pg_advisory_xact_lock(1668899425, 'audit_events'::regclass::oid::integer);
    INSERT INTO pledge_sums (dim, key, channel, tlp, donor_org_id, beneficiary_org_id, req_tlp, req_validated, n, eur, committed, delivered, disbursed, unvalued)
    SELECT dim, key, channel, tlp, donor_org_id, beneficiary_org_id, req_tlp, req_validated, n, eur, committed, delivered, disbursed, unvalued FROM (SELECT d.dim AS dim,
    CASE d.dim
        WHEN 'donor' THEN COALESCE(NULLIF(p.funder_org_id, ''), p.donor_org_id)
        WHEN 'implementer' THEN p.donor_org_id
        WHEN 'line' THEN COALESCE(r.line_of_effort, '')
        WHEN 'sector' THEN COALESCE(r.sector, '')
        WHEN 'category' THEN COALESCE(r.category, '')
        WHEN 'status' THEN CASE WHEN p.suspended_on IS NOT NULL THEN 'suspended' ELSE p.status END
        ELSE COALESCE(to_char(p.pledge_date, 'YYYY-MM'), '')
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
    CASE WHEN (CASE WHEN p.suspended_on IS NOT NULL THEN 'suspended' ELSE p.status END) NOT IN ('withdrawn', 'rejected', 'suspended') AND p.no_eur_value THEN 1 ELSE 0 END AS unvalued
FROM pledges p LEFT JOIN requirements r ON r.id = p.requirement_id CROSS JOIN pledge_sum_dims d WHERE p.requirement_id = NEW.id) c WHERE 1 = 1
    ON CONFLICT (dim, key, channel, tlp, donor_org_id, beneficiary_org_id, req_tlp, req_validated) DO UPDATE SET n = pledge_sums.n + excluded.n, eur = pledge_sums.eur + excluded.eur, committed = pledge_sums.committed + excluded.committed, delivered = pledge_sums.delivered + excluded.delivered, disbursed = pledge_sums.disbursed + excluded.disbursed, unvalued = pledge_sums.unvalued + excluded.unvalued;
    RETURN NULL;
END;
$$;

CREATE OR REPLACE FUNCTION pledge_sums_requirement_take() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    -- The audit log's lock first (store.auditLockClass): every change
    -- appends an audit event under it anyway, and taking it before the
    -- totals' rows orders all their writers, so that two transactions
    -- never wait on each other's rows.
    PERFORM pg_advisory_xact_lock(1668899425, 'audit_events'::regclass::oid::integer);
    INSERT INTO pledge_sums (dim, key, channel, tlp, donor_org_id, beneficiary_org_id, req_tlp, req_validated, n, eur, committed, delivered, disbursed, unvalued)
    SELECT dim, key, channel, tlp, donor_org_id, beneficiary_org_id, req_tlp, req_validated, -n, -eur, -committed, -delivered, -disbursed, -unvalued FROM (SELECT d.dim AS dim,
    CASE d.dim
        WHEN 'donor' THEN COALESCE(NULLIF(p.funder_org_id, ''), p.donor_org_id)
        WHEN 'implementer' THEN p.donor_org_id
        WHEN 'line' THEN COALESCE(r.line_of_effort, '')
        WHEN 'sector' THEN COALESCE(r.sector, '')
        WHEN 'category' THEN COALESCE(r.category, '')
        WHEN 'status' THEN CASE WHEN p.suspended_on IS NOT NULL THEN 'suspended' ELSE p.status END
        ELSE COALESCE(to_char(p.pledge_date, 'YYYY-MM'), '')
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
    CASE WHEN (CASE WHEN p.suspended_on IS NOT NULL THEN 'suspended' ELSE p.status END) NOT IN ('withdrawn', 'rejected', 'suspended') AND p.no_eur_value THEN 1 ELSE 0 END AS unvalued
FROM pledges p LEFT JOIN requirements r ON r.id = p.requirement_id CROSS JOIN pledge_sum_dims d WHERE p.requirement_id = OLD.id) c WHERE 1 = 1
    ON CONFLICT (dim, key, channel, tlp, donor_org_id, beneficiary_org_id, req_tlp, req_validated) DO UPDATE SET n = pledge_sums.n + excluded.n, eur = pledge_sums.eur + excluded.eur, committed = pledge_sums.committed + excluded.committed, delivered = pledge_sums.delivered + excluded.delivered, disbursed = pledge_sums.disbursed + excluded.disbursed, unvalued = pledge_sums.unvalued + excluded.unvalued;
    RETURN NEW;
END;
$$;

CREATE TRIGGER pledge_sums_insert AFTER INSERT ON pledges FOR EACH ROW EXECUTE FUNCTION pledge_sums_add();
CREATE TRIGGER pledge_sums_delete BEFORE DELETE ON pledges FOR EACH ROW EXECUTE FUNCTION pledge_sums_forget();
CREATE TRIGGER pledge_sums_update_before BEFORE UPDATE ON pledges FOR EACH ROW WHEN (OLD.tlp IS DISTINCT FROM NEW.tlp OR OLD.donor_org_id IS DISTINCT FROM NEW.donor_org_id OR OLD.funder_org_id IS DISTINCT FROM NEW.funder_org_id OR OLD.requirement_id IS DISTINCT FROM NEW.requirement_id OR OLD.beneficiary_org_id IS DISTINCT FROM NEW.beneficiary_org_id OR OLD.channel IS DISTINCT FROM NEW.channel OR OLD.status IS DISTINCT FROM NEW.status OR OLD.suspended_on IS DISTINCT FROM NEW.suspended_on OR OLD.eur_minor IS DISTINCT FROM NEW.eur_minor OR OLD.disbursed_eur_minor IS DISTINCT FROM NEW.disbursed_eur_minor OR OLD.pledge_date IS DISTINCT FROM NEW.pledge_date OR OLD.no_eur_value IS DISTINCT FROM NEW.no_eur_value) EXECUTE FUNCTION pledge_sums_take();
CREATE TRIGGER pledge_sums_update_after AFTER UPDATE ON pledges FOR EACH ROW WHEN (OLD.tlp IS DISTINCT FROM NEW.tlp OR OLD.donor_org_id IS DISTINCT FROM NEW.donor_org_id OR OLD.funder_org_id IS DISTINCT FROM NEW.funder_org_id OR OLD.requirement_id IS DISTINCT FROM NEW.requirement_id OR OLD.beneficiary_org_id IS DISTINCT FROM NEW.beneficiary_org_id OR OLD.channel IS DISTINCT FROM NEW.channel OR OLD.status IS DISTINCT FROM NEW.status OR OLD.suspended_on IS DISTINCT FROM NEW.suspended_on OR OLD.eur_minor IS DISTINCT FROM NEW.eur_minor OR OLD.disbursed_eur_minor IS DISTINCT FROM NEW.disbursed_eur_minor OR OLD.pledge_date IS DISTINCT FROM NEW.pledge_date OR OLD.no_eur_value IS DISTINCT FROM NEW.no_eur_value) EXECUTE FUNCTION pledge_sums_add();
CREATE TRIGGER pledge_sums_requirement_before BEFORE UPDATE ON requirements FOR EACH ROW WHEN (OLD.tlp IS DISTINCT FROM NEW.tlp OR OLD.beneficiary_org_id IS DISTINCT FROM NEW.beneficiary_org_id OR OLD.line_of_effort IS DISTINCT FROM NEW.line_of_effort OR OLD.sector IS DISTINCT FROM NEW.sector OR OLD.category IS DISTINCT FROM NEW.category OR (OLD.status IN ('validated', 'in_delivery', 'delivered', 'closed') OR (OLD.status = 'withdrawn' AND OLD.validated_at IS NOT NULL)) <> (NEW.status IN ('validated', 'in_delivery', 'delivered', 'closed') OR (NEW.status = 'withdrawn' AND NEW.validated_at IS NOT NULL))) EXECUTE FUNCTION pledge_sums_requirement_take();
CREATE TRIGGER pledge_sums_requirement_after AFTER UPDATE ON requirements FOR EACH ROW WHEN (OLD.tlp IS DISTINCT FROM NEW.tlp OR OLD.beneficiary_org_id IS DISTINCT FROM NEW.beneficiary_org_id OR OLD.line_of_effort IS DISTINCT FROM NEW.line_of_effort OR OLD.sector IS DISTINCT FROM NEW.sector OR OLD.category IS DISTINCT FROM NEW.category OR (OLD.status IN ('validated', 'in_delivery', 'delivered', 'closed') OR (OLD.status = 'withdrawn' AND OLD.validated_at IS NOT NULL)) <> (NEW.status IN ('validated', 'in_delivery', 'delivered', 'closed') OR (NEW.status = 'withdrawn' AND NEW.validated_at IS NOT NULL))) EXECUTE FUNCTION pledge_sums_requirement_add();
-- +goose StatementEnd
