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
