package coordination_test

import (
	"testing"

	"github.com/cyberaid/cyberaid/internal/coordination"
	"github.com/cyberaid/cyberaid/internal/model"
	"github.com/cyberaid/cyberaid/internal/pledges"
	"github.com/cyberaid/cyberaid/internal/store/storetest"
)

// BenchmarkAlerts computes the deconfliction alerts over 25,000 pledges on
// SQLite: half of them mechanism pledges on one requirement, half
// bilateral reports on no requirement, for the same beneficiary in another
// category, so that each report is compared with every mechanism pledge
// and matches none. Run it with:
//
//	go test ./internal/coordination/ -run '^$' -bench Alerts -benchtime 3x
func BenchmarkAlerts(b *testing.B) {
	const total = 25_000
	s := storetest.OpenSQLite(b)
	w := newWorld(b, s)
	req := w.need("grid", "energy", model.PriorityHigh, 90_000_00, model.TLPClear, "edr")
	mech := w.pledge("donor", req, 1_000_00, nil)
	bilat := w.pledge("donor", "", 2_000_00, func(in *pledges.Input) {
		in.Channel = ptr(model.ChannelBilateral)
		in.BeneficiaryOrgID = ptr(w.c.Orgs["ssscip"].ID)
		in.Sector, in.Category = ptr(model.Sector("telecom")), ptr(model.Category("satellite_comms"))
	})
	storetest.CopyPledge(b, s, mech.ID, total/2-1)
	storetest.CopyPledge(b, s, bilat.ID, total/2-1)
	coord := w.c.Viewer("coordinator")
	b.ResetTimer()
	for range b.N {
		alerts, err := w.a.Coordination.Alerts(w.ctx, coord, coordination.AlertFilter{})
		if err != nil {
			b.Fatal(err)
		}
		if len(alerts) == 0 {
			b.Fatal("no alerts")
		}
	}
}
