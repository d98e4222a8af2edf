package web_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"testing"

	"github.com/transparency-dev/merkle/proof"

	"github.com/cyberaid/cyberaid/internal/app"
	"github.com/cyberaid/cyberaid/internal/apptest"
	"github.com/cyberaid/cyberaid/internal/audit"
	"github.com/cyberaid/cyberaid/internal/model"
	"github.com/cyberaid/cyberaid/internal/organisations"
	"github.com/cyberaid/cyberaid/internal/policy"
)

// auditProofScenarios: the checkpoint and the proofs are for every
// participant (the cast's records leave some 25 events in the log).
var auditProofScenarios = []scenario{
	{"checkpoint: anonymous", "", "GET", "/api/v1/audit/checkpoint", "", 401, "unauthenticated"},
	{"checkpoint: former participant", "former", "GET", "/api/v1/audit/checkpoint", "", 401, "unauthenticated"},
	{"checkpoint: viewer", "viewer", "GET", "/api/v1/audit/checkpoint", "", 200, ""},
	{"checkpoint: company donor", "donor_company", "GET", "/api/v1/audit/checkpoint", "", 200, ""},

	{"inclusion: anonymous", "", "GET", "/api/v1/audit/proofs/inclusion?seq=1&size=3", "", 401, "unauthenticated"},
	{"inclusion: former participant", "former", "GET", "/api/v1/audit/proofs/inclusion?seq=1&size=3", "", 401, "unauthenticated"},
	{"inclusion: requester", "requester", "GET", "/api/v1/audit/proofs/inclusion?seq=2&size=7", "", 200, ""},
	{"inclusion: seq missing", "viewer", "GET", "/api/v1/audit/proofs/inclusion?size=3", "", 400, "invalid_seq"},
	{"inclusion: size not a number", "viewer", "GET", "/api/v1/audit/proofs/inclusion?seq=1&size=three", "", 400, "invalid_size"},
	{"inclusion: seq 0", "viewer", "GET", "/api/v1/audit/proofs/inclusion?seq=0&size=3", "", 400, "invalid_seq"},
	{"inclusion: seq beyond size", "viewer", "GET", "/api/v1/audit/proofs/inclusion?seq=4&size=3", "", 422, "beyond_size"},
	{"inclusion: size beyond the log", "viewer", "GET", "/api/v1/audit/proofs/inclusion?seq=1&size=100000", "", 422, "beyond_log"},

	{"consistency: anonymous", "", "GET", "/api/v1/audit/proofs/consistency?from=1&to=3", "", 401, "unauthenticated"},
	{"consistency: former participant", "former", "GET", "/api/v1/audit/proofs/consistency?from=1&to=3", "", 401, "unauthenticated"},
	{"consistency: delegate", "delegate", "GET", "/api/v1/audit/proofs/consistency?from=3&to=7", "", 200, ""},
	{"consistency: to missing", "viewer", "GET", "/api/v1/audit/proofs/consistency?from=1", "", 400, "invalid_to"},
	{"consistency: from not a number", "viewer", "GET", "/api/v1/audit/proofs/consistency?from=x&to=3", "", 400, "invalid_from"},
	{"consistency: from after to", "viewer", "GET", "/api/v1/audit/proofs/consistency?from=5&to=3", "", 422, "after_to"},
	{"consistency: to beyond the log", "viewer", "GET", "/api/v1/audit/proofs/consistency?from=1&to=100000", "", 422, "beyond_log"},
}

var auditProofOperations = []string{
	"/api/v1/audit/checkpoint", "/api/v1/audit/proofs/inclusion", "/api/v1/audit/proofs/consistency",
}

func TestAPIAuditProofs(t *testing.T) {
	runScenarios(t, scenarioTable{
		scenarios: auditProofScenarios, shared: true, operations: auditProofOperations,
		fixture: func(*testing.T, *app.App, apptest.Cast) map[string]string { return map[string]string{} },
		after:   checkAuditProofs,
	})
}

// checkAuditProofs verifies what the API answers with the library's own
// verifier: the checkpoint's signature, then inclusion and consistency
// proofs against its root, before and after more events are appended.
func checkAuditProofs(t *testing.T, c *client, a *app.App, _ map[string]string) {
	checkpoint := func() audit.Checkpoint {
		code, body := c.do("viewer", "GET", "/api/v1/audit/checkpoint", "")
		if code != http.StatusOK {
			t.Fatalf("checkpoint: %d %s", code, body)
		}
		cp, err := audit.ParseCheckpoint(body, a.AuditLog.VerifierKey())
		if err != nil {
			t.Fatalf("the checkpoint does not verify: %v\n%s", err, body)
		}
		return cp
	}
	get := func(path string, out any) {
		code, body := c.do("donor", "GET", path, "")
		if code != http.StatusOK {
			t.Fatalf("%s: %d %s", path, code, body)
		}
		if err := json.Unmarshal(body, out); err != nil {
			t.Fatal(err)
		}
	}
	first := checkpoint()
	if first.Size < 20 {
		t.Fatalf("the cast should leave more events than %d", first.Size)
	}
	for seq := uint64(1); seq <= first.Size; seq += 3 {
		var p audit.InclusionProof
		get(fmt.Sprintf("/api/v1/audit/proofs/inclusion?seq=%d&size=%d", seq, first.Size), &p)
		if err := proof.VerifyInclusion(audit.Hasher, uint64(p.LeafIndex), first.Size, p.LeafHash, p.Proof, first.Root); err != nil {
			t.Fatalf("inclusion of %d: %v", seq, err)
		}
	}
	// More events: the new checkpoint proves it extends the first.
	for i := range 7 {
		name, kind, part := fmt.Sprintf("Newcomer %d", i), model.KindNGO, model.Contributor
		if _, err := a.Organisations.Create(context.Background(), policy.System(), organisations.Input{Name: &name, Kind: &kind, Participation: &part}); err != nil {
			t.Fatal(err)
		}
	}
	second := checkpoint()
	if second.Size <= first.Size {
		t.Fatalf("the log did not grow: %d then %d", first.Size, second.Size)
	}
	var p audit.ConsistencyProof
	get(fmt.Sprintf("/api/v1/audit/proofs/consistency?from=%d&to=%d", first.Size, second.Size), &p)
	if err := proof.VerifyConsistency(audit.Hasher, first.Size, second.Size, p.Proof, first.Root, second.Root); err != nil {
		t.Fatalf("consistency %d→%d: %v", first.Size, second.Size, err)
	}
}
