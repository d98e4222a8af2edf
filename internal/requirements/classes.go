package requirements

import (
	"container/list"
	"context"
	"sync"
	"sync/atomic"
	"unique"

	"github.com/cyberaid/cyberaid/internal/model"
)

// classReads are what keptClasses asks the store: the classes themselves,
// and which requirements changed since a version of the records
// (migration 00047 marks a requirement in the transaction of every change
// to it, to a pledge on it and to an access list of either).
type classReads interface {
	PledgeClassesOf(ctx context.Context, requirementIDs []string) ([]model.Pledge, error)
	RecordVersion(ctx context.Context) (int64, error)
	RequirementsChangedSince(ctx context.Context, n int64, max int) (ids []string, all bool, err error)
}

// keptClasses keeps the pledge classes of the requirements the lists showed
// last. A page of 200 requirements reads about 1,800 classes: 40 % of a
// list's time at a million pledges, for rows that change far less often
// than people page through them. They are raw records, the same for every
// viewer: each reader's policy is applied to them afterwards, as to the
// store's.
//
// What is kept follows every change through the records' version and the
// requirements marked at it: every class kept reflects every change
// marked below version. A reader that finds the records at a later
// version first drops the requirements marked at version or later (or
// everything, when an organisation changed or too many were marked).
type keptClasses struct {
	max int
	mu  sync.Mutex
	// version is the records' version below which every change is
	// reflected in what is kept; 0 until the first reading.
	version int64
	entries map[string]*list.Element
	// lru holds *keptRequirement, the most recently read first.
	lru list.List
	// read counts the requirements whose classes were read from the
	// store, for the tests that prove a change reads only what it touched.
	read atomic.Int64
}

// keptRequirements bounds what is kept: ten pages of the longest list, a
// few MB, so that the server's memory stays bounded however many
// requirements there are.
const keptRequirements = 2048

// maxMarked is how many changed requirements a reader drops one by one;
// past it, it drops everything.
const maxMarked = 512

type keptRequirement struct {
	id      string
	classes []keptClass
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

func newKeptClasses(max int) *keptClasses {
	return &keptClasses{max: max, entries: map[string]*list.Element{}}
}

// of returns the classes of the requirements of ids, as
// store.PledgeClassesOf does, each requirement's classes together.
func (k *keptClasses) of(ctx context.Context, st classReads, ids []string) ([]model.Pledge, error) {
	// Read before the classes: a change committed after this reading
	// is marked at this version or later.
	version, err := st.RecordVersion(ctx)
	if err != nil {
		return nil, err
	}
	if err := k.bringForward(ctx, st, version); err != nil {
		return nil, err
	}
	found := make(map[string][]keptClass, len(ids))
	var missing []string
	k.mu.Lock()
	// Kept classes serve only a reader the kept version has caught up
	// with; another reader may have moved it on since, which is as good.
	usable := k.version >= version
	for _, id := range ids {
		if e, ok := k.entries[id]; ok && usable {
			k.lru.MoveToFront(e)
			found[id] = e.Value.(*keptRequirement).classes
		} else {
			missing = append(missing, id)
		}
	}
	k.mu.Unlock()
	if len(missing) > 0 {
		read, err := st.PledgeClassesOf(ctx, missing)
		if err != nil {
			return nil, err
		}
		k.read.Add(int64(len(missing)))
		fresh := compactClasses(missing, read)
		k.keep(version, fresh)
		for id, cs := range fresh {
			found[id] = cs
		}
	}
	n := 0
	for _, cs := range found {
		n += len(cs)
	}
	out := make([]model.Pledge, 0, n)
	for _, id := range ids {
		for _, c := range found[id] {
			out = append(out, c.pledge(id))
		}
		// A requirement asked twice is given once, as the store does.
		delete(found, id)
	}
	return out, nil
}

// bringForward drops what changed since the kept version, when the records
// are at a later one.
func (k *keptClasses) bringForward(ctx context.Context, st classReads, version int64) error {
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
	}
	for _, id := range changed {
		if e, ok := k.entries[id]; ok {
			k.lru.Remove(e)
			delete(k.entries, id)
		}
	}
	k.version = max(k.version, version)
	return nil
}

// keep keeps classes read after the records were found at version. They
// reflect every change below it, so they may be kept only while the kept
// version is not past it: a change between the two would be missed.
func (k *keptClasses) keep(version int64, fresh map[string][]keptClass) {
	k.mu.Lock()
	defer k.mu.Unlock()
	if k.version > version {
		return
	}
	for id, cs := range fresh {
		if e, ok := k.entries[id]; ok {
			e.Value.(*keptRequirement).classes = cs
			k.lru.MoveToFront(e)
			continue
		}
		k.entries[id] = k.lru.PushFront(&keptRequirement{id: id, classes: cs})
	}
	for k.lru.Len() > k.max {
		last := k.lru.Back()
		k.lru.Remove(last)
		delete(k.entries, last.Value.(*keptRequirement).id)
	}
}

// compactClasses groups the classes read of the requirements of ids.
func compactClasses(ids []string, read []model.Pledge) map[string][]keptClass {
	out := make(map[string][]keptClass, len(ids))
	for _, id := range ids {
		// A requirement without pledges is kept too, as having none.
		out[id] = nil
	}
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
