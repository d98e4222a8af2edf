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
-- as the log's own reading does. The state is read as json, not jsonb,
-- which would refuse some texts Go's decoder reads. An event whose state is no record (none,
-- null, a milestone, a position) has no row.

-- +goose Up
-- +goose StatementBegin
CREATE TABLE audit_event_states (
    seq                bigint PRIMARY KEY,
    tlp                text NOT NULL,
    beneficiary_org_id text,
    donor_org_id       text,
    status             text,
    validated_at       text
);

-- The state's access lists: the organisations it was shared with and the
-- users it named.
CREATE TABLE audit_event_access (
    seq     bigint NOT NULL,
    org_id  text,
    user_id text
);
CREATE INDEX audit_event_access_seq ON audit_event_access (seq);

-- The log of one type in chain order: a page of it stops at its last event
-- instead of sorting every event of the type.
CREATE INDEX audit_events_type ON audit_events (object_type, seq);

CREATE FUNCTION audit_event_state(p_seq bigint, p_after text) RETURNS void LANGUAGE plpgsql AS $$
DECLARE
    j json;
BEGIN
    IF p_after IS NULL THEN
        RETURN;
    END IF;
    BEGIN
        j := p_after::json;
    EXCEPTION WHEN others THEN
        INSERT INTO audit_event_states (seq, tlp) VALUES (p_seq, 'unreadable');
        RETURN;
    END;
    IF json_typeof(j) = 'null' OR (json_typeof(j) = 'object' AND (j -> 'tlp' IS NULL OR json_typeof(j -> 'tlp') = 'null')) THEN
        RETURN;
    END IF;
    IF json_typeof(j) <> 'object' OR json_typeof(j -> 'tlp') <> 'string' THEN
        INSERT INTO audit_event_states (seq, tlp) VALUES (p_seq, 'unreadable');
        RETURN;
    END IF;
    INSERT INTO audit_event_states (seq, tlp, beneficiary_org_id, donor_org_id, status, validated_at)
    VALUES (p_seq, j ->> 'tlp', j ->> 'beneficiary_org_id', j ->> 'donor_org_id', j ->> 'status', j ->> 'validated_at');
    IF json_typeof(j -> 'shared_org_ids') = 'array' THEN
        INSERT INTO audit_event_access (seq, org_id)
        SELECT p_seq, x FROM json_array_elements_text(j -> 'shared_org_ids') x;
    END IF;
    IF json_typeof(j -> 'named_user_ids') = 'array' THEN
        INSERT INTO audit_event_access (seq, user_id)
        SELECT p_seq, x FROM json_array_elements_text(j -> 'named_user_ids') x;
    END IF;
END
$$;

CREATE FUNCTION audit_event_states_insert() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM audit_event_state(NEW.seq, NEW.after);
    RETURN NULL;
END
$$;
CREATE TRIGGER audit_event_states_insert AFTER INSERT ON audit_events
    FOR EACH ROW WHEN (NEW.after IS NOT NULL) EXECUTE FUNCTION audit_event_states_insert();

-- The events already written, by the same function.
SELECT audit_event_state(seq, after) FROM audit_events WHERE after IS NOT NULL ORDER BY seq;
-- +goose StatementEnd

-- +goose Down
-- +goose StatementBegin
DROP TRIGGER audit_event_states_insert ON audit_events;
DROP FUNCTION audit_event_states_insert();
DROP FUNCTION audit_event_state(bigint, text);
DROP INDEX audit_events_type;
DROP INDEX audit_event_access_seq;
DROP TABLE audit_event_access;
DROP TABLE audit_event_states;
-- +goose StatementEnd
