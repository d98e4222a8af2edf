package web_test

import (
	"bytes"
	"context"
	"mime/multipart"
	"strings"
	"testing"
	"time"

	"github.com/cyberaid/cyberaid/internal/app"
	"github.com/cyberaid/cyberaid/internal/apptest"
	"github.com/cyberaid/cyberaid/internal/documents"
	"github.com/cyberaid/cyberaid/internal/governance"
	"github.com/cyberaid/cyberaid/internal/indicators"
	"github.com/cyberaid/cyberaid/internal/lessons"
	"github.com/cyberaid/cyberaid/internal/model"
	"github.com/cyberaid/cyberaid/internal/offers"
)

// multipartMark starts a scenario body sent as a multipart upload of one
// file in the part named file, rather than as JSON.
const multipartMark = "multipart\x00"

// upload is a scenario body: the file name, its bytes, and a label ("" for
// the record's).
func upload(name, content, tlp string) string {
	return multipartMark + name + "\x00" + content + "\x00" + tlp
}

// multipartOf builds the request body of a scenario made by upload.
func multipartOf(spec string) (contentType string, body []byte) {
	parts := strings.SplitN(spec, "\x00", 3)
	var b bytes.Buffer
	w := multipart.NewWriter(&b)
	if len(parts) == 3 && parts[2] != "" {
		_ = w.WriteField("tlp", parts[2])
	}
	f, _ := w.CreateFormFile("file", parts[0])
	_, _ = f.Write([]byte(parts[1]))
	_ = w.Close()
	return w.FormDataContentType(), b.Bytes()
}

const inventory = "Inventory of the substations' servers\n"

// recordsFixture adds to the core fixture a record of every kind that
// carries documents, seen by the official donor community and hidden from
// someone, each with a document, and result indicators.
func recordsFixture(t *testing.T, a *app.App, c apptest.Cast) map[string]string {
	t.Helper()
	ctx := context.Background()
	ids := fixture(t, a, c)
	green, amber, strict := model.TLPGreen, model.TLPAmber, model.TLPAmberStrict
	day := model.DateOf(testNow)
	check := func(what string, err error) {
		t.Helper()
		if err != nil {
			t.Fatalf("%s: %v", what, err)
		}
	}
	offer := func(name string, tlp *model.TLP) {
		o, err := a.Offers.Create(ctx, c.Viewer("donor"), offers.Input{
			Title: ptr("EDR seats"), Description: ptr("A year of EDR"), AmountMinor: ptr(int64(50_000_00)), Currency: ptr("EUR"),
			ValidUntil: ptr(day.AddDays(60)), TLP: tlp,
		})
		check("offer "+name, err)
		ids[name] = o.ID
	}
	offer("offer", &green)
	offer("strict_offer", &strict)
	lesson := func(name string, tlp *model.TLP) {
		l, err := a.Lessons.Create(ctx, c.Viewer("donor"), lessons.Input{Title: ptr("Customs papers first"), TLP: tlp})
		check("lesson "+name, err)
		ids[name] = l.ID
	}
	lesson("lesson", &green)
	lesson("amber_lesson", &amber)
	deadline := testNow.Add(14 * 24 * time.Hour)
	proposal := func(name string, tlp *model.TLP) {
		p, err := a.Governance.Open(ctx, c.Viewer("delegate"), governance.Input{
			Kind: ptr(model.ProposalOperational), Title: ptr("A back office in Warsaw"), Text: ptr("Staffed by two members"),
			Procedure: ptr(model.ProcedureConsensus), Deadline: &deadline, TLP: tlp,
		})
		check("proposal "+name, err)
		ids[name] = p.ID
	}
	proposal("proposal", &green)
	proposal("amber_proposal", &amber)
	meeting := func(name string, tlp *model.TLP) {
		m, err := a.Governance.CreateMeeting(ctx, c.Viewer("coordinator"), governance.MeetingInput{
			Title: ptr("Coordination group"), Date: ptr(day.AddDays(7)), TLP: tlp,
		})
		check("meeting "+name, err)
		ids[name] = m.ID
	}
	meeting("meeting", &green)
	meeting("strict_meeting", &strict)

	doc := func(name, as string, tlp *model.TLP) {
		d, err := a.Documents.Create(ctx, c.Viewer(as), model.DocOnRequirement, ids["green"], documents.Upload{
			Name: "inventory.txt", Content: strings.NewReader(inventory), Size: int64(len(inventory)), TLP: tlp,
		})
		check("document "+name, err)
		ids[name] = d.ID
	}
	doc("doc", "requester", nil)
	red := model.TLPRed
	doc("red_doc", "coordinator", &red)

	indicator := func(name, requirement string) {
		i, err := a.Indicators.Create(ctx, c.Viewer("requester"), ids[requirement], indicators.Input{
			Title: ptr("Substations with EDR deployed"), Measure: ptr(model.MeasurePercentage),
			Baseline: &indicators.PointInput{Value: ptr("12"), Date: ptr(day.AddDays(-90))},
			Target:   &indicators.PointInput{Value: ptr("85"), Date: ptr(day.AddDays(180))},
		})
		check("indicator "+name, err)
		ids[name] = i.ID
	}
	indicator("indicator", "validated")
	indicator("green_indicator", "green")
	return ids
}

const indicatorBody = `{"title":"Staff trained in incident response","measure":"unit","unit":"trained staff","baseline":{"value":"0","date":"2026-01-01"},"target":{"value":"40","date":"2026-12-31"}}`

var recordsScenarios = func() []scenario {
	out := []scenario{
		{"indicators: anonymous, amber", "", "GET", "/api/v1/requirements/{validated}/indicators", "", 404, "not_found"},
		{"indicators: company not engaged", "donor_company", "GET", "/api/v1/requirements/{validated}/indicators", "", 404, "not_found"},
		{"indicators: other beneficiary, draft", "requester2", "GET", "/api/v1/requirements/{draft}/indicators", "", 404, "not_found"},
		{"indicators: missing", "donor", "GET", "/api/v1/requirements/nope/indicators", "", 404, "not_found"},
		{"indicators: donor", "donor", "GET", "/api/v1/requirements/{validated}/indicators", "", 200, ""},
		{"indicators: anonymous, clear", "", "GET", "/api/v1/requirements/{clear}/indicators", "", 200, ""},

		{"indicator add: anonymous", "", "POST", "/api/v1/requirements/{green}/indicators", indicatorBody, 401, "unauthenticated"},
		{"indicator add: donor", "donor", "POST", "/api/v1/requirements/{green}/indicators", indicatorBody, 403, "forbidden"},
		{"indicator add: other beneficiary", "requester2", "POST", "/api/v1/requirements/{green}/indicators", indicatorBody, 403, "forbidden"},
		{"indicator add: hidden draft", "requester2", "POST", "/api/v1/requirements/{draft}/indicators", indicatorBody, 404, "not_found"},
		{"indicator add: missing", "requester2", "POST", "/api/v1/requirements/nope/indicators", indicatorBody, 404, "not_found"},
		{"indicator add: requester", "requester", "POST", "/api/v1/requirements/{green}/indicators", indicatorBody, 201, ""},
		{"indicator add: coordinator", "coordinator", "POST", "/api/v1/requirements/{validated}/indicators", indicatorBody, 201, ""},
		{"indicator add: unknown measure", "requester", "POST", "/api/v1/requirements/{green}/indicators", `{"title":"x","measure":"ratio"}`, 400, "invalid_measure"},
		{"indicator add: percentage past 100", "requester", "POST", "/api/v1/requirements/{green}/indicators", `{"title":"x","measure":"percentage","baseline":{"value":"10","date":"2026-01-01"},"target":{"value":"120","date":"2026-12-31"}}`, 400, "invalid_target.value"},

		{"indicator value: anonymous", "", "POST", "/api/v1/indicators/{green_indicator}/values", `{"value":"40","date":"2026-06-01"}`, 401, "unauthenticated"},
		{"indicator value: donor", "donor", "POST", "/api/v1/indicators/{green_indicator}/values", `{"value":"40","date":"2026-06-01"}`, 403, "forbidden"},
		{"indicator value: other beneficiary", "requester2", "POST", "/api/v1/indicators/{green_indicator}/values", `{"value":"40","date":"2026-06-01"}`, 403, "forbidden"},
		{"indicator value: hidden requirement", "requester2", "POST", "/api/v1/indicators/{indicator}/values", `{"value":"40","date":"2026-06-01"}`, 404, "not_found"},
		{"indicator value: missing", "requester2", "POST", "/api/v1/indicators/nope/values", `{"value":"40","date":"2026-06-01"}`, 404, "not_found"},
		{"indicator value: requester", "requester", "POST", "/api/v1/indicators/{indicator}/values", `{"value":"40","date":"2026-06-01","comment":"Kyiv and Lviv oblasts"}`, 201, ""},
		{"indicator value: coordinator", "coordinator", "POST", "/api/v1/indicators/{green_indicator}/values", `{"value":"33.5","date":"2026-06-14"}`, 201, ""},
		{"indicator value: in the future", "requester", "POST", "/api/v1/indicators/{indicator}/values", `{"value":"40","date":"2026-09-01"}`, 400, "invalid_date"},
		{"indicator value: not a number", "requester", "POST", "/api/v1/indicators/{indicator}/values", `{"value":"forty","date":"2026-06-01"}`, 400, "invalid_value"},

		{"results: anonymous", "", "GET", "/api/v1/results", "", 200, ""},
		{"results: donor", "donor", "GET", "/api/v1/results", "", 200, ""},

		{"download: anonymous, green record", "", "GET", "/api/v1/documents/{doc}", "", 404, "not_found"},
		{"download: other beneficiary", "requester2", "GET", "/api/v1/documents/{doc}", "", 200, ""},
		{"download: red, not named", "requester", "GET", "/api/v1/documents/{red_doc}", "", 404, "not_found"},
		{"download: red, its uploader", "coordinator", "GET", "/api/v1/documents/{red_doc}", "", 200, ""},
		{"download: missing", "requester", "GET", "/api/v1/documents/nope", "", 404, "not_found"},

		{"delete: anonymous", "", "DELETE", "/api/v1/documents/{doc}", "", 401, "unauthenticated"},
		{"delete: viewer", "viewer", "DELETE", "/api/v1/documents/{doc}", "", 403, "forbidden"},
		{"delete: other beneficiary", "requester2", "DELETE", "/api/v1/documents/{doc}", "", 403, "forbidden"},
		{"delete: red, not named", "requester", "DELETE", "/api/v1/documents/{red_doc}", "", 404, "not_found"},
		{"delete: missing", "requester", "DELETE", "/api/v1/documents/nope", "", 404, "not_found"},
		{"delete: its uploader's organisation", "requester", "DELETE", "/api/v1/documents/{doc}", "", 204, ""},
		{"delete: coordinator", "coordinator", "DELETE", "/api/v1/documents/{doc}", "", 204, ""},
	}
	file := upload("inventory.txt", inventory, "")
	// For each kind of record: who owns one (allowed), a participant of
	// another organisation who sees it (403), one who may not see another
	// (404, as a missing one).
	for _, k := range []struct {
		path, record, owner, other, hidden, hiddenTo string
	}{
		{"requirements", "green", "requester", "requester2", "validated", "donor_company"},
		{"pledges", "pledge", "donor", "donor_ee", "pledge", "donor_company"},
		{"offers", "offer", "donor", "donor_ee", "strict_offer", "donor_ee"},
		{"lessons", "lesson", "donor", "donor_ee", "amber_lesson", "donor_company"},
		{"proposals", "proposal", "delegate", "donor", "amber_proposal", "donor_company"},
		{"meetings", "meeting", "coordinator", "donor", "strict_meeting", "donor"},
	} {
		on := "/api/v1/" + k.path + "/{" + k.record + "}/documents"
		hidden := "/api/v1/" + k.path + "/{" + k.hidden + "}/documents"
		missing := "/api/v1/" + k.path + "/nope/documents"
		out = append(out,
			scenario{k.path + " documents: anonymous", "", "GET", hidden, "", 404, "not_found"},
			scenario{k.path + " documents: hidden", k.hiddenTo, "GET", hidden, "", 404, "not_found"},
			scenario{k.path + " documents: missing", k.owner, "GET", missing, "", 404, "not_found"},
			scenario{k.path + " documents: other organisation", k.other, "GET", on, "", 200, ""},

			scenario{k.path + " upload: anonymous", "", "POST", on, file, 401, "unauthenticated"},
			scenario{k.path + " upload: viewer", "viewer", "POST", on, file, 403, "forbidden"},
			scenario{k.path + " upload: other organisation", k.other, "POST", on, file, 403, "forbidden"},
			scenario{k.path + " upload: hidden", k.hiddenTo, "POST", hidden, file, 404, "not_found"},
			scenario{k.path + " upload: missing", k.hiddenTo, "POST", missing, file, 404, "not_found"},
			// The record is answered for before the body is read: a
			// hidden record is a missing one whatever is sent.
			scenario{k.path + " upload: hidden, not multipart", k.hiddenTo, "POST", hidden, `{"file":"x"}`, 404, "not_found"},
			scenario{k.path + " upload: missing, not multipart", k.hiddenTo, "POST", missing, `{"file":"x"}`, 404, "not_found"},
			scenario{k.path + " upload: not multipart", k.owner, "POST", on, `{"file":"x"}`, 400, "invalid_file"},
			scenario{k.path + " upload: owner", k.owner, "POST", on, file, 201, ""},
			scenario{k.path + " upload: coordinator, stricter label", "coordinator", "POST", on, upload("notes.txt", inventory, "amber"), 201, ""},
			scenario{k.path + " upload: laxer label", k.owner, "POST", on, upload("notes.txt", inventory, "clear"), 422, "laxer_than_record"},
		)
	}
	return out
}()

var recordsOperations = []string{
	"/api/v1/requirements/{id}/indicators", "/api/v1/indicators/{id}/values", "/api/v1/results",
	"/api/v1/requirements/{id}/documents", "/api/v1/pledges/{id}/documents", "/api/v1/offers/{id}/documents",
	"/api/v1/lessons/{id}/documents", "/api/v1/proposals/{id}/documents", "/api/v1/meetings/{id}/documents",
	"/api/v1/documents/{id}",
}

func TestRecordsAPIScenarios(t *testing.T) {
	runScenarios(t, scenarioTable{scenarios: recordsScenarios, fixture: recordsFixture, operations: recordsOperations})
}
