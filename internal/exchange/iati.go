package exchange

import (
	"context"
	"encoding/xml"
	"io"
	"strings"
	"time"

	"github.com/cyberaid/cyberaid/internal/model"
	"github.com/cyberaid/cyberaid/internal/policy"
)

// Publisher is who the mechanism publishes its IATI activities as.
type Publisher struct {
	// Ref is its IATI organisation identifier; activity identifiers and the
	// references of participating organisations begin with it.
	Ref string
	// Name is its name in reporting-org.
	Name string
}

// DefaultPublisher is used until a deployment gives its registered
// identifier (cyberaid serve --iati-publisher-ref).
var DefaultPublisher = Publisher{Ref: "XM-CYBERAID", Name: "Tallinn Mechanism"}

// CyberVocabularyPath is where the site describes the custom sector
// vocabulary (code 99) of the mechanism's cyber categories, which no DAC
// code describes; an export declares it as the vocabulary's URI.
const CyberVocabularyPath = "/iati/vocabulary/cyber-categories"

// IATIScope chooses what an IATI file may hold.
type IATIScope string

const (
	// IATIPublic is what may be published to the IATI registry: TLP CLEAR.
	IATIPublic IATIScope = "public"
	// IATIInternal widens the file for exchange between participants to
	// TLP GREEN and AMBER records the viewer sees; AMBER+STRICT and RED
	// records name their readers and never leave in a file.
	IATIInternal IATIScope = "internal"
)

type IATIOptions struct {
	Scope IATIScope
	// SiteURL is the site's public address, which the vocabulary URI of the
	// cyber categories begins with.
	SiteURL string
}

// ParseIATIOptions reads ?scope=public|internal for an export from the site
// at siteURL.
func ParseIATIOptions(scope, siteURL string) (IATIOptions, error) {
	siteURL = strings.TrimSuffix(siteURL, "/")
	switch IATIScope(scope) {
	case "", IATIPublic:
		return IATIOptions{Scope: IATIPublic, SiteURL: siteURL}, nil
	case IATIInternal:
		return IATIOptions{Scope: IATIInternal, SiteURL: siteURL}, nil
	}
	return IATIOptions{}, model.Invalid("scope", "%q is not an IATI export scope; use public or internal", scope)
}

func (o IATIOptions) allows(t model.TLP) bool {
	if o.Scope == IATIInternal {
		return t == model.TLPClear || t == model.TLPGreen || t == model.TLPAmber
	}
	return t == model.TLPClear
}

// dacSectors maps the mechanism's sectors to the DAC 5-digit code of the
// sector's policy and administration, where one fits.
var dacSectors = map[model.Sector]string{
	"energy":     "23630", // Electric power transmission and distribution
	"telecom":    "22020", // Telecommunications
	"government": "15110", // Public sector policy and administrative management
	"finance":    "24010", // Financial policy and administrative management
	"transport":  "21010", // Transport policy and administrative management
	"water":      "14010", // Water sector policy and administrative management
	"health":     "12110", // Health policy and administrative management
}

// IATI's codes for what the export writes.
const (
	roleFunding      = "1"
	roleAccountable  = "2"
	roleImplementing = "4"

	txIncomingFunds      = "1"
	txIncomingPledge     = "13"
	txOutgoingCommitment = "2"
	txDisbursement       = "3"
)

func activityStatus(s model.RequirementStatus) string {
	switch s {
	case model.ReqDraft, model.ReqSubmitted, model.ReqValidated, model.ReqReturned:
		return "1" // pipeline/identification
	case model.ReqInDelivery:
		return "2" // implementation
	case model.ReqDelivered:
		return "3" // finalisation
	case model.ReqClosed:
		return "4" // closed
	}
	return "5" // cancelled: rejected or withdrawn
}

func orgType(k model.OrgKind) string {
	switch k {
	case model.KindState, model.KindBeneficiaryAgency:
		return "10" // government
	case model.KindInternationalOrg:
		return "40" // multilateral
	case model.KindNGO:
		return "21" // international NGO
	case model.KindPrivateCompany:
		return "70" // private sector
	}
	return "90" // other
}

type xNarrative struct {
	Lang string `xml:"xml:lang,attr,omitempty"`
	Text string `xml:",chardata"`
}

type xText struct {
	Type      string       `xml:"type,attr,omitempty"`
	Narrative []xNarrative `xml:"narrative"`
}

type xOrg struct {
	Ref       string       `xml:"ref,attr,omitempty"`
	Type      string       `xml:"type,attr,omitempty"`
	Role      string       `xml:"role,attr,omitempty"`
	Secondary string       `xml:"secondary-reporter,attr,omitempty"`
	Narrative []xNarrative `xml:"narrative"`
}

type xCode struct {
	Code string `xml:"code,attr"`
}

type xDate struct {
	ISODate string `xml:"iso-date,attr"`
	Type    string `xml:"type,attr,omitempty"`
}

type xCountry struct {
	Code       string `xml:"code,attr"`
	Percentage string `xml:"percentage,attr,omitempty"`
}

type xSector struct {
	Vocabulary    string       `xml:"vocabulary,attr"`
	VocabularyURI string       `xml:"vocabulary-uri,attr,omitempty"`
	Code          string       `xml:"code,attr"`
	Percentage    string       `xml:"percentage,attr"`
	Narrative     []xNarrative `xml:"narrative,omitempty"`
}

type xValue struct {
	Currency  string `xml:"currency,attr"`
	ValueDate string `xml:"value-date,attr"`
	Amount    string `xml:",chardata"`
}

type xTransaction struct {
	Ref         string `xml:"ref,attr,omitempty"`
	Type        xCode  `xml:"transaction-type"`
	Date        xDate  `xml:"transaction-date"`
	Value       xValue `xml:"value"`
	Description *xText `xml:"description,omitempty"`
	Provider    *xOrg  `xml:"provider-org,omitempty"`
	Receiver    *xOrg  `xml:"receiver-org,omitempty"`
}

type xActivity struct {
	XMLName          xml.Name       `xml:"iati-activity"`
	LastUpdated      string         `xml:"last-updated-datetime,attr"`
	Lang             string         `xml:"xml:lang,attr"`
	DefaultCurrency  string         `xml:"default-currency,attr"`
	Identifier       string         `xml:"iati-identifier"`
	ReportingOrg     xOrg           `xml:"reporting-org"`
	Title            xText          `xml:"title"`
	Description      xText          `xml:"description"`
	Participating    []xOrg         `xml:"participating-org"`
	Status           xCode          `xml:"activity-status"`
	Dates            []xDate        `xml:"activity-date"`
	RecipientCountry xCountry       `xml:"recipient-country"`
	Sectors          []xSector      `xml:"sector"`
	Transactions     []xTransaction `xml:"transaction"`
	Results          []xResult      `xml:"result"`
}

// ExportIATI writes the IATI 2.03 activity file of what v may see and the
// scope allows: each requirement an activity whose pledges are incoming
// transactions, each bilateral report an activity of its donor that the
// mechanism publishes as secondary reporter.
func (s *Service) ExportIATI(ctx context.Context, v policy.Viewer, o IATIOptions, w io.Writer) error {
	orgs, err := s.store.ListOrganisations(ctx)
	if err != nil {
		return err
	}
	byID := make(map[string]model.Organisation, len(orgs))
	for _, org := range orgs {
		byID[org.ID] = org
	}
	vocabulary := o.SiteURL + CyberVocabularyPath
	now := s.now().UTC().Format(time.RFC3339)
	if _, err := io.WriteString(w, xml.Header+`<iati-activities version="2.03" generated-datetime="`+now+`">`+"\n"); err != nil {
		return err
	}
	enc := xml.NewEncoder(w)
	enc.Indent(" ", " ")
	err = s.visibleRequirements(ctx, v, model.RequirementFilter{}, func(r model.Requirement, pledges []model.Pledge) error {
		// Only needs the beneficiary government validated are activities,
		// withdrawn ones included (as cancelled) once they had been.
		published := r.Status.Validated() || (r.Status == model.ReqWithdrawn && r.ValidatedAt != nil)
		if !o.allows(r.TLP) || !published {
			return nil
		}
		var shown []model.Pledge
		for _, p := range pledges {
			if o.allows(p.TLP) {
				shown = append(shown, p)
			}
		}
		tranches, err := s.tranchesOf(ctx, shown)
		if err != nil {
			return err
		}
		a := s.requirementActivity(r, shown, tranches, byID, vocabulary)
		results, err := s.results(ctx, r.ID)
		if err != nil {
			return err
		}
		a.Results = results
		return enc.Encode(a)
	})
	if err != nil {
		return err
	}
	err = s.visiblePledges(ctx, v, model.PledgeFilter{Channel: model.ChannelBilateral}, func(p model.Pledge) error {
		if !o.allows(p.TLP) || p.RequirementID != "" || !p.Status.Counts() {
			return nil
		}
		tranches, err := s.tranchesOf(ctx, []model.Pledge{p})
		if err != nil {
			return err
		}
		return enc.Encode(s.bilateralActivity(p, tranches[p.ID], byID, vocabulary))
	})
	if err != nil {
		return err
	}
	if err := enc.Flush(); err != nil {
		return err
	}
	_, err = io.WriteString(w, "\n</iati-activities>\n")
	return err
}

func narrative(text string) []xNarrative {
	if text == "" {
		text = "-"
	}
	return []xNarrative{{Text: text}}
}

func (s *Service) orgRef(o model.Organisation) string {
	return s.publisher.Ref + "-ORG-" + o.ID
}

func (s *Service) participating(o model.Organisation, role string) xOrg {
	return xOrg{Ref: s.orgRef(o), Type: orgType(o.Kind), Role: role, Narrative: narrative(o.Name)}
}

func sectorsOf(sector model.Sector, category model.Category, vocabularyURI string) []xSector {
	var out []xSector
	if code, ok := dacSectors[sector]; ok {
		out = append(out, xSector{Vocabulary: "1", Code: code, Percentage: "100"})
	}
	if category != "" {
		out = append(out, xSector{Vocabulary: "99", VocabularyURI: vocabularyURI, Code: string(category), Percentage: "100",
			Narrative: narrative(strings.ReplaceAll(string(category), "_", " "))})
	}
	return out
}

func iatiAmount(minor int64, currency string) string {
	return decimal(minor, currency)
}

func (s *Service) requirementActivity(r model.Requirement, pledges []model.Pledge, tranches map[string][]model.Disbursement, orgs map[string]model.Organisation, vocabulary string) xActivity {
	ben := orgs[r.BeneficiaryOrgID]
	a := xActivity{
		LastUpdated:      r.UpdatedAt.UTC().Format(time.RFC3339),
		Lang:             "en",
		DefaultCurrency:  "EUR",
		Identifier:       s.publisher.Ref + "-" + identifierPart(r.Ref, r.ID),
		ReportingOrg:     xOrg{Ref: s.publisher.Ref, Type: "40", Narrative: narrative(s.publisher.Name)},
		Title:            xText{Narrative: narrative(r.Title)},
		Description:      xText{Type: "1", Narrative: narrative(r.Description)},
		Status:           xCode{Code: activityStatus(r.Status)},
		Dates:            []xDate{{ISODate: r.CreatedAt.UTC().Format(time.DateOnly), Type: "1"}},
		RecipientCountry: xCountry{Code: s.country(), Percentage: "100"},
		Sectors:          sectorsOf(r.Sector, r.Category, vocabulary),
	}
	if !r.NeededBy.IsZero() {
		a.Dates = append(a.Dates, xDate{ISODate: r.NeededBy.String(), Type: "3"})
	}
	funders := map[string]bool{}
	for _, p := range pledges {
		// The funder of a pass-through pledge gives the money its donor
		// implements: both fund the activity.
		for _, id := range []string{p.DonorOrgID, p.FunderOrgID} {
			if id != "" && !funders[id] {
				funders[id] = true
				a.Participating = append(a.Participating, s.participating(orgs[id], roleFunding))
			}
		}
	}
	a.Participating = append(a.Participating, s.participating(ben, roleAccountable))
	for _, p := range pledges {
		a.Transactions = append(a.Transactions, s.pledgeTransactions(p, tranches[p.ID], orgs)...)
	}
	return a
}

func (s *Service) bilateralActivity(p model.Pledge, tranches []model.Disbursement, orgs map[string]model.Organisation, vocabulary string) xActivity {
	donor, ben := orgs[p.DonorOrgID], orgs[p.BeneficiaryOrgID]
	id := p.IATIIdentifier
	if id == "" {
		id = s.orgRef(donor) + "-" + p.ID
	}
	status := "2"
	if p.Status == model.PledgeDelivered || p.Status == model.PledgeReceived {
		status = "3"
	}
	title := p.Description
	if title == "" {
		title = donor.Name + ": " + string(p.Category)
	}
	start := p.PeriodStart
	if start.IsZero() {
		start = p.PledgeDate
	}
	a := xActivity{
		LastUpdated:     p.UpdatedAt.UTC().Format(time.RFC3339),
		Lang:            "en",
		DefaultCurrency: p.Currency,
		Identifier:      id,
		// The mechanism publishes what the donor reported: a secondary reporter.
		ReportingOrg:     xOrg{Ref: s.orgRef(donor), Type: orgType(donor.Kind), Secondary: "1", Narrative: narrative(donor.Name)},
		Title:            xText{Narrative: narrative(title)},
		Description:      xText{Type: "1", Narrative: narrative(p.Description)},
		Participating:    []xOrg{s.participating(donor, roleFunding), s.participating(ben, roleImplementing)},
		Status:           xCode{Code: status},
		Dates:            []xDate{{ISODate: start.String(), Type: "1"}},
		RecipientCountry: xCountry{Code: s.country(), Percentage: "100"},
		Sectors:          sectorsOf(p.Sector, p.Category, vocabulary),
	}
	if p.PassThrough() {
		a.Participating = append(a.Participating, s.participating(orgs[p.FunderOrgID], roleFunding))
	}
	// A bilateral report's commitment stands from its report on, whatever
	// stage it has reached: the donor reported it as given.
	commit := p
	if !commit.Status.Committed() {
		commit.Status = model.PledgeConfirmed
	}
	a.Transactions = s.pledgeTransactions(commit, tranches, orgs)
	if !p.PeriodEnd.IsZero() {
		a.Dates = append(a.Dates, xDate{ISODate: p.PeriodEnd.String(), Type: "3"})
	}
	return a
}

// tranchesOf reads the tranches disbursed on the pledges, by pledge.
func (s *Service) tranchesOf(ctx context.Context, pledges []model.Pledge) (map[string][]model.Disbursement, error) {
	ids := make([]string, 0, len(pledges))
	for _, p := range pledges {
		if p.Kind == model.PledgeMoney {
			ids = append(ids, p.ID)
		}
	}
	if len(ids) == 0 {
		return nil, nil
	}
	ds, err := s.store.DisbursementsOfPledges(ctx, ids)
	if err != nil {
		return nil, err
	}
	out := make(map[string][]model.Disbursement, len(ids))
	for _, d := range ds {
		out[d.PledgeID] = append(out[d.PledgeID], d)
	}
	return out, nil
}

// pledgeTransactions are a pledge's money as IATI 2.03 follows it: a
// proposed pledge is an incoming pledge; a committed one a commitment from
// its donor to the beneficiary, and, when another organisation funds it,
// the funds that funder placed with the donor that implements it; each
// tranche a disbursement at its own date and value. A pledge no longer
// standing (suspended, withdrawn) commits nothing, but the money it has
// paid out was paid.
func (s *Service) pledgeTransactions(p model.Pledge, tranches []model.Disbursement, orgs map[string]model.Organisation) []xTransaction {
	donor, ben := s.transactionOrg(orgs, p.DonorOrgID), s.transactionOrg(orgs, p.BeneficiaryOrgID)
	var out []xTransaction
	switch {
	case p.Status == model.PledgeProposed:
		out = append(out, xTransaction{
			Ref:      p.ID,
			Type:     xCode{Code: txIncomingPledge},
			Date:     xDate{ISODate: p.PledgeDate.String()},
			Value:    xValue{Currency: p.Currency, ValueDate: p.PledgeDate.String(), Amount: iatiAmount(p.AmountMinor, p.Currency)},
			Provider: donor,
		})
	case p.Status.Committed():
		if p.PassThrough() {
			out = append(out, xTransaction{
				Ref:      p.ID + "-funds",
				Type:     xCode{Code: txIncomingFunds},
				Date:     xDate{ISODate: p.PledgeDate.String()},
				Value:    xValue{Currency: p.Currency, ValueDate: p.PledgeDate.String(), Amount: iatiAmount(p.AmountMinor, p.Currency)},
				Provider: s.transactionOrg(orgs, p.FunderOrgID),
				Receiver: donor,
			})
		}
		out = append(out, xTransaction{
			Ref:      p.ID,
			Type:     xCode{Code: txOutgoingCommitment},
			Date:     xDate{ISODate: p.PledgeDate.String()},
			Value:    xValue{Currency: p.Currency, ValueDate: p.PledgeDate.String(), Amount: iatiAmount(p.AmountMinor, p.Currency)},
			Provider: donor,
			Receiver: ben,
		})
	}
	for _, d := range tranches {
		t := xTransaction{
			Ref:      d.ID,
			Type:     xCode{Code: txDisbursement},
			Date:     xDate{ISODate: d.Date.String()},
			Value:    xValue{Currency: d.Currency, ValueDate: d.Date.String(), Amount: iatiAmount(d.AmountMinor, d.Currency)},
			Provider: donor,
			Receiver: ben,
		}
		if d.Note != "" {
			t.Description = &xText{Narrative: narrative(d.Note)}
		}
		out = append(out, t)
	}
	return out
}

// transactionOrg is a provider-org or receiver-org: the identifier the
// mechanism publishes the organisation under, which an import of the file
// resolves again, and its name; nil when the record names none (a
// requirement's beneficiary hidden from the viewer).
func (s *Service) transactionOrg(orgs map[string]model.Organisation, id string) *xOrg {
	o, ok := orgs[id]
	if id == "" || !ok {
		return nil
	}
	return &xOrg{Ref: s.orgRef(o), Type: orgType(o.Kind), Narrative: narrative(o.Name)}
}

func (s *Service) country() string {
	if s.beneficiaryCountry == "" {
		return "UA"
	}
	return s.beneficiaryCountry
}

// identifierPart keeps an identifier to the characters IATI allows.
func identifierPart(ref, id string) string {
	if ref == "" {
		return id
	}
	var b strings.Builder
	for _, r := range ref {
		if r == '/' || r == '&' || r == '|' || r == '?' || r < ' ' {
			r = '-'
		}
		b.WriteRune(r)
	}
	return b.String()
}
