package reports

// RegionFigures is the validated need of one region and the part of it
// that pledges cover, over the open validated requirements the viewer may
// see that name the region. Needs that name no region are in no row.
type RegionFigures struct {
	Code    string `json:"code"` // ISO 3166-2:UA
	Count   int    `json:"count"`
	Need    int64  `json:"need_eur_minor"`
	Covered int64  `json:"covered_eur_minor"`
}
