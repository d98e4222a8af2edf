package web

import (
	"net/http"
	"strings"

	"github.com/cyberaid/cyberaid/internal/exchange"
	"github.com/cyberaid/cyberaid/internal/model"

	p "github.com/cyberaid/cyberaid/internal/policy"
)

// routeTable is what routes declares its routes on: the server's mux, or a
// recorder that lists the patterns, so that tests can walk every route.
type routeTable interface {
	Handle(pattern string, h http.Handler)
}

// routes is the one place where every path, method and permission is
// declared. A permission here is the route-level check; the domain services
// apply the rules that depend on the record (ownership, TLP, state).
func (s *Server) routes(mux routeTable) {
	const none p.Permission = "" // anyone; the policy filters what they see

	// JSON API (the API contract (README, "API")).
	mux.Handle("GET /api/v1/openapi.json", s.api(none, s.apiOpenAPI))
	mux.Handle("POST /api/v1/auth/token", s.api(none, s.apiIssueToken))
	mux.Handle("DELETE /api/v1/auth/token", s.api(none, s.apiRevokeToken))

	mux.Handle("GET /api/v1/organisations", s.api(p.OrganisationsRead, s.apiListOrganisations))
	mux.Handle("POST /api/v1/organisations", s.api(p.OrganisationsManage, s.apiCreateOrganisation))
	mux.Handle("GET /api/v1/organisations/{id}", s.api(p.OrganisationsRead, s.apiGetOrganisation))
	mux.Handle("PATCH /api/v1/organisations/{id}", s.api(p.OrganisationsManage, s.apiUpdateOrganisation))

	mux.Handle("GET /api/v1/users", s.api(p.UsersManage, s.apiListUsers))
	mux.Handle("POST /api/v1/users", s.api(p.UsersManage, s.apiCreateUser))
	mux.Handle("PATCH /api/v1/users/{id}", s.api(p.UsersManage, s.apiUpdateUser))

	mux.Handle("GET /api/v1/search", s.api(none, s.kept(s.apiSearch)))
	mux.Handle("GET /api/v1/requirements", s.api(none, s.kept(s.apiListRequirements)))
	mux.Handle("POST /api/v1/requirements", s.api(p.RequirementsCreate, s.apiCreateRequirement))
	mux.Handle("GET /api/v1/requirements/{id}", s.api(none, s.kept(s.apiGetRequirement)))
	mux.Handle("PATCH /api/v1/requirements/{id}", s.api(p.RequirementsEdit, s.apiUpdateRequirement))
	mux.Handle("GET /api/v1/requirements/{id}/history", s.api(none, s.apiRequirementHistory))
	mux.Handle("POST /api/v1/requirements/{id}/submit", s.api(p.RequirementsSubmit, s.apiSubmitRequirement))
	mux.Handle("POST /api/v1/requirements/{id}/validate", s.api(p.RequirementsValidate, s.apiValidateRequirement))
	mux.Handle("GET /api/v1/requirements/{id}/reviews", s.api(none, s.apiRequirementReviews))
	mux.Handle("POST /api/v1/requirements/reviews", s.api(p.RequirementsValidate, s.apiReviewRequirements))
	mux.Handle("POST /api/v1/imports/requirements", s.api(p.RequirementsImport, s.apiImportRequirements))
	mux.Handle("POST /api/v1/requirements/{id}/withdraw", s.api(p.RequirementsWithdraw, s.apiWithdrawRequirement))
	mux.Handle("POST /api/v1/requirements/{id}/share", s.api(p.RequirementsShare, s.apiShareRequirement))

	mux.Handle("GET /api/v1/pledges", s.api(none, s.kept(s.apiListPledges)))
	mux.Handle("POST /api/v1/pledges", s.api(p.PledgesCreate, s.apiCreatePledge))
	mux.Handle("GET /api/v1/pledges/{id}", s.api(none, s.kept(s.apiGetPledge)))
	mux.Handle("PATCH /api/v1/pledges/{id}", s.api(p.PledgesEdit, s.apiUpdatePledge))
	mux.Handle("POST /api/v1/pledges/{id}/confirm", s.api(p.PledgesConfirm, s.apiConfirmPledge))
	mux.Handle("POST /api/v1/pledges/{id}/withdraw", s.api(p.PledgesWithdraw, s.apiWithdrawPledge))
	mux.Handle("POST /api/v1/pledges/{id}/review", s.api(p.PledgesReview, s.apiReviewPledge))
	mux.Handle("GET /api/v1/pledges/{id}/milestones", s.api(none, s.apiListMilestones))
	mux.Handle("POST /api/v1/pledges/{id}/milestones", s.api(p.PledgesDeliver, s.apiAddMilestone))
	mux.Handle("POST /api/v1/pledges/{id}/receipt", s.api(p.PledgesReceipt, s.apiReceipt))
	mux.Handle("POST /api/v1/pledges/{id}/suspend", s.api(p.PledgesSuspend, s.apiSuspendPledge))
	mux.Handle("POST /api/v1/pledges/{id}/resume", s.api(p.PledgesSuspend, s.apiResumePledge))
	mux.Handle("GET /api/v1/pledges/{id}/disbursements", s.api(none, s.apiListDisbursements))
	mux.Handle("POST /api/v1/pledges/{id}/disbursements", s.api(p.PledgesDisburse, s.apiAddDisbursement))
	mux.Handle("POST /api/v1/requirements/{id}/close", s.api(p.RequirementsClose, s.apiCloseRequirement))

	mux.Handle("GET /api/v1/lessons", s.api(none, s.apiListLessons))
	mux.Handle("POST /api/v1/lessons", s.api(p.LessonsCreate, s.apiCreateLesson))
	mux.Handle("GET /api/v1/lessons/{id}", s.api(none, s.apiGetLesson))
	mux.Handle("PATCH /api/v1/lessons/{id}", s.api(p.LessonsEdit, s.apiUpdateLesson))

	mux.Handle("GET /api/v1/proposals", s.api(none, s.apiListProposals))
	mux.Handle("POST /api/v1/proposals", s.api(p.ProposalsCreate, s.apiCreateProposal))
	mux.Handle("GET /api/v1/proposals/{id}", s.api(none, s.apiGetProposal))
	mux.Handle("POST /api/v1/proposals/{id}/positions", s.api(p.ProposalsPosition, s.apiTakePosition))
	mux.Handle("POST /api/v1/proposals/{id}/comments", s.api(p.ProposalsComment, s.apiComment))
	mux.Handle("POST /api/v1/proposals/{id}/signatures", s.api(p.ProposalsSign, s.apiSign))
	mux.Handle("GET /api/v1/statements", s.api(none, s.apiPublishedStatements))
	mux.Handle("GET /api/v1/rotations", s.api(none, s.apiListRotations))
	mux.Handle("POST /api/v1/rotations", s.api(p.RotationsManage, s.apiCreateRotation))
	mux.Handle("GET /api/v1/meetings", s.api(none, s.apiListMeetings))
	mux.Handle("POST /api/v1/meetings", s.api(p.MeetingsManage, s.apiCreateMeeting))
	mux.Handle("GET /api/v1/meetings/{id}", s.api(none, s.apiGetMeeting))
	mux.Handle("PATCH /api/v1/meetings/{id}", s.api(p.MeetingsManage, s.apiUpdateMeeting))

	mux.Handle("GET /api/v1/offers", s.api(none, s.kept(s.apiListOffers)))
	mux.Handle("POST /api/v1/offers", s.api(p.OffersCreate, s.apiCreateOffer))
	mux.Handle("GET /api/v1/offers/{id}", s.api(none, s.kept(s.apiGetOffer)))
	mux.Handle("PATCH /api/v1/offers/{id}", s.api(p.OffersEdit, s.apiUpdateOffer))
	mux.Handle("POST /api/v1/offers/{id}/review", s.api(p.OffersReview, s.apiReviewOffer))
	mux.Handle("GET /api/v1/matching/suggestions", s.api(p.MatchingSuggest, s.kept(s.apiSuggestions)))
	mux.Handle("POST /api/v1/matching/plan", s.api(p.MatchingPlan, s.apiPlan))
	mux.Handle("POST /api/v1/matching/plan/apply", s.api(p.MatchingPlan, s.apiApplyPlan))
	mux.Handle("GET /api/v1/deconfliction", s.api(p.DeconflictionRead, s.kept(s.apiDeconfliction)))
	mux.Handle("POST /api/v1/deconfliction/acknowledgements", s.api(p.DeconflictionAcknowledge, s.apiAcknowledge))
	mux.Handle("POST /api/v1/deconfliction/acknowledgements/bulk", s.api(p.DeconflictionAcknowledge, s.apiAcknowledgeAll))

	mux.Handle("GET /api/v1/reports/summary", s.api(none, s.kept(s.apiSummary)))
	mux.Handle("GET /api/v1/reports/charts", s.api(none, s.kept(s.apiCharts)))
	mux.Handle("GET /api/v1/exports/iati.xml", s.api(none, s.apiExportIATI))
	mux.Handle("GET /api/v1/exports/{file}", s.api(none, s.apiExport))
	mux.Handle("GET /api/v1/notifications", s.api(none, s.apiListNotifications))
	mux.Handle("GET /api/v1/audit", s.api(p.AuditRead, s.kept(s.apiListAudit)))
	mux.Handle("GET /api/v1/audit/verify", s.api(p.AuditRead, s.apiVerifyAudit))
	mux.Handle("GET /api/v1/audit/checkpoint", s.api(p.AuditProofs, s.apiAuditCheckpoint))
	mux.Handle("GET /api/v1/audit/proofs/inclusion", s.api(p.AuditProofs, s.apiAuditInclusion))
	mux.Handle("GET /api/v1/audit/proofs/consistency", s.api(p.AuditProofs, s.apiAuditConsistency))

	mux.Handle("GET /api/v1/requirements/{id}/indicators", s.api(none, s.apiListIndicators))
	mux.Handle("POST /api/v1/requirements/{id}/indicators", s.api(p.IndicatorsReport, s.apiCreateIndicator))
	mux.Handle("POST /api/v1/indicators/{id}/values", s.api(p.IndicatorsReport, s.apiAddIndicatorValue))
	mux.Handle("GET /api/v1/results", s.api(none, s.kept(s.apiResults)))
	mux.Handle("GET /api/v1/requirements/{id}/documents", s.api(none, s.apiListDocuments(model.DocOnRequirement)))
	mux.Handle("POST /api/v1/requirements/{id}/documents", s.api(p.DocumentsUpload, s.apiUploadDocument(model.DocOnRequirement)))
	mux.Handle("GET /api/v1/pledges/{id}/documents", s.api(none, s.apiListDocuments(model.DocOnPledge)))
	mux.Handle("POST /api/v1/pledges/{id}/documents", s.api(p.DocumentsUpload, s.apiUploadDocument(model.DocOnPledge)))
	mux.Handle("GET /api/v1/offers/{id}/documents", s.api(none, s.apiListDocuments(model.DocOnOffer)))
	mux.Handle("POST /api/v1/offers/{id}/documents", s.api(p.DocumentsUpload, s.apiUploadDocument(model.DocOnOffer)))
	mux.Handle("GET /api/v1/lessons/{id}/documents", s.api(none, s.apiListDocuments(model.DocOnLesson)))
	mux.Handle("POST /api/v1/lessons/{id}/documents", s.api(p.DocumentsUpload, s.apiUploadDocument(model.DocOnLesson)))
	mux.Handle("GET /api/v1/proposals/{id}/documents", s.api(none, s.apiListDocuments(model.DocOnProposal)))
	mux.Handle("POST /api/v1/proposals/{id}/documents", s.api(p.DocumentsUpload, s.apiUploadDocument(model.DocOnProposal)))
	mux.Handle("GET /api/v1/meetings/{id}/documents", s.api(none, s.apiListDocuments(model.DocOnMeeting)))
	mux.Handle("POST /api/v1/meetings/{id}/documents", s.api(p.DocumentsUpload, s.apiUploadDocument(model.DocOnMeeting)))
	mux.Handle("GET /api/v1/documents/{id}", s.api(none, s.downloadDocument))
	mux.Handle("DELETE /api/v1/documents/{id}", s.api(p.DocumentsDelete, s.apiDeleteDocument))

	// HTML pages.
	mux.Handle("GET /static/", s.static)
	mux.Handle("GET /healthz", http.HandlerFunc(s.healthz))
	mux.Handle("GET /readyz", http.HandlerFunc(s.readyz))
	mux.Handle("GET /{$}", s.page(none, s.keptPage(s.dashboardPage)))
	mux.Handle("GET /lang/{code}", s.page(none, s.setLanguage))
	mux.Handle("GET /signin", s.page(none, s.signInPage))
	mux.Handle("POST /signin", s.page(none, s.signIn))
	mux.Handle("POST /signout", s.page(none, s.signOut))
	mux.Handle("GET /signin/sso/callback", s.page(none, s.ssoCallback))
	mux.Handle("GET /signin/sso/{provider}", s.page(none, s.startSSO))
	mux.Handle("GET /signin/factor", s.page(none, s.secondFactorPage))
	mux.Handle("POST /signin/recovery", s.page(none, s.recoverySignIn))
	mux.Handle("POST /signin/passkey/options", s.page(none, s.passkeySignInOptions))
	mux.Handle("POST /signin/passkey", s.page(none, s.passkeySignIn))
	// The account page is every signed-in user's own; its handlers refuse
	// visitors.
	mux.Handle("GET /account", s.page(none, s.accountPage))
	mux.Handle("POST /account/passkeys/options", s.page(none, s.passkeyRegisterOptions))
	mux.Handle("POST /account/passkeys", s.page(none, s.passkeyRegister))
	mux.Handle("POST /account/passkeys/{id}/delete", s.page(none, s.removePasskey))
	mux.Handle("POST /account/sessions/{id}/end", s.page(none, s.endSession))
	mux.Handle("POST /account/tokens", s.page(none, s.createAccountToken))
	mux.Handle("POST /account/tokens/{id}/revoke", s.page(none, s.revokeAccountToken))
	mux.Handle("POST /account/recovery-codes", s.page(none, s.createRecoveryCodes))

	mux.Handle("GET /search", s.page(none, s.keptPage(s.searchPage)))
	// The record pickers' search as one types: JSON for the page's script,
	// over the session, in the reader's language.
	mux.Handle("GET /records/pick", s.page(none, s.pickRecords))
	mux.Handle("GET /requirements", s.page(none, s.keptPage(s.requirementsPage)))
	mux.Handle("GET /requirements/new", s.page(p.RequirementsCreate, s.newRequirementPage))
	mux.Handle("GET /imports/requirements", s.page(p.RequirementsImport, s.requirementsImportPage))
	mux.Handle("POST /imports/requirements", limitBody(maxRequirementsUpload, s.page(p.RequirementsImport, s.importRequirements)))
	mux.Handle("GET /imports/requirements/{file}", s.page(p.RequirementsImport, s.requirementsTemplate))
	mux.Handle("POST /requirements/review", s.page(p.RequirementsValidate, s.bulkReview))
	mux.Handle("POST /requirements", s.page(p.RequirementsCreate, s.createRequirement))
	mux.Handle("GET /requirements/{id}", s.page(none, s.keptPage(s.requirementPage)))
	mux.Handle("GET /requirements/{id}/edit", s.page(p.RequirementsEdit, s.editRequirementPage))
	mux.Handle("POST /requirements/{id}/edit", s.page(p.RequirementsEdit, s.updateRequirement))
	mux.Handle("POST /requirements/{id}/submit", s.page(p.RequirementsSubmit, s.submitRequirement))
	mux.Handle("POST /requirements/{id}/validate", s.page(p.RequirementsValidate, s.validateRequirement))
	mux.Handle("POST /requirements/{id}/withdraw", s.page(p.RequirementsWithdraw, s.withdrawRequirement))
	mux.Handle("GET /requirements/{id}/pledge", s.page(p.PledgesCreate, s.newPledgePage))

	mux.Handle("GET /pledges", s.page(none, s.keptPage(s.pledgesPage)))
	mux.Handle("POST /pledges", s.page(p.PledgesCreate, s.createPledge))
	mux.Handle("GET /pledges/{id}", s.page(none, s.keptPage(s.pledgePage)))
	mux.Handle("POST /pledges/{id}/confirm", s.page(p.PledgesConfirm, s.confirmPledge))
	mux.Handle("POST /pledges/{id}/withdraw", s.page(p.PledgesWithdraw, s.withdrawPledge))
	mux.Handle("POST /pledges/{id}/review", s.page(p.PledgesReview, s.reviewPledge))
	mux.Handle("POST /pledges/{id}/milestones", s.page(p.PledgesDeliver, s.addMilestone))
	mux.Handle("POST /pledges/{id}/receipt", s.page(p.PledgesReceipt, s.confirmReceipt))
	mux.Handle("POST /pledges/{id}/suspend", s.page(p.PledgesSuspend, s.suspendPledge))
	mux.Handle("POST /pledges/{id}/resume", s.page(p.PledgesSuspend, s.resumePledge))
	mux.Handle("POST /pledges/{id}/disbursements", s.page(p.PledgesDisburse, s.addDisbursement))
	mux.Handle("POST /requirements/{id}/close", s.page(p.RequirementsClose, s.closeRequirement))
	mux.Handle("GET /lessons", s.page(none, s.lessonsPage))
	mux.Handle("GET /lessons/new", s.page(p.LessonsCreate, s.newLessonPage))
	mux.Handle("POST /lessons", s.page(p.LessonsCreate, s.createLesson))
	mux.Handle("GET /lessons/{id}", s.page(none, s.lessonPage))
	mux.Handle("POST /lessons/{id}", s.page(p.LessonsEdit, s.updateLesson))

	mux.Handle("GET /pledges/bilateral/new", s.page(p.PledgesCreate, s.newBilateralPage))
	mux.Handle("POST /pledges/bilateral", s.page(p.PledgesCreate, s.createBilateral))
	// The lists' export links: the same files as the API's, for the visitor
	// the session cookie names.
	mux.Handle("GET /exports/{file}", s.page(none, s.apiExport))
	mux.Handle("GET /offers", s.page(none, s.keptPage(s.offersPage)))
	mux.Handle("GET /offers/new", s.page(p.OffersCreate, s.newOfferPage))
	mux.Handle("POST /offers", s.page(p.OffersCreate, s.createOffer))
	mux.Handle("GET /offers/{id}", s.page(none, s.keptPage(s.offerPage)))
	mux.Handle("GET /offers/{id}/edit", s.page(p.OffersEdit, s.editOfferPage))
	mux.Handle("POST /offers/{id}/edit", s.page(p.OffersEdit, s.updateOffer))
	mux.Handle("POST /offers/{id}/withdraw", s.page(p.OffersEdit, s.withdrawOffer))
	mux.Handle("POST /offers/{id}/review", s.page(p.OffersReview, s.reviewOffer))
	mux.Handle("GET /matching", s.page(p.MatchingSuggest, s.workbenchPage))
	mux.Handle("POST /matching/propose", s.page(p.MatchingPlan, s.proposePledge))
	mux.Handle("GET /matching/plan", s.page(p.MatchingPlan, s.planPage))
	mux.Handle("POST /matching/plan/apply", s.page(p.MatchingPlan, s.applyPlan))
	mux.Handle("GET /deconfliction", s.page(p.DeconflictionRead, s.keptPage(s.deconflictionPage)))
	mux.Handle("POST /deconfliction/acknowledge", s.page(p.DeconflictionAcknowledge, s.acknowledgeAlert))

	mux.Handle("GET /organisations", s.page(p.OrganisationsRead, s.organisationsPage))
	mux.Handle("GET /organisations/new", s.page(p.OrganisationsManage, s.newOrganisationPage))
	mux.Handle("POST /organisations", s.page(p.OrganisationsManage, s.createOrganisation))
	mux.Handle("GET /organisations/{id}", s.page(p.OrganisationsRead, s.organisationPage))
	mux.Handle("GET /organisations/{id}/sso", s.page(p.OrganisationsManage, s.ssoAdminPage))
	mux.Handle("POST /organisations/{id}/sso", s.page(p.OrganisationsManage, s.putSSOProvider))
	mux.Handle("POST /organisations/{id}/sso/{provider}/delete", s.page(p.OrganisationsManage, s.deleteSSOProvider))
	mux.Handle("POST /organisations/{id}/signin-policy", s.page(p.OrganisationsManage, s.setOrganisationSignInPolicy))
	mux.Handle("GET /admin/security", s.page(p.UsersManage, s.securityPage))
	mux.Handle("POST /admin/security", s.page(p.UsersManage, s.saveSecurity))
	mux.Handle("GET /users", s.page(p.UsersManage, s.usersPage))
	mux.Handle("POST /users", s.page(p.UsersManage, s.createUser))
	mux.Handle("POST /users/{id}/working-group", s.page(p.UsersManage, s.setWorkingGroup))
	mux.Handle("GET /audit", s.page(p.AuditRead, s.keptPageWith(s.auditVerified, s.auditPage)))

	mux.Handle("GET /proposals", s.page(none, s.proposalsPage))
	mux.Handle("GET /proposals/new", s.page(p.ProposalsCreate, s.newProposalPage))
	mux.Handle("POST /proposals", s.page(p.ProposalsCreate, s.createProposal))
	mux.Handle("GET /proposals/{id}", s.page(none, s.proposalPage))
	mux.Handle("POST /proposals/{id}/positions", s.page(p.ProposalsPosition, s.takePosition))
	mux.Handle("POST /proposals/{id}/comments", s.page(p.ProposalsComment, s.commentProposal))
	mux.Handle("POST /proposals/{id}/signatures", s.page(p.ProposalsSign, s.signStatement))
	mux.Handle("GET /rotations", s.page(p.RotationsRead, s.rotationsPage))
	mux.Handle("POST /rotations", s.page(p.RotationsManage, s.createRotation))
	mux.Handle("GET /membership", s.page(p.ProposalsRead, s.membershipPage))
	mux.Handle("GET /meetings", s.page(p.MeetingsRead, s.meetingsPage))
	mux.Handle("GET /meetings/new", s.page(p.MeetingsManage, s.newMeetingPage))
	mux.Handle("POST /meetings", s.page(p.MeetingsManage, s.createMeeting))
	mux.Handle("GET /meetings/{id}", s.page(p.MeetingsRead, s.meetingPage))
	mux.Handle("GET /meetings/{id}/edit", s.page(p.MeetingsManage, s.editMeetingPage))
	mux.Handle("POST /meetings/{id}/edit", s.page(p.MeetingsManage, s.updateMeeting))
	mux.Handle("GET /public", s.page(none, s.publicPage))
	mux.Handle("GET /briefing", s.page(none, s.briefingPage))
	mux.Handle("GET /notifications", s.page(none, s.keptPage(s.notificationsPage)))
	mux.Handle("POST /notifications/settings", s.page(none, s.saveNotificationSettings))
	mux.Handle("POST /notifications/{id}/read", s.page(none, s.readNotification))
	mux.Handle("POST /notifications/read-all", s.page(none, s.readAllNotifications))
	mux.Handle("GET /public/statements.atom", s.page(none, s.statementsFeed))
	mux.Handle("GET "+exchange.CyberVocabularyPath, s.page(none, s.vocabularyPage))
	mux.Handle("GET /admin/imports", s.page(p.ImportsRun, s.importsPage))
	mux.Handle("POST /admin/imports", limitBody(maxUpload, s.page(p.ImportsRun, s.runImport)))

	mux.Handle("POST /requirements/{id}/indicators", s.page(p.IndicatorsReport, s.createIndicator))
	mux.Handle("POST /indicators/{id}/values", s.page(p.IndicatorsReport, s.addIndicatorValue))
	mux.Handle("GET /results", s.page(none, s.keptPage(s.resultsPage)))
	mux.Handle("POST /requirements/{id}/documents", s.uploadPage(p.DocumentsUpload, model.DocOnRequirement))
	mux.Handle("POST /pledges/{id}/documents", s.uploadPage(p.DocumentsUpload, model.DocOnPledge))
	mux.Handle("POST /offers/{id}/documents", s.uploadPage(p.DocumentsUpload, model.DocOnOffer))
	mux.Handle("POST /lessons/{id}/documents", s.uploadPage(p.DocumentsUpload, model.DocOnLesson))
	mux.Handle("POST /proposals/{id}/documents", s.uploadPage(p.DocumentsUpload, model.DocOnProposal))
	mux.Handle("POST /meetings/{id}/documents", s.uploadPage(p.DocumentsUpload, model.DocOnMeeting))
	mux.Handle("GET /documents/{id}", s.page(none, s.downloadDocument))
	mux.Handle("POST /documents/{id}/delete", s.page(p.DocumentsDelete, s.deleteDocument))
}

// fallback answers what no route takes: 404 for an unknown path, 405 with
// the allowed methods for a known path asked with another method. The API
// answers in JSON, the site with a page.
func (s *Server) fallback(mux *http.ServeMux) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h, pattern := mux.Handler(r)
		infoOf(r.Context()).pattern = pattern
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
