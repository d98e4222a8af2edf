package model

import "time"

type Organisation struct {
	ID            string        `json:"id"`
	Name          string        `json:"name"`
	Kind          OrgKind       `json:"kind"`
	Participation Participation `json:"participation"`
	Country       string        `json:"country"` // ISO 3166-1 alpha-2
	CreatedAt     time.Time     `json:"created_at"`
	UpdatedAt     time.Time     `json:"updated_at"`
	// NameUK and NameFR are the name in Ukrainian and in French, empty
	// where the organisation has given none.
	NameUK string `json:"name_uk"`
	NameFR string `json:"name_fr"`
}

// NameIn is the organisation's name for a reader of lang ("en", "uk",
// "fr"): its own name in that language, or else the English name.
func (o Organisation) NameIn(lang string) string {
	switch {
	case lang == "uk" && o.NameUK != "":
		return o.NameUK
	case lang == "fr" && o.NameFR != "":
		return o.NameFR
	}
	return o.Name
}

// IsBusiness reports whether the organisation is a company or an NGO: such
// donors see AMBER records only once engaged, and their pledges need an
// alignment review.
func (o Organisation) IsBusiness() bool {
	return o.Kind == KindPrivateCompany || o.Kind == KindNGO
}

// InDonorCommunity reports whether the organisation belongs to the official
// donor community: a state or international organisation that is a member
// or an observer. An applicant joins it only once the members grant it
// interim observer status (an adopted observer admission makes it an
// observer); until then it sees what any GREEN participant sees.
func (o Organisation) InDonorCommunity() bool {
	if o.Kind != KindState && o.Kind != KindInternationalOrg {
		return false
	}
	switch o.Participation {
	case Member, Observer:
		return true
	}
	return false
}
