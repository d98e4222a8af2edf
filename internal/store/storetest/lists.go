package storetest

import (
	"cmp"
	"slices"
	"strings"
	"testing"

	"github.com/cyberaid/cyberaid/internal/model"
	"github.com/cyberaid/cyberaid/internal/policy"
	"github.com/cyberaid/cyberaid/internal/store"
)

// testSortedPages: every order of model.RequirementSorts, walked two rows
// at a time with its cursor, gives every row once, in that order, the same
// on both backends (text in byte order, missing values first).
func testSortedPages(t *testing.T, s *store.DB) {
	ctx := ctxOf(t)
	org := newOrg(t, s, "Ministry")
	titles := []string{"b firewalls", "A radios", "Єнергетика", "a radios", "énergie", "Z-last"}
	var want []model.Requirement
	for i, title := range titles {
		want = append(want, newRequirement(t, s, org.ID, func(r *model.Requirement) {
			r.Title = title
			r.EstimatedEURMinor = int64((i * 7 % 4) * 1000)
			r.Priority = []model.Priority{model.PriorityLow, model.PriorityCritical, model.PriorityMedium, model.PriorityHigh}[i%4]
			r.TLP = model.TLPs[i%4]
			if i%2 == 0 {
				r.NeededBy = model.DateOf(t0.AddDate(0, 0, i))
			}
		}))
	}
	all := policy.AudienceOf(policy.System())
	rank := func(p model.Priority) int {
		return slices.Index([]model.Priority{model.PriorityCritical, model.PriorityHigh, model.PriorityMedium, model.PriorityLow}, p)
	}
	keys := map[string]func(a, b model.Requirement) int{
		"created":   func(a, b model.Requirement) int { return strings.Compare(a.ID, b.ID) },
		"title":     func(a, b model.Requirement) int { return strings.Compare(a.Title, b.Title) },
		"estimated": func(a, b model.Requirement) int { return cmp.Compare(a.EstimatedEURMinor, b.EstimatedEURMinor) },
		"priority":  func(a, b model.Requirement) int { return cmp.Compare(rank(a.Priority), rank(b.Priority)) },
		"tlp": func(a, b model.Requirement) int {
			return cmp.Compare(slices.Index(model.TLPs, a.TLP), slices.Index(model.TLPs, b.TLP))
		},
		"needed_by": func(a, b model.Requirement) int { return strings.Compare(a.NeededBy.String(), b.NeededBy.String()) },
	}
	for field, key := range keys {
		for _, desc := range []bool{false, true} {
			order := model.Sort{Field: field, Desc: desc}
			var got []model.Requirement
			after := ""
			for {
				page, err := s.PageRequirements(ctx, model.RequirementFilter{}, all, order, after, 2)
				must(t, err)
				ids, err := s.PageRequirementIDs(ctx, model.RequirementFilter{}, all, order, after, 2)
				must(t, err)
				if !slices.Equal(ids, requirementIDs(page)) {
					t.Fatalf("sort %s: the page's ids are %v, its records %v", order, ids, requirementIDs(page))
				}
				got = append(got, page...)
				if len(page) < 2 {
					break
				}
				after = page[len(page)-1].ID
			}
			exp := slices.Clone(want)
			slices.SortStableFunc(exp, func(a, b model.Requirement) int {
				c := key(a, b)
				if c == 0 {
					c = strings.Compare(a.ID, b.ID)
				}
				if desc {
					c = -c
				}
				return c
			})
			if !slices.Equal(requirementIDs(got), requirementIDs(exp)) {
				t.Errorf("sort %s: got %v, want %v", order, titlesOf(got), titlesOf(exp))
			}
		}
	}
	_, err := s.PageRequirements(ctx, model.RequirementFilter{}, all, model.Sort{Field: "title"}, "01890000-0000-7000-8000-000000000000", 2)
	wantErr(t, err, model.ErrInvalid)
	_, err = s.PageRequirementIDs(ctx, model.RequirementFilter{}, all, model.Sort{Field: "title"}, "01890000-0000-7000-8000-000000000000", 2)
	wantErr(t, err, model.ErrInvalid)
}

func titlesOf(rs []model.Requirement) []string {
	out := make([]string, len(rs))
	for i, r := range rs {
		out[i] = r.Title
	}
	return out
}

// testAudienceTotals: what the store selects and counts for an audience is
// what the policy decides for that viewer, record by record: labels, the
// beneficiary, shares, named readers, engagement by a pledge, the
// validation gate, and a pledge's parent.
func testAudienceTotals(t *testing.T, s *store.DB) {
	ctx := ctxOf(t)
	ben := newOrg(t, s, "Beneficiary")
	must(t, s.UpdateOrganisation(ctx, func() *model.Organisation {
		ben.Kind, ben.Participation = model.KindBeneficiaryAgency, model.Beneficiary
		return &ben
	}()))
	state := newOrg(t, s, "State")
	company := newOrg(t, s, "Company")
	company.Kind, company.Participation = model.KindPrivateCompany, model.Contributor
	must(t, s.UpdateOrganisation(ctx, &company))
	requester := newUser(t, s, ben.ID, "req@example.org", model.RoleRequester)
	donor := newUser(t, s, state.ID, "donor@example.org", model.RoleDonor)
	seller := newUser(t, s, company.ID, "seller@example.org", model.RoleDonor)
	var reqs []model.Requirement
	for _, tlp := range model.TLPs {
		for _, st := range []model.RequirementStatus{model.ReqDraft, model.ReqValidated} {
			reqs = append(reqs, newRequirement(t, s, ben.ID, func(r *model.Requirement) {
				r.TLP, r.Status = tlp, st
				if tlp == model.TLPRed {
					r.NamedUserIDs = []string{donor.ID}
				}
			}))
		}
	}
	shared := newRequirement(t, s, ben.ID, func(r *model.Requirement) {
		r.TLP, r.Status, r.SharedOrgIDs = model.TLPAmberStrict, model.ReqValidated, []string{state.ID}
	})
	reqs = append(reqs, shared)
	// The company is engaged on an AMBER requirement by its pledge.
	newPledge(t, s, company.ID, reqs[5].ID, func(p *model.Pledge) { p.TLP = model.TLPAmber })
	newPledge(t, s, state.ID, reqs[1].ID, func(p *model.Pledge) { p.TLP = model.TLPClear })
	newPledge(t, s, state.ID, "", func(p *model.Pledge) {
		p.TLP, p.Channel, p.BeneficiaryOrgID, p.Sector, p.Category = model.TLPGreen, model.ChannelBilateral, ben.ID, "energy", "training"
	})
	all, err := s.ListPledges(ctx, model.PledgeFilter{}, "", 0)
	must(t, err)
	orgOf := map[string]model.Organisation{ben.ID: ben, state.ID: state, company.ID: company}
	for _, u := range []model.User{{}, requester, donor, seller} {
		v := policy.ViewerFor(u, orgOf[u.OrgID])
		aud := policy.AudienceOf(v)
		resOf := map[string]policy.Resource{}
		var want []string
		for _, r := range reqs {
			var on []model.Pledge
			for _, p := range all {
				if p.RequirementID == r.ID {
					on = append(on, p)
				}
			}
			resOf[r.ID] = policy.RequirementResource(r, on)
			if policy.Visible(v, resOf[r.ID]) {
				want = append(want, r.ID)
			}
		}
		got, err := s.PageRequirements(ctx, model.RequirementFilter{}, aud, model.Sort{}, "", 0)
		must(t, err)
		same(t, requirementIDs(got), newestFirst(want...))
		ids, err := s.PageRequirementIDs(ctx, model.RequirementFilter{}, aud, model.Sort{}, "", 0)
		must(t, err)
		if !slices.Equal(ids, newestFirst(want...)) {
			t.Fatalf("%s sees the ids %v, want %v", u.Email, ids, newestFirst(want...))
		}
		n, err := s.CountRequirements(ctx, model.RequirementFilter{}, aud)
		must(t, err)
		same(t, n, len(want))
		var wantP []string
		for _, p := range all {
			var parent *policy.Resource
			if res, ok := resOf[p.RequirementID]; ok {
				parent = &res
			}
			if policy.Visible(v, policy.PledgeResource(p, parent)) {
				wantP = append(wantP, p.ID)
			}
		}
		gotP, err := s.PagePledges(ctx, model.PledgeFilter{}, aud, model.Sort{Field: "eur"}, "", 0)
		must(t, err)
		same(t, ascending(pledgeIDs(gotP)...), ascending(wantP...))
		n, err = s.CountPledges(ctx, model.PledgeFilter{}, aud)
		must(t, err)
		same(t, n, len(wantP))
	}
}

// testFullTextSearch: every kind of record is found by its words, in
// Ukrainian and French as written and in any case, by the start of a word;
// an edit or a new record is found at once, the title ranks above the body.
func testFullTextSearch(t *testing.T, s *store.DB) {
	ctx := ctxOf(t)
	org := newOrg(t, s, "Державна служба спеціального звʼязку (ДССЗЗІ)")
	energy := newRequirement(t, s, org.ID, func(r *model.Requirement) {
		r.Title = "Енергетика: захист підстанцій"
		r.Description = "Захищений звʼязок для обленерго"
	})
	french := newRequirement(t, s, org.ID, func(r *model.Requirement) {
		r.Title = "Sécurité des réseaux"
		r.Description = "Formation à la détection des intrusions, énergie"
	})
	find := func(q string) []model.SearchHit {
		t.Helper()
		hits, err := s.SearchDocuments(ctx, model.SearchTerms(q), 50)
		must(t, err)
		marked, err := s.SearchMarks(ctx, model.SearchTerms(q), hits)
		must(t, err)
		if len(marked) != len(hits) {
			t.Fatalf("%q: %d hits, %d marked", q, len(hits), len(marked))
		}
		for i := range hits {
			if marked[i].Kind != hits[i].Kind || marked[i].RecordID != hits[i].RecordID {
				t.Fatalf("%q: marked %v, out of the hits' order %v", q, marked, hits)
			}
		}
		return marked
	}
	has := func(hits []model.SearchHit, kind, id string) bool {
		return slices.ContainsFunc(hits, func(h model.SearchHit) bool { return h.Kind == kind && h.RecordID == id })
	}
	for q, id := range map[string]string{
		"енергетика": energy.ID, "ЕНЕРГЕТИКА": energy.ID, "звʼязок": energy.ID, "підстан": energy.ID,
		"sécurité": french.ID, "SÉCURITÉ": french.ID, "détection": french.ID, "réseaux intrusions": french.ID,
	} {
		hits := find(q)
		if !has(hits, "requirement", id) {
			t.Errorf("%q: %v does not hold the requirement", q, hits)
		}
	}
	if hits := find("енергетика"); len(hits) != 1 || !strings.Contains(hits[0].Title, model.SearchMarkStart+"Енергетика"+model.SearchMarkEnd) {
		t.Errorf("енергетика: %q, want the title with the word marked", hits)
	}
	if hits := find("réseaux intrusions"); len(hits) != 1 || !strings.Contains(hits[0].Snippet, model.SearchMarkStart+"intrusions"+model.SearchMarkEnd) {
		t.Errorf("réseaux intrusions: %q, want the body's word marked in the snippet", hits)
	}
	// Marks are asked for a page of hits: one that has gone, or holds the
	// words no more, is left out, the others keep their order.
	terms := model.SearchTerms("sécurité")
	page := []model.SearchHit{{Kind: "requirement", RecordID: energy.ID}, {Kind: "requirement", RecordID: french.ID}, {Kind: "pledge", RecordID: "missing"}}
	marked, err := s.SearchMarks(ctx, terms, page)
	must(t, err)
	if len(marked) != 1 || marked[0].RecordID != french.ID || !strings.Contains(marked[0].Title, model.SearchMarkStart+"Sécurité"+model.SearchMarkEnd) {
		t.Errorf("marks of a page: %q", marked)
	}
	if hits := find("звʼязку"); !has(hits, "organisation", org.ID) {
		t.Errorf("the organisation is not found by its name: %v", hits)
	}
	if hits := find("sécurité formation"); len(hits) != 1 {
		t.Errorf("every word must match: %v", hits)
	}
	if hits := find("енергетика sécurité"); len(hits) != 0 {
		t.Errorf("no record holds both words: %v", hits)
	}
	// Ranked: a word in a title before the same word in a body.
	body := newRequirement(t, s, org.ID, func(r *model.Requirement) {
		r.Title, r.Description = "Radios", "Рації для енергетика-ремонтників"
	})
	if hits := find("енергетика"); len(hits) != 2 || hits[0].RecordID != energy.ID || hits[1].RecordID != body.ID {
		t.Errorf("ranking: %v", hits)
	}
	// Every change to the words advances the index's version, which a
	// search's kept candidates stand on.
	version := func() int64 {
		t.Helper()
		n, err := s.SearchVersion(ctx)
		must(t, err)
		return n
	}
	before := version()
	if again := version(); again != before {
		t.Fatalf("the search version moved from %d to %d with nothing written", before, again)
	}
	// A change that leaves the words as they were is no new version.
	energy.Priority = model.PriorityHigh
	must(t, s.UpdateRequirement(ctx, &energy))
	if after := version(); after != before {
		t.Errorf("a new priority moved the search version from %d to %d", before, after)
	}
	energy.Title = "Кібербезпека підстанцій"
	must(t, s.UpdateRequirement(ctx, &energy))
	if after := version(); after <= before {
		t.Errorf("a new title left the search version at %d (was %d)", after, before)
	}
	if hits := find("кібербезпека"); !has(hits, "requirement", energy.ID) {
		t.Errorf("the new title is not found: %v", hits)
	}
	if hits := find("енергетика"); has(hits, "requirement", energy.ID) {
		t.Errorf("the old title is still found: %v", hits)
	}
	before = version()
	p := newPledge(t, s, org.ID, french.ID, func(p *model.Pledge) { p.Description = "Licences pour l'équipe" })
	if after := version(); after <= before {
		t.Errorf("a new pledge left the search version at %d (was %d)", after, before)
	}
	if hits := find("équipe"); !has(hits, "pledge", p.ID) {
		t.Errorf("the pledge is not found: %v", hits)
	}
	if hits := find(`"*) OR ( NEAR`); len(hits) != 0 {
		t.Errorf("search syntax must be taken as words: %v", hits)
	}
}

// testHiddenCursor: a cursor naming a row the audience does not see is
// refused before any page is read, so that no page tells where it sorts.
func testHiddenCursor(t *testing.T, s *store.DB) {
	ctx := ctxOf(t)
	org := newOrg(t, s, "Ministry")
	hidden := newRequirement(t, s, org.ID, func(r *model.Requirement) { r.Title, r.TLP, r.Status = "M hidden", model.TLPRed, model.ReqValidated })
	for _, title := range []string{"A open", "Z open"} {
		newRequirement(t, s, org.ID, func(r *model.Requirement) { r.Title, r.TLP, r.Status = title, model.TLPClear, model.ReqValidated })
	}
	anonymous := policy.AudienceOf(policy.Viewer{})
	_, err := s.PageRequirements(ctx, model.RequirementFilter{}, anonymous, model.Sort{Field: "title"}, hidden.ID, 10)
	wantErr(t, err, model.ErrInvalid)
	p := newPledge(t, s, org.ID, hidden.ID, func(p *model.Pledge) { p.TLP = model.TLPRed })
	_, err = s.PagePledges(ctx, model.PledgeFilter{}, anonymous, model.Sort{Field: "eur"}, p.ID, 10)
	wantErr(t, err, model.ErrInvalid)
}

// testSortedOffers: every order of model.OfferSorts, walked two rows at a
// time with its cursor, gives every offer once in that order; what the
// store selects and counts for each member of a small cast is what the
// policy lets them see (the donor's own, labels, named readers of RED).
func testSortedOffers(t *testing.T, s *store.DB) {
	ctx := ctxOf(t)
	donorOrg := newOrg(t, s, "Donor")
	otherOrg := newOrg(t, s, "Other")
	donor := newUser(t, s, donorOrg.ID, "donor@example.org", model.RoleDonor)
	other := newUser(t, s, otherOrg.ID, "other@example.org", model.RoleDonor)
	named := newUser(t, s, otherOrg.ID, "named@example.org", model.RoleDonor)
	titles := []string{"b firewalls", "A radios", "Єнергетика", "a radios", "énergie", "Z-last", "Licences"}
	kinds := []model.PledgeKind{model.PledgeMoney, model.PledgeInKind}
	statuses := []model.OfferStatus{model.OfferOpen, model.OfferWithdrawn}
	var want []model.Offer
	for i, title := range titles {
		o := model.Offer{
			DonorOrgID: donorOrg.ID, Title: title, Kind: kinds[i%2], AmountMinor: int64((i*5%3 + 1) * 1000), Currency: "EUR",
			EURMinor: int64((i*5%3 + 1) * 1000), Rate: "1", RateDate: model.NewDate(2025, 3, 14), OfferDate: model.NewDate(2025, 3, 14),
			ValidUntil: model.NewDate(2026, 1, 1+i%3), Status: statuses[i%2], Review: model.ReviewNotRequired,
			TLP: model.TLPs[i%len(model.TLPs)],
		}
		if i == 1 {
			o.DonorOrgID = otherOrg.ID
		}
		if o.TLP == model.TLPRed {
			o.NamedUserIDs = []string{named.ID}
		}
		must(t, s.CreateOffer(ctx, &o))
		want = append(want, o)
	}
	all := policy.AudienceOf(policy.System())
	keys := map[string]func(a, b model.Offer) int{
		"created":     func(a, b model.Offer) int { return strings.Compare(a.ID, b.ID) },
		"title":       func(a, b model.Offer) int { return strings.Compare(a.Title, b.Title) },
		"kind":        func(a, b model.Offer) int { return strings.Compare(string(a.Kind), string(b.Kind)) },
		"eur":         func(a, b model.Offer) int { return cmp.Compare(a.EURMinor, b.EURMinor) },
		"valid_until": func(a, b model.Offer) int { return strings.Compare(a.ValidUntil.String(), b.ValidUntil.String()) },
		"status":      func(a, b model.Offer) int { return strings.Compare(string(a.Status), string(b.Status)) },
		"tlp": func(a, b model.Offer) int {
			return cmp.Compare(slices.Index(model.TLPs, a.TLP), slices.Index(model.TLPs, b.TLP))
		},
	}
	same(t, len(keys), len(model.OfferSorts))
	for field, key := range keys {
		for _, desc := range []bool{false, true} {
			order := model.Sort{Field: field, Desc: desc}
			var got []model.Offer
			after := ""
			for {
				page, err := s.PageOffers(ctx, model.OfferFilter{}, all, order, after, 2)
				must(t, err)
				got = append(got, page...)
				if len(page) < 2 {
					break
				}
				after = page[len(page)-1].ID
			}
			exp := slices.Clone(want)
			slices.SortStableFunc(exp, func(a, b model.Offer) int {
				c := key(a, b)
				if c == 0 {
					c = strings.Compare(a.ID, b.ID)
				}
				if desc {
					c = -c
				}
				return c
			})
			if !slices.Equal(offerIDs(got), offerIDs(exp)) {
				t.Errorf("sort %s: got %v, want %v", order, offerIDs(got), offerIDs(exp))
			}
		}
	}
	_, err := s.PageOffers(ctx, model.OfferFilter{}, all, model.Sort{Field: "title"}, "01890000-0000-7000-8000-000000000000", 2)
	wantErr(t, err, model.ErrInvalid)

	orgOf := map[string]model.Organisation{donorOrg.ID: donorOrg, otherOrg.ID: otherOrg}
	for _, u := range []model.User{{}, donor, other, named} {
		v := policy.ViewerFor(u, orgOf[u.OrgID])
		aud := policy.AudienceOf(v)
		for _, f := range []model.OfferFilter{{}, {Status: model.OfferOpen}} {
			var seen []string
			for _, o := range want {
				if (f.Status == "" || o.Status == f.Status) && policy.Visible(v, policy.OfferResource(o)) {
					seen = append(seen, o.ID)
				}
			}
			got, err := s.PageOffers(ctx, f, aud, model.Sort{Field: "eur"}, "", 0)
			must(t, err)
			same(t, ascending(offerIDs(got)...), ascending(seen...))
			n, err := s.CountOffers(ctx, f, aud)
			must(t, err)
			same(t, n, len(seen))
			if f.Status == "" {
				// What a search decides its candidates by, an unknown id among them.
				got, err := s.SeenOfferIDs(ctx, aud, append(offerIDs(want), "01890000-0000-7000-8000-000000000000"))
				must(t, err)
				same(t, ascending(got...), ascending(seen...))
			}
		}
		// A cursor naming an offer this viewer does not see is refused.
		for _, o := range want {
			if !policy.Visible(v, policy.OfferResource(o)) {
				_, err := s.PageOffers(ctx, model.OfferFilter{}, aud, model.Sort{Field: "title"}, o.ID, 2)
				wantErr(t, err, model.ErrInvalid)
				break
			}
		}
	}
}

func offerIDs(os []model.Offer) []string {
	ids := make([]string, len(os))
	for i, o := range os {
		ids[i] = o.ID
	}
	return ids
}

// testQueryMatchesBeneficiaryNames finds a requirement by its
// beneficiary's name in each of the organisation's languages, whatever the
// case the person typed it in.
func testQueryMatchesBeneficiaryNames(t *testing.T, s *store.DB) {
	ctx := ctxOf(t)
	ben := newOrg(t, s, "State Service of Special Communications")
	ben.NameUK, ben.NameFR = "Держспецзв'язку", "Service d'État des communications spéciales"
	must(t, s.UpdateOrganisation(ctx, &ben))
	other := newOrg(t, s, "Ministry of Energy")
	want := newRequirement(t, s, ben.ID, func(r *model.Requirement) { r.Title = "Radios" })
	newRequirement(t, s, other.ID, func(r *model.Requirement) { r.Title = "Radios" })
	for _, q := range []string{"special communications", "ДЕРЖСПЕЦЗВ", "d'état des"} {
		got, err := s.ListRequirements(ctx, model.RequirementFilter{Query: q}, "", 0)
		must(t, err)
		if len(got) != 1 || got[0].ID != want.ID {
			t.Errorf("query %q found %d requirements, want the beneficiary's one", q, len(got))
		}
	}
}
