package model

import (
	"strings"
	"time"
	"unicode"
	"unicode/utf8"
)

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

// ShortName is how a compact row names an organisation: the abbreviation
// its name ends with in brackets ("… (SSSCIP)"), or the name itself when
// short, or the initials of its capitalised words. The full name stays in
// the row's title and on the detail page.
func ShortName(name string) string {
	name = strings.TrimSpace(name)
	if open := strings.LastIndex(name, "("); open > 0 && strings.HasSuffix(name, ")") {
		if abbr := strings.TrimSpace(name[open+1 : len(name)-1]); abbr != "" && utf8.RuneCountInString(abbr) <= 12 {
			return abbr
		}
	}
	if utf8.RuneCountInString(name) <= 24 {
		return name
	}
	var initials []rune
	for _, w := range strings.Fields(name) {
		r, _ := utf8.DecodeRuneInString(w)
		if unicode.IsUpper(r) {
			initials = append(initials, r)
		}
	}
	if len(initials) < 2 {
		return string([]rune(name)[:22]) + "…"
	}
	return string(initials)
}
