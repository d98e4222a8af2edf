package web_test

import (
	"bytes"
	"context"
	"errors"
	"slices"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/cyberaid/cyberaid/internal/accounts"
	"github.com/cyberaid/cyberaid/internal/app"
	"github.com/cyberaid/cyberaid/internal/apptest"
	"github.com/cyberaid/cyberaid/internal/delivery"
	"github.com/cyberaid/cyberaid/internal/documents"
	"github.com/cyberaid/cyberaid/internal/governance"
	"github.com/cyberaid/cyberaid/internal/indicators"
	"github.com/cyberaid/cyberaid/internal/lessons"
	"github.com/cyberaid/cyberaid/internal/model"
	"github.com/cyberaid/cyberaid/internal/offers"
	"github.com/cyberaid/cyberaid/internal/organisations"
	"github.com/cyberaid/cyberaid/internal/pledges"
	"github.com/cyberaid/cyberaid/internal/policy"
	"github.com/cyberaid/cyberaid/internal/requirements"
)

// probeCast is everyone the probe asks as: one of each role and
// participation that decides what a person sees, and "" for a visitor.
var probeCast = []string{
	"",              // anonymous
	"admin",         // Estonia (member state), admin
	"coordinator",   // Estonia, coordinator
	"validator",     // Ukraine (the beneficiary government, a member), validator
	"requester",     // SSSCIP (beneficiary agency), requester
	"requester2",    // a regional power distributor (another beneficiary entity)
	"donor",         // United States (member state), donor
	"donor_ee",      // Estonia, donor
	"donor_company", // a company (contributor), donor
	"donor_ngo",     // an NGO (contributor), donor
	"delegate",      // Estonia, delegate
	"delegate_obs",  // NATO (an observer international organisation), delegate
	"viewer",        // European Union (observer), viewer
	"applicant",     // a state whose membership is under review, with no observer admission
	"former",        // a former participant
	"lapsed",        // a former participant that made records while it was a member
}

// The audiences of the access model (docs/architecture.md), spelt out over probeCast. They are written
// by hand from the design, never computed by the policy under test.
var (
	everyone     = probeCast
	participants = without(probeCast, "", "former", "lapsed")
	// community is AMBER's official donor community: the users of member and
	// observer states and international organisations, coordinators and
	// validators (all of whom here belong to member states). An applicant is
	// not in it: it sees what a GREEN participant sees until members admit
	// it as an interim observer.
	community = []string{"admin", "coordinator", "validator", "donor", "donor_ee", "delegate", "delegate_obs", "viewer"}
	// strictCore is who sees every AMBER+STRICT record whatever its owner.
	strictCore = []string{"coordinator", "validator"}
	// gate is who sees a requirement the government has not validated.
	gate = []string{"requester", "validator", "coordinator"}
	// accessListReaders may see whom a record is shared with or names:
	// coordinators, validators and the beneficiary organisation.
	accessListReaders = []string{"coordinator", "validator", "requester"}

	orgEE      = []string{"admin", "coordinator", "donor_ee", "delegate"}
	orgUS      = []string{"donor"}
	orgSSSCIP  = []string{"requester"}
	orgPower   = []string{"requester2"}
	orgNGO     = []string{"donor_ngo"}
	orgCompany = []string{"donor_company"}
)

func without(all []string, drop ...string) []string {
	var out []string
	for _, n := range all {
		if !slices.Contains(drop, n) {
			out = append(out, n)
		}
	}
	return out
}

// union of groups and names.
func union(groups ...[]string) []string {
	var out []string
	for _, g := range groups {
		for _, n := range g {
			if !slices.Contains(out, n) {
				out = append(out, n)
			}
		}
	}
	return out
}

func both(a, b []string) []string {
	var out []string
	for _, n := range a {
		if slices.Contains(b, n) {
			out = append(out, n)
		}
	}
	return out
}

func names(n ...string) []string { return n }

// secret is a string in a record that only its audience may read.
type secret struct {
	token string
	what  string   // the record it belongs to, for the failure message
	aud   []string // who may see it
	// in limits the check to responses of paths containing it (derived
	// facts that are only secret in one place); empty: everywhere.
	in string
	// marker secrets must show to someone in their audience somewhere,
	// so that a probe that sees nothing fails.
	marker bool
}

// probeRecord is a record whose id fills a route parameter.
type probeRecord struct {
	name, id string
	aud      []string
}

// probeData is the shared data set of one backend.
type probeData struct {
	app     *app.App
	cast    apptest.Cast
	users   map[string]model.User // the probe cast, including its additions
	records map[string][]probeRecord
	secrets []secret
	mail    *mailbox
	ids     map[string]string
}

func (d *probeData) add(kind, name, id string, aud []string, markers ...string) {
	d.records[kind] = append(d.records[kind], probeRecord{name: name, id: id, aud: aud})
	d.ids[name] = id
	d.secrets = append(d.secrets, secret{token: id, what: kind + " " + name + " (its id)", aud: aud})
	for _, m := range markers {
		d.secrets = append(d.secrets, secret{token: m, what: kind + " " + name, aud: aud, marker: true})
	}
}

func (d *probeData) fact(token, what, in string, aud []string) {
	d.secrets = append(d.secrets, secret{token: token, what: what, aud: aud, in: in})
}

func (d *probeData) canSee(viewer string, s secret) bool { return slices.Contains(s.aud, viewer) }

// mailbox keeps the e-mail the notification jobs send, by recipient.
type mailbox struct {
	mu  sync.Mutex
	got map[string][]string
}

func (m *mailbox) Send(_ context.Context, to, subject, body string) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.got[to] = append(m.got[to], subject+"\n"+body)
	return nil
}

// probeFixture makes, through the domain services, records of every label
// and state the access rules distinguish, each with a marker, and says for
// each marker who may see it.
func probeFixture(t *testing.T, a *app.App, c apptest.Cast, mail *mailbox) *probeData {
	t.Helper()
	ctx := context.Background()
	d := &probeData{app: a, cast: c, users: map[string]model.User{}, records: map[string][]probeRecord{}, mail: mail, ids: map[string]string{}}
	for k, u := range c.Users {
		d.users[k] = u
	}
	admin := c.Viewer("admin")
	orgs := map[string]model.Organisation{}
	for k, o := range c.Orgs {
		orgs[k] = o
	}
	// The cast's additions: an observer's delegate, an applicant, and an
	// organisation that leaves after making records.
	newOrg := func(key, name string, kind model.OrgKind, part model.Participation) {
		country := "PL"
		if kind == model.KindInternationalOrg {
			country = ""
		}
		o, err := a.Organisations.Create(ctx, admin, organisations.Input{Name: &name, Kind: &kind, Participation: &part, Country: &country})
		if err != nil {
			t.Fatalf("org %s: %v", key, err)
		}
		orgs[key] = o
	}
	newUser := func(key, org string, roles ...model.Role) {
		u, err := a.Accounts.Create(ctx, admin, accounts.NewUser{OrgID: orgs[org].ID, Email: key + "@test.example", Name: key, Roles: roles, Password: apptest.Password})
		if err != nil {
			t.Fatalf("user %s: %v", key, err)
		}
		d.users[key] = u.User
	}
	newOrg("nato", "North Atlantic Alliance", model.KindInternationalOrg, model.Member)
	newOrg("applicantia", "Applicantia", model.KindState, model.Applicant)
	newOrg("lapsed", "Lapsedland", model.KindState, model.Member)
	newUser("delegate_obs", "nato", model.RoleDelegate)
	newUser("applicant", "applicantia", model.RoleViewer)
	newUser("lapsed", "lapsed", model.RoleDonor, model.RoleDelegate)
	// Only members have delegates; an organisation that becomes an
	// observer keeps its delegate's account, which is the case to probe.
	setParticipation := func(key string, p model.Participation) {
		o, err := a.Organisations.Update(ctx, admin, orgs[key].ID, organisations.Input{Participation: &p},
			func([]model.Role, model.Organisation) error { return nil })
		if err != nil {
			t.Fatalf("%s becomes %s: %v", key, p, err)
		}
		orgs[key] = o
	}
	setParticipation("nato", model.Observer)
	viewer := func(n string) policy.Viewer {
		u := d.users[n]
		for _, o := range orgs {
			if o.ID == u.OrgID {
				return policy.ViewerFor(u, o)
			}
		}
		t.Fatalf("no organisation for %s", n)
		return policy.Viewer{}
	}
	uid := func(n ...string) *[]string {
		var out []string
		for _, k := range n {
			out = append(out, d.users[k].ID)
		}
		return &out
	}
	today := model.DateOf(testNow)

	// Requirements.
	req := func(as, name string, tlp model.TLP, named *[]string, marker string) string {
		r, err := a.Requirements.Create(ctx, viewer(as), requirements.Input{
			Title: ptr(marker + " backup links"), Description: ptr("Substations " + marker),
			Sector: ptr(model.Sector("energy")), Category: ptr(model.Category("edr")),
			LineOfEffort: ptr(model.LineSupport), Priority: ptr(model.PriorityHigh),
			EstimatedEURMinor: ptr(int64(100_000_00)), NeededBy: ptr(today.AddDays(90)), TLP: &tlp, NamedUserIDs: named,
		})
		if err != nil {
			t.Fatalf("requirement %s: %v", name, err)
		}
		return r.ID
	}
	submit := func(as, id string) {
		if _, err := a.Requirements.Submit(ctx, viewer(as), id); err != nil {
			t.Fatalf("submit: %v", err)
		}
	}
	validate := func(as, id string) {
		submit(as, id)
		if _, err := a.Requirements.Validate(ctx, viewer("validator"), id, model.DecisionApprove, ""); err != nil {
			t.Fatalf("validate: %v", err)
		}
	}
	addReq := func(name string, aud []string, id, marker string) {
		r, err := a.Store.RequirementByID(ctx, id)
		if err != nil {
			t.Fatal(err)
		}
		d.add("requirement", name, id, aud, marker, r.Ref)
	}
	mk := func(kind, label string, n int) string {
		return "ZQX-" + kind + "-" + label + "-" + itoa(n)
	}

	m := mk("req", "draft", 1)
	id := req("requester", "r1", model.TLPAmber, nil, m)
	addReq("r1", both(gate, union(community, orgSSSCIP)), id, m)

	m = mk("req", "submittedstrict", 2)
	id = req("requester", "r2", model.TLPAmberStrict, nil, m)
	submit("requester", id)
	addReq("r2", gate, id, m)

	m = mk("req", "draftred", 3)
	id = req("requester", "r3", model.TLPRed, uid("requester", "donor"), m)
	addReq("r3", names("requester"), id, m)

	m = mk("req", "clear", 4)
	id = req("requester", "r4", model.TLPClear, nil, m)
	validate("requester", id)
	addReq("r4", everyone, id, m)

	m = mk("req", "green", 5)
	id = req("requester", "r5", model.TLPGreen, nil, m)
	// Its review's comment is for who may see it unvalidated, even once
	// every participant sees the requirement.
	submit("requester", id)
	review := mk("review", "green", 5)
	if _, err := a.Requirements.Validate(ctx, viewer("validator"), id, model.DecisionApprove, review); err != nil {
		t.Fatalf("validate: %v", err)
	}
	d.secrets = append(d.secrets, secret{token: review, what: "the review of requirement r5", aud: both(gate, participants), marker: true})
	addReq("r5", participants, id, m)

	// AMBER, with an NGO engaged by its pledge below (made while r6 was
	// GREEN, as an NGO sees an AMBER need only once engaged).
	m = mk("req", "amber", 6)
	id = req("requester", "r6", model.TLPGreen, nil, m)
	validate("requester", id)
	addReq("r6", union(community, orgSSSCIP, orgNGO), id, m)

	// AMBER+STRICT, shared with the United States.
	m = mk("req", "amberstrict", 7)
	id = req("requester", "r7", model.TLPAmberStrict, nil, m)
	validate("requester", id)
	if _, err := a.Requirements.Share(ctx, viewer("coordinator"), id, []string{orgs["us"].ID}); err != nil {
		t.Fatalf("share: %v", err)
	}
	addReq("r7", union(strictCore, orgSSSCIP, orgUS), id, m)
	d.fact(`"shared_org_ids":["`, "requirement r7's shared_org_ids", "/requirements/"+id, both(accessListReaders, union(strictCore, orgSSSCIP, orgUS)))

	// RED, naming a former participant too: it sees only what a visitor sees.
	m = mk("req", "red", 8)
	id = req("requester", "r8", model.TLPRed, uid("requester", "validator", "donor_ee", "former"), m)
	validate("requester", id)
	addReq("r8", names("requester", "validator", "donor_ee"), id, m)
	d.fact(`"named_user_ids":["`, "requirement r8's named_user_ids", "/requirements/"+id, names("requester", "validator"))

	// Another beneficiary entity's AMBER need.
	m = mk("req", "amberpower", 9)
	id = req("requester2", "r9", model.TLPAmber, nil, m)
	validate("requester2", id)
	addReq("r9", union(community, orgPower), id, m)

	// CLEAR, with a RED pledge below whose delivery has started.
	m = mk("req", "clearindelivery", 10)
	id = req("requester", "r10", model.TLPClear, nil, m)
	validate("requester", id)
	addReq("r10", everyone, id, m)

	// AMBER when the United States pledged, RED since.
	m = mk("req", "amberthenred", 11)
	r11 := req("requester", "r11", model.TLPAmber, nil, m)
	validate("requester", r11)
	r11marker := m

	// RED with a title only its named users read; relaxed to AMBER with a
	// new title afterwards.
	m = mk("req", "redold", 12)
	r12 := req("requester", "r12", model.TLPRed, uid("requester", "validator"), m)
	validate("requester", r12)
	r12old := m

	// The twin of r10 without a hidden pledge, for the plan check.
	m = mk("req", "cleartwin", 13)
	id = req("requester", "r13", model.TLPClear, nil, m)
	validate("requester", id)
	addReq("r13", everyone, id, m)

	// Pledges: in kind, so that each carries its marker in its description.
	type pledgeIn struct {
		as, name, req string
		tlp           model.TLP
		named         *[]string
		bilateral     bool
		amount        int64 // minor units of EUR; 10,000.00 when zero
	}
	pledge := func(in pledgeIn, marker string) string {
		amount := int64(10_000_00)
		if in.amount != 0 {
			amount = in.amount
		}
		p := pledges.Input{
			AmountMinor: ptr(amount), Currency: ptr("EUR"), Kind: ptr(model.PledgeInKind),
			Description: ptr("Licences " + marker), TLP: &in.tlp, NamedUserIDs: in.named,
		}
		if in.req != "" {
			p.RequirementID = ptr(d.ids[in.req])
		}
		if in.bilateral {
			p.Channel = ptr(model.ChannelBilateral)
			p.BeneficiaryOrgID = ptr(orgs["ssscip"].ID)
			p.Sector = ptr(model.Sector("energy"))
			p.Category = ptr(model.Category("edr"))
		}
		res, err := a.Pledges.Create(ctx, viewer(in.as), p)
		if err != nil {
			t.Fatalf("pledge %s: %v", in.name, err)
		}
		return res.ID
	}
	addPledge := func(name string, aud []string, id, marker string) { d.add("pledge", name, id, aud, marker) }

	m = mk("pledge", "clear", 1)
	p1 := pledge(pledgeIn{as: "donor_ee", name: "p1", req: "r4", tlp: model.TLPClear}, m)
	addPledge("p1", everyone, p1, m)

	m = mk("pledge", "green", 2)
	addPledge("p2", participants, pledge(pledgeIn{as: "donor", name: "p2", req: "r5", tlp: model.TLPGreen}, m), m)

	m = mk("pledge", "amberngo", 3)
	addPledge("p3", union(community, orgSSSCIP, orgNGO), pledge(pledgeIn{as: "donor_ngo", name: "p3", req: "r6", tlp: model.TLPAmber}, m), m)

	// A new label sends a validated requirement back to the government.
	relabel := func(id string, in requirements.Input) {
		r, err := a.Requirements.Update(ctx, viewer("requester"), id, in)
		if err != nil {
			t.Fatalf("relabel %s: %v", id, err)
		}
		if r.Status == model.ReqSubmitted {
			if _, err := a.Requirements.Validate(ctx, viewer("validator"), id, model.DecisionApprove, ""); err != nil {
				t.Fatalf("validate %s again: %v", id, err)
			}
		}
	}
	relabel(d.ids["r6"], requirements.Input{TLP: ptr(model.TLPAmber)})

	m = mk("pledge", "amberstrict", 4)
	addPledge("p4", union(strictCore, orgUS, orgSSSCIP), pledge(pledgeIn{as: "donor", name: "p4", req: "r6", tlp: model.TLPAmberStrict}, m), m)

	// AMBER on the AMBER+STRICT r7: only who sees r7, and its donor.
	m = mk("pledge", "amberonstrict", 5)
	addPledge("p5", union(strictCore, orgSSSCIP, orgUS), pledge(pledgeIn{as: "donor", name: "p5", req: "r7", tlp: model.TLPAmber}, m), m)

	m = mk("pledge", "red", 6)
	addPledge("p6", names("donor_ee", "requester"), pledge(pledgeIn{as: "donor_ee", name: "p6", req: "r8", tlp: model.TLPRed, named: uid("donor_ee", "requester")}, m), m)

	// A RED money pledge on r8 with a tranche paid, then suspended: its
	// tranche note and suspension reason are for its named readers only.
	m = mk("pledge", "redmoney", 13)
	p13, err := a.Pledges.Create(ctx, viewer("donor_ee"), pledges.Input{RequirementID: ptr(d.ids["r8"]), AmountMinor: ptr(int64(20_000_00)),
		Currency: ptr("EUR"), Description: ptr("Grant " + m), TLP: ptr(model.TLPRed), NamedUserIDs: uid("donor_ee", "requester"), FunderOrgID: ptr(orgs["us"].ID)})
	if err == nil {
		_, err = a.Pledges.Confirm(ctx, viewer("donor_ee"), p13.ID)
	}
	tranche := mk("tranche", "red", 13)
	if err == nil {
		_, err = a.Pledges.Disburse(ctx, viewer("donor_ee"), p13.ID, pledges.DisbursementInput{AmountMinor: ptr(int64(5_000_00)), Currency: ptr("EUR"), Date: &today, Note: &tranche})
	}
	frozen := mk("suspension", "red", 13)
	if err == nil {
		_, err = a.Pledges.Suspend(ctx, viewer("donor_ee"), p13.ID, frozen)
	}
	if err != nil {
		t.Fatalf("pledge p13: %v", err)
	}
	addPledge("p13", names("donor_ee", "requester"), p13.ID, m)
	d.secrets = append(d.secrets, secret{token: tranche, what: "pledge p13's tranche note", aud: names("donor_ee", "requester"), marker: true},
		secret{token: frozen, what: "pledge p13's suspension reason", aud: names("donor_ee", "requester"), marker: true})

	// RED on the CLEAR r10, confirmed and shipped: r10's status and history
	// must not tell anyone else that delivery started.
	m = mk("pledge", "redonclear", 7)
	p7 := pledge(pledgeIn{as: "donor_ee", name: "p7", req: "r10", tlp: model.TLPRed, named: uid("donor_ee", "requester"), amount: p7Amount}, m)
	if _, err := a.Pledges.Confirm(ctx, viewer("donor_ee"), p7); err != nil {
		t.Fatalf("confirm p7: %v", err)
	}
	shipped := model.MilestoneShipped
	note := mk("milestone", "red", 7)
	if _, err := a.Delivery.AddMilestone(ctx, viewer("donor_ee"), p7, delivery.MilestoneInput{Kind: &shipped, Date: &today, Note: &note}); err != nil {
		t.Fatalf("ship p7: %v", err)
	}
	addPledge("p7", names("donor_ee", "requester"), p7, m)
	// Its amount is like no other: a total or coverage that holds it tells of p7.
	for _, figure := range []string{itoa(p7Amount), "482,719", "482719.53"} {
		d.secrets = append(d.secrets, secret{token: figure, what: "pledge p7's amount, in a figure", aud: names("donor_ee", "requester"), marker: figure == itoa(p7Amount)})
	}
	d.fact(note, "pledge p7's milestone note", "", names("donor_ee", "requester"))
	d.fact(string(model.ReqInDelivery), "requirement r10's status, from the RED pledge p7", "/api/v1/requirements/"+d.ids["r10"], names("donor_ee", "requester"))
	d.fact("In delivery", "requirement r10's status on its page, from the RED pledge p7", "/requirements/"+d.ids["r10"], names("donor_ee", "requester"))
	d.fact(mk("req", "clearindelivery", 10), "requirement r10 listed as in delivery, from the RED pledge p7", "status=in_delivery", names("donor_ee", "requester"))
	// A milestone on a CLEAR pledge, seen by all.
	planned := model.MilestonePlanned
	cnote := mk("milestone", "clear", 1)
	if _, err := a.Pledges.Confirm(ctx, viewer("donor_ee"), p1); err != nil {
		t.Fatalf("confirm p1: %v", err)
	}
	if _, err := a.Delivery.AddMilestone(ctx, viewer("donor_ee"), p1, delivery.MilestoneInput{Kind: &planned, Date: &today, Note: &cnote}); err != nil {
		t.Fatalf("plan p1: %v", err)
	}
	d.secrets = append(d.secrets, secret{token: cnote, what: "pledge p1's milestone note", aud: everyone, marker: true})

	m = mk("pledge", "bilateralamber", 8)
	addPledge("p8", union(community, orgSSSCIP), pledge(pledgeIn{as: "donor", name: "p8", tlp: model.TLPAmber, bilateral: true}, m), m)

	m = mk("pledge", "bilateralred", 9)
	addPledge("p9", names("donor_ee"), pledge(pledgeIn{as: "donor_ee", name: "p9", tlp: model.TLPRed, bilateral: true, named: uid("donor_ee")}, m), m)

	// The United States' AMBER pledge on r11, which then becomes RED: the
	// donor keeps its pledge but must not learn r11's id.
	m = mk("pledge", "amberonred", 10)
	d.ids["r11"] = r11
	p10 := pledge(pledgeIn{as: "donor", name: "p10", req: "r11", tlp: model.TLPAmber}, m)
	addPledge("p10", names("requester", "validator", "donor"), p10, m)

	m = mk("pledge", "greenlapsed", 11)
	addPledge("p11", participants, pledge(pledgeIn{as: "lapsed", name: "p11", req: "r5", tlp: model.TLPGreen}, m), m)

	m = mk("pledge", "greencompany", 12)
	addPledge("p12", participants, pledge(pledgeIn{as: "donor_company", name: "p12", req: "r5", tlp: model.TLPGreen}, m), m)

	// r11 becomes RED; r12 is relaxed to AMBER with a new title.
	red := model.TLPRed
	relabel(r11, requirements.Input{TLP: &red, NamedUserIDs: uid("requester", "validator")})
	addReq("r11", names("requester", "validator"), r11, r11marker)
	amber := model.TLPAmber
	newTitle := mk("req", "relaxed", 12) + " backup links"
	relabel(r12, requirements.Input{TLP: &amber, Title: &newTitle, Description: ptr("Relaxed")})
	r12aud := union(community, orgSSSCIP)
	d.add("requirement", "r12", r12, r12aud, mk("req", "relaxed", 12))
	d.fact(r12old, "requirement r12's title while it was RED", "", names("requester", "validator"))
	d.fact(`"named_user_ids":["`, "requirement r12's named_user_ids while it was RED", "/requirements/"+r12+"/history", names("requester", "validator"))
	for _, n := range []string{"r11", "r12"} {
		r, err := a.Store.RequirementByID(ctx, d.ids[n])
		if err != nil {
			t.Fatal(err)
		}
		if r.Status != model.ReqValidated {
			t.Fatalf("%s is %s after its label changed; the audiences assume validated", n, r.Status)
		}
	}

	// Offers.
	offer := func(as, name string, tlp model.TLP, named *[]string, amount int64) (string, string) {
		marker := mk("offer", strings.ReplaceAll(string(tlp), "+", ""), len(d.records["offer"])+1)
		o, err := a.Offers.Create(ctx, viewer(as), offers.Input{
			Title: ptr(marker + " EDR seats"), Description: ptr("Seats " + marker), AmountMinor: ptr(amount), Currency: ptr("EUR"),
			ValidUntil: ptr(today.AddDays(60)), TLP: &tlp, NamedUserIDs: named,
		})
		if err != nil {
			t.Fatalf("offer %s: %v", name, err)
		}
		return o.ID, marker
	}
	addOffer := func(name string, aud []string, id, marker string) { d.add("offer", name, id, aud, marker) }
	id, m = offer("donor", "o1", model.TLPClear, nil, 1_000_000_00)
	addOffer("o1", everyone, id, m)
	id, m = offer("donor_ee", "o2", model.TLPGreen, nil, 10_000_00)
	addOffer("o2", participants, id, m)
	id, m = offer("donor", "o3", model.TLPAmber, nil, 10_000_00)
	addOffer("o3", union(community, orgUS), id, m)
	id, m = offer("donor_ee", "o4", model.TLPAmberStrict, nil, 10_000_00)
	addOffer("o4", union(strictCore, orgEE), id, m)
	id, m = offer("donor_ee", "o5", model.TLPRed, uid("donor_ee", "donor"), 10_000_00)
	addOffer("o5", names("donor_ee", "donor"), id, m)
	id, m = offer("donor_company", "o6", model.TLPAmber, nil, 10_000_00)
	addOffer("o6", union(community, orgCompany), id, m)
	id, m = offer("lapsed", "o7", model.TLPGreen, nil, 10_000_00)
	addOffer("o7", participants, id, m)

	// Lessons.
	lesson := func(as, name string, tlp model.TLP, link model.LessonLink, linkID string, named *[]string) (string, string) {
		marker := mk("lesson", strings.ReplaceAll(string(tlp), "+", ""), len(d.records["lesson"])+1)
		in := lessons.Input{Title: ptr(marker + " lesson"), WhatHappened: ptr("Happened " + marker), TLP: &tlp, NamedUserIDs: named}
		if link != model.LinkNone {
			in.Link, in.LinkID = &link, &linkID
		}
		l, err := a.Lessons.Create(ctx, viewer(as), in)
		if err != nil {
			t.Fatalf("lesson %s: %v", name, err)
		}
		return l.ID, marker
	}
	addLesson := func(name string, aud []string, id, marker string) { d.add("lesson", name, id, aud, marker) }
	id, m = lesson("coordinator", "l1", model.TLPClear, model.LinkNone, "", nil)
	addLesson("l1", everyone, id, m)
	// GREEN, linked to the RED r8: who may not see r8 must not learn its id.
	id, m = lesson("donor_ee", "l2", model.TLPGreen, model.LinkRequirement, d.ids["r8"], nil)
	addLesson("l2", union(names("requester", "validator", "donor_ee"), orgEE), id, m)
	id, m = lesson("coordinator", "l3", model.TLPAmber, model.LinkPledge, d.ids["p3"], nil)
	addLesson("l3", union(community, orgSSSCIP), id, m)
	id, m = lesson("requester", "l4", model.TLPRed, model.LinkNone, "", uid("requester", "validator"))
	addLesson("l4", names("requester", "validator"), id, m)
	id, m = lesson("coordinator", "l5", model.TLPAmberStrict, model.LinkNone, "", nil)
	addLesson("l5", union(strictCore, orgEE), id, m)
	id, m = lesson("lapsed", "l6", model.TLPGreen, model.LinkNone, "", nil)
	addLesson("l6", participants, id, m)

	// The lapsed organisation leaves; its users see what a visitor sees.
	setParticipation("lapsed", model.Former)

	// Proposals, put by Estonia's delegate.
	deadline := testNow.Add(72 * time.Hour)
	proposal := func(name string, tlp model.TLP) (string, string) {
		marker := mk("proposal", strings.ReplaceAll(string(tlp), "+", ""), len(d.records["proposal"])+1)
		kind := model.ProposalOperational
		p, err := a.Governance.Open(ctx, viewer("delegate"), governance.Input{
			Kind: &kind, Title: ptr(marker + " back office"), Text: ptr("Text " + marker),
			Procedure: ptr(model.ProcedureConsensus), Deadline: &deadline, TLP: &tlp,
		})
		if err != nil {
			t.Fatalf("proposal %s: %v", name, err)
		}
		return p.ID, marker
	}
	addProposal := func(name string, aud []string, id, marker string) { d.add("proposal", name, id, aud, marker) }
	id, m = proposal("pr1", model.TLPClear)
	addProposal("pr1", everyone, id, m)
	id, m = proposal("pr2", model.TLPGreen)
	addProposal("pr2", participants, id, m)
	id, m = proposal("pr3", model.TLPAmber)
	pr3aud := union(community, orgEE)
	addProposal("pr3", pr3aud, id, m)
	object := model.StanceObject
	reason := mk("position", "amber", 3)
	if _, err := a.Governance.TakePosition(ctx, viewer("delegate_us"), id, governance.PositionInput{Position: &object, Reason: &reason}); err != nil {
		t.Fatalf("position: %v", err)
	}
	d.secrets = append(d.secrets, secret{token: reason, what: "a position on proposal pr3", aud: pr3aud, marker: true})
	comment := mk("comment", "amber", 3)
	if _, err := a.Governance.Comment(ctx, viewer("viewer"), id, governance.CommentInput{Text: &comment}); err != nil {
		t.Fatalf("comment: %v", err)
	}
	d.secrets = append(d.secrets, secret{token: comment, what: "a comment on proposal pr3", aud: pr3aud, marker: true})
	// An AMBER+STRICT proposal would be hidden from members of its
	// electorate, who could not object to it: it is never opened.
	strict := model.TLPAmberStrict
	if _, err := a.Governance.Open(ctx, viewer("delegate"), governance.Input{
		Kind: ptr(model.ProposalOperational), Title: ptr("Strict matter"), Procedure: ptr(model.ProcedureSilence),
		Deadline: &deadline, TLP: &strict,
	}); !errors.Is(err, model.ErrRule) {
		t.Fatalf("an AMBER+STRICT proposal was opened: %v", err)
	}

	// Meetings, convened by the coordinator.
	meeting := func(name string, tlp model.TLP, agenda []model.AgendaItem) (string, string) {
		marker := mk("meeting", strings.ReplaceAll(string(tlp), "+", ""), len(d.records["meeting"])+1)
		mt, err := a.Governance.CreateMeeting(ctx, viewer("coordinator"), governance.MeetingInput{
			Title: ptr(marker + " coordination group"), Date: ptr(today.AddDays(7)), TLP: &tlp,
			Agenda: &agenda, Minutes: ptr("Minutes " + marker),
		})
		if err != nil {
			t.Fatalf("meeting %s: %v", name, err)
		}
		return mt.ID, marker
	}
	// A GREEN meeting whose agenda names the AMBER+STRICT r7 and lesson l5,
	// and the AMBER proposal pr3.
	id, m = meeting("m1", model.TLPGreen, []model.AgendaItem{
		{Kind: model.AgendaRequirement, RefID: d.ids["r7"], Note: "Shared need"},
		{Kind: model.AgendaLesson, RefID: d.ids["l5"], Note: "Strict lesson"},
		{Kind: model.AgendaProposal, RefID: d.ids["pr3"], Note: "Amber proposal"},
	})
	d.add("meeting", "m1", id, participants, m)
	id, m = meeting("m2", model.TLPAmber, nil)
	d.add("meeting", "m2", id, union(community, orgEE), m)
	id, m = meeting("m3", model.TLPAmberStrict, nil)
	d.add("meeting", "m3", id, union(strictCore, orgEE), m)

	// Documents and result indicators: a document under its record's label
	// on every record a coordinator sees, its name and bytes the record's
	// secrets; a RED document on a GREEN requirement, its uploader's alone;
	// an indicator on every requirement a coordinator sees.
	docKinds := []model.DocumentRecord{model.DocOnRequirement, model.DocOnPledge, model.DocOnOffer, model.DocOnLesson, model.DocOnProposal, model.DocOnMeeting}
	upload := func(kind model.DocumentRecord, recordID string, tlp *model.TLP) (model.Document, string) {
		// The closing letter keeps marker 1 from being a prefix of marker 10.
		marker := mk("document", string(kind), len(d.records["document"])+1) + "Z"
		body := []byte("Inventory " + marker + "\n")
		doc, err := a.Documents.Create(ctx, viewer("coordinator"), kind, recordID, documents.Upload{
			Name: marker + ".txt", Content: bytes.NewReader(body), Size: int64(len(body)), TLP: tlp,
		})
		if err != nil {
			t.Fatalf("document on %s %s: %v", kind, recordID, err)
		}
		return doc, marker
	}
	redDone := false
	for _, kind := range docKinds {
		for _, r := range slices.Clone(d.records[string(kind)]) {
			if !slices.Contains(r.aud, "coordinator") {
				continue
			}
			doc, m := upload(kind, r.id, nil)
			d.add("document", "doc-"+r.name, doc.ID, r.aud, m)
			if kind != model.DocOnRequirement {
				continue
			}
			req, err := a.Store.RequirementByID(ctx, r.id)
			if err != nil {
				t.Fatal(err)
			}
			if !redDone && req.TLP == model.TLPGreen {
				red := model.TLPRed
				doc, m := upload(kind, r.id, &red)
				d.add("document", "red-doc-"+r.name, doc.ID, names("coordinator"), m)
				redDone = true
			}
			title := mk("indicator", string(req.TLP), len(d.records["indicator"])+1) + "Z"
			ind, err := a.Indicators.Create(ctx, viewer("coordinator"), r.id, indicators.Input{
				Title: ptr(title + " hosts covered"), Measure: ptr(model.MeasurePercentage),
				Baseline: &indicators.PointInput{Value: ptr("10"), Date: ptr(today.AddDays(-90))},
				Target:   &indicators.PointInput{Value: ptr("90"), Date: ptr(today.AddDays(90))},
			})
			if err != nil {
				t.Fatalf("indicator on %s: %v", r.name, err)
			}
			comment := mk("indicator-value", string(req.TLP), len(d.records["indicator"])+1) + "Z"
			if _, err := a.Indicators.AddValue(ctx, viewer("coordinator"), ind.ID, indicators.ValueInput{Value: ptr("40"), Date: ptr(today.AddDays(-1)), Comment: &comment}); err != nil {
				t.Fatalf("indicator value on %s: %v", r.name, err)
			}
			d.add("indicator", "ind-"+r.name, ind.ID, r.aud, title, comment)
		}
	}
	if !redDone {
		t.Fatal("no GREEN requirement a coordinator sees, for the RED document")
	}

	// E-mail addresses: an administrator's business, and each person's own.
	for _, n := range probeCast {
		if n != "" {
			d.secrets = append(d.secrets, secret{token: n + "@test.example", what: "the e-mail address of " + n, aud: union(names("admin"), names(n))})
		}
	}
	// Organisations fill their routes' parameters; they carry no label.
	keys := make([]string, 0, len(orgs))
	for k := range orgs {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		d.records["organisation"] = append(d.records["organisation"], probeRecord{name: k, id: orgs[k].ID, aud: everyone})
	}

	// Everything queued goes out now, to the mailbox.
	for range 20 {
		if _, err := a.Notify.SendMail(ctx); err != nil {
			t.Fatalf("send mail: %v", err)
		}
	}
	return d
}

// p7Amount is the hidden pledge p7's amount in minor units of EUR.
const p7Amount = 482_719_53

func itoa[N int | int64](n N) string {
	if n < 10 {
		return string(rune('0' + n))
	}
	return itoa(n/10) + string(rune('0'+n%10))
}
