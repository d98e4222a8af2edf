package web

import (
	"net/http"

	"github.com/cyberaid/cyberaid/internal/documents"
	"github.com/cyberaid/cyberaid/internal/model"
	"github.com/cyberaid/cyberaid/internal/policy"
)

// recordPages are the templates of the records that carry documents, and
// the kind of record each shows; a page whose path names no record (the
// meetings list) has none.
var recordPages = map[string]model.DocumentRecord{
	"requirement": model.DocOnRequirement,
	"pledge":      model.DocOnPledge,
	"offer":       model.DocOnOffer,
	"lesson":      model.DocOnLesson,
	"proposal":    model.DocOnProposal,
	"meetings":    model.DocOnMeeting,
}

// recordDocuments is the documents section of a record page.
type recordDocuments struct {
	Kind      model.DocumentRecord
	RecordID  string
	Items     []documentRow
	CanUpload bool
	// TLPs are the labels an upload may take: the record's and stricter.
	TLPs      []model.TLP
	RecordTLP model.TLP
	MaxMB     int64
	// Form is the upload as sent when it was refused.
	Form documentForm
}

type documentRow struct {
	model.Document
	CanDelete bool
}

// recordExtras adds to a record page what hangs on the record: its
// documents, and a requirement's results.
func (s *Server) recordExtras(r *http.Request, page string, lay *layout) error {
	kind, ok := recordPages[page]
	id := r.PathValue("id")
	if !ok || id == "" || lay.Record != nil {
		return nil
	}
	v := viewerOf(r)
	ds, err := s.Documents.List(r.Context(), v, kind, id)
	if err != nil {
		return err
	}
	rec, err := s.Audit.Resource(r.Context(), string(kind), id)
	if err != nil {
		return err
	}
	block := &recordDocuments{Kind: kind, RecordID: id, RecordTLP: rec.TLP, MaxMB: s.Documents.MaxSize >> 20}
	if block.CanUpload, err = s.Documents.CanUpload(r.Context(), v, kind, id); err != nil {
		return err
	}
	for _, d := range ds {
		block.Items = append(block.Items, documentRow{Document: d, CanDelete: documents.CanDelete(v, d, rec)})
	}
	for _, t := range model.TLPs {
		if policy.Stricter(t, rec.TLP) == t {
			block.TLPs = append(block.TLPs, t)
		}
	}
	lay.Record = &recordExtras{Documents: block}
	if kind == model.DocOnRequirement {
		if lay.Record.Results, err = s.requirementResults(r, id, rec); err != nil {
			return err
		}
	}
	if rf := refusedOf(r); rf != nil {
		lay.Record.Summary = rf.summary
		if rf.document != nil {
			block.Form = *rf.document
		}
		if res := lay.Record.Results; res != nil {
			if rf.indicator != nil {
				res.New = *rf.indicator
			}
			if rf.value != nil {
				res.Value = *rf.value
			}
		}
	}
	return nil
}

// recordPath is the page of a record.
func recordPath(kind model.DocumentRecord, id string) string {
	return "/" + kind.Path() + "/" + id
}

func (s *Server) uploadDocument(kind model.DocumentRecord) handler {
	return func(w http.ResponseWriter, r *http.Request) error {
		up, done, ferr := uploadOf(r)
		if done == nil {
			return ferr
		}
		defer done()
		id := r.PathValue("id")
		_, err := s.Documents.Create(r.Context(), viewerOf(r), kind, id, up)
		if ferr != nil {
			// An upload without a file is refused by the service, which
			// names the label's faults with it.
			err = model.Collect(ferr, err)
		}
		if err != nil {
			rf := &refusedForm{document: &documentForm{TLP: r.FormValue("tlp")}}
			return s.showRefused(w, r, kind, documentFields, documentAliases, rf, err)
		}
		return seeOther(w, r, recordPath(kind, id)+"#documents")
	}
}

func (s *Server) deleteDocument(w http.ResponseWriter, r *http.Request) error {
	d, err := s.Documents.Delete(r.Context(), viewerOf(r), r.PathValue("id"))
	if err != nil {
		return err
	}
	return seeOther(w, r, recordPath(d.RecordType, d.RecordID)+"#documents")
}
