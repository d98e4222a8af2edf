package governance

import (
	"context"
	"time"

	"github.com/cyberaid/cyberaid/internal/model"
	"github.com/cyberaid/cyberaid/internal/policy"
	"github.com/cyberaid/cyberaid/internal/store"
)

// Store is the part of the database the service uses. Changes run in
// InTx on the whole of store.Queries: a command writes records of several
// kinds and its audit event in one transaction.
type Store interface {
	agendaLinks
	// InTx runs fn in one read-write transaction, committed if fn returns nil.
	InTx(ctx context.Context, fn func(q store.Queries) error) error
	Comments(ctx context.Context, proposalID string) ([]model.Comment, error)
	DueProposals(ctx context.Context, now time.Time) ([]string, error)
	ListMeetings(ctx context.Context) ([]model.Meeting, error)
	// ListOrganisations returns every organisation ordered by name.
	ListOrganisations(ctx context.Context) ([]model.Organisation, error)
	// ListProposals returns up to limit proposals matching f, newest first,
	// after the cursor ("" starts at the newest; limit <= 0 means all).
	ListProposals(ctx context.Context, f model.ProposalFilter, after string, limit int) ([]model.Proposal, error)
	ListRotations(ctx context.Context) ([]model.Rotation, error)
	// PageProposals and CountProposals apply the policy's decision
	// (policy.AudienceOf) in the database.
	PageProposals(ctx context.Context, f model.ProposalFilter, a policy.Audience, s model.Sort, after string, limit int) ([]model.Proposal, error)
	CountProposals(ctx context.Context, f model.ProposalFilter, a policy.Audience) (int, error)
	// MeetingByID locks the row for update inside a PostgreSQL transaction.
	MeetingByID(ctx context.Context, id string) (model.Meeting, error)
	// PageMeetings returns up to limit meetings, latest day first.
	PageMeetings(ctx context.Context, after string, limit int) ([]model.Meeting, error)
	// PageRotations returns up to limit periods in calendar order.
	PageRotations(ctx context.Context, after string, limit int) ([]model.Rotation, error)
	Positions(ctx context.Context, proposalID string) ([]model.Position, error)
	ProposalsToRemind(ctx context.Context, before time.Time) ([]string, error)
	Signatories(ctx context.Context, proposalID string) ([]model.Signatory, error)
}

// agendaLinks read the records an agenda item may link, to decide who may see it. A transaction's store.Queries has them too.
type agendaLinks interface {
	// ProposalByID locks the row for update inside a PostgreSQL transaction.
	ProposalByID(ctx context.Context, id string) (model.Proposal, error)
	// RequirementByID locks the row for update inside a PostgreSQL transaction.
	RequirementByID(ctx context.Context, id string) (model.Requirement, error)
	// PledgesForRequirements returns every pledge on the given requirements.
	PledgesForRequirements(ctx context.Context, requirementIDs []string) ([]model.Pledge, error)
}
