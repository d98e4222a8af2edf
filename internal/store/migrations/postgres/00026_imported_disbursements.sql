-- Tranches read from a donor's IATI file (its disbursement transactions)
-- are the import's, as the reports they belong to are: made by whoever ran
-- the import, or, at the operator's command line, by no user, so
-- created_by may be NULL, as it may for a pledge.

-- +goose Up
ALTER TABLE disbursements ALTER COLUMN created_by DROP NOT NULL;

-- +goose Down
-- The tranches no user made go, and with them what they added to their
-- pledges' disbursed sums.
UPDATE pledges SET disbursed_eur_minor = GREATEST(0, disbursed_eur_minor -
    (SELECT COALESCE(SUM(eur_minor), 0) FROM disbursements d WHERE d.pledge_id = pledges.id AND d.created_by IS NULL))
WHERE id IN (SELECT pledge_id FROM disbursements WHERE created_by IS NULL);
DELETE FROM disbursements WHERE created_by IS NULL;
ALTER TABLE disbursements ALTER COLUMN created_by SET NOT NULL;
