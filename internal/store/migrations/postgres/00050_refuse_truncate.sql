-- A TRUNCATE fires no row trigger. The row triggers on these tables keep
-- the pledges' totals and classes, the versions and change marks that what
-- a server keeps follows, and the search index in step with their rows: a
-- TRUNCATE, of one of them or by CASCADE from another, would leave those
-- counting rows that are gone. It is refused, as on the audit log; DELETE
-- the rows instead, which every trigger follows.

-- +goose Up
-- +goose StatementBegin
CREATE FUNCTION refuse_truncate() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'TRUNCATE of % is refused: the totals, versions and search index that follow its rows would not; delete its rows instead', TG_TABLE_NAME
        USING ERRCODE = 'prohibited_sql_statement_attempted';
END
$$;
CREATE TRIGGER access_grants_no_truncate BEFORE TRUNCATE ON access_grants FOR EACH STATEMENT EXECUTE FUNCTION refuse_truncate();
CREATE TRIGGER lessons_no_truncate BEFORE TRUNCATE ON lessons FOR EACH STATEMENT EXECUTE FUNCTION refuse_truncate();
CREATE TRIGGER meetings_no_truncate BEFORE TRUNCATE ON meetings FOR EACH STATEMENT EXECUTE FUNCTION refuse_truncate();
CREATE TRIGGER offers_no_truncate BEFORE TRUNCATE ON offers FOR EACH STATEMENT EXECUTE FUNCTION refuse_truncate();
CREATE TRIGGER organisations_no_truncate BEFORE TRUNCATE ON organisations FOR EACH STATEMENT EXECUTE FUNCTION refuse_truncate();
CREATE TRIGGER pledges_no_truncate BEFORE TRUNCATE ON pledges FOR EACH STATEMENT EXECUTE FUNCTION refuse_truncate();
CREATE TRIGGER proposals_no_truncate BEFORE TRUNCATE ON proposals FOR EACH STATEMENT EXECUTE FUNCTION refuse_truncate();
CREATE TRIGGER receipts_no_truncate BEFORE TRUNCATE ON receipts FOR EACH STATEMENT EXECUTE FUNCTION refuse_truncate();
CREATE TRIGGER requirements_no_truncate BEFORE TRUNCATE ON requirements FOR EACH STATEMENT EXECUTE FUNCTION refuse_truncate();
CREATE TRIGGER search_documents_no_truncate BEFORE TRUNCATE ON search_documents FOR EACH STATEMENT EXECUTE FUNCTION refuse_truncate();
CREATE TRIGGER validations_no_truncate BEFORE TRUNCATE ON validations FOR EACH STATEMENT EXECUTE FUNCTION refuse_truncate();
-- +goose StatementEnd

-- +goose Down
-- +goose StatementBegin
DROP TRIGGER validations_no_truncate ON validations;
DROP TRIGGER search_documents_no_truncate ON search_documents;
DROP TRIGGER requirements_no_truncate ON requirements;
DROP TRIGGER receipts_no_truncate ON receipts;
DROP TRIGGER proposals_no_truncate ON proposals;
DROP TRIGGER pledges_no_truncate ON pledges;
DROP TRIGGER organisations_no_truncate ON organisations;
DROP TRIGGER offers_no_truncate ON offers;
DROP TRIGGER meetings_no_truncate ON meetings;
DROP TRIGGER lessons_no_truncate ON lessons;
DROP TRIGGER access_grants_no_truncate ON access_grants;
DROP FUNCTION refuse_truncate();
-- +goose StatementEnd
