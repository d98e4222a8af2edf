package store

import (
	"context"
	"time"

	"github.com/cyberaid/cyberaid/internal/model"
)

// Documents keeps files attached to records: their metadata, their bytes in
// chunks of at most DocumentChunkSize, and the log of their downloads.
type Documents interface {
	CreateDocument(ctx context.Context, d *model.Document) error
	DocumentByID(ctx context.Context, id string) (model.Document, error)
	// DocumentsFor returns the documents of one record, oldest first,
	// without the deleted ones.
	DocumentsFor(ctx context.Context, recordType model.DocumentRecord, recordID string) ([]model.Document, error)
	// DeleteDocument removes a document's bytes and marks it deleted at
	// the given time; its metadata and reads stay for the logs.
	DeleteDocument(ctx context.Context, id string, at time.Time) error
	// PutDocumentChunk stores the chunk seq (from 0) of a document's bytes.
	PutDocumentChunk(ctx context.Context, documentID string, seq int, data []byte) error
	// DocumentChunk returns the chunk seq of a document's bytes;
	// ErrNotFound past the last one.
	DocumentChunk(ctx context.Context, documentID string, seq int) ([]byte, error)
	AddDocumentRead(ctx context.Context, r *model.DocumentRead) error
	// DocumentReads returns the reads of a document, oldest first.
	DocumentReads(ctx context.Context, documentID string) ([]model.DocumentRead, error)
}

// DocumentChunkSize is the most bytes one stored chunk holds: an upload or a
// download holds one chunk in memory, never a whole file.
const DocumentChunkSize = 1 << 20

const documentColumns = `id, record_type, record_id, name, content_type, size, sha256, tlp, uploaded_by, uploader_org_id, created_at, deleted_at`

func scanDocument(s scanner) (model.Document, error) {
	var d model.Document
	err := s.Scan(&d.ID, &d.RecordType, &d.RecordID, &d.Name, &d.ContentType, &d.Size, &d.SHA256, &d.TLP,
		&d.UploadedBy, &d.UploaderOrgID, instant{&d.CreatedAt}, nullInstant{&d.DeletedAt})
	return d, err
}

func (q *queries) CreateDocument(ctx context.Context, d *model.Document) error {
	if d.ID == "" {
		d.ID = NewID()
	}
	if d.CreatedAt.IsZero() {
		d.CreatedAt = time.Now()
	}
	d.CreatedAt = instantOf(d.CreatedAt)
	_, err := q.wr.exec(ctx, `INSERT INTO documents (`+documentColumns+`) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		d.ID, d.RecordType, d.RecordID, d.Name, d.ContentType, d.Size, d.SHA256, d.TLP, d.UploadedBy, d.UploaderOrgID, d.CreatedAt, d.DeletedAt)
	return dbErr(err, "add document to %s %s", d.RecordType, d.RecordID)
}

func (q *queries) DocumentByID(ctx context.Context, id string) (model.Document, error) {
	d, err := scanDocument(q.rd.row(ctx, `SELECT `+documentColumns+` FROM documents WHERE id = ?`+q.forUpdate(), id))
	return d, dbErr(err, "document %s", id)
}

func (q *queries) DocumentsFor(ctx context.Context, recordType model.DocumentRecord, recordID string) ([]model.Document, error) {
	ds, err := queryAll(ctx, q.rd, scanDocument, `SELECT `+documentColumns+` FROM documents WHERE record_type = ? AND record_id = ? AND deleted_at IS NULL ORDER BY id`, recordType, recordID)
	return ds, dbErr(err, "documents of %s %s", recordType, recordID)
}

func (q *queries) DeleteDocument(ctx context.Context, id string, at time.Time) error {
	return q.atomic(ctx, func(q *queries) error {
		if _, err := q.wr.exec(ctx, `DELETE FROM document_blobs WHERE document_id = ?`, id); err != nil {
			return dbErr(err, "delete the bytes of document %s", id)
		}
		return dbErr(q.wr.execOne(ctx, `UPDATE documents SET deleted_at = ? WHERE id = ? AND deleted_at IS NULL`, instantOf(at), id), "delete document %s", id)
	})
}

func (q *queries) PutDocumentChunk(ctx context.Context, documentID string, seq int, data []byte) error {
	_, err := q.wr.exec(ctx, `INSERT INTO document_blobs (document_id, seq, data) VALUES (?, ?, ?)`, documentID, seq, data)
	return dbErr(err, "store chunk %d of document %s", seq, documentID)
}

func (q *queries) DocumentChunk(ctx context.Context, documentID string, seq int) ([]byte, error) {
	var data []byte
	err := q.rd.row(ctx, `SELECT data FROM document_blobs WHERE document_id = ? AND seq = ?`, documentID, seq).Scan(&data)
	return data, dbErr(err, "chunk %d of document %s", seq, documentID)
}

const documentReadColumns = `id, document_id, user_id, org_id, at`

func (q *queries) AddDocumentRead(ctx context.Context, r *model.DocumentRead) error {
	if r.ID == "" {
		r.ID = NewID()
	}
	if r.At.IsZero() {
		r.At = time.Now()
	}
	r.At = instantOf(r.At)
	_, err := q.wr.exec(ctx, `INSERT INTO document_reads (`+documentReadColumns+`) VALUES (?, ?, ?, ?, ?)`,
		r.ID, r.DocumentID, nullIfEmpty(r.UserID), nullIfEmpty(r.OrgID), r.At)
	return dbErr(err, "record a read of document %s", r.DocumentID)
}

func (q *queries) DocumentReads(ctx context.Context, documentID string) ([]model.DocumentRead, error) {
	rs, err := queryAll(ctx, q.rd, func(s scanner) (model.DocumentRead, error) {
		var r model.DocumentRead
		var user, org *string
		err := s.Scan(&r.ID, &r.DocumentID, &user, &org, instant{&r.At})
		if user != nil {
			r.UserID = *user
		}
		if org != nil {
			r.OrgID = *org
		}
		return r, err
	}, `SELECT `+documentReadColumns+` FROM document_reads WHERE document_id = ? ORDER BY at, id`, documentID)
	return rs, dbErr(err, "reads of document %s", documentID)
}
