package store_test

import (
	"context"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/cyberaid/cyberaid/internal/model"
	"github.com/cyberaid/cyberaid/internal/policy"
	"github.com/cyberaid/cyberaid/internal/store"
	"github.com/cyberaid/cyberaid/internal/store/storetest"
)

// TestAuditSeenPlans checks the plans of the log's total and of a window of
// its page under the sight of each kind of reader, on a log that has never
// been analysed, as one is just after a bulk load, beside a requirement
// with a thousand mechanism pledges (analysed by CopyPledge: PostgreSQL then
// knows a requirement's pledges are many). On PostgreSQL the page's events are
// counted as the window holds, so that each join is an index probe per
// event rather than a hash of the whole table, and no test of the pledges
// on a requirement is hashed into a scan of every pledge: on the log of
// 100,000 pledges either took half a second or more per statement. On
// SQLite the page is read by rowid in its order, with no sort.
func TestAuditSeenPlans(t *testing.T) {
	storetest.Backends(t, func(t *testing.T, s *store.DB) {
		ctx := context.Background()
		o := model.Organisation{Name: "Donor", Kind: model.KindState, Participation: model.Member, Country: "EE"}
		if err := s.CreateOrganisation(ctx, &o); err != nil {
			t.Fatal(err)
		}
		r := model.Requirement{Title: "Firewalls", BeneficiaryOrgID: o.ID, Sector: "energy", Category: "hardware_software",
			LineOfEffort: model.LineSupport, Priority: model.PriorityHigh, EstimatedEURMinor: 100_000_00, TLP: model.TLPAmber, Status: model.ReqInDelivery}
		if err := s.CreateRequirement(ctx, &r); err != nil {
			t.Fatal(err)
		}
		p := model.Pledge{DonorOrgID: o.ID, RequirementID: r.ID, AmountMinor: 50_000_00, Currency: "EUR", EURMinor: 50_000_00, Rate: "1",
			Kind: model.PledgeMoney, Channel: model.ChannelMechanism, Status: model.PledgeConfirmed, Review: model.ReviewNotRequired, TLP: model.TLPGreen}
		if err := s.CreatePledge(ctx, &p); err != nil {
			t.Fatal(err)
		}
		storetest.CopyPledge(t, s, p.ID, 1000)
		const events = 3000
		es := make([]model.AuditEvent, events)
		for i := range es {
			typ, id, action, after := "pledge", p.ID, "pledge.update", `{"tlp":"amber","donor_org_id":"o","named_user_ids":["u"]}`
			if i%10 == 0 {
				typ, id, action, after = "requirement", r.ID, "requirement.in_delivery", `{"tlp":"amber+strict","beneficiary_org_id":"o","status":"in_delivery","shared_org_ids":["o"]}`
			}
			es[i] = model.AuditEvent{Seq: int64(i + 1), At: time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC), Action: action,
				ObjectType: typ, ObjectID: id, After: []byte(after), PayloadHash: "p", PrevHash: "h", Hash: "h"}
		}
		if err := s.AppendAuditEvents(ctx, es); err != nil {
			t.Fatal(err)
		}
		window := []int64{1500, 1501, 1502}
		for name, v := range auditReaders() {
			sight := store.AuditSight{
				Audience:      policy.AudienceOf(v),
				Decided:       []string{store.AuditRequirement, store.AuditPledge, store.AuditOffer, store.AuditReview},
				Permitted:     map[string]bool{"user": false, "organisation": true, "rotation": true},
				PledgeDerived: []string{"requirement.in_delivery", "requirement.delivered"},
			}
			spans, spansArgs := s.AuditSpansStatement(model.AuditFilter{}, sight, 1, events, 256)
			spansPlan, err := s.Explain(ctx, spans, spansArgs...)
			if err != nil {
				t.Fatal(err)
			}
			if s.Dialect() == "sqlite" && strings.Contains(spansPlan, "MULTI-INDEX OR") {
				t.Errorf("%s: the count by spans is read term by term, each event kept in a set to drop those found twice:\n%s", name, spansPlan)
			}
			for _, desc := range []bool{false, true} {
				count, countArgs, page, pageArgs := s.AuditSeenStatements(model.AuditFilter{}, sight, window, desc)
				countPlan, err := s.Explain(ctx, count, countArgs...)
				if err != nil {
					t.Fatal(err)
				}
				pagePlan, err := s.Explain(ctx, page, pageArgs...)
				if err != nil {
					t.Fatal(err)
				}
				if s.Dialect() == "sqlite" {
					if strings.Contains(pagePlan, "TEMP B-TREE") || !strings.Contains(pagePlan, "SEARCH e USING INTEGER PRIMARY KEY") {
						t.Errorf("%s, desc %v: the page is not read by rowid in its order:\n%s", name, desc, pagePlan)
					}
					if strings.Contains(countPlan, "MULTI-INDEX OR") {
						t.Errorf("%s, desc %v: the total is read term by term, each event kept in a set to drop those found twice:\n%s", name, desc, countPlan)
					}
					continue
				}
				if n := estimatedEvents(pagePlan); n != len(window) {
					t.Errorf("%s, desc %v: a window of %d events is planned for %d:\n%s", name, desc, len(window), n, pagePlan)
				}
				for what, plan := range map[string]string{"total": countPlan, "page": pagePlan} {
					if scan := hashedPledges(plan); scan != "" {
						t.Errorf("%s, desc %v: the %s hashes every pledge (%s):\n%s", name, desc, what, scan, plan)
					}
				}
			}
		}
	})
}

// auditReaders are the readers of the log, and readers of other kinds whose
// predicates hold the relations theirs do not (an engaged company, a
// beneficiary).
func auditReaders() map[string]policy.Viewer {
	viewer := func(kind model.OrgKind, p model.Participation, roles ...model.Role) policy.Viewer {
		return policy.ViewerFor(model.User{ID: "u", OrgID: "o", Roles: roles},
			model.Organisation{ID: "o", Kind: kind, Participation: p})
	}
	return map[string]policy.Viewer{
		"coordinator": viewer(model.KindState, model.Member, model.RoleCoordinator),
		"admin":       viewer(model.KindState, model.Member, model.RoleAdmin),
		"company":     viewer(model.KindPrivateCompany, model.Contributor, model.RoleDonor),
		"beneficiary": viewer(model.KindBeneficiaryAgency, model.Beneficiary, model.RoleRequester),
	}
}

var rowsEstimate = regexp.MustCompile(`rows=(\d+)`)

// estimatedEvents is how many events PostgreSQL's plan expects to read of
// audit_events e; -1 when it reads none.
func estimatedEvents(plan string) int {
	for line := range strings.SplitSeq(plan, "\n") {
		if strings.Contains(line, " on audit_events e ") {
			if m := rowsEstimate.FindStringSubmatch(line); m != nil {
				n, _ := strconv.Atoi(m[1])
				return n
			}
		}
	}
	return -1
}

var hashedSubPlan = regexp.MustCompile(`hashed SubPlan (\d+)`)

// hashedPledges is the first step of a hashed subplan that reads pledges,
// "" when there is none.
func hashedPledges(plan string) string {
	lines := strings.Split(plan, "\n")
	for _, m := range hashedSubPlan.FindAllStringSubmatch(plan, -1) {
		for i, line := range lines {
			if strings.TrimSpace(line) == "SubPlan "+m[1] && i+1 < len(lines) && strings.Contains(lines[i+1], " on pledges ") {
				return strings.TrimSpace(lines[i+1])
			}
		}
	}
	return ""
}
