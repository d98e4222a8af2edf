-- The audit log's states, as migration 00032 derives them, with each
-- event's state parsed twice instead of thirteen times. A json value is
-- kept as its text: every -> and ->> on it parses the whole state again,
-- and 00032's function applied twelve of them after its cast, under the
-- lock every writer waits for.
-- Here the state is checked once (the cast to json) and split into the
-- fields the policy reads once (json_to_record, whose fields are json
-- values of their own, each parsed on its own few bytes). A key given
-- twice reads its last value, as ->> and Go's decoder read it. What each
-- state yields is unchanged (TestAuditEventStates).

-- +goose Up
-- +goose StatementBegin
CREATE OR REPLACE FUNCTION audit_event_state(p_seq bigint, p_after text) RETURNS void LANGUAGE plpgsql AS $$
DECLARE
    j json;
    f record;
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
    IF json_typeof(j) = 'null' THEN
        RETURN;
    END IF;
    IF json_typeof(j) <> 'object' THEN
        INSERT INTO audit_event_states (seq, tlp) VALUES (p_seq, 'unreadable');
        RETURN;
    END IF;
    -- A field the state lacks, or holds as null, reads as NULL.
    SELECT * INTO f FROM json_to_record(j) AS x(tlp json, beneficiary_org_id json, donor_org_id json,
        status json, validated_at json, shared_org_ids json, named_user_ids json);
    IF f.tlp IS NULL THEN
        RETURN;
    END IF;
    IF json_typeof(f.tlp) <> 'string' THEN
        INSERT INTO audit_event_states (seq, tlp) VALUES (p_seq, 'unreadable');
        RETURN;
    END IF;
    INSERT INTO audit_event_states (seq, tlp, beneficiary_org_id, donor_org_id, status, validated_at)
    VALUES (p_seq, f.tlp #>> '{}', f.beneficiary_org_id #>> '{}', f.donor_org_id #>> '{}',
        f.status #>> '{}', f.validated_at #>> '{}');
    IF json_typeof(f.shared_org_ids) = 'array' THEN
        INSERT INTO audit_event_access (seq, org_id)
        SELECT p_seq, x FROM json_array_elements_text(f.shared_org_ids) x;
    END IF;
    IF json_typeof(f.named_user_ids) = 'array' THEN
        INSERT INTO audit_event_access (seq, user_id)
        SELECT p_seq, x FROM json_array_elements_text(f.named_user_ids) x;
    END IF;
END
$$;
-- +goose StatementEnd

-- +goose Down
-- +goose StatementBegin
CREATE OR REPLACE FUNCTION audit_event_state(p_seq bigint, p_after text) RETURNS void LANGUAGE plpgsql AS $$
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
-- +goose StatementEnd
