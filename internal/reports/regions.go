package reports

import (
	"github.com/cyberaid/cyberaid/internal/model"
	"github.com/cyberaid/cyberaid/internal/requirements"
)

// RegionFigures is the validated need of one region and the part of it
// that pledges cover, over the open validated requirements the viewer may
// see that name the region. Needs that name no region are in no row.
type RegionFigures struct {
	Code    string `json:"code"` // ISO 3166-2:UA
	Count   int    `json:"count"`
	Need    int64  `json:"need_eur_minor"`
	Covered int64  `json:"covered_eur_minor"`
}

// regionFigures answers a row for every region, in the order of
// model.Regions, so that a map shows the regions without needs too.
func regionFigures(reqs []requirements.View) []RegionFigures {
	at := map[string]int{}
	out := make([]RegionFigures, len(model.Regions))
	for i, r := range model.Regions {
		out[i].Code = r.Code
		at[r.Code] = i
	}
	for _, r := range reqs {
		i, ok := at[r.Region]
		if !ok || !r.Status.Validated() || r.Status == model.ReqClosed {
			continue
		}
		out[i].Count++
		out[i].Need += r.EstimatedEURMinor
		out[i].Covered += min(r.PledgedEURMinor, r.EstimatedEURMinor)
	}
	return out
}
