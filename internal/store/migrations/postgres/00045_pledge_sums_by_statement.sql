-- A pledge's totals were added by its own trigger, one pledge at a time:
-- ten upserts a pledge, two thirds of the time the generator took to
-- write 100,000 pledges. Pledges written together (store.CreatePledges)
-- now add theirs by one statement, summed by class first, from the view
-- pledge_sum_rows: the rows a pledge adds, the formula of migration 00033
-- as a view, which the statement and pledge_sums_add share (the others
-- keep their own copy). While that statement's transaction has set
-- cyberaid.pledge_sums_by_statement, the insert trigger leaves the
-- pledges to it; the setting is local to that transaction, so no other
-- writer and no later one ever sees it. Any other insert, by any
-- statement, still adds its pledge by the trigger.

-- The view reads columns of pledges, requirements and pledge_sum_dims: a
-- later migration that changes one of their types, or rebuilds one of
-- those tables, drops the view first and creates it again after.

-- +goose Up
-- +goose StatementBegin
CREATE VIEW pledge_sum_rows AS SELECT p.id AS pledge_id, d.dim AS dim,
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
FROM pledges p LEFT JOIN requirements r ON r.id = p.requirement_id CROSS JOIN pledge_sum_dims d;

CREATE OR REPLACE FUNCTION pledge_sums_add() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    -- The audit log's lock first (store.auditLockClass): every change
    -- appends an audit event under it anyway, and taking it before the
    -- totals' rows orders all their writers, so that two transactions
    -- never wait on each other's rows.
    PERFORM pg_advisory_xact_lock(1668899425, 'audit_events'::regclass::oid::integer);
    INSERT INTO pledge_sums (dim, key, channel, tlp, donor_org_id, beneficiary_org_id, req_tlp, req_validated, n, eur, committed, delivered, disbursed, unvalued, records)
    SELECT dim, key, channel, tlp, donor_org_id, beneficiary_org_id, req_tlp, req_validated, n, eur, committed, delivered, disbursed, unvalued, records FROM pledge_sum_rows WHERE pledge_id = NEW.id
    ON CONFLICT (dim, key, channel, tlp, donor_org_id, beneficiary_org_id, req_tlp, req_validated) DO UPDATE SET n = pledge_sums.n + excluded.n, eur = pledge_sums.eur + excluded.eur, committed = pledge_sums.committed + excluded.committed, delivered = pledge_sums.delivered + excluded.delivered, disbursed = pledge_sums.disbursed + excluded.disbursed, unvalued = pledge_sums.unvalued + excluded.unvalued, records = pledge_sums.records + excluded.records;
    RETURN NULL;
END;
$$;

-- pledge_sums_add is also the update trigger's: only the insert waits for
-- the statement.
DROP TRIGGER pledge_sums_insert ON pledges;
CREATE TRIGGER pledge_sums_insert AFTER INSERT ON pledges FOR EACH ROW
    WHEN (current_setting('cyberaid.pledge_sums_by_statement', true) IS DISTINCT FROM 'on') EXECUTE FUNCTION pledge_sums_add();
-- +goose StatementEnd

-- +goose Down
-- +goose StatementBegin
DROP TRIGGER pledge_sums_insert ON pledges;
CREATE TRIGGER pledge_sums_insert AFTER INSERT ON pledges FOR EACH ROW EXECUTE FUNCTION pledge_sums_add();
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
DROP VIEW pledge_sum_rows;
-- +goose StatementEnd
