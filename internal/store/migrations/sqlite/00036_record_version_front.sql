-- The front page reads, beside requirements, pledges and access lists, the
-- beneficiaries' receipts (lead times) and the organisations (names): a
-- change to them advances the records' version too, so that a front page
-- kept under a version is never older than the records it shows.

-- +goose Up
-- +goose StatementBegin
CREATE TRIGGER record_version_receipts_insert AFTER INSERT ON receipts BEGIN UPDATE record_version SET n = n + 1; END;
CREATE TRIGGER record_version_receipts_update AFTER UPDATE ON receipts BEGIN UPDATE record_version SET n = n + 1; END;
CREATE TRIGGER record_version_receipts_delete AFTER DELETE ON receipts BEGIN UPDATE record_version SET n = n + 1; END;
CREATE TRIGGER record_version_organisations_insert AFTER INSERT ON organisations BEGIN UPDATE record_version SET n = n + 1; END;
CREATE TRIGGER record_version_organisations_update AFTER UPDATE ON organisations BEGIN UPDATE record_version SET n = n + 1; END;
CREATE TRIGGER record_version_organisations_delete AFTER DELETE ON organisations BEGIN UPDATE record_version SET n = n + 1; END;
-- +goose StatementEnd

-- +goose Down
-- +goose StatementBegin
DROP TRIGGER record_version_organisations_delete;
DROP TRIGGER record_version_organisations_update;
DROP TRIGGER record_version_organisations_insert;
DROP TRIGGER record_version_receipts_delete;
DROP TRIGGER record_version_receipts_update;
DROP TRIGGER record_version_receipts_insert;
-- +goose StatementEnd
