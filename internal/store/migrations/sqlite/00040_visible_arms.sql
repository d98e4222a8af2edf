-- A page of pledges in id order merges the rows each relation opens to its
-- viewer (visibleArms in the store), each walked through an index in id
-- order, so that it reads no row its viewer may not see.
--
-- The viewer's own rows under the labels that only ownership opens: by
-- (donor, label, id). Through (donor, id) alone the walk read every own
-- row of the labels the viewer sees anyway: seven thousand of a state
-- donor's recent AMBER pledges to find its first AMBER+STRICT one.
--
-- Those shared with its organisation or named to its user: the grants'
-- objects held in the holder's index. Indexed by holder and type alone,
-- every grant of the type was read through the object index instead: the
-- ten thousand grants of a hundred thousand pledges on every page.

-- +goose Up
CREATE INDEX pledges_donor_tlp ON pledges (donor_org_id, (CASE tlp WHEN 'clear' THEN 0 WHEN 'green' THEN 1 WHEN 'amber' THEN 2 WHEN 'amber+strict' THEN 3 ELSE 4 END), id);
DROP INDEX access_grants_org_holder;
DROP INDEX access_grants_user_holder;
CREATE INDEX access_grants_org_holder ON access_grants (org_id, object_type, object_id) WHERE org_id IS NOT NULL;
CREATE INDEX access_grants_user_holder ON access_grants (user_id, object_type, object_id) WHERE user_id IS NOT NULL;

-- +goose Down
DROP INDEX access_grants_org_holder;
DROP INDEX access_grants_user_holder;
CREATE INDEX access_grants_org_holder ON access_grants (org_id, object_type) WHERE org_id IS NOT NULL;
CREATE INDEX access_grants_user_holder ON access_grants (user_id, object_type) WHERE user_id IS NOT NULL;
DROP INDEX pledges_donor_tlp;
