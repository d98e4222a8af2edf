package coordination

import (
	"bytes"
	"fmt"
	"math/rand/v2"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/google/uuid"

	"github.com/cyberaid/cyberaid/internal/model"
)

// TestFindingsListKeepsEveryAlert packs random alerts in a random order and
// reads them back: every field as it was, in alertOrder, with keys and
// kinds read alone, in blocks of several sizes, keys written as they are
// and keys of the alert's kind and ids.
func TestFindingsListKeepsEveryAlert(t *testing.T) {
	rng := rand.New(rand.NewPCG(13, 1))
	// Ids of every form: the store's UUIDs, one in capitals (kept as
	// text, so that it reads back as written), and others.
	ids := []string{"p-1", "", "organisation:2", strings.ToUpper(uuid.NewString()), "zzzzzzzz-zzzz-zzzz-zzzz-zzzzzzzzzzzz"}
	for range 20 {
		ids = append(ids, uuid.NewString())
	}
	type req struct{ id, ref, title string }
	reqs := []req{{}}
	for i := range 8 {
		id := ids[rng.IntN(len(ids))] + fmt.Sprint(i)
		if i%2 == 0 {
			// The store's: written in 16 bytes.
			id = uuid.NewString()
		}
		reqs = append(reqs, req{id, fmt.Sprintf("UA-%d", i), fmt.Sprintf("Титул %d", i)})
	}
	priorities := append(slices.Clone(model.Priorities), "")
	defer func(size int) { findingsBlock = size }(findingsBlock)
	for round := range 50 {
		// Blocks small enough that alerts cross from one to the next, and
		// some are larger than a block.
		findingsBlock = []int{1 << 20, 64, 200}[round%3]
		var in []Alert
		for i := range rng.IntN(60) {
			r := reqs[rng.IntN(len(reqs))]
			a := Alert{Key: fmt.Sprintf("k%03d", rng.IntN(40)) + fmt.Sprint(i), Kind: model.AlertKinds[rng.IntN(len(model.AlertKinds))],
				RequirementID: r.id, Ref: r.ref, Title: r.title, EURMinor: rng.Int64N(1<<40) - 1<<39, DaysWaiting: rng.IntN(3)}
			if r.id != "" {
				// A requirement's priority is the same in every alert
				// about it.
				a.Priority = priorities[len(r.id)%len(priorities)]
			}
			for range rng.IntN(5) {
				a.PledgeIDs = append(a.PledgeIDs, ids[rng.IntN(len(ids))])
			}
			for range rng.IntN(3) {
				a.DonorOrgIDs = append(a.DonorOrgIDs, ids[rng.IntN(len(ids))])
			}
			if rng.IntN(4) > 0 {
				// A key as the findings make them: the kind, then parts
				// naming the alert's requirement, pledges and donors,
				// or text; the last part keeps keys apart.
				parts := []string{string(a.Kind)}
				for range rng.IntN(4) {
					switch pick := rng.IntN(5); {
					case pick == 0:
						parts = append(parts, a.RequirementID)
					case pick == 1 && len(a.PledgeIDs) > 0:
						parts = append(parts, a.PledgeIDs[rng.IntN(len(a.PledgeIDs))])
					case pick == 2 && len(a.DonorOrgIDs) > 0:
						parts = append(parts, a.DonorOrgIDs[rng.IntN(len(a.DonorOrgIDs))])
					default:
						parts = append(parts, ids[rng.IntN(len(ids))])
					}
				}
				a.Key = strings.Join(append(parts, fmt.Sprint(i)), ":")
				if rng.IntN(10) == 0 {
					a.Key = string(a.Kind) + ":"
					if i > 0 {
						a.Key = string(model.AlertKinds[0]) + fmt.Sprint(i) + ":" + a.RequirementID
					}
				}
			}
			in = append(in, a)
		}
		p := newFindingsPacker()
		for chunk := range slices.Chunk(in, 1+rng.IntN(7)) {
			var out alerts
			for _, a := range chunk {
				out.add(a)
			}
			p.add(out)
		}
		got := p.done()
		if findingsBlock == 64 && len(in) > 20 && len(got.blocks) < 10 {
			t.Fatalf("round %d: %d alerts in %d blocks of 64 bytes", round, len(in), len(got.blocks))
		}

		holdsRanked(t, fmt.Sprintf("round %d", round), got, in)
	}
}

// holdsRanked fails unless l holds the alerts of in, ranked by
// alertOrder, each read back whole and by its key and kind alone.
func holdsRanked(t *testing.T, what string, l *findingsList, in []Alert) {
	t.Helper()
	var want alerts
	for _, a := range in {
		want.add(a)
	}
	slices.SortFunc(want, alertOrder)
	if l.Len() != len(want) {
		t.Fatalf("%s: %d alerts kept of %d", what, l.Len(), len(want))
	}
	for i, w := range want {
		if a := l.alert(i); !reflect.DeepEqual(a, w) {
			t.Fatalf("%s, alert %d:\n got %+v\nwant %+v", what, i, a, w)
		}
		if key := l.key(nil, i); string(key) != w.Key || l.kind(i) != w.Kind {
			t.Fatalf("%s, alert %d: key %q kind %q, want %q %q", what, i, key, l.kind(i), w.Key, w.Kind)
		}
	}
}

// TestKindsInOrderRankEveryKind: an alert's kind is read back from its
// rank, so every kind must have a rank of its own.
func TestKindsInOrderRankEveryKind(t *testing.T) {
	if !reflect.DeepEqual(slices.Sorted(slices.Values(kindsInOrder)), slices.Sorted(slices.Values(model.AlertKinds))) {
		t.Fatalf("ranked kinds %v, kinds %v", kindsInOrder, model.AlertKinds)
	}
}

// TestRangesPackedAgainKeepEveryAlert packs random alerts in ranges, each
// cut apart as the kept findings are (kept_findings.go), then packs some
// ranges again, again and again, each time with new alerts: every list
// holds the alerts of its ranges, ranked, and the lists before it, which
// requests may still be reading, are left as they were.
func TestRangesPackedAgainKeepEveryAlert(t *testing.T) {
	rng := rand.New(rand.NewPCG(13, 2))
	orgs := []string{uuid.NewString(), uuid.NewString(), "org-3", "org-4"}
	serial := 0
	// alertsOf makes the alerts of range r: about a few requirements, and
	// some about none (stale pledges on requirements the viewer does not
	// see); every key is new.
	alertsOf := func(r int) []Alert {
		var out []Alert
		for range rng.IntN(12) {
			serial++
			a := Alert{Kind: model.AlertKinds[rng.IntN(len(model.AlertKinds))], EURMinor: rng.Int64N(1 << 30), DaysWaiting: rng.IntN(3),
				PledgeIDs: []string{uuid.NewString()}, DonorOrgIDs: []string{orgs[rng.IntN(len(orgs))]}}
			if rng.IntN(5) > 0 {
				n := rng.IntN(3)
				a.RequirementID, a.Ref, a.Title = fmt.Sprintf("r%02d-%d", r, n), fmt.Sprintf("UA-%d-%d", r, n), fmt.Sprintf("Потреба %d", n)
				a.Priority = model.Priorities[n%len(model.Priorities)]
				a.Key = fmt.Sprintf("%s:%s:%d", a.Kind, a.RequirementID, serial)
			} else {
				a.Key = fmt.Sprintf("%s:%s", a.Kind, a.PledgeIDs[0])
			}
			if rng.IntN(6) == 0 {
				// A donor the list has not numbered yet.
				a.DonorOrgIDs = append(a.DonorOrgIDs, fmt.Sprint("org-new-", serial))
			}
			out = append(out, a)
		}
		return out
	}
	check := func(what string, l *findingsList, ranges [][]Alert) {
		t.Helper()
		holdsRanked(t, what, l, slices.Concat(ranges...))
	}
	// packRange packs new alerts for range r into p, as a range computed
	// again is, and returns them with the range's blocks.
	packRange := func(p *findingsPacker, r int) ([]Alert, []int) {
		as := alertsOf(r)
		var out alerts
		for _, a := range as {
			out.add(a)
		}
		p.add(out)
		return as, p.cut()
	}
	defer func(size int) { findingsBlock = size }(findingsBlock)
	for round := range 12 {
		findingsBlock = []int{1 << 20, 64, 200}[round%3]
		ranges := make([][]Alert, 1+rng.IntN(8))
		blocks := make([][]int, len(ranges))
		p := newFindingsPacker()
		for r := range ranges {
			ranges[r], blocks[r] = packRange(p, r)
		}
		l := p.done()
		check(fmt.Sprintf("round %d, first", round), l, ranges)
		type kept struct {
			l      *findingsList
			ranges [][]Alert
		}
		var before []kept
		for again := range 20 {
			before = append(before, kept{l, slices.Clone(ranges)})
			var drop []int
			var redo []int
			for r := range ranges {
				if rng.IntN(3) == 0 {
					drop = append(drop, blocks[r]...)
					redo = append(redo, r)
				}
			}
			p := repack(l, drop)
			for _, r := range redo {
				ranges[r], blocks[r] = packRange(p, r)
			}
			l = p.merged(l, drop)
			check(fmt.Sprintf("round %d, packed again %d", round, again), l, ranges)
		}
		for i, k := range before {
			check(fmt.Sprintf("round %d, list %d kept", round, i), k.l, k.ranges)
		}
	}
}

// TestFindingsListWritesAPledgeOnce: the alerts about a requirement name
// its pledges again and again (over-coverage every one, duplicates and
// stale pledges some); each pledge's id is written once in the list, with
// the requirement, and a pledge on no requirement the viewer sees is
// written with its alert.
func TestFindingsListWritesAPledgeOnce(t *testing.T) {
	reqID, donor := uuid.NewString(), uuid.NewString()
	var pledges []string
	for range 10 {
		pledges = append(pledges, uuid.NewString())
	}
	onReq := func(a Alert) Alert {
		a.RequirementID, a.Ref, a.Title, a.Priority = reqID, "UA-1", "Мережеве обладнання", model.PriorityHigh
		return a
	}
	offReq := uuid.NewString()
	var out alerts
	out.add(onReq(Alert{Key: "over_coverage:" + reqID, Kind: model.AlertOverCoverage, PledgeIDs: pledges, DonorOrgIDs: []string{donor}}))
	out.add(onReq(Alert{Key: "duplicate:" + reqID + ":" + donor, Kind: model.AlertDuplicate, PledgeIDs: pledges[2:5], DonorOrgIDs: []string{donor}}))
	for _, id := range pledges[7:] {
		out.add(onReq(Alert{Key: "stale:" + id, Kind: model.AlertStalePledge, PledgeIDs: []string{id}, DonorOrgIDs: []string{donor}, DaysWaiting: 40}))
	}
	out.add(Alert{Key: "stale:" + offReq, Kind: model.AlertStalePledge, PledgeIDs: []string{offReq}, DonorOrgIDs: []string{donor}, DaysWaiting: 41})
	p := newFindingsPacker()
	p.add(out)
	l := p.done()
	holdsRanked(t, "one requirement", l, out)
	all := bytes.Join(l.blocks, nil)
	for _, id := range append(pledges, reqID, offReq) {
		u := uuid.MustParse(id)
		if n := bytes.Count(all, u[:]); n != 1 {
			t.Errorf("id %s written %d times", id, n)
		}
	}
}
