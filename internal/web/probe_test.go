package web_test

import (
	"archive/zip"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"regexp"
	"slices"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/cyberaid/cyberaid/internal/accounts"
	"github.com/cyberaid/cyberaid/internal/app"
	"github.com/cyberaid/cyberaid/internal/apptest"
	"github.com/cyberaid/cyberaid/internal/exchange"
	"github.com/cyberaid/cyberaid/internal/model"
	"github.com/cyberaid/cyberaid/internal/store"
	"github.com/cyberaid/cyberaid/internal/store/storetest"
	"github.com/cyberaid/cyberaid/internal/web"
)

// probeRoute says how the probe exercises one route pattern.
type probeRoute struct {
	// fill names the kind of record whose ids fill the path's parameter
	// ({id}), or: "none" (no parameter), "file" (the export files), "static"
	// (nothing record-bound is served: not requested), "create" (a command
	// naming no existing record).
	fill string
	// queries are the query strings asked, "" for none; {kind} in one is
	// replaced by the id of every record of that kind in turn.
	queries []string
	// bodyID names the kind of record whose id goes into body, for a command
	// that names its record in its body rather than its path.
	bodyID string
	// body is sent with a command: JSON to the API, a form to the site;
	// {id} is the record's id, {o1} the CLEAR offer's.
	body string
}

const probeForm = "title=x&decision=approve&comment=x&outcome=received&kind=planned&date=2026-06-15&note=x&text=x&position=support&reason=x&status=accepted&amount=100&currency=EUR&priority=low"

// probeRoutes maps every pattern of the route table to its probe. A route
// added without an entry here fails TestProbe.
var probeRoutes = map[string]probeRoute{
	// Results and documents.
	"GET /api/v1/requirements/{id}/indicators":  {fill: "requirement"},
	"POST /api/v1/requirements/{id}/indicators": {fill: "requirement", body: `{"title":"x","measure":"percentage","baseline":{"value":"1","date":"2026-01-01"},"target":{"value":"2","date":"2026-12-01"}}`},
	"POST /api/v1/indicators/{id}/values":       {fill: "indicator", body: `{"value":"1","date":"2026-06-01"}`},
	"GET /api/v1/results":                       {fill: "none"},
	"GET /api/v1/documents/{id}":                {fill: "document"},
	"DELETE /api/v1/documents/{id}":             {fill: "document"},
	"POST /requirements/{id}/indicators":        {fill: "requirement", body: "title=x&measure=percentage&baseline_value=1&baseline_date=2026-01-01&target_value=2&target_date=2026-12-01"},
	"POST /indicators/{id}/values":              {fill: "indicator", body: "value=1&date=2026-06-01"},
	"GET /results":                              {fill: "none"},
	"GET /documents/{id}":                       {fill: "document"},
	"POST /documents/{id}/delete":               {fill: "document"},
	"GET /api/v1/requirements/{id}/documents":   {fill: "requirement"},
	"POST /api/v1/requirements/{id}/documents":  {fill: "requirement"},
	"POST /requirements/{id}/documents":         {fill: "requirement"},
	"GET /api/v1/pledges/{id}/documents":        {fill: "pledge"},
	"POST /api/v1/pledges/{id}/documents":       {fill: "pledge"},
	"POST /pledges/{id}/documents":              {fill: "pledge"},
	"GET /api/v1/offers/{id}/documents":         {fill: "offer"},
	"POST /api/v1/offers/{id}/documents":        {fill: "offer"},
	"POST /offers/{id}/documents":               {fill: "offer"},
	"GET /api/v1/lessons/{id}/documents":        {fill: "lesson"},
	"POST /api/v1/lessons/{id}/documents":       {fill: "lesson"},
	"POST /lessons/{id}/documents":              {fill: "lesson"},
	"GET /api/v1/proposals/{id}/documents":      {fill: "proposal"},
	"POST /api/v1/proposals/{id}/documents":     {fill: "proposal"},
	"POST /proposals/{id}/documents":            {fill: "proposal"},
	"GET /api/v1/meetings/{id}/documents":       {fill: "meeting"},
	"POST /api/v1/meetings/{id}/documents":      {fill: "meeting"},
	"POST /meetings/{id}/documents":             {fill: "meeting"},
	"GET /api/v1/openapi.json":                  {fill: "static"},
	"POST /api/v1/auth/token":                   {fill: "create"},
	"DELETE /api/v1/auth/token":                 {fill: "create"},
	"GET /api/v1/organisations":                 {fill: "none"},
	"POST /api/v1/organisations":                {fill: "create"},
	"GET /api/v1/organisations/{id}":            {fill: "organisation"},
	// Organisations carry no label: everyone who may act on one sees it.
	"PATCH /api/v1/organisations/{id}": {fill: "create"},
	"GET /api/v1/users":                {fill: "none"},
	"POST /api/v1/users":               {fill: "create"},
	"PATCH /api/v1/users/{id}":         {fill: "create"},

	"GET /api/v1/requirements": {fill: "none", queries: []string{"", "?status=draft", "?status=submitted", "?status=in_delivery",
		"?status=validated", "?q=ZQX", "?sector=energy&priority=high", "?limit=1", "?sort=-tlp", "?sort=title&status=validated"}},
	"POST /api/v1/requirements":                   {fill: "create"},
	"GET /api/v1/requirements/{id}":               {fill: "requirement"},
	"PATCH /api/v1/requirements/{id}":             {fill: "requirement", body: `{"priority":"low"}`},
	"GET /api/v1/requirements/{id}/history":       {fill: "requirement"},
	"POST /api/v1/requirements/{id}/submit":       {fill: "requirement"},
	"POST /api/v1/requirements/{id}/validate":     {fill: "requirement", body: `{"decision":"approve"}`},
	"POST /api/v1/requirements/reviews":           {fill: "create", bodyID: "requirement", body: `{"items":[{"id":"{id}","decision":"approve"}]}`},
	"GET /api/v1/requirements/{id}/reviews":       {fill: "requirement"},
	"POST /api/v1/imports/requirements":           {fill: "create"},
	"POST /api/v1/requirements/{id}/withdraw":     {fill: "requirement"},
	"POST /api/v1/requirements/{id}/share":        {fill: "requirement", body: `{"org_ids":[]}`},
	"POST /api/v1/requirements/{id}/close":        {fill: "requirement"},
	"GET /api/v1/pledges":                         {fill: "none", queries: []string{"", "?channel=bilateral", "?status=in_delivery", "?requirement={requirement}", "?sort=-eur&requirement={requirement}"}},
	"GET /api/v1/search":                          {fill: "none", queries: []string{"", "?q=ZQX", "?q=zqx+req", "?q=backup", "?q=licences", "?q=minutes", "?q=happened", "?q=seats"}},
	"POST /api/v1/pledges":                        {fill: "create", bodyID: "requirement", body: `{"requirement_id":"{id}","amount_minor":100,"currency":"EUR"}`},
	"GET /api/v1/pledges/{id}":                    {fill: "pledge"},
	"PATCH /api/v1/pledges/{id}":                  {fill: "pledge", body: `{"amount_minor":100}`},
	"POST /api/v1/pledges/{id}/confirm":           {fill: "pledge"},
	"POST /api/v1/pledges/{id}/withdraw":          {fill: "pledge"},
	"POST /api/v1/pledges/{id}/review":            {fill: "pledge", body: `{"decision":"approve"}`},
	"GET /api/v1/pledges/{id}/milestones":         {fill: "pledge"},
	"POST /api/v1/pledges/{id}/milestones":        {fill: "pledge", body: `{"kind":"planned","date":"2026-06-15"}`},
	"POST /api/v1/pledges/{id}/receipt":           {fill: "pledge", body: `{"outcome":"received"}`},
	"POST /api/v1/pledges/{id}/suspend":           {fill: "pledge", body: `{"reason":"x"}`},
	"POST /api/v1/pledges/{id}/resume":            {fill: "pledge"},
	"GET /api/v1/pledges/{id}/disbursements":      {fill: "pledge"},
	"POST /api/v1/pledges/{id}/disbursements":     {fill: "pledge", body: `{"amount_minor":100,"currency":"EUR","date":"2026-06-15","confirm_over":true}`},
	"GET /api/v1/lessons":                         {fill: "none", queries: []string{"", "?due=true", "?link_id={requirement}", "?link_id={pledge}", "?sort=-title", "?sort=review&limit=1"}},
	"POST /api/v1/lessons":                        {fill: "create", bodyID: "requirement", body: `{"title":"x","link":"requirement","link_id":"{id}"}`},
	"GET /api/v1/lessons/{id}":                    {fill: "lesson"},
	"PATCH /api/v1/lessons/{id}":                  {fill: "lesson", body: `{"status":"accepted"}`},
	"GET /api/v1/proposals":                       {fill: "none", queries: []string{"", "?status=open", "?sort=-decided", "?sort=title&limit=1"}},
	"POST /api/v1/proposals":                      {fill: "create"},
	"GET /api/v1/proposals/{id}":                  {fill: "proposal"},
	"POST /api/v1/proposals/{id}/positions":       {fill: "proposal", body: `{"position":"support"}`},
	"POST /api/v1/proposals/{id}/comments":        {fill: "proposal", body: `{"text":"x"}`},
	"POST /api/v1/proposals/{id}/signatures":      {fill: "proposal"},
	"GET /api/v1/statements":                      {fill: "none"},
	"GET /api/v1/rotations":                       {fill: "none"},
	"POST /api/v1/rotations":                      {fill: "create"},
	"GET /api/v1/meetings":                        {fill: "none"},
	"POST /api/v1/meetings":                       {fill: "create", bodyID: "requirement", body: `{"title":"x","date":"2026-07-01","agenda":[{"kind":"requirement","ref_id":"{id}","note":"x"}]}`},
	"GET /api/v1/meetings/{id}":                   {fill: "meeting"},
	"PATCH /api/v1/meetings/{id}":                 {fill: "meeting", body: `{"minutes":"x"}`},
	"GET /api/v1/offers":                          {fill: "none", queries: []string{"", "?status=open", "?sort=-eur", "?sort=title&status=open"}},
	"POST /api/v1/offers":                         {fill: "create"},
	"GET /api/v1/offers/{id}":                     {fill: "offer"},
	"PATCH /api/v1/offers/{id}":                   {fill: "offer", body: `{"title":"x"}`},
	"POST /api/v1/offers/{id}/review":             {fill: "offer", body: `{"decision":"approve"}`},
	"GET /api/v1/matching/suggestions":            {fill: "none", queries: []string{"?requirement={requirement}", "?offer={offer}"}},
	"POST /api/v1/matching/plan":                  {fill: "none"},
	"POST /api/v1/matching/plan/apply":            {fill: "create", bodyID: "requirement", body: `{"lines":[{"offer_id":"{o1}","requirement_id":"{id}","eur_minor":100}]}`},
	"GET /api/v1/deconfliction":                   {fill: "none", queries: []string{"", "?open=true"}},
	"POST /api/v1/deconfliction/acknowledgements": {fill: "create"},
	"GET /api/v1/reports/summary":                 {fill: "none", queries: []string{"?by=donor", "?by=line", "?by=sector", "?by=category", "?by=status", "?by=month", "?by=implementer"}},
	"GET /api/v1/reports/charts":                  {fill: "none"},
	"GET /api/v1/exports/iati.xml":                {fill: "none", queries: []string{"", "?scope=internal"}},
	"GET /api/v1/exports/{file}":                  {fill: "file", queries: []string{"", "?status=in_delivery", "?q=ZQX"}},
	"GET /api/v1/audit": {fill: "none", queries: []string{"", "?limit=200", "?sort=-at&limit=200", "?object_id={requirement}", "?object_id={pledge}", "?object_id={offer}",
		"?object_id={lesson}", "?object_id={proposal}", "?object_id={meeting}"}},
	"GET /api/v1/audit/verify": {fill: "none"},
	// The tree's sizes and hashes, never an event's contents.
	"GET /api/v1/audit/checkpoint":         {fill: "none"},
	"GET /api/v1/audit/proofs/inclusion":   {fill: "none", queries: []string{"?seq=1&size=2"}},
	"GET /api/v1/audit/proofs/consistency": {fill: "none", queries: []string{"?from=1&to=2"}},

	"GET /static/":     {fill: "static"},
	"GET /healthz":     {fill: "static"},
	"GET /readyz":      {fill: "static"},
	"GET /{$}":         {fill: "none"},
	"GET /lang/{code}": {fill: "static"},
	"GET /signin":      {fill: "none"},
	"POST /signin":     {fill: "create"},
	"POST /signout":    {fill: "create"},
	// Sign-in steps and the account page concern the caller's own account
	// only; the identity provider's address is not requested.
	"GET /signin/sso/callback":       {fill: "none"},
	"GET /signin/sso/{provider}":     {fill: "static"},
	"GET /signin/factor":             {fill: "none"},
	"POST /signin/recovery":          {fill: "create"},
	"POST /signin/passkey/options":   {fill: "create"},
	"POST /signin/passkey":           {fill: "create"},
	"GET /account":                   {fill: "none"},
	"POST /account/passkeys/options": {fill: "create"},
	"POST /account/passkeys":         {fill: "create"},
	// A passkey, session or token is its user's alone: acting on another
	// user's must answer as on one that does not exist.
	"POST /account/passkeys/{id}/delete":             {fill: "passkey", body: probeForm},
	"POST /account/sessions/{id}/end":                {fill: "session", body: probeForm},
	"POST /account/tokens":                           {fill: "create"},
	"POST /account/tokens/{id}/revoke":               {fill: "token", body: probeForm},
	"POST /account/recovery-codes":                   {fill: "create"},
	"GET /organisations/{id}/sso":                    {fill: "organisation"},
	"POST /organisations/{id}/sso":                   {fill: "create"},
	"POST /organisations/{id}/sso/{provider}/delete": {fill: "create"},
	"POST /organisations/{id}/signin-policy":         {fill: "create"},
	"GET /admin/security":                            {fill: "none"},
	"POST /admin/security":                           {fill: "create"},
	"GET /requirements":                              {fill: "none", queries: []string{"", "?status=draft", "?status=in_delivery", "?q=ZQX"}},
	"GET /requirements/new":                          {fill: "none"},
	"GET /imports/requirements":                      {fill: "none"},
	"POST /imports/requirements":                     {fill: "create"},
	"GET /imports/requirements/{file}":               {fill: "static"},
	"POST /requirements/review":                      {fill: "create", bodyID: "requirement", body: "ids={id}&decision=approve&comment=x"},
	"POST /requirements":                             {fill: "create"},
	"GET /requirements/{id}":                         {fill: "requirement"},
	"GET /requirements/{id}/edit":                    {fill: "requirement"},
	"POST /requirements/{id}/edit":                   {fill: "requirement", body: probeForm},
	"POST /requirements/{id}/submit":                 {fill: "requirement", body: probeForm},
	"POST /requirements/{id}/validate":               {fill: "requirement", body: probeForm},
	"POST /requirements/{id}/withdraw":               {fill: "requirement", body: probeForm},
	"GET /requirements/{id}/pledge":                  {fill: "requirement"},
	"GET /pledges":                                   {fill: "none", queries: []string{"", "?channel=bilateral", "?status=in_delivery", "?sort=tlp"}},
	"GET /search":                                    {fill: "none", queries: []string{"", "?q=ZQX", "?q=zqx+pledge", "?q=substations"}},
	"GET /records/pick":                              {fill: "none", queries: []string{"", "?kind=requirement&q=ZQX", "?kind=pledge&q=ZQX", "?kind=delivery&q=zqx+pledge", "?kind=requirement&q=REQ"}},
	"POST /pledges":                                  {fill: "create", bodyID: "requirement", body: "requirement_id={id}&amount=100&currency=EUR"},
	"GET /pledges/{id}":                              {fill: "pledge"},
	"POST /pledges/{id}/confirm":                     {fill: "pledge", body: probeForm},
	"POST /pledges/{id}/withdraw":                    {fill: "pledge", body: probeForm},
	"POST /pledges/{id}/review":                      {fill: "pledge", body: probeForm},
	"POST /pledges/{id}/milestones":                  {fill: "pledge", body: probeForm},
	"POST /pledges/{id}/suspend":                     {fill: "pledge", body: probeForm},
	"POST /pledges/{id}/resume":                      {fill: "pledge", body: probeForm},
	"POST /pledges/{id}/disbursements":               {fill: "pledge", body: probeForm},
	"POST /pledges/{id}/receipt":                     {fill: "pledge", body: probeForm},
	"POST /requirements/{id}/close":                  {fill: "requirement", body: probeForm},
	"GET /lessons":                                   {fill: "none", queries: []string{"", "?due=true", "?sort=-status"}},
	"GET /lessons/new":                               {fill: "none"},
	"POST /lessons":                                  {fill: "create", bodyID: "requirement", body: "title=x&link=requirement&link_id={id}"},
	"GET /lessons/{id}":                              {fill: "lesson"},
	"POST /lessons/{id}":                             {fill: "lesson", body: probeForm},
	"GET /pledges/bilateral/new":                     {fill: "none"},
	"POST /pledges/bilateral":                        {fill: "create"},
	"GET /exports/{file}":                            {fill: "file", queries: []string{"", "?status=in_delivery"}},
	"GET /offers":                                    {fill: "none", queries: []string{"", "?status=open", "?sort=-tlp", "?sort=valid_until&status=open"}},
	"GET /offers/new":                                {fill: "none"},
	"POST /offers":                                   {fill: "create"},
	"GET /offers/{id}":                               {fill: "offer"},
	"GET /offers/{id}/edit":                          {fill: "offer"},
	"POST /offers/{id}/edit":                         {fill: "offer", body: probeForm},
	"POST /offers/{id}/withdraw":                     {fill: "offer", body: probeForm},
	"POST /offers/{id}/review":                       {fill: "offer", body: probeForm},
	"GET /matching":                                  {fill: "none", queries: []string{"", "?requirement={requirement}"}},
	"POST /matching/propose":                         {fill: "create", bodyID: "requirement", body: "requirement_id={id}&offer_id={o1}&amount=1"},
	"GET /matching/plan":                             {fill: "none"},
	"POST /matching/plan/apply":                      {fill: "create", bodyID: "requirement", body: "line={o1}|{id}|100"},
	"GET /deconfliction":                             {fill: "none"},
	"POST /deconfliction/acknowledge":                {fill: "create"},
	"GET /organisations":                             {fill: "none", queries: []string{"", "?sort=-country"}},
	"GET /organisations/new":                         {fill: "none"},
	"POST /organisations":                            {fill: "create"},
	"GET /organisations/{id}":                        {fill: "organisation"},
	"GET /users":                                     {fill: "none", queries: []string{"", "?sort=organisation"}},
	"POST /users":                                    {fill: "create"},
	"POST /users/{id}/working-group":                 {fill: "create"},
	"GET /audit": {fill: "none", queries: []string{"", "?sort=at", "?object_type=requirement", "?object_type=pledge&sort=-at",
		"?object_type=offer", "?object_type=lesson", "?object_type=proposal", "?object_type=meeting", "?object_type=document", "?object_type=indicator",
		// The page shows 50 events: each type in both orders reaches the
		// events between, as the API's two 200-event pages do for the log.
		"?object_type=requirement&sort=at", "?object_type=pledge&sort=at", "?object_type=user", "?object_type=organisation"}},
	"GET /proposals":                      {fill: "none", queries: []string{"", "?status=open&sort=-created"}},
	"GET /proposals/new":                  {fill: "none"},
	"POST /proposals":                     {fill: "create"},
	"GET /proposals/{id}":                 {fill: "proposal"},
	"POST /proposals/{id}/positions":      {fill: "proposal", body: probeForm},
	"POST /proposals/{id}/comments":       {fill: "proposal", body: probeForm},
	"POST /proposals/{id}/signatures":     {fill: "proposal", body: probeForm},
	"GET /rotations":                      {fill: "none"},
	"POST /rotations":                     {fill: "create"},
	"GET /membership":                     {fill: "none"},
	"GET /meetings":                       {fill: "none"},
	"GET /meetings/{id}":                  {fill: "meeting"},
	"GET /meetings/new":                   {fill: "none"},
	"POST /meetings":                      {fill: "create"},
	"GET /meetings/{id}/edit":             {fill: "meeting"},
	"POST /meetings/{id}/edit":            {fill: "meeting", body: probeForm},
	"GET /public":                         {fill: "none"},
	"GET /briefing":                       {fill: "none", queries: []string{"?list=dashboard", "?list=requirements", "?list=requirements&status=draft", "?list=requirements&q=ZQX", "?list=pledges", "?list=pledges&channel=bilateral", "?list=offers", "?list=lessons", "?list=lessons&due=true"}},
	"GET /notifications":                  {fill: "none", queries: []string{"", "?show=unread", "?sort=created"}},
	"GET /api/v1/notifications":           {fill: "none", queries: []string{"", "?show=unread", "?sort=created&limit=1"}},
	"POST /notifications/settings":        {fill: "create"},
	"POST /notifications/{id}/read":       {fill: "notification", body: probeForm},
	"POST /notifications/read-all":        {fill: "create"},
	"GET /public/statements.atom":         {fill: "none"},
	"GET " + exchange.CyberVocabularyPath: {fill: "static"},
	"GET /admin/imports":                  {fill: "none"},
	"POST /admin/imports":                 {fill: "create"},

	"POST /api/v1/deconfliction/acknowledgements/bulk": {fill: "create"},
}

// probeExports are the files behind /exports/{file}.
var probeExports = func() []string {
	var out []string
	for _, d := range []string{"requirements", "pledges", "bilateral", "offers", "lessons"} {
		for _, f := range []string{"csv", "xlsx", "json"} {
			out = append(out, d+"."+f)
		}
	}
	return out
}()

// randomID is the id of no record; a hidden record must answer as it does.
const randomID = "01930000-0000-7000-8000-00000000beef"

// TestProbe checks the first promise of the access model (docs/architecture.md) over the whole route table: a
// record a person may not see does not exist for them. Every GET route is
// asked by every member of the cast with every record's id, and no body
// may hold a marker of a record its reader may not see; every command on a
// hidden record must answer exactly as on a record that does not exist.
func TestProbe(t *testing.T) {
	t.Parallel()
	eachBackend(t, func(t *testing.T, s *store.DB) {
		mail := &mailbox{got: map[string][]string{}}
		a, c := apptest.NewWith(t, s, app.Options{Now: clock, Mailer: mail})
		srv := httptest.NewServer(a.Web)
		defer srv.Close()
		if !probeTableComplete(t, web.RoutePatterns(a.Web)) {
			return
		}
		d := probeFixture(t, a, c, mail)
		p := &prober{t: t, base: srv.URL, d: d, sessions: map[string]*probeSession{}, found: map[string]*probeFinding{}, seen: map[string]bool{}}
		p.signIn()
		p.accountRecords()
		p.notifications()
		p.walk()
		p.scanMail()
		p.actions()
		p.plan()
		p.report()
	})
}

// probeTableComplete fails the test for every route the probe table does
// not say how to probe, and for every entry no route has any more.
func probeTableComplete(t *testing.T, patterns []string) bool {
	t.Helper()
	missing, stale := unprobed(patterns)
	for _, pt := range missing {
		t.Errorf("route %q is not probed: add it to probeRoutes, saying which records fill its parameters (or none, static)", pt)
	}
	for _, pt := range stale {
		t.Errorf("probeRoutes names %q, which the route table no longer has", pt)
	}
	return len(missing) == 0 && len(stale) == 0
}

// unprobed returns the patterns probeRoutes lacks, and its entries that
// match no pattern.
func unprobed(patterns []string) (missing, stale []string) {
	for _, pt := range patterns {
		if _, known := probeRoutes[pt]; !known {
			missing = append(missing, pt)
		}
	}
	for pt := range probeRoutes {
		if !slices.Contains(patterns, pt) {
			stale = append(stale, pt)
		}
	}
	sort.Strings(stale)
	return missing, stale
}

// TestProbeRoutesComplete is the quick half of TestProbe: every route of
// the table has a probe, and a new one would be noticed.
func TestProbeRoutesComplete(t *testing.T) {
	t.Parallel()
	a, _ := apptest.New(t, storetest.OpenSQLite(t), clock)
	patterns := web.RoutePatterns(a.Web)
	if len(patterns) < 100 {
		t.Fatalf("the route table lists only %d patterns", len(patterns))
	}
	probeTableComplete(t, patterns)
	if missing, _ := unprobed(append(slices.Clone(patterns), "GET /api/v1/new")); !slices.Contains(missing, "GET /api/v1/new") {
		t.Error("a route without a probe went unnoticed")
	}
}

type probeSession struct {
	who    string
	token  string // bearer token for the API
	client *http.Client
	csrf   string
}

type probeAnswer struct {
	status int
	body   string
}

// probeFinding is one leak, with how often it was seen.
type probeFinding struct {
	cause, route, viewer, what, detail, url string
	count                                   int
}

type prober struct {
	t        *testing.T
	base     string
	d        *probeData
	sessions map[string]*probeSession

	mu       sync.Mutex
	found    map[string]*probeFinding
	seen     map[string]bool // marker tokens someone of their audience saw
	asked    int
	compared int // hidden records' answers set beside a random id's
}

var probeCSRF = regexp.MustCompile(`name="csrf" value="([^"]+)"`)

func (p *prober) signIn() {
	for _, who := range probeCast {
		jar, _ := cookiejar.New(nil)
		s := &probeSession{who: who, client: &http.Client{Jar: jar,
			CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}}
		if who == "former" || who == "lapsed" {
			// Users of a former organisation can no longer sign in; they
			// probe with a session and a token kept from before it left.
			form := url.Values{"email": {who + "@test.example"}, "password": {apptest.Password}, "next": {"/"}}
			if a := p.send(s, "POST", "/signin", form.Encode(), false); a.status != http.StatusForbidden {
				p.t.Fatalf("a former participant %s signs in: %d", who, a.status)
			}
			s.token = p.keptCredentials(who, jar)
		} else if who != "" {
			form := url.Values{"email": {who + "@test.example"}, "password": {apptest.Password}, "next": {"/"}}
			if a := p.send(s, "POST", "/signin", form.Encode(), false); a.status != http.StatusSeeOther {
				p.t.Fatalf("sign in as %s: %d", who, a.status)
			}
			a := p.send(s, "POST", "/api/v1/auth/token", fmt.Sprintf(`{"email":%q,"password":%q}`, who+"@test.example", apptest.Password), true)
			var out struct{ Token string }
			if err := json.Unmarshal([]byte(a.body), &out); err != nil || out.Token == "" {
				p.t.Fatalf("token for %s: %d %s", who, a.status, a.body)
			}
			s.token = out.Token
		}
		if m := probeCSRF.FindStringSubmatch(p.send(s, "GET", "/", "", false).body); m != nil {
			s.csrf = m[1]
		}
		p.sessions[who] = s
	}
}

// accountRecords adds each person's sessions, API tokens and a passkey to
// the records: only their owner may see or act on them. The passkey's name
// is a marker, shown on its owner's account page alone.
func (p *prober) accountRecords() {
	ctx := context.Background()
	for i, who := range probeCast {
		if who == "" {
			continue
		}
		u := p.d.users[who]
		sessions, err := p.d.app.Store.ListUserSessions(ctx, u.ID, testNow)
		if err != nil {
			p.t.Fatal(err)
		}
		for j, s := range sessions {
			p.d.add("session", fmt.Sprintf("session %d of %s", j+1, who), s.ID, []string{who})
		}
		tokens, err := p.d.app.Store.ListUserAPITokens(ctx, u.ID)
		if err != nil {
			p.t.Fatal(err)
		}
		for j, t := range tokens {
			p.d.add("token", fmt.Sprintf("token %d of %s", j+1, who), t.ID, []string{who})
		}
		if who == "former" || who == "lapsed" {
			continue // a visitor's account page shows nothing of theirs
		}
		name := fmt.Sprintf("ZQX-passkey-%d-key", i)
		pk := model.Passkey{UserID: u.ID, CredentialID: fmt.Sprintf("probe-credential-%d", i), Name: name, Credential: "{}", CreatedAt: testNow}
		if err := p.d.app.Store.CreatePasskey(ctx, &pk); err != nil {
			p.t.Fatal(err)
		}
		p.d.add("passkey", "passkey of "+who, pk.ID, []string{who}, name)
	}
}

// keptCredentials stores a session (set in jar) and an API token for who,
// as if made before the organisation left the mechanism, and returns the
// token.
func (p *prober) keptCredentials(who string, jar http.CookieJar) string {
	ctx := context.Background()
	u := p.d.users[who]
	session, token := "probe-session-"+who, "cyb_probe-kept-"+who
	if err := p.d.app.Store.CreateSession(ctx, model.Session{TokenHash: accounts.HashToken(session), UserID: u.ID, CSRFToken: "csrf-" + who,
		CreatedAt: testNow, ExpiresAt: testNow.Add(time.Hour)}); err != nil {
		p.t.Fatal(err)
	}
	if err := p.d.app.Store.CreateAPIToken(ctx, model.APIToken{UserID: u.ID, TokenHash: accounts.HashToken(token),
		CreatedAt: testNow, ExpiresAt: testNow.Add(time.Hour)}); err != nil {
		p.t.Fatal(err)
	}
	base, _ := url.Parse(p.base)
	jar.SetCookies(base, []*http.Cookie{{Name: "cyberaid_session", Value: session, Path: "/"}})
	return token
}

// send makes one request as s: to the API with its token, to the site with
// its cookies.
func (p *prober) send(s *probeSession, method, path, body string, api bool) probeAnswer {
	var r io.Reader
	if body != "" {
		r = strings.NewReader(body)
	}
	req, err := http.NewRequest(method, p.base+path, r)
	if err != nil {
		p.t.Fatal(err)
	}
	if api {
		if body != "" {
			req.Header.Set("Content-Type", "application/json")
		}
		if s.token != "" {
			req.Header.Set("Authorization", "Bearer "+s.token)
		}
	} else if body != "" {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	res, err := s.client.Do(req)
	if err != nil {
		p.t.Fatalf("%s %s: %v", method, path, err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	p.mu.Lock()
	p.asked++
	p.mu.Unlock()
	return probeAnswer{status: res.StatusCode, body: readable(b)}
}

// readable turns a body into text to search: an XLSX file's every part
// (sheets and shared strings), or the body itself.
func readable(b []byte) string {
	if !bytes.HasPrefix(b, []byte("PK\x03\x04")) {
		return string(b)
	}
	z, err := zip.NewReader(bytes.NewReader(b), int64(len(b)))
	if err != nil {
		return string(b)
	}
	var sb strings.Builder
	for _, f := range z.File {
		rc, err := f.Open()
		if err != nil {
			continue
		}
		part, _ := io.ReadAll(rc)
		rc.Close()
		sb.WriteString("\n[" + f.Name + "]\n")
		sb.Write(part)
	}
	return sb.String()
}

// get fetches path as s, following the API's list cursors to the end.
func (p *prober) get(s *probeSession, path string) probeAnswer {
	api := strings.HasPrefix(path, "/api/")
	a := p.send(s, "GET", path, "", api)
	if !api || a.status != http.StatusOK {
		return a
	}
	all := a.body
	var first struct {
		Total *int
		Items []json.RawMessage
	}
	_ = json.Unmarshal([]byte(a.body), &first)
	items := len(first.Items)
	defer func() {
		// A list's total counts what the caller may see: exactly its items.
		if first.Total != nil && *first.Total != items {
			p.record("a list's total differs from its items", path, s.who, "total",
				fmt.Sprintf("total %d, %d items over every page", *first.Total, items), path)
		}
	}()
	for range 50 {
		var page struct {
			Next  *string
			Items []json.RawMessage
		}
		if json.Unmarshal([]byte(a.body), &page) != nil || page.Next == nil || *page.Next == "" {
			break
		}
		u, _ := url.Parse(path)
		q := u.Query()
		q.Set("cursor", *page.Next)
		u.RawQuery = q.Encode()
		a = p.send(s, "GET", u.String(), "", true)
		if a.status != http.StatusOK {
			break
		}
		var next struct{ Items []json.RawMessage }
		_ = json.Unmarshal([]byte(a.body), &next)
		items += len(next.Items)
		all += "\n" + a.body
	}
	return probeAnswer{status: http.StatusOK, body: all}
}

// probeRequest is one GET of the walk.
type probeRequest struct {
	route string // pattern and query template, for grouping findings
	path  string
	rec   *probeRecord // the record whose id fills it, if any
	kind  string
	rnd   string // the same request with a random id in its place
}

// requests expands the GET routes into the walk's requests.
func (p *prober) requests() []probeRequest {
	var out []probeRequest
	patterns := make([]string, 0, len(probeRoutes))
	for pt := range probeRoutes {
		patterns = append(patterns, pt)
	}
	sort.Strings(patterns)
	for _, pt := range patterns {
		method, path, _ := strings.Cut(pt, " ")
		pr := probeRoutes[pt]
		if method != "GET" || pr.fill == "static" {
			continue
		}
		path = strings.Replace(path, "{$}", "", 1)
		queries := pr.queries
		if len(queries) == 0 {
			queries = []string{""}
		}
		for _, q := range queries {
			route := pt + q
			var paths []probeRequest
			switch pr.fill {
			case "none":
				paths = append(paths, probeRequest{route: route, path: path})
			case "file":
				for _, f := range probeExports {
					paths = append(paths, probeRequest{route: route, path: strings.Replace(path, "{file}", f, 1)})
				}
			default:
				for i := range p.d.records[pr.fill] {
					r := &p.d.records[pr.fill][i]
					paths = append(paths, probeRequest{route: route, path: strings.Replace(path, "{id}", r.id, 1), rec: r, kind: pr.fill,
						rnd: strings.Replace(path, "{id}", randomID, 1)})
				}
			}
			for _, base := range paths {
				prefix, rest, found := strings.Cut(q, "{")
				if !found {
					base.path += q
					if base.rec != nil {
						base.rnd += q
					}
					out = append(out, base)
					continue
				}
				k, after, _ := strings.Cut(rest, "}")
				for i := range p.d.records[k] {
					r := &p.d.records[k][i]
					out = append(out, probeRequest{route: route, path: base.path + prefix + r.id + after, rec: r, kind: k,
						rnd: base.path + prefix + randomID + after})
				}
			}
		}
	}
	return out
}

// walk asks every GET of the route table as every member of the cast.
func (p *prober) walk() {
	reqs := p.requests()
	var wg sync.WaitGroup
	sem := make(chan struct{}, 4)
	for _, who := range probeCast {
		wg.Add(1)
		go func() {
			defer wg.Done()
			sem <- struct{}{}
			defer func() { <-sem }()
			s := p.sessions[who]
			random := map[string]probeAnswer{}
			for _, r := range reqs {
				a := p.get(s, r.path)
				if r.rec != nil && !slices.Contains(r.rec.aud, who) {
					rnd, ok := random[r.rnd]
					if !ok {
						rnd = p.get(s, r.rnd)
						random[r.rnd] = rnd
					}
					p.compare("hidden record answers unlike a missing one", r.route, who, r.kind+" "+r.rec.name, r.path, r.rec.id, a, rnd)
				}
				p.scan(r.route, who, r.path, a.body)
			}
		}()
	}
	wg.Wait()
}

// compare records a finding when the answer about a hidden record differs
// from the answer about a random id: status, error code, message, page.
func (p *prober) compare(cause, route, who, what, path, id string, got, rnd probeAnswer) {
	g := strings.ReplaceAll(got.body, id, "{id}")
	r := strings.ReplaceAll(rnd.body, randomID, "{id}")
	p.mu.Lock()
	p.compared++
	p.mu.Unlock()
	if got.status == rnd.status && g == r {
		return
	}
	at := 0
	for at < len(g) && at < len(r) && g[at] == r[at] {
		at++
	}
	detail := fmt.Sprintf("status %d, a random id %d; body differs at byte %d: %q, not %q", got.status, rnd.status, at, excerpt(g, at, 60), excerpt(r, at, 60))
	p.record(cause, route, who, what, detail, path)
}

func excerpt(s string, at, n int) string {
	from, to := max(0, at-n), min(len(s), at+n)
	return strings.Join(strings.Fields(s[from:to]), " ")
}

// scan records every secret in body that who may not read. Tokens in the
// path itself are the asker's own words, not a leak.
func (p *prober) scan(route, who, path, body string) {
	for _, s := range p.d.secrets {
		if s.in != "" && !strings.Contains(path, s.in) {
			continue
		}
		at := strings.Index(body, s.token)
		if at < 0 {
			continue
		}
		if p.d.canSee(who, s) {
			if s.marker {
				p.mu.Lock()
				p.seen[s.token] = true
				p.mu.Unlock()
			}
			continue
		}
		if strings.Contains(path, s.token) {
			continue
		}
		p.record("leak", route, who, s.what+" ["+s.token+"]", "…"+excerpt(body, at, 80)+"…", path)
	}
}

func (p *prober) record(cause, route, who, what, detail, path string) {
	key := cause + "|" + route + "|" + who + "|" + what
	p.mu.Lock()
	defer p.mu.Unlock()
	if f, ok := p.found[key]; ok {
		f.count++
		return
	}
	p.found[key] = &probeFinding{cause: cause, route: route, viewer: who, what: what, detail: detail, url: path, count: 1}
}

// notifications adds each person's notifications as records of their own,
// so that marking another's as read is probed like any hidden record.
func (p *prober) notifications() {
	ctx := context.Background()
	for _, who := range probeCast {
		if who == "" {
			continue
		}
		ns, err := p.d.app.Store.ListNotifications(ctx, p.d.users[who].ID, 200)
		if err != nil {
			p.t.Fatal(err)
		}
		for _, n := range ns {
			p.d.records["notification"] = append(p.d.records["notification"], probeRecord{name: who + "'s " + string(n.Kind), id: n.ID, aud: names(who)})
		}
	}
}

// scanMail reads every e-mail the notification jobs sent.
func (p *prober) scanMail() {
	p.d.mail.mu.Lock()
	defer p.d.mail.mu.Unlock()
	if len(p.d.mail.got) == 0 {
		p.t.Error("no notification e-mail went out: the e-mail probe would see nothing")
	}
	for _, who := range probeCast {
		for _, m := range p.d.mail.got[who+"@test.example"] {
			p.scan("e-mail", who, "", m)
		}
	}
}

// actions sends every command that names a record, as every member of the
// cast who may not see it, and wants the answer of a random id.
func (p *prober) actions() {
	patterns := make([]string, 0, len(probeRoutes))
	for pt := range probeRoutes {
		if !strings.HasPrefix(pt, "GET ") {
			patterns = append(patterns, pt)
		}
	}
	sort.Strings(patterns)
	o1 := p.d.ids["o1"]
	var wg sync.WaitGroup
	sem := make(chan struct{}, 4)
	for _, who := range probeCast {
		wg.Add(1)
		go func() {
			defer wg.Done()
			sem <- struct{}{}
			defer func() { <-sem }()
			s := p.sessions[who]
			for _, pt := range patterns {
				pr := probeRoutes[pt]
				kind := pr.fill
				if pr.bodyID != "" {
					kind = pr.bodyID
				} else if kind == "create" || kind == "none" || kind == "static" {
					continue
				}
				method, path, _ := strings.Cut(pt, " ")
				api := strings.HasPrefix(path, "/api/")
				ask := func(id string) probeAnswer {
					body := strings.ReplaceAll(strings.ReplaceAll(pr.body, "{o1}", o1), "{id}", id)
					if !api {
						v, _ := url.ParseQuery(body)
						v.Set("csrf", s.csrf)
						body = v.Encode()
					}
					return p.send(s, method, strings.Replace(path, "{id}", id, 1), body, api)
				}
				var rnd *probeAnswer
				for _, r := range p.d.records[kind] {
					if slices.Contains(r.aud, who) {
						continue
					}
					if rnd == nil {
						a := ask(randomID)
						rnd = &a
					}
					p.compare("command on a hidden record answers unlike a missing one", pt, who, kind+" "+r.name,
						strings.Replace(path, "{id}", r.id, 1), r.id, ask(r.id), *rnd)
				}
			}
		}()
	}
	wg.Wait()
}

// plan applies, as a coordinator, a line filling the whole estimate of the
// CLEAR r10, whose only pledge is RED and hidden from them, and the same
// line on its twin r13 without one: both must answer alike, or the answer
// tells of the hidden pledge.
func (p *prober) plan() {
	s := p.sessions["coordinator"]
	apply := func(req string) probeAnswer {
		return p.send(s, "POST", "/api/v1/matching/plan/apply",
			fmt.Sprintf(`{"lines":[{"offer_id":%q,"requirement_id":%q,"eur_minor":10000000}]}`, p.d.ids["o1"], p.d.ids[req]), true)
	}
	code := func(a probeAnswer) string {
		var e struct{ Error struct{ Code string } }
		_ = json.Unmarshal([]byte(a.body), &e)
		return e.Error.Code
	}
	hidden, twin := apply("r10"), apply("r13")
	if hidden.status != twin.status || code(hidden) != code(twin) {
		p.record("plan/apply tells of a hidden pledge", "POST /api/v1/matching/plan/apply", "coordinator", "pledge p7 (RED, on r10)",
			fmt.Sprintf("r10 answers %d %s, its twin r13 without hidden pledges %d %s", hidden.status, strings.TrimSpace(hidden.body), twin.status, code(twin)), "/api/v1/matching/plan/apply")
	}
}

// report fails the test with every finding, grouped by cause and route.
func (p *prober) report() {
	for _, s := range p.d.secrets {
		if s.marker && !p.seen[s.token] {
			p.t.Errorf("marker %s (%s) was never shown to anyone in its audience: the probe would not notice it either", s.token, s.what)
		}
	}
	fs := make([]*probeFinding, 0, len(p.found))
	for _, f := range p.found {
		fs = append(fs, f)
	}
	sort.Slice(fs, func(i, j int) bool {
		a, b := fs[i], fs[j]
		if a.cause != b.cause {
			return a.cause < b.cause
		}
		if a.route != b.route {
			return a.route < b.route
		}
		if a.what != b.what {
			return a.what < b.what
		}
		return a.viewer < b.viewer
	})
	for _, f := range fs {
		who := f.viewer
		if who == "" {
			who = "anonymous"
		}
		p.t.Errorf("%s: %s as %s: %s (e.g. %s, %d times): %s", f.cause, f.route, who, f.what, f.url, f.count, f.detail)
	}
	p.t.Logf("probe: %d requests, %d answers about hidden records compared with a random id's, %d findings", p.asked, p.compared, len(fs))
}
