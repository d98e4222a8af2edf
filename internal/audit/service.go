package audit

import (
	"context"
	"errors"
	"maps"
	"slices"

	"github.com/cyberaid/cyberaid/internal/model"
	"github.com/cyberaid/cyberaid/internal/policy"
	"github.com/cyberaid/cyberaid/internal/store"
)

// Service reads the log for people. Reading is a permission of its own,
// and even then an event is shown only to a reader who may see every record
// it reveals, now and as the event left it (see visibility.go). Hidden
// events are left out whole: the Merkle tree over the events' hashes lets a
// reader check the events it sees without reading the others.
type Service struct {
	store Store
	// objects describe the records of domain packages that record through
	// this package and so cannot be imported by it.
	objects Lookups
	totals  *totals
}

// Lookups tell the log how to find the records of the object types the
// domain packages keep, by type; an object type with no lookup (that the
// log does not know itself) is shown to no one.
type Lookups map[string]Lookup

func NewService(s Store, objects Lookups) *Service {
	if objects == nil {
		objects = Lookups{}
	}
	return &Service{store: s, objects: objects, totals: newTotals()}
}

// List returns up to limit events after seq that v may read, in chain order.
func (s *Service) List(ctx context.Context, v policy.Viewer, f model.AuditFilter, afterSeq int64, limit int) ([]model.AuditEvent, error) {
	if err := policy.Require(v, policy.AuditRead); err != nil {
		return nil, err
	}
	if limit <= 0 || limit > 500 {
		limit = 500
	}
	sight := s.sight(v)
	out, _, err := s.readable(ctx, v, reading{f: f, sight: &sight, from: afterSeq, limit: limit})
	return out, err
}

// Page returns up to limit events v may read after the event seq (0: from
// the start of the order), in chain order or newest first, and the seq to
// continue from (0 at the end).
func (s *Service) Page(ctx context.Context, v policy.Viewer, f model.AuditFilter, newestFirst bool, seq int64, limit int) ([]model.AuditEvent, int64, error) {
	if err := policy.Require(v, policy.AuditRead); err != nil {
		return nil, 0, err
	}
	if limit <= 0 || limit > 500 {
		limit = 500
	}
	sight := s.sight(v)
	out, _, err := s.readable(ctx, v, reading{f: f, sight: &sight, from: seq, desc: newestFirst, limit: limit + 1})
	if err != nil || len(out) <= limit {
		return out, 0, err
	}
	out = out[:limit]
	return out, out[limit-1].Seq, nil
}

// Count says how many events matching f v may read: exactly those Page
// would show, so that the count tells nothing of the events left out. The
// database counts the events of the types it decides (store.AuditSight);
// those of the others are decided here one by one. A reader's total is
// kept and brought forward as the log grows (totals.go).
func (s *Service) Count(ctx context.Context, v policy.Viewer, f model.AuditFilter) (int, error) {
	if err := policy.Require(v, policy.AuditRead); err != nil {
		return 0, err
	}
	return s.total(ctx, v, f)
}

// Head returns the sequence number of the last event, 0 when the log is
// empty, to a reader of the log.
func (s *Service) Head(ctx context.Context, v policy.Viewer) (int64, error) {
	if err := policy.Require(v, policy.AuditRead); err != nil {
		return 0, err
	}
	head, err := s.store.LastAuditEvent(ctx)
	switch {
	case err == nil:
		return head.Seq, nil
	case errors.Is(err, model.ErrNotFound):
		return 0, nil
	}
	return 0, err
}

// Version is the sequence number of the log's head, a version of every
// record: each change commits its event with it, so two readings at one
// version read the same records. It counts events a reader may not see, so
// it keys what is kept between requests and is never shown.
func (s *Service) Version(ctx context.Context) (int64, error) { return s.store.AuditHeadSeq(ctx) }

// ActorNames names every user, by id, to a reader of the log: audit
// readers administer the platform, and the log names the people who acted,
// which is its purpose.
func (s *Service) ActorNames(ctx context.Context, v policy.Viewer) (map[string]string, error) {
	if err := policy.Require(v, policy.AuditRead); err != nil {
		return nil, err
	}
	users, err := s.store.ListUsers(ctx, "")
	if err != nil {
		return nil, err
	}
	names := make(map[string]string, len(users))
	for _, u := range users {
		names[u.ID] = u.Name
		if u.Name == "" {
			names[u.ID] = u.Email
		}
	}
	return names, nil
}

// History returns every event about one record that v may read, for the
// record's own page. It never shows the record's access lists. A record v
// may not see has no history: ErrNotFound.
func (s *Service) History(ctx context.Context, v policy.Viewer, objectType, id string) ([]model.AuditEvent, error) {
	obj, err := s.lookup(ctx, objectType, id)
	if err != nil {
		return nil, err
	}
	if obj.Permission != "" || !policy.Visible(v, obj.Now) {
		return nil, model.ErrNotFound
	}
	out, _, err := s.readable(ctx, v, reading{f: model.AuditFilter{ObjectType: objectType, ObjectID: id}, history: true})
	return out, err
}

// reading is one pass over the log: the events matching f from seq on
// (exclusive; newest first when desc), up to limit of those v may read
// (every one when limit is 0).
type reading struct {
	f       model.AuditFilter
	from    int64
	desc    bool
	limit   int
	history bool
	// countOnly decides each event but keeps none.
	countOnly bool
	// sight, when set, lets the database leave out the events it decides v
	// may not read; with undecidedOnly, it reads only those it does not
	// decide. Every event read is still decided here.
	sight         *store.AuditSight
	undecidedOnly bool
}

// readable pages through the log until it holds limit events v may read,
// and says how many it found.
func (s *Service) readable(ctx context.Context, v policy.Viewer, w reading) ([]model.AuditEvent, int, error) {
	// A page reads about as many events as it shows: those the database
	// leaves in are nearly all shown.
	batch := 500
	if w.sight != nil && w.limit > 0 && w.limit < batch {
		batch = w.limit
	}
	objects := map[string]*Object{}
	var out []model.AuditEvent
	found := 0
	from := w.from
	for {
		var events []model.AuditEvent
		var err error
		next := int64(-1)
		switch {
		case w.desc && from == 1:
			return out, found, nil
		case w.sight != nil:
			events, next, err = s.store.ListSeenAuditEvents(ctx, w.f, *w.sight, w.undecidedOnly, from, w.desc, batch)
		case w.desc:
			events, err = s.store.ListAuditEventsBefore(ctx, w.f, from, batch)
		default:
			events, err = s.store.ListAuditEvents(ctx, w.f, from, batch)
		}
		if err != nil {
			return nil, 0, err
		}
		for _, e := range events {
			key := e.ObjectType + "/" + e.ObjectID
			obj, cached := objects[key]
			if !cached {
				o, err := s.lookup(ctx, e.ObjectType, e.ObjectID)
				switch {
				case errors.Is(err, model.ErrNotFound):
					obj = nil
				case err != nil:
					return nil, 0, err
				default:
					obj = &o
				}
				objects[key] = obj
			}
			if obj == nil {
				continue
			}
			ok, before, err := obj.reveals(ctx, v, e)
			if err != nil {
				return nil, 0, err
			}
			if !ok {
				continue
			}
			found++
			if w.countOnly {
				continue
			}
			if !before {
				e.Before = nil
			}
			if obj.Redact != nil {
				if e.Before, err = obj.Redact(ctx, v, e.Before); err != nil {
					return nil, 0, err
				}
				if e.After, err = obj.Redact(ctx, v, e.After); err != nil {
					return nil, 0, err
				}
			}
			if w.history || !policy.SeesAccessLists(v, obj.Now) {
				e = withoutAccessLists(e)
			}
			out = append(out, e)
			if w.limit > 0 && len(out) == w.limit {
				return out, found, nil
			}
		}
		switch {
		case next == 0:
			return out, found, nil
		case next > 0:
			from = next
			continue
		case len(events) < batch:
			return out, found, nil
		}
		from = events[len(events)-1].Seq
	}
}

// Verify checks the whole chain for an audit reader.
func (s *Service) Verify(ctx context.Context, v policy.Viewer) (Report, error) {
	if err := policy.Require(v, policy.AuditRead); err != nil {
		return Report{}, err
	}
	return Verify(ctx, s.store)
}

// permissionTypes are the object types whose events are read by holding a
// permission (see lookup).
var permissionTypes = map[string]policy.Permission{
	"user":         policy.UsersManage,
	"organisation": policy.OrganisationsRead,
	"rotation":     policy.RotationsRead,
}

// storeDescribed are the types of records that the store describes to the
// policy as lookup does: the log's own, and those the domain packages
// register (an offer, a requirement's review), when registered.
var storeDescribed = []string{store.AuditRequirement, store.AuditPledge, store.AuditOffer, store.AuditReview}

// sight is the policy's decision about v for every event of the types the
// store decides, as data: the policy stays the one place that decides, and
// the database applies it.
func (s *Service) sight(v policy.Viewer) store.AuditSight {
	sight := store.AuditSight{
		Audience:  policy.AudienceOf(v),
		Permitted: map[string]bool{},
		PledgeDerived: []string{
			"requirement." + string(model.ReqInDelivery), "requirement." + string(model.ReqDelivered),
		},
	}
	for t, p := range permissionTypes {
		sight.Permitted[t] = policy.Allowed(v, p)
	}
	for _, t := range storeDescribed {
		_, registered := s.objects[t]
		if t == store.AuditRequirement || t == store.AuditPledge || registered {
			sight.Decided = append(sight.Decided, t)
		}
	}
	// The kinds lookup knows besides: any other is hidden.
	for _, t := range append(slices.Collect(maps.Keys(s.objects)), "plan") {
		if _, permitted := sight.Permitted[t]; !permitted && !slices.Contains(sight.Decided, t) {
			sight.Undecided = append(sight.Undecided, t)
		}
	}
	slices.Sort(sight.Undecided)
	return sight
}
