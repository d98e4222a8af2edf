-- A version of the records deconfliction and matching read: requirements,
-- pledges and their access lists. Triggers advance it in the transaction of
-- every change to them, whichever statement makes it, so that a result
-- computed from the records at one version may be served again while the
-- version stands.

-- +goose Up
-- +goose StatementBegin
CREATE TABLE record_version (
    one INTEGER PRIMARY KEY CHECK (one = 1),
    n   INTEGER NOT NULL
);
INSERT INTO record_version (one, n) VALUES (1, 1);
CREATE TRIGGER record_version_requirements_insert AFTER INSERT ON requirements BEGIN UPDATE record_version SET n = n + 1; END;
CREATE TRIGGER record_version_requirements_update AFTER UPDATE ON requirements BEGIN UPDATE record_version SET n = n + 1; END;
CREATE TRIGGER record_version_requirements_delete AFTER DELETE ON requirements BEGIN UPDATE record_version SET n = n + 1; END;
CREATE TRIGGER record_version_pledges_insert AFTER INSERT ON pledges BEGIN UPDATE record_version SET n = n + 1; END;
CREATE TRIGGER record_version_pledges_update AFTER UPDATE ON pledges BEGIN UPDATE record_version SET n = n + 1; END;
CREATE TRIGGER record_version_pledges_delete AFTER DELETE ON pledges BEGIN UPDATE record_version SET n = n + 1; END;
CREATE TRIGGER record_version_grants_insert AFTER INSERT ON access_grants BEGIN UPDATE record_version SET n = n + 1; END;
CREATE TRIGGER record_version_grants_update AFTER UPDATE ON access_grants BEGIN UPDATE record_version SET n = n + 1; END;
CREATE TRIGGER record_version_grants_delete AFTER DELETE ON access_grants BEGIN UPDATE record_version SET n = n + 1; END;
-- +goose StatementEnd

-- +goose Down
-- +goose StatementBegin
DROP TRIGGER record_version_grants_delete;
DROP TRIGGER record_version_grants_update;
DROP TRIGGER record_version_grants_insert;
DROP TRIGGER record_version_pledges_delete;
DROP TRIGGER record_version_pledges_update;
DROP TRIGGER record_version_pledges_insert;
DROP TRIGGER record_version_requirements_delete;
DROP TRIGGER record_version_requirements_update;
DROP TRIGGER record_version_requirements_insert;
DROP TABLE record_version;
-- +goose StatementEnd
