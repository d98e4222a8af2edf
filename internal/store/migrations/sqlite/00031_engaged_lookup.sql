-- The policy shows an AMBER requirement to a company, NGO or beneficiary
-- entity engaged on it: the audience predicate asks, per requirement, whether
-- the organisation has a pledge on it. With only (requirement_id, id) and
-- (donor_org_id, id) to choose from, SQLite searched the organisation's
-- pledges for every requirement (tens of thousands each for a company active
-- on a third of the requirements): one list took half a minute. Both columns
-- in one index answer the question with one index probe.

-- +goose Up
CREATE INDEX pledges_requirement_donor ON pledges (requirement_id, donor_org_id);

-- +goose Down
DROP INDEX pledges_requirement_donor;
