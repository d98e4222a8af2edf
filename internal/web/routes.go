package web

import (
	"net/http"
	"strings"

	"github.com/cyberaid/cyberaid/internal/model"

	p "github.com/cyberaid/cyberaid/internal/policy"
)

// routes is the one place where every path, method and permission is
// declared. A permission here is the route-level check; the domain services
// apply the rules that depend on the record (ownership, TLP, state).
func (s *Server) routes(mux *http.ServeMux) {
	const none p.Permission = "" // anyone; the policy filters what they see

	// JSON API (DESIGN §5).
	mux.Handle("GET /api/v1/openapi.json", s.api(none, s.apiOpenAPI))
	mux.Handle("POST /api/v1/auth/token", s.api(none, s.apiIssueToken))
	mux.Handle("DELETE /api/v1/auth/token", s.api(none, s.apiRevokeToken))

	mux.Handle("GET /api/v1/organisations", s.api(p.OrganisationsRead, s.apiListOrganisations))
	mux.Handle("POST /api/v1/organisations", s.api(p.OrganisationsManage, s.apiCreateOrganisation))
	mux.Handle("GET /api/v1/organisations/{id}", s.api(p.OrganisationsRead, s.apiGetOrganisation))
	mux.Handle("PATCH /api/v1/organisations/{id}", s.api(p.OrganisationsManage, s.apiUpdateOrganisation))

	mux.Handle("GET /api/v1/users", s.api(p.UsersManage, s.apiListUsers))
	mux.Handle("POST /api/v1/users", s.api(p.UsersManage, s.apiCreateUser))

	mux.Handle("GET /api/v1/requirements", s.api(none, s.apiListRequirements))
	mux.Handle("POST /api/v1/requirements", s.api(p.RequirementsCreate, s.apiCreateRequirement))
	mux.Handle("GET /api/v1/requirements/{id}", s.api(none, s.apiGetRequirement))
	mux.Handle("PATCH /api/v1/requirements/{id}", s.api(p.RequirementsEdit, s.apiUpdateRequirement))
	mux.Handle("GET /api/v1/requirements/{id}/history", s.api(none, s.apiRequirementHistory))
	mux.Handle("POST /api/v1/requirements/{id}/submit", s.api(p.RequirementsSubmit, s.apiSubmitRequirement))
	mux.Handle("POST /api/v1/requirements/{id}/validate", s.api(p.RequirementsValidate, s.apiValidateRequirement))
	mux.Handle("POST /api/v1/requirements/{id}/withdraw", s.api(p.RequirementsWithdraw, s.apiWithdrawRequirement))
	mux.Handle("POST /api/v1/requirements/{id}/share", s.api(p.RequirementsShare, s.apiShareRequirement))

	mux.Handle("GET /api/v1/pledges", s.api(none, s.apiListPledges))
	mux.Handle("POST /api/v1/pledges", s.api(p.PledgesCreate, s.apiCreatePledge))
	mux.Handle("GET /api/v1/pledges/{id}", s.api(none, s.apiGetPledge))
	mux.Handle("PATCH /api/v1/pledges/{id}", s.api(p.PledgesEdit, s.apiUpdatePledge))
	mux.Handle("POST /api/v1/pledges/{id}/confirm", s.api(p.PledgesConfirm, s.apiConfirmPledge))
	mux.Handle("POST /api/v1/pledges/{id}/withdraw", s.api(p.PledgesWithdraw, s.apiWithdrawPledge))
	mux.Handle("POST /api/v1/pledges/{id}/review", s.api(p.PledgesReview, s.apiReviewPledge))

	mux.Handle("GET /api/v1/reports/summary", s.api(none, s.apiSummary))
	mux.Handle("GET /api/v1/audit", s.api(p.AuditRead, s.apiListAudit))
	mux.Handle("GET /api/v1/audit/verify", s.api(p.AuditRead, s.apiVerifyAudit))

	// HTML pages.
	mux.Handle("GET /static/", s.static)
	mux.Handle("GET /healthz", http.HandlerFunc(s.healthz))
	mux.Handle("GET /{$}", s.page(none, s.dashboardPage))
	mux.Handle("GET /lang/{code}", s.page(none, s.setLanguage))
	mux.Handle("GET /signin", s.page(none, s.signInPage))
	mux.Handle("POST /signin", s.page(none, s.signIn))
	mux.Handle("POST /signout", s.page(none, s.signOut))

	mux.Handle("GET /requirements", s.page(none, s.requirementsPage))
	mux.Handle("GET /requirements/new", s.page(p.RequirementsCreate, s.newRequirementPage))
	mux.Handle("POST /requirements", s.page(p.RequirementsCreate, s.createRequirement))
	mux.Handle("GET /requirements/{id}", s.page(none, s.requirementPage))
	mux.Handle("GET /requirements/{id}/edit", s.page(p.RequirementsEdit, s.editRequirementPage))
	mux.Handle("POST /requirements/{id}/edit", s.page(p.RequirementsEdit, s.updateRequirement))
	mux.Handle("POST /requirements/{id}/submit", s.page(p.RequirementsSubmit, s.submitRequirement))
	mux.Handle("POST /requirements/{id}/validate", s.page(p.RequirementsValidate, s.validateRequirement))
	mux.Handle("POST /requirements/{id}/withdraw", s.page(p.RequirementsWithdraw, s.withdrawRequirement))
	mux.Handle("GET /requirements/{id}/pledge", s.page(p.PledgesCreate, s.newPledgePage))

	mux.Handle("GET /pledges", s.page(none, s.pledgesPage))
	mux.Handle("POST /pledges", s.page(p.PledgesCreate, s.createPledge))
	mux.Handle("GET /pledges/{id}", s.page(none, s.pledgePage))
	mux.Handle("POST /pledges/{id}/confirm", s.page(p.PledgesConfirm, s.confirmPledge))
	mux.Handle("POST /pledges/{id}/withdraw", s.page(p.PledgesWithdraw, s.withdrawPledge))
	mux.Handle("POST /pledges/{id}/review", s.page(p.PledgesReview, s.reviewPledge))

	mux.Handle("GET /organisations", s.page(p.OrganisationsRead, s.organisationsPage))
	mux.Handle("GET /organisations/new", s.page(p.OrganisationsManage, s.newOrganisationPage))
	mux.Handle("POST /organisations", s.page(p.OrganisationsManage, s.createOrganisation))
	mux.Handle("GET /organisations/{id}", s.page(p.OrganisationsRead, s.organisationPage))
	mux.Handle("GET /users", s.page(p.UsersManage, s.usersPage))
	mux.Handle("POST /users", s.page(p.UsersManage, s.createUser))
	mux.Handle("GET /audit", s.page(p.AuditRead, s.auditPage))
}

// fallback answers what no route takes: 404 for an unknown path, 405 with
// the allowed methods for a known path asked with another method. The API
// answers in JSON, the site with a page.
func (s *Server) fallback(mux *http.ServeMux) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h, pattern := mux.Handler(r)
		if pattern != "" {
			mux.ServeHTTP(w, r)
			return
		}
		// The mux's own answer tells 404 from 405; only its status and
		// Allow header are kept.
		probe := &statusProbe{header: http.Header{}}
		h.ServeHTTP(probe, r)
		err := model.ErrNotFound
		if probe.status == http.StatusMethodNotAllowed {
			w.Header().Set("Allow", probe.header.Get("Allow"))
			err = errMethodNotAllowed
		}
		if strings.HasPrefix(r.URL.Path, "/api/") {
			s.apiFail(w, r, err)
			return
		}
		s.pageFail(w, r, err)
	})
}

type statusProbe struct {
	header http.Header
	status int
}

func (p *statusProbe) Header() http.Header         { return p.header }
func (p *statusProbe) Write(b []byte) (int, error) { return len(b), nil }
func (p *statusProbe) WriteHeader(status int)      { p.status = status }
