-- Result indicators of requirements with their reported values, and
-- documents attached to records: metadata, the bytes in fixed-size chunks
-- (so that neither an upload nor a download holds a whole file), and the
-- read log of downloads, kept apart from the change log.

-- +goose Up
CREATE TABLE indicators (
    id             text COLLATE "C" PRIMARY KEY,
    requirement_id text NOT NULL REFERENCES requirements (id),
    title          text NOT NULL CHECK (title <> ''),
    measure        text NOT NULL CHECK (measure IN ('unit', 'percentage')),
    unit_name      text NOT NULL DEFAULT '',
    baseline_value text NOT NULL,
    baseline_day   date NOT NULL,
    target_value   text NOT NULL,
    target_day     date NOT NULL,
    created_by     text NOT NULL REFERENCES users (id),
    created_at     timestamptz NOT NULL
);
CREATE INDEX indicators_requirement ON indicators (requirement_id);

CREATE TABLE indicator_values (
    id           text COLLATE "C" PRIMARY KEY,
    indicator_id text NOT NULL REFERENCES indicators (id),
    value        text NOT NULL,
    day          date NOT NULL,
    comment      text NOT NULL DEFAULT '',
    created_by   text NOT NULL REFERENCES users (id),
    created_at   timestamptz NOT NULL
);
CREATE INDEX indicator_values_indicator ON indicator_values (indicator_id, day);

CREATE TABLE documents (
    id              text COLLATE "C" PRIMARY KEY,
    record_type     text NOT NULL CHECK (record_type IN ('requirement', 'pledge', 'offer', 'lesson', 'proposal', 'meeting')),
    record_id       text NOT NULL,
    name            text NOT NULL CHECK (name <> ''),
    content_type    text NOT NULL,
    size            bigint NOT NULL CHECK (size > 0),
    sha256          text NOT NULL,
    tlp             text NOT NULL CHECK (tlp IN ('clear', 'green', 'amber', 'amber+strict', 'red')),
    uploaded_by     text NOT NULL REFERENCES users (id),
    uploader_org_id text NOT NULL REFERENCES organisations (id),
    created_at      timestamptz NOT NULL,
    -- A deleted document keeps its metadata, so that its events stay
    -- readable by its audience; its bytes are removed.
    deleted_at      timestamptz
);
CREATE INDEX documents_record ON documents (record_type, record_id);

CREATE TABLE document_blobs (
    document_id text NOT NULL REFERENCES documents (id) ON DELETE CASCADE,
    seq         bigint NOT NULL CHECK (seq >= 0),
    data        bytea NOT NULL,
    PRIMARY KEY (document_id, seq)
);

-- A read outlives the document it was of: no foreign key to documents.
CREATE TABLE document_reads (
    id          text COLLATE "C" PRIMARY KEY,
    document_id text NOT NULL,
    user_id     text REFERENCES users (id),
    org_id      text REFERENCES organisations (id),
    at          timestamptz NOT NULL
);
CREATE INDEX document_reads_document ON document_reads (document_id, at);

-- +goose Down
DROP TABLE document_reads;
DROP TABLE document_blobs;
DROP TABLE documents;
DROP TABLE indicator_values;
DROP TABLE indicators;
