package web

import (
	"net/http"
	"slices"
	"strings"
	"time"

	"github.com/cyberaid/cyberaid/internal/governance"
	"github.com/cyberaid/cyberaid/internal/model"
	"github.com/cyberaid/cyberaid/internal/policy"
)

type proposalsData struct {
	Items     []model.Proposal
	Status    string
	Kind      string
	Sort      string
	CanCreate bool
	Nav       listNav
}

func (s *Server) proposalsPage(w http.ResponseWriter, r *http.Request) error {
	v := viewerOf(r)
	if err := policy.Require(v, policy.ProposalsRead); err != nil {
		return err
	}
	q := r.URL.Query()
	f := model.ProposalFilter{Status: model.ProposalStatus(q.Get("status")), Kind: model.ProposalKind(q.Get("kind"))}
	order, err := readSort(r, model.ProposalSorts, model.Sort{})
	if err != nil {
		return err
	}
	l, err := s.Governance.Page(r.Context(), v, f, order, q.Get("cursor"), listPage)
	if err != nil {
		return err
	}
	data := proposalsData{Items: l.Items, Status: string(f.Status), Kind: string(f.Kind), Sort: order.String(),
		CanCreate: policy.Allowed(v, policy.ProposalsCreate),
		Nav:       navFor(r, model.ProposalSorts, order, len(l.Items), l.Next, l.Total)}
	return s.show(w, r, http.StatusOK, "proposals", "governance", "proposals.title", data)
}

// tallyRow is one member organisation of the electorate and its position.
type tallyRow struct {
	OrgID, Name string
	Position    *model.Position
}

type proposalData struct {
	P         governance.View
	Orgs      map[string]string
	Tally     []tallyRow
	Signed    []string
	Mine      *model.Position
	Can       struct{ Position, Comment, Sign bool }
	Errors    map[string]string
	Error     string
	Stance    string
	Reason    string
	Comment   string
	Published bool
}

var proposalNotices = []string{"opened", "position", "comment", "signed"}

func (s *Server) proposalPage(w http.ResponseWriter, r *http.Request) error {
	return s.showProposal(w, r, http.StatusOK, proposalData{}, "")
}

func (s *Server) showProposal(w http.ResponseWriter, r *http.Request, status int, d proposalData, errText string) error {
	v := viewerOf(r)
	view, err := s.Governance.Get(r.Context(), v, r.PathValue("id"))
	if err != nil {
		return err
	}
	orgs, err := s.orgNames(r)
	if err != nil {
		return err
	}
	d.P, d.Orgs, d.Error = view, orgs, errText
	d.Published = view.Status == model.ProposalAdopted && view.Kind == model.ProposalStatement
	for _, id := range view.Electorate {
		row := tallyRow{OrgID: id, Name: orgs[id]}
		for i := range view.Positions {
			if view.Positions[i].OrgID == id {
				row.Position = &view.Positions[i]
			}
		}
		if id == v.Org.ID {
			d.Mine = row.Position
		}
		d.Tally = append(d.Tally, row)
	}
	slices.SortFunc(d.Tally, func(a, b tallyRow) int { return strings.Compare(a.Name, b.Name) })
	for _, sig := range view.Signatories {
		d.Signed = append(d.Signed, orgs[sig.OrgID])
	}
	slices.Sort(d.Signed)
	res := policy.ProposalResource(view.Proposal)
	open := view.Status == model.ProposalOpen
	d.Can.Position = open && policy.Authorize(v, policy.ProposalsPosition, res) == nil
	d.Can.Comment = open && policy.Authorize(v, policy.ProposalsComment, res) == nil
	d.Can.Sign = view.Kind == model.ProposalStatement && (open || d.Published) &&
		policy.Authorize(v, policy.ProposalsSign, res) == nil &&
		!slices.ContainsFunc(view.Signatories, func(sig model.Signatory) bool { return sig.OrgID == v.Org.ID })
	if d.Stance == "" && d.Mine != nil {
		d.Stance, d.Reason = string(d.Mine.Stance), d.Mine.Reason
	}
	l := s.localizer(r)
	lay := s.newLayout(r, l, "governance", view.Title, d)
	if done := r.URL.Query().Get("done"); status == http.StatusOK && slices.Contains(proposalNotices, done) {
		lay.Notice = l.T("notice.proposal." + done)
	}
	return s.render(w, r, status, "proposal", lay)
}

func (s *Server) takePosition(w http.ResponseWriter, r *http.Request) error {
	d := proposalData{Stance: r.PostFormValue("position"), Reason: r.PostFormValue("reason")}
	in := governance.PositionInput{Reason: &d.Reason}
	if d.Stance != "" {
		in.Position = (*model.Stance)(&d.Stance)
	}
	if _, err := s.Governance.TakePosition(r.Context(), viewerOf(r), r.PathValue("id"), in); err != nil {
		return s.proposalFailed(w, r, d, err)
	}
	return seeOther(w, r, "/proposals/"+r.PathValue("id")+"?done=position")
}

func (s *Server) commentProposal(w http.ResponseWriter, r *http.Request) error {
	d := proposalData{Comment: r.PostFormValue("text")}
	if _, err := s.Governance.Comment(r.Context(), viewerOf(r), r.PathValue("id"), governance.CommentInput{Text: &d.Comment}); err != nil {
		return s.proposalFailed(w, r, d, err)
	}
	return seeOther(w, r, "/proposals/"+r.PathValue("id")+"?done=comment")
}

func (s *Server) signStatement(w http.ResponseWriter, r *http.Request) error {
	if _, err := s.Governance.Sign(r.Context(), viewerOf(r), r.PathValue("id")); err != nil {
		return s.proposalFailed(w, r, proposalData{}, err)
	}
	return seeOther(w, r, "/proposals/"+r.PathValue("id")+"?done=signed")
}

// proposalFailed shows the proposal again with the message next to the
// field at fault; a hidden or missing proposal stays a 404.
func (s *Server) proposalFailed(w http.ResponseWriter, r *http.Request, d proposalData, err error) error {
	errs, text, rest := s.formErrors(s.localizer(r), err, []string{"position", "reason", "text"}, nil)
	if rest != nil {
		return rest
	}
	d.Errors = errs
	return s.showProposal(w, r, statusOf(err), d, text)
}

type proposalForm struct {
	Kind, Title, Text, Procedure, Deadline, TLP, Subject string
	Orgs                                                 []model.Organisation
	Errors                                               map[string]string
	Error                                                string
}

// deadlineLayout is what a datetime-local field sends; deadlines are UTC.
const deadlineLayout = "2006-01-02T15:04"

func (s *Server) showProposalForm(w http.ResponseWriter, r *http.Request, f proposalForm, err error) error {
	l := s.localizer(r)
	status := http.StatusOK
	if err != nil {
		var rest error
		f.Errors, f.Error, rest = s.formErrors(l, err, proposalFields, nil)
		if rest != nil {
			return rest
		}
		status = statusOf(err)
	}
	orgs, oerr := s.Organisations.Directory(r.Context())
	if oerr != nil {
		return oerr
	}
	for _, o := range orgs {
		if o.Participation != model.Member && o.Participation != model.Applicant && o.Kind != model.KindBeneficiaryAgency {
			f.Orgs = append(f.Orgs, o)
		}
	}
	return s.render(w, r, status, "proposal_form", s.newLayout(r, l, "governance", l.T("proposal_form.title"), f))
}

func (s *Server) newProposalPage(w http.ResponseWriter, r *http.Request) error {
	f := proposalForm{Kind: string(model.ProposalOperational), Procedure: string(model.ProcedureConsensus), TLP: string(model.TLPGreen),
		Deadline: s.Now().UTC().Add(7 * 24 * time.Hour).Format(deadlineLayout)}
	return s.showProposalForm(w, r, f, nil)
}

func (s *Server) createProposal(w http.ResponseWriter, r *http.Request) error {
	f := proposalForm{Kind: r.PostFormValue("kind"), Title: r.PostFormValue("title"), Text: r.PostFormValue("text"),
		Procedure: r.PostFormValue("procedure"), Deadline: r.PostFormValue("deadline"), TLP: r.PostFormValue("tlp"), Subject: r.PostFormValue("subject_org_id")}
	in := governance.Input{Title: &f.Title, Text: &f.Text, TLP: (*model.TLP)(&f.TLP), SubjectOrgID: &f.Subject}
	if f.Kind != "" {
		in.Kind = (*model.ProposalKind)(&f.Kind)
	}
	if f.Procedure != "" {
		in.Procedure = (*model.Procedure)(&f.Procedure)
	}
	v := viewerOf(r)
	if f.Deadline != "" {
		d, err := time.ParseInLocation(deadlineLayout, f.Deadline, time.UTC)
		if err != nil {
			// The service still names every other fault, so that one
			// submit shows them all.
			bad := model.Invalid("deadline", "is not a date and time")
			return s.showProposalForm(w, r, f, model.Collect(bad, s.Governance.CheckOpen(r.Context(), v, in)))
		}
		in.Deadline = &d
	}
	p, err := s.Governance.Open(r.Context(), v, in)
	if err != nil {
		return s.showProposalForm(w, r, f, err)
	}
	return seeOther(w, r, "/proposals/"+p.ID+"?done=opened")
}

type membershipData struct {
	Members, Observers, Applicants []model.Organisation
	// Applications are the open applications the viewer may see, by the
	// organisation applying.
	Applications map[string]model.Proposal
	CanCreate    bool
}

// membershipPage shows who takes part in the coordination group and the
// applications under consideration.
func (s *Server) membershipPage(w http.ResponseWriter, r *http.Request) error {
	v := viewerOf(r)
	d := membershipData{Applications: map[string]model.Proposal{}, CanCreate: policy.Allowed(v, policy.ProposalsCreate)}
	var err error
	if d.Members, d.Observers, err = s.Governance.Participants(r.Context()); err != nil {
		return err
	}
	orgs, err := s.Organisations.Directory(r.Context())
	if err != nil {
		return err
	}
	open, _, err := s.Governance.List(r.Context(), v, model.ProposalFilter{Status: model.ProposalOpen}, "", 0)
	if err != nil {
		return err
	}
	for _, p := range open {
		if p.Kind.Admits() {
			d.Applications[p.SubjectOrgID] = p
		}
	}
	// An applicant, or an observer or former participant whose application
	// is before the members.
	for _, o := range orgs {
		if _, applying := d.Applications[o.ID]; applying || o.Participation == model.Applicant {
			d.Applicants = append(d.Applicants, o)
		}
	}
	return s.show(w, r, http.StatusOK, "membership", "membership", "membership.title", d)
}
