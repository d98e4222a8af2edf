-- The requirement triggers of migration 00033 wrote one row per pledge on
-- the requirement and dimension; two pledges of one class (one donor's two
-- proposed pledges under one label, say) made one statement change a row
-- twice, which PostgreSQL refuses ("ON CONFLICT DO UPDATE command cannot
-- affect row a second time"), so that such a requirement could not be
-- relabelled, validated again or given another beneficiary. They now sum
-- the pledges of each class first, as the pledges' own triggers add one
-- pledge at a time. SQLite applies each row of an upsert in turn, and its
-- triggers were right (its file of this migration changes nothing).

-- +goose Up
-- +goose StatementBegin
CREATE OR REPLACE FUNCTION pledge_sums_requirement_add() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    -- The audit log's lock first (store.auditLockClass): every change
    -- appends an audit event under it anyway, and taking it before the
    -- totals' rows orders all their writers, so that two transactions
    -- never wait on each other's rows.
    PERFORM pg_advisory_xact_lock(1668899425, 'audit_events'::regclass::oid::integer);
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
    FROM pledges p LEFT JOIN requirements r ON r.id = p.requirement_id CROSS JOIN pledge_sum_dims d WHERE p.requirement_id = NEW.id) c
    WHERE 1 = 1 GROUP BY dim, key, channel, tlp, donor_org_id, beneficiary_org_id, req_tlp, req_validated
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
    SELECT dim, key, channel, tlp, donor_org_id, beneficiary_org_id, req_tlp, req_validated, -sum(n), -sum(eur), -sum(committed), -sum(delivered), -sum(disbursed), -sum(unvalued), -sum(records) FROM (SELECT d.dim AS dim,
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
    FROM pledges p LEFT JOIN requirements r ON r.id = p.requirement_id CROSS JOIN pledge_sum_dims d WHERE p.requirement_id = OLD.id) c
    WHERE 1 = 1 GROUP BY dim, key, channel, tlp, donor_org_id, beneficiary_org_id, req_tlp, req_validated
    ON CONFLICT (dim, key, channel, tlp, donor_org_id, beneficiary_org_id, req_tlp, req_validated) DO UPDATE SET n = pledge_sums.n + excluded.n, eur = pledge_sums.eur + excluded.eur, committed = pledge_sums.committed + excluded.committed, delivered = pledge_sums.delivered + excluded.delivered, disbursed = pledge_sums.disbursed + excluded.disbursed, unvalued = pledge_sums.unvalued + excluded.unvalued, records = pledge_sums.records + excluded.records;
    RETURN NEW;
END;
$$;
-- +goose StatementEnd

-- +goose Down
-- The grouped form stays: the form of migration 00033 fails on a
-- requirement with two pledges of one class.
SELECT 1;
