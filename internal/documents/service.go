// Package documents keeps files attached to records: requirements,
// pledges, offers, lessons, proposals and meetings. A file's type is sniffed
// from its bytes against an allow-list, its label is never laxer than its
// record's, and every download is written to a read log.
package documents

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"path"
	"strings"
	"time"

	"github.com/cyberaid/cyberaid/internal/audit"
	"github.com/cyberaid/cyberaid/internal/model"
	"github.com/cyberaid/cyberaid/internal/policy"
	"github.com/cyberaid/cyberaid/internal/store"
)

// DefaultMaxSize is the largest file accepted unless the deployment says
// otherwise.
const DefaultMaxSize = 25 << 20

// MaxName bounds a file's name.
const MaxName = 200

// Records describes the record of a kind and id to the policy;
// ErrNotFound for one that does not exist.
type Records func(ctx context.Context, kind model.DocumentRecord, id string) (policy.Resource, error)

type Service struct {
	store   Store
	records Records
	now     func() time.Time
	// MaxSize is the largest file accepted, in bytes.
	MaxSize int64
}

func NewService(s Store, now func() time.Time, records Records) *Service {
	return &Service{store: s, records: records, now: now, MaxSize: DefaultMaxSize}
}

// Upload is a file as it arrived: its name, the label asked for (nil: the
// record's), and its bytes, read in place (a spooled file, say) so that
// the service never copies them whole.
type Upload struct {
	Name    string
	TLP     *model.TLP
	Content io.ReaderAt
	Size    int64
}

// record describes the record v means, or ErrNotFound when v may not see it.
func (s *Service) record(ctx context.Context, v policy.Viewer, kind model.DocumentRecord, id string) (policy.Resource, error) {
	if !kind.Valid() {
		return policy.Resource{}, model.ErrNotFound
	}
	res, err := s.records(ctx, kind, id)
	if err != nil {
		return policy.Resource{}, err
	}
	if !policy.Visible(v, res) {
		return policy.Resource{}, model.ErrNotFound
	}
	return res, nil
}

// cleanName keeps the last element of a path a browser may send, and
// refuses a name that is empty, too long or not plain text.
func cleanName(name string) (string, error) {
	name = strings.ReplaceAll(name, "\\", "/")
	name = path.Base(strings.TrimSpace(name))
	if name == "." || name == "/" {
		name = ""
	}
	n, err := model.CleanText("file", name, 1, MaxName)
	if err != nil {
		return "", model.Invalid("file", "needs a file name of 1 to %d characters without control characters", MaxName)
	}
	if strings.ContainsAny(n, "\r\n\"") {
		return "", model.Invalid("file", "the file name must not hold quotes or line breaks")
	}
	return n, nil
}

// Create attaches a file to a record v may act on.
func (s *Service) Create(ctx context.Context, v policy.Viewer, kind model.DocumentRecord, recordID string, up Upload) (model.Document, error) {
	rec, err := s.uploadTo(ctx, v, kind, recordID)
	if err != nil {
		return model.Document{}, err
	}
	d := model.Document{
		RecordType: kind, RecordID: recordID, TLP: rec.TLP, Size: up.Size,
		UploadedBy: v.UserID, UploaderOrgID: v.Org.ID, CreatedAt: s.now().UTC(),
	}
	// The label and the file are judged together, so that one answer
	// names every fault.
	var errs []error
	if up.TLP != nil && *up.TLP != "" {
		switch {
		case !up.TLP.Valid():
			errs = append(errs, model.Invalid("tlp", "%q is not a TLP label; use clear, green, amber, amber+strict or red", *up.TLP))
		case policy.Stricter(*up.TLP, rec.TLP) != *up.TLP:
			errs = append(errs, model.Broken("tlp", "laxer_than_record", "a document's label may not be laxer than its record's (%s)", rec.TLP))
		default:
			d.TLP = *up.TLP
		}
	}
	switch {
	case up.Content == nil || up.Size <= 0:
		errs = append(errs, model.Invalid("file", "is required and must not be empty"))
	case up.Size > s.MaxSize:
		errs = append(errs, TooLarge(s.MaxSize))
	default:
		var err error
		if d.Name, err = cleanName(up.Name); err != nil {
			errs = append(errs, err)
		} else if d.ContentType, err = Sniff(d.Name, up.Content, up.Size); err != nil {
			errs = append(errs, err)
		}
	}
	if err := model.Collect(errs...); err != nil {
		return model.Document{}, err
	}
	h := sha256.New()
	if _, err := io.Copy(h, io.NewSectionReader(up.Content, 0, up.Size)); err != nil {
		return model.Document{}, fmt.Errorf("hash the upload: %w", err)
	}
	d.SHA256 = hex.EncodeToString(h.Sum(nil))
	err = s.store.InTx(ctx, func(q store.Queries) error {
		if err := q.CreateDocument(ctx, &d); err != nil {
			return err
		}
		buf := make([]byte, store.DocumentChunkSize)
		r := io.NewSectionReader(up.Content, 0, up.Size)
		for seq := 0; ; seq++ {
			n, err := io.ReadFull(r, buf)
			if n > 0 {
				if err := q.PutDocumentChunk(ctx, d.ID, seq, buf[:n]); err != nil {
					return err
				}
			}
			if errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) {
				break
			}
			if err != nil {
				return fmt.Errorf("read the upload: %w", err)
			}
		}
		_, err := audit.Record(ctx, q, s.now(), audit.By(v), audit.Change{Action: "document.create", ObjectType: "document", ObjectID: d.ID, After: &d})
		return err
	})
	return d, model.Unexpected(err, "attach a document to %s %s", kind, recordID)
}

// TooLarge is the refusal of a file past the limit.
func TooLarge(limit int64) error {
	return model.Broken("file", "document_too_large", "the file is larger than the %d MB a document may have", limit>>20)
}

// List returns the documents of a record that v may see; a record v may
// not see is ErrNotFound.
func (s *Service) List(ctx context.Context, v policy.Viewer, kind model.DocumentRecord, recordID string) ([]model.Document, error) {
	rec, err := s.record(ctx, v, kind, recordID)
	if err != nil {
		return nil, err
	}
	all, err := s.store.DocumentsFor(ctx, kind, recordID)
	if err != nil {
		return nil, err
	}
	out := []model.Document{}
	for _, d := range all {
		if policy.DocumentVisible(v, d, rec) {
			out = append(out, d)
		}
	}
	return out, nil
}

// CanUpload reports whether v may attach files to the record, for pages
// deciding whether to offer the form; an error is a failure to decide, not
// a refusal.
func (s *Service) CanUpload(ctx context.Context, v policy.Viewer, kind model.DocumentRecord, recordID string) (bool, error) {
	err := s.CheckUpload(ctx, v, kind, recordID)
	if errors.Is(err, model.ErrNotFound) || errors.Is(err, model.ErrForbidden) || errors.Is(err, model.ErrUnauthenticated) {
		return false, nil
	}
	return err == nil, err
}

// CheckUpload answers, before any byte of a file is read, what Create
// would answer about the record: ErrNotFound for one v may not see, as for
// one that does not exist, and ErrForbidden for one v sees but may not
// attach files to.
func (s *Service) CheckUpload(ctx context.Context, v policy.Viewer, kind model.DocumentRecord, recordID string) error {
	_, err := s.uploadTo(ctx, v, kind, recordID)
	return err
}

func (s *Service) uploadTo(ctx context.Context, v policy.Viewer, kind model.DocumentRecord, recordID string) (policy.Resource, error) {
	if err := policy.Require(v, policy.DocumentsUpload); err != nil {
		return policy.Resource{}, err
	}
	rec, err := s.record(ctx, v, kind, recordID)
	if err != nil {
		return policy.Resource{}, err
	}
	return rec, policy.Authorize(v, policy.DocumentsUpload, rec)
}

// CanDelete reports whether v may delete d, a document of a record
// described by rec.
func CanDelete(v policy.Viewer, d model.Document, rec policy.Resource) bool {
	return policy.Authorize(v, policy.DocumentsDelete, policy.DocumentResource(d, rec)) == nil
}

// Get returns a document v may see, with its record's description; any
// other is ErrNotFound.
func (s *Service) Get(ctx context.Context, v policy.Viewer, id string) (model.Document, policy.Resource, error) {
	d, err := s.store.DocumentByID(ctx, id)
	if err != nil {
		return model.Document{}, policy.Resource{}, err
	}
	if d.DeletedAt != nil {
		return model.Document{}, policy.Resource{}, model.ErrNotFound
	}
	rec, err := s.record(ctx, v, d.RecordType, d.RecordID)
	if err != nil {
		return model.Document{}, policy.Resource{}, err
	}
	if !policy.DocumentVisible(v, d, rec) {
		return model.Document{}, policy.Resource{}, model.ErrNotFound
	}
	return d, rec, nil
}

// Open is a download: it writes the read to the read log first, then
// returns the document and its bytes to stream.
func (s *Service) Open(ctx context.Context, v policy.Viewer, id string) (model.Document, *Content, error) {
	d, _, err := s.Get(ctx, v, id)
	if err != nil {
		return model.Document{}, nil, err
	}
	err = s.store.InTx(ctx, func(q store.Queries) error {
		return q.AddDocumentRead(ctx, &model.DocumentRead{DocumentID: d.ID, UserID: v.UserID, OrgID: v.Org.ID, At: s.now().UTC()})
	})
	if err != nil {
		return model.Document{}, nil, model.Unexpected(err, "record a read of document %s", id)
	}
	return d, &Content{store: s.store, id: d.ID}, nil
}

// Content streams a document's bytes chunk by chunk.
type Content struct {
	store Store
	id    string
}

// WriteTo writes the bytes to w, holding one chunk at a time.
func (c *Content) WriteTo(ctx context.Context, w io.Writer) (int64, error) {
	var n int64
	for seq := 0; ; seq++ {
		b, err := c.store.DocumentChunk(ctx, c.id, seq)
		if errors.Is(err, model.ErrNotFound) {
			return n, nil
		}
		if err != nil {
			return n, err
		}
		m, err := w.Write(b)
		n += int64(m)
		if err != nil {
			return n, err
		}
	}
}

// Reads returns the read log of a document v may see.
func (s *Service) Reads(ctx context.Context, v policy.Viewer, id string) ([]model.DocumentRead, error) {
	if _, _, err := s.Get(ctx, v, id); err != nil {
		return nil, err
	}
	return s.store.DocumentReads(ctx, id)
}

// Delete removes a document: its uploader's organisation or a coordinator.
func (s *Service) Delete(ctx context.Context, v policy.Viewer, id string) (model.Document, error) {
	if err := policy.Require(v, policy.DocumentsDelete); err != nil {
		return model.Document{}, err
	}
	d, rec, err := s.Get(ctx, v, id)
	if err != nil {
		return model.Document{}, err
	}
	if err := policy.Authorize(v, policy.DocumentsDelete, policy.DocumentResource(d, rec)); err != nil {
		return model.Document{}, err
	}
	err = s.store.InTx(ctx, func(q store.Queries) error {
		now := s.now().UTC()
		if err := q.DeleteDocument(ctx, d.ID, now); err != nil {
			return err
		}
		_, err := audit.Record(ctx, q, now, audit.By(v), audit.Change{Action: "document.delete", ObjectType: "document", ObjectID: d.ID, Before: &d})
		return err
	})
	return d, model.Unexpected(err, "delete document %s", id)
}

// AuditObject describes a document to the audit log: its events are read
// by whoever may read the document and its record, a deleted one as it was.
func (s *Service) AuditObject(ctx context.Context, id string) (audit.Object, error) {
	d, err := s.store.DocumentByID(ctx, id)
	if err != nil {
		return audit.Object{}, err
	}
	rec, err := s.records(ctx, d.RecordType, d.RecordID)
	if err != nil {
		return audit.Object{}, err
	}
	return audit.Object{
		Now: policy.DocumentResource(d, rec),
		Derived: func(context.Context, model.AuditEvent) ([]policy.Resource, error) {
			return []policy.Resource{rec}, nil
		},
	}, nil
}
