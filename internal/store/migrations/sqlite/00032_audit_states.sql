-- What the policy reads of the record each audit event left, as the event's
-- state after the change shows it, so that the log's list and its total are
-- decided in the database (store/audit_audience.go). An event shows a record
-- as it was; the policy reads it as it is now and as the event left it, and
-- only the second could not be read without decoding every event.
--
-- The rows are derived from audit_events and written by a trigger in the
-- transaction that appends the event, whatever statement appends it. They
-- are kept apart from audit_events, whose rows are append-only and hashed:
-- nothing here is hashed, and the chain and the Merkle tree are unchanged.
--
-- A state is a record when it is a JSON object with a string "tlp" (the
-- log's Snapshot reads it so). A state that is not JSON, or not an object,
-- or has a "tlp" that is not a string, is unreadable: it hides its event,
-- as the log's own reading does. An event whose state is no record (none,
-- null, a milestone, a position) has no row.

-- +goose Up
-- +goose StatementBegin
CREATE TABLE audit_event_states (
    seq                INTEGER PRIMARY KEY,
    tlp                TEXT NOT NULL,
    beneficiary_org_id TEXT,
    donor_org_id       TEXT,
    status             TEXT,
    validated_at       TEXT
);

-- The state's access lists: the organisations it was shared with and the
-- users it named.
CREATE TABLE audit_event_access (
    seq     INTEGER NOT NULL,
    org_id  TEXT,
    user_id TEXT
);
CREATE INDEX audit_event_access_seq ON audit_event_access (seq);

-- The log of one type in chain order: a page of it stops at its last event
-- instead of sorting every event of the type.
CREATE INDEX audit_events_type ON audit_events (object_type, seq);

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

-- The events already written, by the same formulas.
    INSERT INTO audit_event_states (seq, tlp)
    SELECT e.seq, 'unreadable'
    FROM audit_events e
    WHERE e.after IS NOT NULL AND CASE WHEN json_valid(e.after) THEN json_type(e.after) NOT IN ('object', 'null')
        OR (json_type(e.after) = 'object' AND json_type(e.after, '$.tlp') NOT IN ('text', 'null')) ELSE 1 END;
    INSERT INTO audit_event_states (seq, tlp, beneficiary_org_id, donor_org_id, status, validated_at)
    SELECT e.seq, json_extract((CASE WHEN json_valid(e.after) THEN e.after ELSE '{}' END), '$.tlp'), json_extract((CASE WHEN json_valid(e.after) THEN e.after ELSE '{}' END), '$.beneficiary_org_id'),
           json_extract((CASE WHEN json_valid(e.after) THEN e.after ELSE '{}' END), '$.donor_org_id'), json_extract((CASE WHEN json_valid(e.after) THEN e.after ELSE '{}' END), '$.status'), json_extract((CASE WHEN json_valid(e.after) THEN e.after ELSE '{}' END), '$.validated_at')
    FROM audit_events e
    WHERE e.after IS NOT NULL AND json_valid(e.after) AND json_type((CASE WHEN json_valid(e.after) THEN e.after ELSE '{}' END)) = 'object' AND json_type((CASE WHEN json_valid(e.after) THEN e.after ELSE '{}' END), '$.tlp') = 'text';
    INSERT INTO audit_event_access (seq, org_id)
    SELECT e.seq, j.value
    FROM audit_events e, json_each((CASE WHEN json_valid(e.after) THEN e.after ELSE '{}' END), '$.shared_org_ids') j
    WHERE e.after IS NOT NULL AND json_valid(e.after) AND json_type((CASE WHEN json_valid(e.after) THEN e.after ELSE '{}' END)) = 'object' AND json_type((CASE WHEN json_valid(e.after) THEN e.after ELSE '{}' END), '$.tlp') = 'text' AND json_type((CASE WHEN json_valid(e.after) THEN e.after ELSE '{}' END), '$.shared_org_ids') = 'array';
    INSERT INTO audit_event_access (seq, user_id)
    SELECT e.seq, j.value
    FROM audit_events e, json_each((CASE WHEN json_valid(e.after) THEN e.after ELSE '{}' END), '$.named_user_ids') j
    WHERE e.after IS NOT NULL AND json_valid(e.after) AND json_type((CASE WHEN json_valid(e.after) THEN e.after ELSE '{}' END)) = 'object' AND json_type((CASE WHEN json_valid(e.after) THEN e.after ELSE '{}' END), '$.tlp') = 'text' AND json_type((CASE WHEN json_valid(e.after) THEN e.after ELSE '{}' END), '$.named_user_ids') = 'array';
-- +goose StatementEnd

-- +goose Down
-- +goose StatementBegin
DROP TRIGGER audit_event_states_insert;
DROP INDEX audit_events_type;
DROP INDEX audit_event_access_seq;
DROP TABLE audit_event_access;
DROP TABLE audit_event_states;
-- +goose StatementEnd
