-- Lists and exports walk requirements and pledges newest first (by id) and
-- page with "id < last seen". An index on the filtered column alone made a
-- filtered page sort every matching row, so a filtered export of a large
-- table read it once per page. An index on (column, id) yields the matches
-- already in order.

-- +goose Up
DROP INDEX requirements_status;
DROP INDEX requirements_sector;
DROP INDEX requirements_category;
DROP INDEX requirements_line;
DROP INDEX requirements_priority;
DROP INDEX requirements_beneficiary;
CREATE INDEX requirements_status ON requirements (status, id);
CREATE INDEX requirements_sector ON requirements (sector, id);
CREATE INDEX requirements_category ON requirements (category, id);
CREATE INDEX requirements_line ON requirements (line_of_effort, id);
CREATE INDEX requirements_priority ON requirements (priority, id);
CREATE INDEX requirements_beneficiary ON requirements (beneficiary_org_id, id);

DROP INDEX pledges_requirement;
DROP INDEX pledges_donor;
DROP INDEX pledges_status;
DROP INDEX pledges_channel;
DROP INDEX pledges_beneficiary;
CREATE INDEX pledges_requirement ON pledges (requirement_id, id);
CREATE INDEX pledges_donor ON pledges (donor_org_id, id);
CREATE INDEX pledges_status ON pledges (status, id);
CREATE INDEX pledges_channel ON pledges (channel, id);
CREATE INDEX pledges_beneficiary ON pledges (beneficiary_org_id, id);

DROP INDEX offers_donor;
CREATE INDEX offers_donor ON offers (donor_org_id, id);

-- +goose Down
DROP INDEX offers_donor;
CREATE INDEX offers_donor ON offers (donor_org_id);

DROP INDEX pledges_requirement;
DROP INDEX pledges_donor;
DROP INDEX pledges_status;
DROP INDEX pledges_channel;
DROP INDEX pledges_beneficiary;
CREATE INDEX pledges_requirement ON pledges (requirement_id);
CREATE INDEX pledges_donor ON pledges (donor_org_id);
CREATE INDEX pledges_status ON pledges (status);
CREATE INDEX pledges_channel ON pledges (channel);
CREATE INDEX pledges_beneficiary ON pledges (beneficiary_org_id);

DROP INDEX requirements_status;
DROP INDEX requirements_sector;
DROP INDEX requirements_category;
DROP INDEX requirements_line;
DROP INDEX requirements_priority;
DROP INDEX requirements_beneficiary;
CREATE INDEX requirements_status ON requirements (status);
CREATE INDEX requirements_sector ON requirements (sector);
CREATE INDEX requirements_category ON requirements (category);
CREATE INDEX requirements_line ON requirements (line_of_effort);
CREATE INDEX requirements_priority ON requirements (priority);
CREATE INDEX requirements_beneficiary ON requirements (beneficiary_org_id);
