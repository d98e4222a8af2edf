-- The front page reads, beside requirements, pledges and access lists, the
-- beneficiaries' receipts (lead times) and the organisations (names): a
-- change to them advances the records' version too, so that a front page
-- kept under a version is never older than the records it shows.

-- +goose Up
-- +goose StatementBegin
CREATE TRIGGER record_version_receipts AFTER INSERT OR UPDATE OR DELETE ON receipts FOR EACH STATEMENT EXECUTE FUNCTION record_version_advance();
CREATE TRIGGER record_version_organisations AFTER INSERT OR UPDATE OR DELETE ON organisations FOR EACH STATEMENT EXECUTE FUNCTION record_version_advance();
-- +goose StatementEnd

-- +goose Down
-- +goose StatementBegin
DROP TRIGGER record_version_organisations ON organisations;
DROP TRIGGER record_version_receipts ON receipts;
-- +goose StatementEnd
