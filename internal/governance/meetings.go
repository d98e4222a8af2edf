package governance

import (
	"context"
	"errors"

	"github.com/cyberaid/cyberaid/internal/audit"
	"github.com/cyberaid/cyberaid/internal/model"
	"github.com/cyberaid/cyberaid/internal/policy"
	"github.com/cyberaid/cyberaid/internal/store"
)

// MeetingInput is a meeting as a coordinator writes it; on update, nil
// fields stay unchanged.
type MeetingInput struct {
	Title     *string             `json:"title"`
	Date      *model.Date         `json:"date"`
	Agenda    *[]model.AgendaItem `json:"agenda"`
	Attendees *[]string           `json:"attendee_org_ids"`
	Minutes   *string             `json:"minutes"`
	TLP       *model.TLP          `json:"tlp"`
}

// LinkCheck tells whether v may see the record an agenda item links to.
type LinkCheck func(ctx context.Context, v policy.Viewer, id string) (bool, error)

// linkVisible decides whether v may see what an agenda item links to.
func (s *Service) linkVisible(ctx context.Context, q agendaLinks, v policy.Viewer, a model.AgendaItem) (bool, error) {
	var res policy.Resource
	switch a.Kind {
	case model.AgendaOther:
		return true, nil
	case model.AgendaProposal:
		p, err := q.ProposalByID(ctx, a.RefID)
		if err != nil {
			return false, err
		}
		res = policy.ProposalResource(p)
	case model.AgendaRequirement:
		r, err := q.RequirementByID(ctx, a.RefID)
		if err != nil {
			return false, err
		}
		pl, err := q.PledgesForRequirements(ctx, []string{r.ID})
		if err != nil {
			return false, err
		}
		res = policy.RequirementResource(r, pl)
	case model.AgendaLesson:
		if s.lessonVisible == nil {
			return false, nil
		}
		return s.lessonVisible(ctx, v, a.RefID)
	default:
		return false, nil
	}
	return policy.Visible(v, res), nil
}

func (s *Service) applyMeeting(ctx context.Context, q store.Queries, v policy.Viewer, m *model.Meeting, in MeetingInput) error {
	var err error
	if in.Title != nil {
		if m.Title, err = model.CleanText("title", *in.Title, 1, model.MaxTitle); err != nil {
			return err
		}
	}
	if in.Date != nil {
		if in.Date.IsZero() {
			return model.Invalid("date", "is required")
		}
		m.Date = *in.Date
	}
	if in.Minutes != nil {
		if m.Minutes, err = model.CleanText("minutes", *in.Minutes, 0, model.MaxDescription); err != nil {
			return err
		}
	}
	if in.TLP != nil {
		switch {
		case !in.TLP.Valid():
			return model.Invalid("tlp", "%q is not a TLP label", *in.TLP)
		case *in.TLP == model.TLPRed:
			return model.Broken("tlp", "red_not_for_meetings", "a meeting of organisations cannot be RED")
		}
		m.TLP = *in.TLP
	}
	if in.Agenda != nil {
		items := []model.AgendaItem{}
		for _, a := range *in.Agenda {
			if !a.Kind.Valid() {
				return model.Invalid("agenda", "%q is not a kind of agenda item; use proposal, requirement, lesson or other", a.Kind)
			}
			if a.Note, err = model.CleanText("agenda", a.Note, 0, model.MaxTitle); err != nil {
				return err
			}
			if a.Kind == model.AgendaOther {
				a.RefID = ""
			} else {
				ok, err := s.linkVisible(ctx, q, v, a)
				if err != nil && !errors.Is(err, model.ErrNotFound) {
					return err
				}
				if !ok {
					return model.Invalid("agenda", "no %s you can see has the id %q", a.Kind, a.RefID)
				}
			}
			items = append(items, a)
		}
		m.Agenda = items
	}
	if in.Attendees != nil {
		for _, id := range *in.Attendees {
			if _, err := q.OrganisationByID(ctx, id); err != nil {
				if errors.Is(err, model.ErrNotFound) {
					return model.Invalid("attendee_org_ids", "no organisation has the id %q", id)
				}
				return err
			}
		}
		m.Attendees = *in.Attendees
	}
	return nil
}

// CreateMeeting schedules a meeting of the coordination group.
func (s *Service) CreateMeeting(ctx context.Context, v policy.Viewer, in MeetingInput) (model.Meeting, error) {
	if err := policy.Require(v, policy.MeetingsManage); err != nil {
		return model.Meeting{}, err
	}
	if err := model.CheckRequired(
		model.Required{Field: "title", Missing: in.Title == nil},
		model.Required{Field: "date", Missing: in.Date == nil},
	); err != nil {
		return model.Meeting{}, err
	}
	now := s.now().UTC()
	m := model.Meeting{TLP: model.TLPAmber, OwnerOrgID: v.Org.ID, CreatedBy: v.UserID, CreatedAt: now, UpdatedAt: now}
	err := s.store.InTx(ctx, func(q store.Queries) error {
		if err := s.applyMeeting(ctx, q, v, &m, in); err != nil {
			return err
		}
		if err := q.CreateMeeting(ctx, &m); err != nil {
			return err
		}
		return s.record(ctx, q, audit.By(v), "meeting.create", "meeting", m.ID, nil, m)
	})
	return m, err
}

// UpdateMeeting records the attendance, the minutes, or changes the agenda.
func (s *Service) UpdateMeeting(ctx context.Context, v policy.Viewer, id string, in MeetingInput) (model.Meeting, error) {
	var m model.Meeting
	err := s.store.InTx(ctx, func(q store.Queries) error {
		var err error
		if m, err = q.MeetingByID(ctx, id); err != nil {
			return err
		}
		if err := policy.Authorize(v, policy.MeetingsManage, policy.MeetingResource(m)); err != nil {
			return err
		}
		before := m
		if err := s.applyMeeting(ctx, q, v, &m, in); err != nil {
			return err
		}
		if err := policy.Relabel(v, policy.MeetingResource(before), m.TLP, nil); err != nil {
			return err
		}
		m.UpdatedAt = s.now().UTC()
		if err := q.UpdateMeeting(ctx, &m); err != nil {
			return err
		}
		return s.record(ctx, q, audit.By(v), "meeting.update", "meeting", m.ID, before, m)
	})
	return m, err
}

// visibleMeeting hides the agenda items whose record the viewer may not see.
func (s *Service) visibleMeeting(ctx context.Context, v policy.Viewer, m model.Meeting) (model.Meeting, error) {
	items := []model.AgendaItem{}
	for _, a := range m.Agenda {
		ok, err := s.linkVisible(ctx, s.store, v, a)
		if err != nil && !errors.Is(err, model.ErrNotFound) {
			return m, err
		}
		if ok {
			items = append(items, a)
		}
	}
	m.Agenda = items
	if m.Attendees == nil {
		m.Attendees = []string{}
	}
	return m, nil
}

// Meeting returns a meeting its viewer may see.
func (s *Service) Meeting(ctx context.Context, v policy.Viewer, id string) (model.Meeting, error) {
	if err := policy.Require(v, policy.MeetingsRead); err != nil && !errors.Is(err, model.ErrUnauthenticated) {
		return model.Meeting{}, err
	}
	m, err := s.store.MeetingByID(ctx, id)
	if err != nil {
		return model.Meeting{}, err
	}
	if !policy.Visible(v, policy.MeetingResource(m)) {
		return model.Meeting{}, model.ErrNotFound
	}
	if v.Anonymous() {
		return model.Meeting{}, model.ErrUnauthenticated
	}
	return s.visibleMeeting(ctx, v, m)
}

// Meetings returns the meetings the viewer may see, latest first.
func (s *Service) Meetings(ctx context.Context, v policy.Viewer) ([]model.Meeting, error) {
	if err := policy.Require(v, policy.MeetingsRead); err != nil {
		return nil, err
	}
	all, err := s.store.ListMeetings(ctx)
	if err != nil {
		return nil, err
	}
	out := []model.Meeting{}
	for _, m := range all {
		if !policy.Visible(v, policy.MeetingResource(m)) {
			continue
		}
		vm, err := s.visibleMeeting(ctx, v, m)
		if err != nil {
			return nil, err
		}
		out = append(out, vm)
	}
	return out, nil
}

// MeetingsPage returns up to limit meetings v may see after the cursor,
// latest first, and the cursor of the next page ("" at the end).
func (s *Service) MeetingsPage(ctx context.Context, v policy.Viewer, after string, limit int) ([]model.Meeting, string, error) {
	if err := policy.Require(v, policy.MeetingsRead); err != nil {
		return nil, "", err
	}
	return model.FillPage(after, limit, func(after string, n int) ([]model.Meeting, error) {
		return s.store.PageMeetings(ctx, after, n)
	}, func(m model.Meeting) (model.Meeting, bool, error) {
		if !policy.Visible(v, policy.MeetingResource(m)) {
			return m, false, nil
		}
		vm, err := s.visibleMeeting(ctx, v, m)
		return vm, err == nil, err
	}, func(m model.Meeting) string { return m.ID })
}
