package audit

import (
	"context"
	"encoding/json"
	"errors"

	"github.com/cyberaid/cyberaid/internal/model"
	"github.com/cyberaid/cyberaid/internal/policy"
)

// An audit event is a fact about records: its record as it is now, the
// record as the event left it (its label then may have been stricter), and
// for some actions other records the change was computed from (a
// requirement goes into delivery because of a pledge). The event is shown
// only to a reader who may see all of them: a history never shows a version
// of a record older than the reader's right to see it, and a derived status
// never tells of a pledge the reader may not see.

// Object is what the log needs to know of the record an event is about.
type Object struct {
	// Now is the record as the policy describes it today.
	Now policy.Resource
	// Permission, for records without a label (accounts, organisations,
	// rotations): events about them are for whoever holds it. When set, the
	// other fields are not used.
	Permission policy.Permission
	// AsOf describes the record as an event's before or after state shows
	// it; ok is false for a state that is not the record itself (a
	// milestone, a receipt, a position).
	AsOf func(ctx context.Context, state json.RawMessage) (r policy.Resource, ok bool, err error)
	// Derived lists the other records an event was computed from.
	Derived func(ctx context.Context, e model.AuditEvent) ([]policy.Resource, error)
	// Redact removes from a state of the record what v may not read of it,
	// as the record's own page does (an agenda item on a hidden record, the
	// id of a record a lesson is about).
	Redact func(ctx context.Context, v policy.Viewer, state json.RawMessage) (json.RawMessage, error)
}

// Redactor returns an Object.Redact for records that events store as T:
// seen gives what v reads of the record. States that are not the record
// itself pass unchanged.
func Redactor[T any](seen func(ctx context.Context, v policy.Viewer, rec T) (T, error)) func(context.Context, policy.Viewer, json.RawMessage) (json.RawMessage, error) {
	return func(ctx context.Context, v policy.Viewer, state json.RawMessage) (json.RawMessage, error) {
		if len(state) == 0 {
			return state, nil
		}
		var probe struct {
			TLP *model.TLP `json:"tlp"`
		}
		if err := json.Unmarshal(state, &probe); err != nil || probe.TLP == nil {
			return state, nil
		}
		var rec T
		if err := json.Unmarshal(state, &rec); err != nil {
			return nil, nil
		}
		out, err := seen(ctx, v, rec)
		if err != nil {
			return nil, err
		}
		return json.Marshal(out)
	}
}

// Lookup finds the record an event is about. ErrNotFound (the record is
// gone) hides its events.
type Lookup func(ctx context.Context, id string) (Object, error)

// hidden is a label no one reads: what an unreadable state is taken for.
const hidden model.TLP = "unreadable"

// Snapshot returns an Object.AsOf for records that events store as T:
// describe turns the stored state into the policy's resource.
func Snapshot[T any](describe func(T) policy.Resource) func(context.Context, json.RawMessage) (policy.Resource, bool, error) {
	return SnapshotCtx(func(_ context.Context, rec T) (policy.Resource, error) { return describe(rec), nil })
}

// SnapshotCtx is Snapshot for a description that reads the store (a
// lesson's link of that time, for instance). A description that fails with
// ErrNotFound hides the event.
func SnapshotCtx[T any](describe func(context.Context, T) (policy.Resource, error)) func(context.Context, json.RawMessage) (policy.Resource, bool, error) {
	return func(ctx context.Context, state json.RawMessage) (policy.Resource, bool, error) {
		if len(state) == 0 {
			return policy.Resource{}, false, nil
		}
		var probe struct {
			TLP *model.TLP `json:"tlp"`
		}
		if err := json.Unmarshal(state, &probe); err != nil {
			return policy.Resource{TLP: hidden}, true, nil
		}
		if probe.TLP == nil {
			return policy.Resource{}, false, nil
		}
		var rec T
		if err := json.Unmarshal(state, &rec); err != nil {
			return policy.Resource{TLP: hidden}, true, nil
		}
		r, err := describe(ctx, rec)
		if errors.Is(err, model.ErrNotFound) {
			return policy.Resource{TLP: hidden}, true, nil
		}
		return r, err == nil, err
	}
}

// reveals decides what v may read of e: the event, with or without the
// state the record was in before it. An event is the record's state after
// it: v must see that, the record now, and what it was computed from. The
// state before it is a version of the record that may predate v's right to
// see it (a requirement before validation, a label made laxer since): then
// the event is shown without it.
func (o *Object) reveals(ctx context.Context, v policy.Viewer, e model.AuditEvent) (show, before bool, err error) {
	if o.Permission != "" {
		ok := policy.Allowed(v, o.Permission)
		return ok, ok, nil
	}
	rs := []policy.Resource{o.Now}
	seesBefore := true
	if o.AsOf != nil {
		r, ok, err := o.AsOf(ctx, e.After)
		if err != nil {
			return false, false, err
		}
		if ok {
			rs = append(rs, r)
		}
		if r, ok, err = o.AsOf(ctx, e.Before); err != nil {
			return false, false, err
		} else if ok {
			seesBefore = policy.Visible(v, r)
		}
	}
	if o.Derived != nil {
		more, err := o.Derived(ctx, e)
		if err != nil {
			return false, false, err
		}
		rs = append(rs, more...)
	}
	if !policy.SeesAll(v, rs...) {
		return false, false, nil
	}
	return true, seesBefore, nil
}

// withoutAccessLists drops who else a record is shared with or names from
// an event's states: only those who already see the record in full may
// read them, and a history shows them to no one.
func withoutAccessLists(e model.AuditEvent) model.AuditEvent {
	e.Before = dropKeys(e.Before)
	e.After = dropKeys(e.After)
	return e
}

func dropKeys(state json.RawMessage) json.RawMessage {
	if len(state) == 0 || state[0] != '{' {
		return state
	}
	var m map[string]json.RawMessage
	if err := json.Unmarshal(state, &m); err != nil {
		return nil
	}
	_, shared := m["shared_org_ids"]
	_, named := m["named_user_ids"]
	if !shared && !named {
		return state
	}
	delete(m, "shared_org_ids")
	delete(m, "named_user_ids")
	out, err := json.Marshal(m)
	if err != nil {
		return nil
	}
	return out
}

// lookup finds the object of an event: the log's own kinds first, then
// those the domain packages registered. An unknown kind is hidden.
func (s *Service) lookup(ctx context.Context, objectType, id string) (Object, error) {
	switch objectType {
	case "requirement":
		return s.requirement(ctx, id)
	case "pledge":
		return s.pledge(ctx, id)
	case "plan":
		return Object{Now: policy.Resource{TLP: model.TLPClear}, Derived: s.planPledges}, nil
	case "user", "organisation", "rotation":
		// Accounts are administered: their events name e-mail addresses and roles.
		return Object{Permission: permissionTypes[objectType]}, nil
	}
	if fn, ok := s.objects[objectType]; ok {
		return fn(ctx, id)
	}
	return Object{}, model.ErrNotFound
}

// requirement is a requirement's object. Its audience needs only the
// organisations engaged on it; its pledges are read only for an event they
// decide, so that a page of the log reads no requirement's every pledge.
func (s *Service) requirement(ctx context.Context, id string) (Object, error) {
	r, now, err := s.requirementResource(ctx, id)
	if err != nil {
		return Object{}, err
	}
	var pl []model.Pledge
	read := false
	return Object{
		Now: now,
		AsOf: Snapshot(func(old model.Requirement) policy.Resource {
			old.ID = r.ID
			return policy.RequirementEngaged(old, now.EngagedOrgIDs)
		}),
		Derived: func(ctx context.Context, e model.AuditEvent) ([]policy.Resource, error) {
			if !DerivedFromPledges(e.Action) {
				return nil, nil
			}
			if !read {
				var err error
				if pl, err = s.store.PledgesForRequirements(ctx, []string{r.ID}); err != nil {
					return nil, err
				}
				read = true
			}
			out := make([]policy.Resource, 0, len(pl))
			for _, p := range pl {
				if p.Channel == model.ChannelMechanism {
					out = append(out, policy.PledgeResource(p, &now))
				}
			}
			return out, nil
		},
	}, nil
}

// requirementResource reads a requirement and describes it to the policy.
func (s *Service) requirementResource(ctx context.Context, id string) (model.Requirement, policy.Resource, error) {
	r, err := s.store.RequirementByID(ctx, id)
	if err != nil {
		return model.Requirement{}, policy.Resource{}, err
	}
	engaged, err := s.store.EngagedDonors(ctx, []string{r.ID})
	if err != nil {
		return model.Requirement{}, policy.Resource{}, err
	}
	return r, policy.RequirementEngaged(r, engaged[r.ID]), nil
}

// DerivedFromPledges names the requirement events that the pledges on it
// decide rather than a person: they tell of every pledge.
func DerivedFromPledges(action string) bool {
	return action == "requirement."+string(model.ReqInDelivery) || action == "requirement."+string(model.ReqDelivered)
}

func (s *Service) pledge(ctx context.Context, id string) (Object, error) {
	p, err := s.store.PledgeByID(ctx, id)
	if err != nil {
		return Object{}, err
	}
	res, err := s.pledgeResource(ctx, p)
	if err != nil {
		return Object{}, err
	}
	return Object{
		Now: res,
		AsOf: Snapshot(func(old model.Pledge) policy.Resource {
			return policy.PledgeResource(old, res.Parent)
		}),
	}, nil
}

func (s *Service) pledgeResource(ctx context.Context, p model.Pledge) (policy.Resource, error) {
	if p.RequirementID == "" {
		return policy.PledgeResource(p, nil), nil
	}
	_, rr, err := s.requirementResource(ctx, p.RequirementID)
	if err != nil {
		return policy.Resource{}, err
	}
	return policy.PledgeResource(p, &rr), nil
}

// planPledges: an applied plan tells of the pledges it proposed.
func (s *Service) planPledges(ctx context.Context, e model.AuditEvent) ([]policy.Resource, error) {
	var after struct {
		PledgeIDs []string `json:"pledge_ids"`
	}
	if err := json.Unmarshal(e.After, &after); err != nil {
		return []policy.Resource{{TLP: hidden}}, nil
	}
	out := make([]policy.Resource, 0, len(after.PledgeIDs))
	for _, id := range after.PledgeIDs {
		p, err := s.store.PledgeByID(ctx, id)
		if err != nil {
			if errors.Is(err, model.ErrNotFound) {
				out = append(out, policy.Resource{TLP: hidden})
				continue
			}
			return nil, err
		}
		res, err := s.pledgeResource(ctx, p)
		if err != nil {
			return nil, err
		}
		out = append(out, res)
	}
	return out, nil
}

// Resource describes a labelled record of a kind the log knows (a
// requirement, a pledge, an offer, a lesson, a proposal, a meeting) as the
// policy sees it now, for records that hang on it such as documents;
// ErrNotFound for a record that does not exist or has no label.
func (s *Service) Resource(ctx context.Context, objectType, id string) (policy.Resource, error) {
	o, err := s.lookup(ctx, objectType, id)
	if err != nil {
		return policy.Resource{}, err
	}
	if o.Permission != "" {
		return policy.Resource{}, model.ErrNotFound
	}
	return o.Now, nil
}
