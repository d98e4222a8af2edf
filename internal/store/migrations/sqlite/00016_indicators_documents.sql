-- Result indicators of requirements with their reported values, and
-- documents attached to records: metadata, the bytes in fixed-size chunks
-- (so that neither an upload nor a download holds a whole file), and the
-- read log of downloads, kept apart from the change log.

-- +goose Up
CREATE TABLE indicators (
    id             TEXT PRIMARY KEY,
    requirement_id TEXT NOT NULL REFERENCES requirements (id),
    title          TEXT NOT NULL CHECK (title <> ''),
    measure        TEXT NOT NULL CHECK (measure IN ('unit', 'percentage')),
    unit_name      TEXT NOT NULL DEFAULT '',
    baseline_value TEXT NOT NULL,
    baseline_day   TEXT NOT NULL CHECK (baseline_day GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]'),
    target_value   TEXT NOT NULL,
    target_day     TEXT NOT NULL CHECK (target_day GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]'),
    created_by     TEXT NOT NULL REFERENCES users (id),
    created_at     TIMESTAMP NOT NULL
);
CREATE INDEX indicators_requirement ON indicators (requirement_id);

CREATE TABLE indicator_values (
    id           TEXT PRIMARY KEY,
    indicator_id TEXT NOT NULL REFERENCES indicators (id),
    value        TEXT NOT NULL,
    day          TEXT NOT NULL CHECK (day GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]'),
    comment      TEXT NOT NULL DEFAULT '',
    created_by   TEXT NOT NULL REFERENCES users (id),
    created_at   TIMESTAMP NOT NULL
);
CREATE INDEX indicator_values_indicator ON indicator_values (indicator_id, day);

CREATE TABLE documents (
    id              TEXT PRIMARY KEY,
    record_type     TEXT NOT NULL CHECK (record_type IN ('requirement', 'pledge', 'offer', 'lesson', 'proposal', 'meeting')),
    record_id       TEXT NOT NULL,
    name            TEXT NOT NULL CHECK (name <> ''),
    content_type    TEXT NOT NULL,
    size            INTEGER NOT NULL CHECK (size > 0),
    sha256          TEXT NOT NULL,
    tlp             TEXT NOT NULL CHECK (tlp IN ('clear', 'green', 'amber', 'amber+strict', 'red')),
    uploaded_by     TEXT NOT NULL REFERENCES users (id),
    uploader_org_id TEXT NOT NULL REFERENCES organisations (id),
    created_at      TIMESTAMP NOT NULL,
    -- A deleted document keeps its metadata, so that its events stay
    -- readable by its audience; its bytes are removed.
    deleted_at      TIMESTAMP
);
CREATE INDEX documents_record ON documents (record_type, record_id);

CREATE TABLE document_blobs (
    document_id TEXT NOT NULL REFERENCES documents (id) ON DELETE CASCADE,
    seq         INTEGER NOT NULL CHECK (seq >= 0),
    data        BLOB NOT NULL,
    PRIMARY KEY (document_id, seq)
);

-- A read outlives the document it was of: no foreign key to documents.
CREATE TABLE document_reads (
    id          TEXT PRIMARY KEY,
    document_id TEXT NOT NULL,
    user_id     TEXT REFERENCES users (id),
    org_id      TEXT REFERENCES organisations (id),
    at          TIMESTAMP NOT NULL
);
CREATE INDEX document_reads_document ON document_reads (document_id, at);

-- +goose Down
DROP TABLE document_reads;
DROP TABLE document_blobs;
DROP TABLE documents;
DROP TABLE indicator_values;
DROP TABLE indicators;
