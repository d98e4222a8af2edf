-- The audit log's states, as migration 00032 derives them, with each
-- event's state parsed about once instead of twenty times. That trigger
-- guarded every JSON function with its own json_valid, and SQLite parsed
-- the text anew for each: a tenth of the time of writing a hundred thousand
-- pledges went there. Here the guard is the triggers' WHEN: a state that is
-- not JSON has a trigger of its own, and the other's statements read a
-- state known to be JSON, which SQLite's cache of parsed arguments then
-- serves. What each state yields is unchanged (TestAuditEventStates).

-- +goose Up
-- +goose StatementBegin
DROP TRIGGER audit_event_states_insert;

CREATE TRIGGER audit_event_states_not_json AFTER INSERT ON audit_events
WHEN NEW.after IS NOT NULL AND NOT json_valid(NEW.after)
BEGIN
    INSERT INTO audit_event_states (seq, tlp) VALUES (NEW.seq, 'unreadable');
END;

CREATE TRIGGER audit_event_states_insert AFTER INSERT ON audit_events
WHEN NEW.after IS NOT NULL AND json_valid(NEW.after)
BEGIN
    INSERT INTO audit_event_states (seq, tlp)
    SELECT NEW.seq, 'unreadable'
    WHERE json_type(NEW.after) NOT IN ('object', 'null')
        OR (json_type(NEW.after) = 'object' AND json_type(NEW.after, '$.tlp') NOT IN ('text', 'null'));
    INSERT INTO audit_event_states (seq, tlp, beneficiary_org_id, donor_org_id, status, validated_at)
    SELECT NEW.seq, json_extract(NEW.after, '$.tlp'), json_extract(NEW.after, '$.beneficiary_org_id'),
           json_extract(NEW.after, '$.donor_org_id'), json_extract(NEW.after, '$.status'), json_extract(NEW.after, '$.validated_at')
    WHERE json_type(NEW.after) = 'object' AND json_type(NEW.after, '$.tlp') = 'text';
    INSERT INTO audit_event_access (seq, org_id)
    SELECT NEW.seq, j.value
    FROM json_each(NEW.after, '$.shared_org_ids') j
    WHERE json_type(NEW.after) = 'object' AND json_type(NEW.after, '$.tlp') = 'text' AND json_type(NEW.after, '$.shared_org_ids') = 'array';
    INSERT INTO audit_event_access (seq, user_id)
    SELECT NEW.seq, j.value
    FROM json_each(NEW.after, '$.named_user_ids') j
    WHERE json_type(NEW.after) = 'object' AND json_type(NEW.after, '$.tlp') = 'text' AND json_type(NEW.after, '$.named_user_ids') = 'array';
END;
-- +goose StatementEnd

-- +goose Down
-- +goose StatementBegin
DROP TRIGGER audit_event_states_insert;
DROP TRIGGER audit_event_states_not_json;

CREATE TRIGGER audit_event_states_insert AFTER INSERT ON audit_events
WHEN NEW.after IS NOT NULL
BEGIN
    INSERT INTO audit_event_states (seq, tlp)
    SELECT NEW.seq, 'unreadable'
    WHERE NEW.after IS NOT NULL AND CASE WHEN json_valid(NEW.after) THEN json_type(NEW.after) NOT IN ('object', 'null')
        OR (json_type(NEW.after) = 'object' AND json_type(NEW.after, '$.tlp') NOT IN ('text', 'null')) ELSE 1 END;
    INSERT INTO audit_event_states (seq, tlp, beneficiary_org_id, donor_org_id, status, validated_at)
    SELECT NEW.seq, json_extract((CASE WHEN json_valid(NEW.after) THEN NEW.after ELSE '{}' END), '$.tlp'), json_extract((CASE WHEN json_valid(NEW.after) THEN NEW.after ELSE '{}' END), '$.beneficiary_org_id'),
           json_extract((CASE WHEN json_valid(NEW.after) THEN NEW.after ELSE '{}' END), '$.donor_org_id'), json_extract((CASE WHEN json_valid(NEW.after) THEN NEW.after ELSE '{}' END), '$.status'), json_extract((CASE WHEN json_valid(NEW.after) THEN NEW.after ELSE '{}' END), '$.validated_at')
    WHERE NEW.after IS NOT NULL AND json_valid(NEW.after) AND json_type((CASE WHEN json_valid(NEW.after) THEN NEW.after ELSE '{}' END)) = 'object' AND json_type((CASE WHEN json_valid(NEW.after) THEN NEW.after ELSE '{}' END), '$.tlp') = 'text';
    INSERT INTO audit_event_access (seq, org_id)
    SELECT NEW.seq, j.value
    FROM json_each((CASE WHEN json_valid(NEW.after) THEN NEW.after ELSE '{}' END), '$.shared_org_ids') j
    WHERE NEW.after IS NOT NULL AND json_valid(NEW.after) AND json_type((CASE WHEN json_valid(NEW.after) THEN NEW.after ELSE '{}' END)) = 'object' AND json_type((CASE WHEN json_valid(NEW.after) THEN NEW.after ELSE '{}' END), '$.tlp') = 'text' AND json_type((CASE WHEN json_valid(NEW.after) THEN NEW.after ELSE '{}' END), '$.shared_org_ids') = 'array';
    INSERT INTO audit_event_access (seq, user_id)
    SELECT NEW.seq, j.value
    FROM json_each((CASE WHEN json_valid(NEW.after) THEN NEW.after ELSE '{}' END), '$.named_user_ids') j
    WHERE NEW.after IS NOT NULL AND json_valid(NEW.after) AND json_type((CASE WHEN json_valid(NEW.after) THEN NEW.after ELSE '{}' END)) = 'object' AND json_type((CASE WHEN json_valid(NEW.after) THEN NEW.after ELSE '{}' END), '$.tlp') = 'text' AND json_type((CASE WHEN json_valid(NEW.after) THEN NEW.after ELSE '{}' END), '$.named_user_ids') = 'array';
END;
-- +goose StatementEnd
