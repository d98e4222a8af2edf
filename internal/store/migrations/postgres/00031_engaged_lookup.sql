-- The policy shows an AMBER requirement to a company, NGO or beneficiary
-- entity engaged on it: the audience predicate asks, per requirement, whether
-- the organisation has a pledge on it. Without an index on both columns the
-- planner read every pledge of the organisation for each list (tens of
-- thousands for a company active on a third of the requirements). Both
-- columns in one index answer the question with one index probe; the
-- requirement's id is compared in byte order ("C"), the collation of
-- requirements.id, or the probe could not use the index.

-- +goose Up
CREATE INDEX pledges_requirement_donor ON pledges ((requirement_id COLLATE "C"), donor_org_id);

-- +goose Down
DROP INDEX pledges_requirement_donor;
