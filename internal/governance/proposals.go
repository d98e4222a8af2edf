package governance

import (
	"context"
	"errors"
	"time"

	"github.com/cyberaid/cyberaid/internal/audit"
	"github.com/cyberaid/cyberaid/internal/model"
	"github.com/cyberaid/cyberaid/internal/policy"
	"github.com/cyberaid/cyberaid/internal/store"
)

// Input is a new proposal as its proposer writes it.
type Input struct {
	Kind         *model.ProposalKind `json:"kind"`
	Title        *string             `json:"title"`
	Text         *string             `json:"text"`
	Procedure    *model.Procedure    `json:"procedure"`
	Deadline     *time.Time          `json:"deadline"`
	TLP          *model.TLP          `json:"tlp"`
	SubjectOrgID *string             `json:"subject_org_id"`
}

// MinNotice is the shortest time members get to answer; MaxNotice the longest.
const (
	MinNotice = time.Hour
	MaxNotice = 366 * 24 * time.Hour
)

// View is a proposal with what its audience sees of the deliberation.
type View struct {
	model.Proposal
	Positions   []model.Position  `json:"positions"`
	Comments    []model.Comment   `json:"comments"`
	Signatories []model.Signatory `json:"signatories"`
	Tally       Tally             `json:"tally"`
	// Preview is a statement's text with today's figures, until it is
	// frozen on adoption.
	Preview string `json:"preview,omitempty"`
}

// Open puts a proposal to the member organisations of this moment.
func (s *Service) Open(ctx context.Context, v policy.Viewer, in Input) (model.Proposal, error) {
	return s.open(ctx, v, in, true)
}

// CheckOpen reports every fault Open would find in the input, saving
// nothing, so that a form whose other fields could not even be read still
// lists all its faults at once.
func (s *Service) CheckOpen(ctx context.Context, v policy.Viewer, in Input) error {
	_, err := s.open(ctx, v, in, false)
	return err
}

func (s *Service) open(ctx context.Context, v policy.Viewer, in Input, save bool) (model.Proposal, error) {
	if err := policy.Require(v, policy.ProposalsCreate); err != nil {
		return model.Proposal{}, err
	}
	errs := []error{model.CheckRequired(
		model.Required{Field: "kind", Missing: in.Kind == nil},
		model.Required{Field: "title", Missing: in.Title == nil},
		model.Required{Field: "procedure", Missing: in.Procedure == nil},
		model.Required{Field: "deadline", Missing: in.Deadline == nil},
	)}
	now := s.now().UTC()
	p := model.Proposal{
		TLP: model.TLPGreen, Status: model.ProposalOpen, ProposerID: v.UserID, ProposerOrgID: v.Org.ID, CreatedAt: now, UpdatedAt: now,
	}
	kindOK := false
	if in.Kind != nil {
		p.Kind = *in.Kind
		if kindOK = p.Kind.Valid(); !kindOK {
			errs = append(errs, model.Invalid("kind", "%q is not a kind of proposal; use one of %v", p.Kind, model.ProposalKinds))
		}
	}
	if in.Title != nil {
		var err error
		p.Title, err = model.CleanText("title", *in.Title, 1, model.MaxTitle)
		errs = append(errs, err)
	}
	if in.Text != nil {
		var err error
		p.Text, err = model.CleanText("text", *in.Text, 0, model.MaxDescription)
		errs = append(errs, err)
	}
	if in.Procedure != nil {
		if p.Procedure = *in.Procedure; !p.Procedure.Valid() {
			errs = append(errs, model.Invalid("procedure", "%q is not a procedure; use consensus or silence", p.Procedure))
		}
	}
	if in.Deadline != nil {
		p.Deadline = in.Deadline.UTC()
		switch {
		case p.Deadline.Before(now.Add(MinNotice)):
			errs = append(errs, model.Broken("deadline", "deadline_too_soon", "must leave members at least an hour to answer"))
		case p.Deadline.After(now.Add(MaxNotice)):
			errs = append(errs, model.Broken("deadline", "deadline_too_far", "must fall within a year"))
		}
	}
	if in.TLP != nil {
		p.TLP = *in.TLP
	}
	tlpOK := false
	switch {
	case !p.TLP.Valid():
		errs = append(errs, model.Invalid("tlp", "%q is not a TLP label; use clear, green, amber or amber+strict", p.TLP))
	case p.TLP == model.TLPRed:
		// RED names single people; a proposal is put to organisations.
		errs = append(errs, model.Broken("tlp", "red_not_for_proposals", "a proposal is put to organisations and cannot be RED"))
	default:
		tlpOK = true
	}

	err := s.store.InTx(ctx, func(q store.Queries) error {
		if kindOK && tlpOK {
			// Who may propose what, and about whom, is known only of a
			// kind that is one, read under a label that is one.
			err := s.checkProposer(ctx, q, v, &p, in.SubjectOrgID)
			if err != nil && model.FieldErrorsOf(err) == nil {
				return err
			}
			errs = append(errs, err)
		}
		orgs, err := q.ListOrganisations(ctx)
		if err != nil {
			return err
		}
		var electorate []model.Organisation
		for _, o := range orgs {
			if o.Participation == model.Member {
				p.Electorate = append(p.Electorate, o.ID)
				electorate = append(electorate, o)
			}
		}
		if len(p.Electorate) == 0 {
			errs = append(errs, model.Broken("kind", "no_members", "the mechanism has no member organisations to decide"))
		}
		if tlpOK && !policy.ElectorateSees(policy.ProposalResource(p), electorate) {
			// Members who cannot read a proposal cannot object to it, and
			// silence would adopt it over their heads.
			errs = append(errs, model.Broken("tlp", "hidden_from_electorate", "Every member organisation must be able to read a proposal put to it: choose CLEAR, GREEN or AMBER."))
		}
		if err := model.Collect(errs...); err != nil || !save {
			return err
		}
		if err := q.CreateProposal(ctx, &p); err != nil {
			return err
		}
		if err := s.record(ctx, q, audit.By(v), "proposal.open", "proposal", p.ID, nil, p); err != nil {
			return err
		}
		if p.Kind.Admits() {
			if err := s.admit(ctx, q, audit.By(v), p); err != nil {
				return err
			}
		}
		return s.notify.ProposalOpened(ctx, q, p)
	})
	return p, err
}

// checkProposer applies who may propose what (the policy decides: members
// and coordinators put matters to the group, and an organisation may apply
// for itself). For an application it fills the subject and its prior
// participation.
func (s *Service) checkProposer(ctx context.Context, q store.Queries, v policy.Viewer, p *model.Proposal, subjectID *string) error {
	if !p.Kind.Admits() {
		if subjectID != nil && *subjectID != "" {
			return model.Invalid("subject_org_id", "only a membership application or observer admission is about an organisation")
		}
		return policy.Authorize(v, policy.ProposalsCreate, policy.ProposalResource(*p))
	}
	id := v.Org.ID
	if subjectID != nil && *subjectID != "" {
		id = *subjectID
	}
	about := *p
	about.SubjectOrgID = id
	if err := policy.Authorize(v, policy.ProposalsCreate, policy.ProposalResource(about)); err != nil {
		return err
	}
	subject, err := q.OrganisationByID(ctx, id)
	if errors.Is(err, model.ErrNotFound) {
		return model.Invalid("subject_org_id", "no organisation has the id %q", id)
	}
	if err != nil {
		return err
	}
	pending, err := q.ListProposals(ctx, model.ProposalFilter{Status: model.ProposalOpen, Kind: p.Kind}, "", 0)
	if err != nil {
		return err
	}
	for _, o := range pending {
		if o.SubjectOrgID == subject.ID {
			return model.Conflict("application_pending", "%s already has an application of this kind under consideration", subject.Name)
		}
	}
	switch {
	case subject.Participation == model.Member:
		return model.Broken("subject_org_id", "already_member", "%s is already a member", subject.Name)
	case subject.Participation == model.Observer && p.Kind == model.ProposalObserver:
		return model.Broken("subject_org_id", "already_observer", "%s is already an observer", subject.Name)
	case subject.Kind == model.KindBeneficiaryAgency:
		return model.Broken("subject_org_id", "beneficiary_entity", "an entity of the beneficiary country receives help and does not join the group")
	}
	p.SubjectOrgID, p.PriorParticipation = subject.ID, subject.Participation
	return nil
}

// admit sets the participation of an application's subject for the
// proposal's status: interim observer while open, member or observer on
// adoption, back to what it was otherwise.
func (s *Service) admit(ctx context.Context, q store.Queries, actor audit.Actor, p model.Proposal) error {
	o, err := q.OrganisationByID(ctx, p.SubjectOrgID)
	if err != nil {
		return err
	}
	before := o
	if p.Status != model.ProposalOpen && p.Status != model.ProposalAdopted && o.Participation != model.Applicant {
		// The members decided something else about the organisation while
		// this application was considered (observer status, say): a failed
		// application takes none of it back.
		return nil
	}
	o.Participation = Admission(p.Kind, p.PriorParticipation, p.Status)
	if o.Participation == before.Participation {
		return nil
	}
	o.UpdatedAt = s.now()
	if err := q.UpdateOrganisation(ctx, &o); err != nil {
		return err
	}
	return s.record(ctx, q, actor, "organisation.participation", "organisation", o.ID, before, o)
}

// Get returns a proposal its viewer may see, with the deliberation.
func (s *Service) Get(ctx context.Context, v policy.Viewer, id string) (View, error) {
	if err := policy.Require(v, policy.ProposalsRead); err != nil && !errors.Is(err, model.ErrUnauthenticated) {
		return View{}, err
	}
	p, err := s.store.ProposalByID(ctx, id)
	if err != nil {
		return View{}, err
	}
	if published(p) && (v.Anonymous() || !policy.Visible(v, policy.ProposalResource(p))) {
		// Its adoption made the statement public; its deliberation keeps its label.
		return s.publicView(ctx, p)
	}
	if v.Anonymous() || !policy.Visible(v, policy.ProposalResource(p)) {
		return View{}, model.ErrNotFound
	}
	return s.view(ctx, p)
}

func (s *Service) view(ctx context.Context, p model.Proposal) (View, error) {
	out := View{Proposal: p}
	var err error
	if out.Positions, err = s.store.Positions(ctx, p.ID); err != nil {
		return View{}, err
	}
	if out.Comments, err = s.store.Comments(ctx, p.ID); err != nil {
		return View{}, err
	}
	if out.Signatories, err = s.store.Signatories(ctx, p.ID); err != nil {
		return View{}, err
	}
	out.Tally = Count(p, out.Positions)
	if p.Kind == model.ProposalStatement && p.Status == model.ProposalOpen {
		f, err := s.figures(ctx)
		if err != nil {
			return View{}, err
		}
		out.Preview = Render(p.Text, f)
	}
	if out.Positions == nil {
		out.Positions = []model.Position{}
	}
	if out.Comments == nil {
		out.Comments = []model.Comment{}
	}
	if out.Signatories == nil {
		out.Signatories = []model.Signatory{}
	}
	return out, nil
}

// List returns up to limit proposals the viewer may see, newest first,
// and the cursor of the next page ("" at the end).
func (s *Service) List(ctx context.Context, v policy.Viewer, f model.ProposalFilter, after string, limit int) ([]model.Proposal, string, error) {
	if err := policy.Require(v, policy.ProposalsRead); err != nil {
		return nil, "", err
	}
	if err := checkFilter(f); err != nil {
		return nil, "", err
	}
	if limit <= 0 || limit > 200 {
		limit = 200
	}
	var out []model.Proposal
	for {
		batch, err := s.store.ListProposals(ctx, f, after, limit)
		if err != nil {
			return nil, "", err
		}
		for _, p := range batch {
			if policy.Visible(v, policy.ProposalResource(p)) {
				out = append(out, p)
				if len(out) == limit {
					return out, p.ID, nil
				}
			}
		}
		if len(batch) < limit {
			return out, "", nil
		}
		after = batch[len(batch)-1].ID
	}
}
