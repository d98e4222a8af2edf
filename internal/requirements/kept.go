package requirements

import (
	"container/list"
	"context"
	"slices"
	"sync"
	"sync/atomic"
	"unique"

	"github.com/cyberaid/cyberaid/internal/model"
	"github.com/cyberaid/cyberaid/internal/policy"
)

// keptReads are what keptRecords asks the store: the requirements, the
// classes of their pledges, and which requirements changed since a version
// of the records (migration 00047 marks a requirement in the transaction
// of every change to it, to a pledge on it and to an access list of
// either).
type keptReads interface {
	RequirementsByID(ctx context.Context, ids []string) ([]model.Requirement, error)
	PledgeClassesOf(ctx context.Context, requirementIDs []string) ([]model.Pledge, error)
	RecordVersion(ctx context.Context) (int64, error)
	RequirementsChangedSince(ctx context.Context, n int64, max int) (ids []string, all bool, err error)
}

// keptRecords keeps the requirements the lists showed last, with the
// classes of their pledges. A page of 200 requirements read 200 rows and
// their access lists, and about 1,800 classes: 80 % of a list's time at a
// million pledges, for records that change far less often than people
// page through them. The lists still ask the database which requirements
// a viewer sees, in order (store.PageRequirementIDs); what is kept are raw
// records, the same for every viewer, and each reader's policy is applied
// to them afterwards, as to the store's.
//
// What is kept follows every change through the records' version and the
// requirements marked at it: every record kept reflects every change
// marked below version. A reader that finds the records at a later
// version first drops the requirements marked at version or later (or
// everything, when an organisation changed or too many were marked).
type keptRecords struct {
	max int
	mu  sync.Mutex
	// version is the records' version below which every change is
	// reflected in what is kept; 0 until the first reading.
	version int64
	entries map[string]*list.Element
	// lru holds *keptRequirement, the most recently read first.
	lru list.List
	// bytes is about what the entries hold, bounded by maxBytes: a
	// requirement may carry thousands of classes (each RED pledge is a
	// class of its own) and a long description.
	bytes, maxBytes int
	// read counts the requirements read from the store, for the tests
	// that prove a change reads again only what it touched.
	read atomic.Int64
}

// keptRequirements and keptBytes bound what is kept: ten pages of the
// longest list, in at most 8 MB, so that the server's memory stays bounded
// however many requirements and pledges there are.
const (
	keptRequirements = 2048
	keptBytes        = 8 << 20
)

// maxMarked is how many changed requirements a reader drops one by one;
// past it, it drops everything.
const maxMarked = 512

type keptRequirement struct {
	r       model.Requirement
	classes []keptClass
	// engaged are the organisations with a pledge on r: its classes'
	// donors, once each (store.EngagedDonors).
	engaged []string
	bytes   int
}

// newKept clips what it keeps to its length, so that no reader's append
// can write into what another reader shares, and weighs it.
func newKept(r model.Requirement, classes []keptClass) *keptRequirement {
	r.SharedOrgIDs, r.NamedUserIDs = clip(r.SharedOrgIDs), clip(r.NamedUserIDs)
	classes = clip(classes)
	var engaged []string
	for _, c := range classes {
		if !slices.Contains(engaged, c.donorOrgID) {
			engaged = append(engaged, c.donorOrgID)
		}
	}
	e := &keptRequirement{r: r, classes: classes, engaged: clip(engaged)}
	e.bytes = 512 + len(r.Title) + len(r.Description) + len(r.Ref) + len(r.Unit) + len(r.ExternalRef) +
		64*(len(r.SharedOrgIDs)+len(r.NamedUserIDs)+len(engaged)) + 160*len(classes)
	for _, c := range classes {
		e.bytes += len(c.own) + 64*(len(c.sharedOrgIDs)+len(c.namedUserIDs))
	}
	return e
}

func clip[T any](s []T) []T {
	if s == nil {
		return nil
	}
	return s[:len(s):len(s)]
}

// keptClass is a class as compact as it can be held: a page's 1,800 copies
// of model.Pledge would be a megabyte.
type keptClass struct {
	donorOrgID, own            string
	tlp                        model.TLP
	channel                    model.Channel
	status, suspendedFrom      model.PledgeStatus
	eur                        int64
	sharedOrgIDs, namedUserIDs []string
}

func newKeptRecords(max, maxBytes int) *keptRecords {
	return &keptRecords{max: max, maxBytes: maxBytes, entries: map[string]*list.Element{}}
}

// of returns the requirements of ids that exist, in the order of ids, and
// the classes of their pledges as store.PledgeClassesOf gives them, each
// requirement's together. Those not kept are read, and kept if keepRead:
// a reader that walks many requirements to fill a page (a delivery stage
// is matched on each) would only push out the pages people come back to.
func (k *keptRecords) of(ctx context.Context, st keptReads, ids []string, keepRead bool) ([]model.Requirement, []model.Pledge, error) {
	found, err := k.found(ctx, st, ids, keepRead)
	if err != nil || len(found) == 0 {
		return nil, nil, err
	}
	rs := make([]model.Requirement, 0, len(found))
	n := 0
	for _, e := range found {
		n += len(e.classes)
	}
	classes := make([]model.Pledge, 0, n)
	for _, id := range ids {
		e := found[id]
		if e == nil {
			continue
		}
		rs = append(rs, e.r)
		for _, c := range e.classes {
			classes = append(classes, c.pledge(id))
		}
		// A requirement asked twice is given once, as the store does.
		delete(found, id)
	}
	return rs, classes, nil
}

// resources returns the requirements of ids that exist as the policy reads
// them: with the organisations engaged on each, those with a pledge on it
// (store.EngagedDonors), which are the donors of its classes. What it reads
// is kept.
func (k *keptRecords) resources(ctx context.Context, st keptReads, ids []string) (map[string]*policy.Resource, error) {
	found, err := k.found(ctx, st, ids, true)
	if err != nil {
		return nil, err
	}
	out := make(map[string]*policy.Resource, len(found))
	for id, e := range found {
		res := policy.RequirementEngaged(e.r, e.engaged)
		out[id] = &res
	}
	return out, nil
}

// found returns what is kept of the requirements of ids that exist, by id,
// reading those not kept (and keeping them if keepRead) after dropping
// what changed since the kept version.
func (k *keptRecords) found(ctx context.Context, st keptReads, ids []string, keepRead bool) (map[string]*keptRequirement, error) {
	if len(ids) == 0 {
		return nil, nil
	}
	// Read before the records: a change committed after this reading is
	// marked at this version or later.
	version, err := st.RecordVersion(ctx)
	if err != nil {
		return nil, err
	}
	if err := k.bringForward(ctx, st, version); err != nil {
		return nil, err
	}
	found := make(map[string]*keptRequirement, len(ids))
	var missing []string
	asked := make(map[string]bool, len(ids))
	k.mu.Lock()
	for _, id := range ids {
		// A page of pledges names a requirement once a pledge.
		if asked[id] {
			continue
		}
		asked[id] = true
		if e, ok := k.entries[id]; ok {
			k.lru.MoveToFront(e)
			found[id] = e.Value.(*keptRequirement)
		} else {
			missing = append(missing, id)
		}
	}
	k.mu.Unlock()
	if len(missing) > 0 {
		fresh, err := readKept(ctx, st, missing)
		if err != nil {
			return nil, err
		}
		k.read.Add(int64(len(missing)))
		if keepRead {
			k.keep(version, fresh)
		}
		for _, e := range fresh {
			found[e.r.ID] = e
		}
	}
	return found, nil
}

// readKept reads the requirements of ids and their classes from the store.
func readKept(ctx context.Context, st keptReads, ids []string) ([]*keptRequirement, error) {
	rs, err := st.RequirementsByID(ctx, ids)
	if err != nil {
		return nil, err
	}
	read, err := st.PledgeClassesOf(ctx, ids)
	if err != nil {
		return nil, err
	}
	classes := compactClasses(read)
	byID := make(map[string]model.Requirement, len(rs))
	for _, r := range rs {
		byID[r.ID] = r
	}
	// In the order of ids, so that keep keeps a page's first rows longest.
	out := make([]*keptRequirement, 0, len(rs))
	for _, id := range ids {
		if r, ok := byID[id]; ok {
			out = append(out, newKept(r, classes[id]))
			delete(byID, id)
		}
	}
	return out, nil
}

// bringForward drops what changed since the kept version, when the records
// are at a later one.
func (k *keptRecords) bringForward(ctx context.Context, st keptReads, version int64) error {
	k.mu.Lock()
	from := k.version
	if from >= version || len(k.entries) == 0 {
		// Nothing kept is older than this reader: it reflects every change
		// below version.
		k.version = max(k.version, version)
		k.mu.Unlock()
		return nil
	}
	k.mu.Unlock()
	changed, all, err := st.RequirementsChangedSince(ctx, from, maxMarked)
	if err != nil {
		return err
	}
	k.mu.Lock()
	defer k.mu.Unlock()
	// Whatever was kept meanwhile is dropped here if it changed since
	// from: every change below version is marked at from or later, and
	// committed, by now.
	if all {
		clear(k.entries)
		k.lru.Init()
		k.bytes = 0
	}
	for _, id := range changed {
		if e, ok := k.entries[id]; ok {
			k.drop(e)
		}
	}
	k.version = max(k.version, version)
	return nil
}

// keep keeps records read after the records were found at version. They
// reflect every change below it, so they may be kept only while the kept
// version is not past it: a change between the two would be missed.
func (k *keptRecords) keep(version int64, fresh []*keptRequirement) {
	k.mu.Lock()
	defer k.mu.Unlock()
	if k.version > version {
		return
	}
	// Last first, so that the first of fresh is the most recently used.
	for _, e := range slices.Backward(fresh) {
		if e.bytes > k.maxBytes/64 {
			// One requirement may not take what pages of others would.
			continue
		}
		if old, ok := k.entries[e.r.ID]; ok {
			k.drop(old)
		}
		k.entries[e.r.ID] = k.lru.PushFront(e)
		k.bytes += e.bytes
	}
	for k.lru.Len() > k.max || k.bytes > k.maxBytes {
		k.drop(k.lru.Back())
	}
}

func (k *keptRecords) drop(e *list.Element) {
	k.lru.Remove(e)
	kept := e.Value.(*keptRequirement)
	delete(k.entries, kept.r.ID)
	k.bytes -= kept.bytes
}

// compactClasses groups the classes read by requirement.
func compactClasses(read []model.Pledge) map[string][]keptClass {
	out := map[string][]keptClass{}
	for _, p := range read {
		out[p.RequirementID] = append(out[p.RequirementID], compactClass(p))
	}
	return out
}

func compactClass(p model.Pledge) keptClass {
	return keptClass{
		donorOrgID: intern(p.DonorOrgID), own: p.ID,
		tlp: model.TLP(intern(string(p.TLP))), channel: model.Channel(intern(string(p.Channel))),
		status: model.PledgeStatus(intern(string(p.Status))), suspendedFrom: model.PledgeStatus(intern(string(p.SuspendedFrom))),
		eur: p.EURMinor, sharedOrgIDs: p.SharedOrgIDs, namedUserIDs: p.NamedUserIDs,
	}
}

func (c keptClass) pledge(requirementID string) model.Pledge {
	return model.Pledge{
		ID: c.own, RequirementID: requirementID, DonorOrgID: c.donorOrgID, EURMinor: c.eur,
		TLP: c.tlp, Channel: c.channel, Status: c.status, SuspendedFrom: c.suspendedFrom,
		SharedOrgIDs: c.sharedOrgIDs, NamedUserIDs: c.namedUserIDs,
	}
}

// intern shares one copy of the few values classes repeat (organisations,
// labels, channels, statuses) among all that are kept.
func intern(s string) string {
	if s == "" {
		return ""
	}
	return unique.Make(s).Value()
}
