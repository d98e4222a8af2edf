package search

import (
	"context"
	"fmt"
	"testing"

	"github.com/cyberaid/cyberaid/internal/model"
	"github.com/cyberaid/cyberaid/internal/policy"
)

type hitsStore []model.SearchHit

func (h hitsStore) SearchDocuments(context.Context, []string, int) ([]model.SearchHit, error) {
	ranked := make([]model.SearchHit, len(h))
	for i, x := range h {
		ranked[i] = model.SearchHit{Kind: x.Kind, RecordID: x.RecordID}
	}
	return ranked, nil
}

// SearchVersion stands: the hits never change.
func (hitsStore) SearchVersion(context.Context) (int64, error) { return 1, nil }

func (h hitsStore) SearchMarks(_ context.Context, _ []string, hits []model.SearchHit) ([]model.SearchHit, error) {
	var out []model.SearchHit
	for _, want := range hits {
		for _, x := range h {
			if x.Kind == want.Kind && x.RecordID == want.RecordID {
				out = append(out, x)
			}
		}
	}
	return out, nil
}

// TestReadTogetherAnswersAsEachRead: the hits of a kind read together are
// those its one-by-one read shows, in the index's order, counted alike.
func TestReadTogetherAnswersAsEachRead(t *testing.T) {
	var hits hitsStore
	for i := range 30 {
		kind := "requirement"
		if i%3 == 0 {
			kind = "offer"
		}
		hits = append(hits, model.SearchHit{Kind: kind, RecordID: fmt.Sprint(i), Title: "t", Snippet: "s"})
	}
	// A record is visible when its id is even.
	hidden := func(id string) bool {
		var n int
		fmt.Sscan(id, &n)
		return n%2 == 1
	}
	one := func(ctx context.Context, v policy.Viewer, id string) error {
		if hidden(id) {
			return model.ErrNotFound
		}
		return nil
	}
	readers, urls := map[string]Reader{}, map[string]string{}
	for _, k := range model.SearchKinds {
		readers[k], urls[k] = one, "/"+k+"/"
	}
	each := NewService(hits, readers, urls)
	asked := 0
	decide := func(ctx context.Context, v policy.Viewer, ids []string) (map[string]bool, error) {
		asked++
		seen := map[string]bool{}
		for _, id := range ids {
			seen[id] = !hidden(id)
		}
		return seen, nil
	}
	checked := 0
	check := func(ctx context.Context, v policy.Viewer, ids []string) (map[string]bool, error) {
		checked += len(ids)
		return decide(ctx, v, ids)
	}
	together := NewService(hits, readers, urls).ReadTogether("requirement", decide, check)
	ctx := context.Background()
	want, err := each.Find(ctx, policy.Viewer{}, "word", "", 7)
	if err != nil {
		t.Fatal(err)
	}
	got, err := together.Find(ctx, policy.Viewer{}, "word", "", 7)
	if err != nil {
		t.Fatal(err)
	}
	if fmt.Sprint(got) != fmt.Sprint(want) || want.Total != 15 {
		t.Errorf("read together: %+v\none by one: %+v", got, want)
	}
	if asked != 2 || checked != 4 {
		t.Errorf("the requirements were decided and checked in %d calls, %d checked; want 2 calls, the page's 4 requirements checked", asked, checked)
	}
	// A record the whole decision shows but its own read hides is not shown.
	faulty := NewService(hits, readers, urls).ReadTogether("requirement", func(ctx context.Context, v policy.Viewer, ids []string) (map[string]bool, error) {
		seen := map[string]bool{}
		for _, id := range ids {
			seen[id] = true
		}
		return seen, nil
	}, check)
	got, err = faulty.Find(ctx, policy.Viewer{}, "word", "", 30)
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range got.Items {
		if hidden(r.ID) {
			t.Errorf("%s %s shown, which its read hides", r.Type, r.ID)
		}
	}
}

// versionedStore counts the rankings asked of it, at a version a test moves.
type versionedStore struct {
	hitsStore
	version, ranked int64
	marked          int // hits asked to be marked
}

func (s *versionedStore) SearchMarks(ctx context.Context, terms []string, hits []model.SearchHit) ([]model.SearchHit, error) {
	s.marked += len(hits)
	return s.hitsStore.SearchMarks(ctx, terms, hits)
}

func (s *versionedStore) SearchVersion(context.Context) (int64, error) { return s.version, nil }

func (s *versionedStore) SearchDocuments(ctx context.Context, terms []string, limit int) ([]model.SearchHit, error) {
	s.ranked++
	return s.hitsStore.SearchDocuments(ctx, terms, limit)
}

// TestCandidatesKeptWhileTheWordsStand: the same words are ranked once while
// the index's version stands, again once it moves, and other words apart;
// who may see each candidate is asked at every search.
func TestCandidatesKeptWhileTheWordsStand(t *testing.T) {
	ctx := context.Background()
	st := &versionedStore{hitsStore: hitsStore{{Kind: "offer", RecordID: "a", Title: "Radios"}, {Kind: "offer", RecordID: "b", Title: "Radios"}}, version: 1}
	var asked int
	see := map[string]bool{"a": true, "b": true}
	read := func(_ context.Context, _ policy.Viewer, id string) error {
		asked++
		if !see[id] {
			return model.ErrNotFound
		}
		return nil
	}
	readers, urls := map[string]Reader{}, map[string]string{}
	for _, k := range model.SearchKinds {
		readers[k], urls[k] = read, "/"+k+"/"
	}
	svc := NewService(st, readers, urls)
	find := func(q string) int {
		t.Helper()
		got, err := svc.Find(ctx, policy.Viewer{}, q, "", 10)
		if err != nil {
			t.Fatal(err)
		}
		return got.Total
	}
	find("radios")
	find("radios")
	if st.ranked != 1 {
		t.Errorf("the same words at one version were ranked %d times, want once", st.ranked)
	}
	if st.marked != 2 {
		t.Errorf("%d hits asked to be marked for two searches of one page, want its 2 once", st.marked)
	}
	find("licences")
	if st.ranked != 2 {
		t.Errorf("other words were ranked %d times in all, want 2", st.ranked)
	}
	st.version++
	find("radios")
	if st.ranked != 3 {
		t.Errorf("the words were not ranked again once the version moved (%d rankings)", st.ranked)
	}
	if st.marked != 6 {
		t.Errorf("%d hits asked to be marked in all, want the page again once the version moved (6)", st.marked)
	}
	// Kept candidates, not kept decisions: a record hidden since is hidden.
	see["b"] = false
	before := asked
	got, err := svc.Find(ctx, policy.Viewer{}, "radios", "", 10)
	if err != nil {
		t.Fatal(err)
	}
	if got.Total != 1 || len(got.Items) != 1 || got.Items[0].ID != "a" {
		t.Errorf("after b was hidden: %d in all, shown %v; want a alone", got.Total, got.Items)
	}
	if asked == before {
		t.Error("the reads were not asked again")
	}
}
