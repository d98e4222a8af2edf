-- A pledge's totals were added by its own trigger, one pledge at a time:
-- ten upserts a pledge, two thirds of the time the generator took to
-- write 100,000 pledges. Pledges written together (store.CreatePledges)
-- now add theirs by one statement, row by row as SQLite applies an
-- upsert, from the view pledge_sum_rows: the rows a pledge adds, the
-- formula of migration 00043 as a view, which the statement and the
-- insert trigger share (the update and delete triggers keep their own
-- copy). While that statement's transaction holds a row in
-- pledge_sums_by_statement, the insert trigger leaves the pledges to it;
-- the row is written and deleted in that transaction, so no other writer
-- and no later one ever sees it. Any other insert, by any statement, still
-- adds its pledge by the trigger.

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
FROM pledges p LEFT JOIN requirements r ON r.id = p.requirement_id CROSS JOIN pledge_sum_dims d;

CREATE TABLE pledge_sums_by_statement (one INTEGER PRIMARY KEY CHECK (one = 1));

DROP TRIGGER pledge_sums_insert;
CREATE TRIGGER pledge_sums_insert AFTER INSERT ON pledges WHEN NOT EXISTS (SELECT 1 FROM pledge_sums_by_statement) BEGIN
    INSERT INTO pledge_sums (dim, key, channel, tlp, donor_org_id, beneficiary_org_id, req_tlp, req_validated, n, eur, committed, delivered, disbursed, unvalued, records)
    SELECT dim, key, channel, tlp, donor_org_id, beneficiary_org_id, req_tlp, req_validated, n, eur, committed, delivered, disbursed, unvalued, records FROM pledge_sum_rows WHERE pledge_id = NEW.id
    ON CONFLICT (dim, key, channel, tlp, donor_org_id, beneficiary_org_id, req_tlp, req_validated) DO UPDATE SET n = pledge_sums.n + excluded.n, eur = pledge_sums.eur + excluded.eur, committed = pledge_sums.committed + excluded.committed, delivered = pledge_sums.delivered + excluded.delivered, disbursed = pledge_sums.disbursed + excluded.disbursed, unvalued = pledge_sums.unvalued + excluded.unvalued, records = pledge_sums.records + excluded.records;
END;
-- +goose StatementEnd

-- +goose Down
-- +goose StatementBegin
DROP TRIGGER pledge_sums_insert;
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
DROP TABLE pledge_sums_by_statement;
DROP VIEW pledge_sum_rows;
-- +goose StatementEnd
