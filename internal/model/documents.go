package model

import (
	"slices"
	"time"
)

// DocumentRecord names the kind of record a document is attached to; it is
// also the record's object type in the audit log.
type DocumentRecord string

const (
	DocOnRequirement DocumentRecord = "requirement"
	DocOnPledge      DocumentRecord = "pledge"
	DocOnOffer       DocumentRecord = "offer"
	DocOnLesson      DocumentRecord = "lesson"
	DocOnProposal    DocumentRecord = "proposal"
	DocOnMeeting     DocumentRecord = "meeting"
)

var DocumentRecords = []DocumentRecord{DocOnRequirement, DocOnPledge, DocOnOffer, DocOnLesson, DocOnProposal, DocOnMeeting}

func (k DocumentRecord) Valid() bool { return slices.Contains(DocumentRecords, k) }

// Path is the record's collection in URLs: "requirements", "pledges", …
func (k DocumentRecord) Path() string { return string(k) + "s" }

// DocumentRecordOfPath reads a collection name of a URL.
func DocumentRecordOfPath(p string) (DocumentRecord, bool) {
	for _, k := range DocumentRecords {
		if k.Path() == p {
			return k, true
		}
	}
	return "", false
}

// Document is a file attached to a record. Its label is never laxer than
// its record's; its bytes are kept apart and read only by a download.
type Document struct {
	ID            string         `json:"id"`
	RecordType    DocumentRecord `json:"record_type"`
	RecordID      string         `json:"record_id"`
	Name          string         `json:"name"`
	ContentType   string         `json:"content_type"`
	Size          int64          `json:"size"`
	SHA256        string         `json:"sha256"`
	TLP           TLP            `json:"tlp"`
	UploadedBy    string         `json:"uploaded_by"`
	UploaderOrgID string         `json:"uploader_org_id"`
	CreatedAt     time.Time      `json:"created_at"`
	// DeletedAt is when the document was removed; a removed document is
	// found by no one but the audit log.
	DeletedAt *time.Time `json:"deleted_at,omitempty"`
}

// DocumentRead records one download: who read which document, when.
type DocumentRead struct {
	ID         string    `json:"id"`
	DocumentID string    `json:"document_id"`
	UserID     string    `json:"user_id,omitempty"`
	OrgID      string    `json:"org_id,omitempty"`
	At         time.Time `json:"at"`
}
