package exchange

import (
	"context"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"math/big"
	"slices"
	"strconv"
	"strings"
	"unicode"

	"golang.org/x/text/encoding/ianaindex"

	"github.com/cyberaid/cyberaid/internal/audit"
	"github.com/cyberaid/cyberaid/internal/model"
	"github.com/cyberaid/cyberaid/internal/money"
	"github.com/cyberaid/cyberaid/internal/pledges"
	"github.com/cyberaid/cyberaid/internal/policy"
	"github.com/cyberaid/cyberaid/internal/store"
)

// LineError is one fault of an imported file, at the line it starts on.
type LineError struct {
	Line       int    `json:"line"`
	Identifier string `json:"iati_identifier,omitempty"`
	Message    string `json:"message"`
	// Reason is the kind of fault, without the particulars, by which the
	// report counts them.
	Reason string `json:"reason,omitempty"`
}

func (e LineError) String() string {
	if e.Identifier != "" {
		return fmt.Sprintf("line %d (%s): %s", e.Line, e.Identifier, e.Message)
	}
	return fmt.Sprintf("line %d: %s", e.Line, e.Message)
}

// maxLineErrors bounds how many faults one refusal lists: enough to fix a
// file in one go, not a flood.
const maxLineErrors = 20

// FileError refuses a whole file: nothing of it was imported.
type FileError struct {
	Errors []LineError
}

func (e *FileError) Error() string {
	parts := make([]string, len(e.Errors))
	for i, le := range e.Errors {
		parts[i] = le.String()
	}
	return "the IATI file was refused, nothing was imported: " + strings.Join(parts, "; ")
}

func (e *FileError) Unwrap() error { return model.ErrInvalid }

// ImportResult counts what an import did.
type ImportResult struct {
	Version    string `json:"version"`
	Activities int    `json:"activities"`
	Created    int    `json:"created"`
	Updated    int    `json:"updated"`
	Unchanged  int    `json:"unchanged"`
	// Skipped activities are not imported: without an identifier they could
	// not be matched again, and activities for other countries are not help
	// to the assisted country.
	Skipped int `json:"skipped"`
	// Skips lists the skipped activities (the first maxSkipsListed) with
	// their line, identifier and reason.
	Skips   []LineError `json:"skips,omitempty"`
	Notices []LineError `json:"notices,omitempty"`
	// NoEURValue counts the reports kept in their own currency without a
	// euro value: a currency the ECB did not quote on their dates.
	NoEURValue    int   `json:"no_eur_value"`
	Organisations int   `json:"organisations_created"`
	Bytes         int64 `json:"bytes"`
	// Reasons are the ten most frequent reasons for skipping an activity or
	// noting something of it, most frequent first.
	Reasons []ReasonCount `json:"reasons,omitempty"`
	Strict  bool          `json:"strict,omitempty"`
}

// ReasonCount is how many activities one reason applied to.
type ReasonCount struct {
	Reason string `json:"reason"`
	Count  int    `json:"count"`
}

// maxSkipsListed bounds the skipped activities a report lists one by one;
// all are counted.
const maxSkipsListed = 200

// ImportOptions choose how an import treats a faulty activity.
type ImportOptions struct {
	// Strict refuses the whole file for one faulty activity, as an
	// all-or-nothing import; by default the activity is skipped and the
	// others are imported.
	Strict bool
	// Progress, if set, is told how many bytes have been read.
	Progress func(read int64)
}

// ImportIATI reads a donor's published IATI activity file (versions 2.01 to
// 2.03) as bilateral reports, one per activity, in one transaction. A file
// that is not an IATI activity file (not well-formed, another root, an
// unsupported version, too large) is refused whole, with the line of the
// fault; a faulty activity is skipped, with its line, identifier and reason,
// and the others are imported. The file is decoded one activity at a time,
// so memory does not grow with its size. progress, if set, is told how many
// bytes have been read.
func (s *Service) ImportIATI(ctx context.Context, v policy.Viewer, r io.Reader, progress func(read int64)) (ImportResult, error) {
	return s.ImportIATIWith(ctx, v, r, ImportOptions{Progress: progress})
}

// ImportIATIWith is ImportIATI with options: Strict refuses the whole file
// for one faulty activity.
func (s *Service) ImportIATIWith(ctx context.Context, v policy.Viewer, r io.Reader, o ImportOptions) (ImportResult, error) {
	if err := policy.Require(v, policy.ImportsRun); err != nil {
		return ImportResult{}, err
	}
	return s.importIATI(ctx, audit.Actor{UserID: v.UserID, OrgID: v.Org.ID}, r, o)
}

// ImportIATIAsSystem imports on behalf of the operator at the command line,
// who has the machine and so the database already.
func (s *Service) ImportIATIAsSystem(ctx context.Context, r io.Reader, o ImportOptions) (ImportResult, error) {
	return s.importIATI(ctx, audit.Actor{}, r, o)
}

func (s *Service) importIATI(ctx context.Context, actor audit.Actor, r io.Reader, o ImportOptions) (ImportResult, error) {
	var res ImportResult
	cr := &progressReader{r: r, progress: o.Progress}
	br := &boundedReader{r: cr, maxFile: s.maxImportSize()}
	err := s.store.InTx(ctx, func(q store.Queries) error {
		im, err := s.newImporter(ctx, q, actor)
		if err != nil {
			return err
		}
		im.strict = o.Strict
		res, err = im.run(ctx, br)
		return err
	})
	res.Bytes = cr.n
	if err != nil {
		return ImportResult{Bytes: cr.n}, err
	}
	return res, nil
}

type progressReader struct {
	r        io.Reader
	n        int64
	last     int64
	progress func(int64)
}

func (p *progressReader) Read(b []byte) (int, error) {
	n, err := p.r.Read(b)
	p.n += int64(n)
	if p.progress != nil && (p.n-p.last >= 1<<20 || err == io.EOF) {
		p.last = p.n
		p.progress(p.n)
	}
	return n, err
}

type importer struct {
	s      *Service
	q      store.Queries
	actor  audit.Actor
	orgs   map[string]model.Organisation // by lower-cased name and by exported ref
	gov    model.Organisation            // the beneficiary government
	saved  *pledges.Imports
	valuer *pledges.Valuer
	res    ImportResult
	errs   []LineError
	failed bool
	strict bool
	// reasons counts every skip and notice by its reason.
	reasons map[string]int
}

func (s *Service) newImporter(ctx context.Context, q store.Queries, actor audit.Actor) (*importer, error) {
	orgs, err := q.ListOrganisations(ctx)
	if err != nil {
		return nil, err
	}
	im := &importer{s: s, q: q, actor: actor, orgs: map[string]model.Organisation{}, saved: s.pledges.NewImports(q, actor),
		valuer: pledges.NewValuer(q), reasons: map[string]int{}}
	for _, o := range orgs {
		im.remember(o)
		if o.Kind == model.KindState && o.Country == s.country() && (im.gov.ID == "" || o.Participation == model.Member) {
			im.gov = o
		}
	}
	return im, nil
}

func (im *importer) remember(o model.Organisation) {
	im.orgs[strings.ToLower(o.Name)] = o
	im.orgs[strings.ToLower(im.s.orgRef(o))] = o
}

func (im *importer) fail(line int, id, format string, args ...any) {
	im.failed = true
	if len(im.errs) < maxLineErrors {
		im.errs = append(im.errs, LineError{Line: line, Identifier: id, Message: fmt.Sprintf(format, args...)})
	}
}

func (im *importer) notice(line int, id, format string, args ...any) {
	if len(im.res.Notices) < maxLineErrors {
		im.res.Notices = append(im.res.Notices, LineError{Line: line, Identifier: id, Message: fmt.Sprintf(format, args...)})
	}
}

// note is a notice about one activity, counted by its reason.
func (im *importer) note(line int, id, reason, format string, args ...any) {
	im.reasons[reason]++
	if len(im.res.Notices) < maxLineErrors {
		im.res.Notices = append(im.res.Notices, LineError{Line: line, Identifier: id, Reason: reason, Message: fmt.Sprintf(format, args...)})
	}
}

// skip leaves an activity out of the import, saying why.
func (im *importer) skip(line int, id, reason, format string, args ...any) {
	im.res.Skipped++
	im.reasons[reason]++
	if len(im.res.Skips) < maxSkipsListed {
		im.res.Skips = append(im.res.Skips, LineError{Line: line, Identifier: id, Reason: reason, Message: fmt.Sprintf(format, args...)})
	}
}

// fault is an activity that cannot be imported as it is written: skipped,
// or under Strict the whole file refused.
func (im *importer) fault(line int, id, reason, format string, args ...any) {
	if im.strict {
		im.fail(line, id, format, args...)
		return
	}
	im.skip(line, id, reason, format, args...)
}

// topReasons returns the ten most frequent reasons, most frequent first.
func (im *importer) topReasons() []ReasonCount {
	out := make([]ReasonCount, 0, len(im.reasons))
	for r, n := range im.reasons {
		out = append(out, ReasonCount{Reason: r, Count: n})
	}
	slices.SortFunc(out, func(a, b ReasonCount) int {
		if a.Count != b.Count {
			return b.Count - a.Count
		}
		return strings.Compare(a.Reason, b.Reason)
	})
	return out[:min(len(out), 10)]
}

// supportedVersions are the IATI versions whose activity files are read.
var supportedVersions = []string{"2.01", "2.02", "2.03"}

// decoded is one step of reading a file: its root element, an activity,
// or the fault that ends the reading.
type decoded struct {
	line   int
	root   *xml.StartElement
	act    *iActivity
	fault  string
	noRoot bool
}

// run decodes the file in one goroutine while this one checks and saves
// what it reads, so that parsing and writing overlap. The queue holds a
// batch, so that the decoder reads the next batch while this one is saved;
// two batches in memory keep it constant.
func (im *importer) run(ctx context.Context, r *boundedReader) (ImportResult, error) {
	steps := make(chan decoded, importBatch)
	done := make(chan struct{})
	defer func() {
		// Wait for the decoder to stop, so that it never reads on after
		// the transaction has ended.
		close(done)
		for range steps {
		}
	}()
	go decodeActivities(r, steps, done)
	batch := make([]decoded, 0, importBatch)
	for st := range steps {
		if st.act != nil {
			if batch = append(batch, st); len(batch) < importBatch {
				continue
			}
		}
		// Activities are saved a batch at a time; anything else is taken
		// in file order after the batch before it.
		if err := im.saveBatch(ctx, batch); err != nil {
			return im.res, err
		}
		batch = batch[:0]
		switch {
		case st.fault != "":
			im.fail(st.line, "", "%s", st.fault)
			return im.res, &FileError{Errors: im.errs}
		case st.noRoot:
			im.fail(1, "", "the file holds no <iati-activities> element")
		case st.root != nil:
			im.checkVersion(st.line, attr(*st.root, "version"))
		}
	}
	if err := im.saveBatch(ctx, batch); err != nil {
		return im.res, err
	}
	if im.failed {
		return im.res, &FileError{Errors: im.errs}
	}
	im.res.Reasons, im.res.Strict = im.topReasons(), im.strict
	return im.res, im.saved.Flush(ctx)
}

// importBatch is how many activities are looked up in the database at once.
const importBatch = 250

// saveBatch checks and saves a batch of activities, reading the reports already
// imported from them with one query.
func (im *importer) saveBatch(ctx context.Context, batch []decoded) error {
	if len(batch) == 0 {
		return nil
	}
	if !im.failed {
		ids := make([]string, 0, len(batch))
		for _, st := range batch {
			if id := strings.TrimSpace(st.act.Identifier); id != "" {
				ids = append(ids, id)
			}
		}
		if err := im.saved.Load(ctx, ids); err != nil {
			return err
		}
	}
	for _, st := range batch {
		im.res.Activities++
		if err := im.activity(ctx, st.line, st.act); err != nil {
			return err
		}
	}
	return nil
}

// decodeActivities reads the file token by token, decoding one activity at
// a time, and sends each step until the end, a fault, or done.
func decodeActivities(r *boundedReader, steps chan<- decoded, done <-chan struct{}) {
	defer close(steps)
	send := func(st decoded) bool {
		select {
		case steps <- st:
			return true
		case <-done:
			return false
		}
	}
	malformed := func(line int, err error) {
		if fault := limitFault(err, r.maxFile); fault != "" {
			send(decoded{line: line, fault: fault})
			return
		}
		var se *xml.SyntaxError
		if errors.As(err, &se) {
			line = se.Line
		}
		send(decoded{line: line, fault: "the file is not well-formed XML: " + syntaxMessage(err)})
	}
	d := xml.NewDecoder(r)
	d.CharsetReader = charsetReader
	depth := 0
	sawRoot := false
	for {
		line, _ := d.InputPos()
		tok, err := d.Token()
		if err == io.EOF {
			break
		}
		if err != nil {
			malformed(line, err)
			return
		}
		switch t := tok.(type) {
		case xml.StartElement:
			line, _ = d.InputPos()
			if depth == 0 {
				if t.Name.Local != "iati-activities" {
					send(decoded{line: line, fault: fmt.Sprintf("the root element is <%s>, not <iati-activities>: this is not an IATI activity file", t.Name.Local)})
					return
				}
				sawRoot = true
				depth++
				if !send(decoded{line: line, root: &t}) {
					return
				}
				continue
			}
			if depth == 1 && t.Name.Local == "iati-activity" {
				a := new(iActivity)
				r.startActivity(d.InputOffset())
				only := &iatiOnly{d: d, start: &t}
				if err := xml.NewTokenDecoder(only).Decode(a); err != nil {
					malformed(line, err)
					return
				}
				a.txLines = only.txLines
				r.endActivity()
				if !send(decoded{line: line, act: a}) {
					return
				}
				continue
			}
			// Other children of the root are extensions the schema allows.
			if err := d.Skip(); err != nil {
				malformed(line, err)
				return
			}
		case xml.EndElement:
			depth--
		}
	}
	if !sawRoot {
		send(decoded{noRoot: true})
	}
}

func syntaxMessage(err error) string {
	var se *xml.SyntaxError
	if errors.As(err, &se) {
		return se.Msg
	}
	return err.Error()
}

func charsetReader(label string, in io.Reader) (io.Reader, error) {
	enc, err := ianaindex.IANA.Encoding(label)
	if err != nil || enc == nil {
		return nil, fmt.Errorf("the encoding %q is not supported; use UTF-8", label)
	}
	return enc.NewDecoder().Reader(in), nil
}

func attr(t xml.StartElement, name string) string {
	for _, a := range t.Attr {
		if a.Name.Local == name && a.Name.Space == "" {
			return a.Value
		}
	}
	return ""
}

func (im *importer) checkVersion(line int, v string) {
	im.res.Version = v
	switch {
	case slices.Contains(supportedVersions, v):
	case v == "":
		im.fail(line, "", "<iati-activities> has no version attribute")
	case strings.HasPrefix(v, "1."):
		im.fail(line, "", "IATI version %s is not read; publish the file as 2.01, 2.02 or 2.03", v)
	default:
		// The schema takes any text here (its own test files say "xx"):
		// read the file as 2.03 and say so.
		im.notice(line, "", "version %q is not one of %s; the file was read as 2.03", v, strings.Join(supportedVersions, ", "))
	}
}

// The parts of an activity an import reads; everything else is skipped.
type iNarrative struct {
	Lang string `xml:"http://www.w3.org/XML/1998/namespace lang,attr"`
	Text string `xml:",chardata"`
}

type iText struct {
	Narratives []iNarrative `xml:"narrative"`
	Text       string       `xml:",chardata"`
}

func (t iText) best() string {
	for _, n := range t.Narratives {
		if s := strings.TrimSpace(n.Text); s != "" && (n.Lang == "" || strings.EqualFold(n.Lang, "en")) {
			return s
		}
	}
	for _, n := range t.Narratives {
		if s := strings.TrimSpace(n.Text); s != "" {
			return s
		}
	}
	return strings.TrimSpace(t.Text)
}

type iOrg struct {
	iText
	Ref  string `xml:"ref,attr"`
	Type string `xml:"type,attr"`
	Role string `xml:"role,attr"`
}

type iCode struct {
	Code string `xml:"code,attr"`
}

type iDate struct {
	Type string `xml:"type,attr"`
	ISO  string `xml:"iso-date,attr"`
}

type iSector struct {
	Vocabulary string `xml:"vocabulary,attr"`
	Code       string `xml:"code,attr"`
	Percentage string `xml:"percentage,attr"`
}

type iValue struct {
	Currency  string `xml:"currency,attr"`
	ValueDate string `xml:"value-date,attr"`
	Text      string `xml:",chardata"`
}

type iBudget struct {
	Type  string `xml:"type,attr"`
	Value iValue `xml:"value"`
}

type iTransaction struct {
	Type        iCode  `xml:"transaction-type"`
	Date        iDate  `xml:"transaction-date"`
	Value       iValue `xml:"value"`
	Description iText  `xml:"description"`
	Provider    iOrg   `xml:"provider-org"`
}

type iActivity struct {
	DefaultCurrency string         `xml:"default-currency,attr"`
	Identifier      string         `xml:"iati-identifier"`
	ReportingOrg    iOrg           `xml:"reporting-org"`
	Title           iText          `xml:"title"`
	Descriptions    []iText        `xml:"description"`
	Participating   []iOrg         `xml:"participating-org"`
	Status          iCode          `xml:"activity-status"`
	Dates           []iDate        `xml:"activity-date"`
	Countries       []iCode        `xml:"recipient-country"`
	Sectors         []iSector      `xml:"sector"`
	Budgets         []iBudget      `xml:"budget"`
	Transactions    []iTransaction `xml:"transaction"`
	// txLines are the lines of Transactions, as far as they are known.
	txLines []int
}

// activity checks one activity and, while the file is still sound, saves it.
func (im *importer) activity(ctx context.Context, line int, a *iActivity) error {
	id := strings.TrimSpace(a.Identifier)
	if id == "" {
		im.skip(line, "", "no iati-identifier", "the activity has no iati-identifier, so it could not be matched on a later import; skipped")
		return nil
	}
	if len(a.Countries) > 0 && !slices.ContainsFunc(a.Countries, func(c iCode) bool { return strings.EqualFold(strings.TrimSpace(c.Code), im.s.country()) }) {
		im.skip(line, id, "not for "+im.s.country(), "the activity is not for %s; skipped", im.s.country())
		return nil
	}
	p := model.Pledge{
		IATIIdentifier: id,
		Channel:        model.ChannelBilateral,
		Status:         statusOfActivity(a.Status.Code),
		Review:         model.ReviewNotRequired,
		// Published activities are public: anyone may read them.
		TLP: model.TLPClear,
	}
	p.Sector, p.Category = sectorOf(a.Sectors)
	p.Description = describe(id, a)
	var ok bool
	if p.PeriodStart, p.PeriodEnd, ok = im.period(line, id, a.Dates); !ok {
		return nil
	}
	if ok, err := im.amount(ctx, line, id, a, &p); err != nil || !ok {
		return err
	}
	if p.AmountMinor > 0 {
		p.Kind = model.PledgeMoney
	} else {
		p.Kind = model.PledgeInKind
	}
	tranches, ok, err := im.tranches(ctx, line, id, a, &p)
	if err != nil || !ok {
		return err
	}
	if im.failed {
		// The file is refused already: read on only to list its faults.
		return nil
	}
	donor, err := im.donor(ctx, a)
	if err != nil {
		return err
	}
	p.DonorOrgID = donor.ID
	p.FunderOrgID = im.funder(a, donor)
	ben, found := im.beneficiary(a)
	if !found {
		im.fault(line, id, "no beneficiary organisation", "no organisation of %s to receive the help: create the beneficiary government organisation first", im.s.country())
		return nil
	}
	p.BeneficiaryOrgID = ben.ID
	p.CreatedBy = im.actor.UserID
	outcome, err := im.saved.Save(ctx, p, tranches...)
	var fe *model.FieldError
	switch {
	case errors.As(err, &fe):
		im.fault(line, id, "invalid "+fe.Field, "%s %s", fe.Field, fe.Message)
		return nil
	case err != nil:
		return err
	}
	if p.NoEURValue {
		im.res.NoEURValue++
	}
	switch outcome {
	case pledges.ImportCreated:
		im.res.Created++
	case pledges.ImportUpdated:
		im.res.Updated++
	default:
		im.res.Unchanged++
	}
	return nil
}

func statusOfActivity(code string) model.PledgeStatus {
	switch strings.TrimSpace(code) {
	case "1":
		return model.PledgeProposed
	case "2":
		return model.PledgeInDelivery
	case "3", "4":
		return model.PledgeDelivered
	case "5", "6":
		return model.PledgeWithdrawn
	}
	return model.PledgeConfirmed
}

// sectorOf maps the activity's main DAC sector to the mechanism's sectors,
// and its custom cyber category back, where they fit.
func sectorOf(ss []iSector) (model.Sector, model.Category) {
	sector, category := model.Sector("other"), model.Category("other")
	best := -1.0
	for _, s := range ss {
		code := strings.TrimSpace(s.Code)
		switch strings.TrimSpace(s.Vocabulary) {
		case "", "1", "2", "DAC", "DAC-3":
			pct, err := strconv.ParseFloat(strings.TrimSpace(s.Percentage), 64)
			if err != nil {
				pct = 0
			}
			if pct > best {
				best = pct
				sector = dacToSector(code)
			}
		case "98", "99":
			if c := model.Category(code); c.Valid() {
				category = c
			}
		}
	}
	return sector, category
}

func dacToSector(code string) model.Sector {
	for s, dac := range dacSectors {
		if code == dac {
			return s
		}
	}
	if len(code) < 3 {
		return "other"
	}
	switch p := code[:3]; {
	case p[:2] == "23":
		return "energy"
	case p == "220":
		return "telecom"
	case p == "151" || p == "152":
		return "government"
	case p == "240" || p == "241":
		return "finance"
	case p == "210":
		return "transport"
	case p == "140":
		return "water"
	case p == "121" || p == "122" || p == "123" || p == "130":
		return "health"
	}
	return "other"
}

func describe(id string, a *iActivity) string {
	parts := []string{}
	if t := a.Title.best(); t != "" {
		parts = append(parts, t)
	}
	for _, d := range a.Descriptions {
		if t := d.best(); t != "" {
			parts = append(parts, t)
		}
	}
	if len(parts) == 0 {
		parts = append(parts, "IATI activity "+id)
	}
	s := strings.Map(func(r rune) rune {
		if unicode.IsControl(r) && r != '\n' && r != '\t' {
			return ' '
		}
		return r
	}, strings.Join(parts, "\n\n"))
	if rs := []rune(s); len(rs) > model.MaxDescription {
		s = string(rs[:model.MaxDescription])
	}
	return s
}

// period reads the activity's start and end: actual dates before planned
// ones, in the codes of 2.02+ and the names of 2.01.
func (im *importer) period(line int, id string, dates []iDate) (start, end model.Date, ok bool) {
	pick := map[string]model.Date{}
	for _, d := range dates {
		iso := strings.TrimSpace(d.ISO)
		if iso == "" {
			continue
		}
		day, err := parseXSDDate(iso)
		if err != nil {
			im.fault(line, id, "activity-date not a date", "activity-date %q is not a date (YYYY-MM-DD, with or without a time zone)", iso)
			return start, end, false
		}
		pick[strings.TrimSpace(d.Type)] = day
	}
	first := func(keys ...string) model.Date {
		for _, k := range keys {
			if d, ok := pick[k]; ok {
				return d
			}
		}
		return model.Date{}
	}
	start = first("2", "start-actual", "1", "start-planned")
	end = first("4", "end-actual", "3", "end-planned")
	if !start.IsZero() && !end.IsZero() && end.Before(start) {
		end = model.Date{}
	}
	return start, end, true
}

// commitmentTypes are the transaction types of a commitment: 2 since 2.02,
// C in 2.01.
var commitmentTypes = []string{"2", "C"}

// amount sums the activity's commitments, or else its budgets, each valued
// in euros at the ECB rate of its own value date (value-date, else the
// transaction date). Values in one currency are kept in it; values in
// several are summed in euros. A value the ECB gives no rate for (a
// currency it did not quote then, such as XDR, or a day before 1999-01-04)
// leaves a report in one currency without a euro value, and makes values in
// several currencies impossible to sum: that activity is skipped.
func (im *importer) amount(ctx context.Context, line int, id string, a *iActivity, p *model.Pledge) (bool, error) {
	var values []iValue
	var dates []string
	for _, t := range a.Transactions {
		if slices.Contains(commitmentTypes, strings.TrimSpace(t.Type.Code)) {
			values = append(values, t.Value)
			dates = append(dates, t.Date.ISO)
		}
	}
	if len(values) == 0 {
		revised := slices.ContainsFunc(a.Budgets, func(b iBudget) bool { return strings.TrimSpace(b.Type) == "2" })
		for _, b := range a.Budgets {
			if t := strings.TrimSpace(b.Type); (revised && t == "2") || (!revised && t != "2") {
				values = append(values, b.Value)
				dates = append(dates, "")
			}
		}
	}
	type part struct {
		minor    int64
		currency string
		day      model.Date
		value    pledges.Valuation
		valued   bool
		why      string
	}
	today := model.DateOf(im.s.now().UTC())
	var parts []part
	for i, v := range values {
		cur := strings.ToUpper(strings.TrimSpace(v.Currency))
		if cur == "" {
			cur = strings.ToUpper(strings.TrimSpace(a.DefaultCurrency))
		}
		if cur == "" {
			im.fault(line, id, "no currency", "a value has no currency and the activity no default-currency")
			return false, nil
		}
		if _, ok := money.ISOMinorUnits(cur); !ok {
			im.fault(line, id, "not an ISO 4217 currency", "%q is not an ISO 4217 currency code", cur)
			return false, nil
		}
		minor, err := minorUnits(v.Text, cur)
		if err != nil {
			im.fault(line, id, "value not a decimal", "value %q: %v", strings.TrimSpace(v.Text), err)
			return false, nil
		}
		// The value date is the day the value is to be converted at.
		dayText := strings.TrimSpace(v.ValueDate)
		if dayText == "" {
			dayText = strings.TrimSpace(dates[i])
		}
		day := today
		if dayText != "" {
			if day, err = parseXSDDate(dayText); err != nil {
				im.fault(line, id, "value date not a date", "date %q is not a date (YYYY-MM-DD, with or without a time zone)", dayText)
				return false, nil
			}
		}
		x := part{minor: minor, currency: cur, day: day}
		if !money.ValidCurrency(cur) {
			x.why = fmt.Sprintf("%s is a unit of account the ECB does not quote", cur)
		} else {
			// A value dated after the newest rate (a planned budget) is
			// valued provisionally, as any pledge is.
			val, err := im.valuer.Value(ctx, minor, cur, day, "value-date")
			var fe *model.FieldError
			switch {
			case pledges.NoRate(err):
				errors.As(err, &fe)
				x.why = fe.Message
			case errors.As(err, &fe):
				im.fault(line, id, "value too large", "value in %s: %s", cur, fe.Message)
				return false, nil
			case err != nil:
				return false, err
			default:
				x.value, x.valued = val, true
			}
		}
		parts = append(parts, x)
	}
	if len(parts) == 0 {
		p.Currency, p.Rate, p.EURMinor = "EUR", "1", 0
		p.PledgeDate = p.PeriodStart
		if p.PledgeDate.IsZero() || today.Before(p.PledgeDate) {
			p.PledgeDate = today
		}
		p.RateDate = p.PledgeDate
		return true, nil
	}
	single := !slices.ContainsFunc(parts, func(x part) bool { return x.currency != parts[0].currency })
	var total, eur int64
	var unvalued *part
	rateDates, days := map[model.Date]bool{}, map[model.Date]bool{}
	for i, x := range parts {
		if p.PledgeDate.IsZero() || x.day.Before(p.PledgeDate) {
			p.PledgeDate = x.day
		}
		total += x.minor
		if !x.valued {
			if unvalued == nil {
				unvalued = &parts[i]
			}
			continue
		}
		eur += x.value.EURMinor
		rateDates[x.value.RateDate], days[x.day] = true, true
		p.RateProvisional = p.RateProvisional || x.value.Provisional
		if p.RateDate.Before(x.value.RateDate) {
			p.RateDate = x.value.RateDate
		}
		if total > money.MaxMinor || total < -money.MaxMinor || eur > money.MaxMinor || eur < -money.MaxMinor {
			im.fault(line, id, "values too large", "the activity's values add up to more than any report can hold")
			return false, nil
		}
	}
	if today.Before(p.PledgeDate) {
		p.PledgeDate = today
	}
	switch {
	case unvalued != nil && !single:
		im.fault(line, id, "no ECB rate for a value in several currencies",
			"the activity's values are in several currencies and its value of %s %s on %s has no euro value (%s), so they cannot be summed",
			money.FormatMinor(unvalued.minor, unvalued.currency), unvalued.currency, unvalued.day, unvalued.why)
		return false, nil
	case unvalued != nil:
		p.Currency, p.AmountMinor, p.NoEURValue = parts[0].currency, max(total, 0), true
		p.EURMinor, p.Rate, p.RateDate, p.RateProvisional = 0, "", model.Date{}, false
		im.note(line, id, "kept without a euro value", "kept in %s without a euro value, left out of euro totals: %s", p.Currency, unvalued.why)
		return true, nil
	case single:
		p.Currency, p.AmountMinor = parts[0].currency, max(total, 0)
	default:
		p.Currency, p.AmountMinor = "EUR", max(eur, 0)
	}
	// Decommitments can outweigh commitments; a report never goes below nothing.
	p.EURMinor = max(eur, 0)
	p.Rate = ""
	// One rate values it all: the rate of that day. Provisional values of
	// several days will have several rates; a rates import cannot take them
	// again from the total, an import of the file does.
	if len(rateDates) == 1 && (!p.RateProvisional || len(days) == 1) {
		p.Rate = parts[0].value.Rate
		if p.Currency == "EUR" && parts[0].currency != "EUR" {
			p.Rate = "1"
		}
	}
	if p.Currency == "EUR" {
		// Summed in euros, the report has no rate of its own to take again
		// when newer rates come: importing its file again revalues it.
		p.Rate, p.RateDate, p.RateProvisional = "1", p.PledgeDate, false
	}
	return true, nil
}

// disbursementTypes are the transaction types of a disbursement: 3 since
// 2.02, D in 2.01.
var disbursementTypes = []string{"3", "D"}

// tranches reads the activity's disbursements as the report's tranches,
// each dated by its transaction-date and valued in euros at the ECB rate of
// its own value date (value-date, else the transaction date), as a tranche
// recorded on the platform is. A disbursement that cannot be a tranche (no
// date, a date to come, no currency or not an ISO 4217 one, a value that is
// not a positive decimal) is reported at the transaction's own line and
// left out: the report's commitment stands without it, as published files
// hold zero and negative disbursements (corrections) often. Under Strict
// it refuses the file, as any fault does. One in a currency the ECB gave
// no rate for is left out too, with a notice: a tranche counts in euros.
// An in-kind report has no tranches: its activity's disbursements are left
// out, with a notice.
func (im *importer) tranches(ctx context.Context, line int, id string, a *iActivity, p *model.Pledge) ([]model.Disbursement, bool, error) {
	today := model.DateOf(im.s.now().UTC())
	var out []model.Disbursement
	for i, t := range a.Transactions {
		if !slices.Contains(disbursementTypes, strings.TrimSpace(t.Type.Code)) {
			continue
		}
		at := line
		if i < len(a.txLines) {
			at = a.txLines[i]
		}
		dayText := strings.TrimSpace(t.Date.ISO)
		if dayText == "" {
			if im.badTranche(at, id, "disbursement without a date", "a disbursement has no transaction-date") {
				return nil, false, nil
			}
			continue
		}
		day, err := parseXSDDate(dayText)
		if err != nil {
			if im.badTranche(at, id, "disbursement date not a date", "disbursement date %q is not a date (YYYY-MM-DD, with or without a time zone)", dayText) {
				return nil, false, nil
			}
			continue
		}
		if today.Before(day) {
			if im.badTranche(at, id, "disbursement in the future", "a disbursement is dated %s, after today: report a disbursement once it is paid", day) {
				return nil, false, nil
			}
			continue
		}
		cur := strings.ToUpper(strings.TrimSpace(t.Value.Currency))
		if cur == "" {
			cur = strings.ToUpper(strings.TrimSpace(a.DefaultCurrency))
		}
		if cur == "" {
			if im.badTranche(at, id, "disbursement without a currency", "a disbursement has no currency and the activity no default-currency") {
				return nil, false, nil
			}
			continue
		}
		if _, ok := money.ISOMinorUnits(cur); !ok {
			if im.badTranche(at, id, "disbursement currency not ISO 4217", "the disbursement's currency %q is not an ISO 4217 currency code", cur) {
				return nil, false, nil
			}
			continue
		}
		minor, err := minorUnits(t.Value.Text, cur)
		if err != nil {
			if im.badTranche(at, id, "disbursement value not a decimal", "disbursement value %q: %v", strings.TrimSpace(t.Value.Text), err) {
				return nil, false, nil
			}
			continue
		}
		if minor <= 0 {
			if im.badTranche(at, id, "disbursement not positive", "a disbursement of %s %s is not a positive amount", money.FormatMinor(minor, cur), cur) {
				return nil, false, nil
			}
			continue
		}
		valueDay := day
		if vd := strings.TrimSpace(t.Value.ValueDate); vd != "" {
			if valueDay, err = parseXSDDate(vd); err != nil {
				if im.badTranche(at, id, "disbursement value date not a date", "value-date %q is not a date (YYYY-MM-DD, with or without a time zone)", vd) {
					return nil, false, nil
				}
				continue
			}
		}
		if !money.ValidCurrency(cur) {
			im.note(at, id, "disbursement without a euro value", "the disbursement of %s %s on %s is left out: %s is a unit of account the ECB does not quote", money.FormatMinor(minor, cur), cur, day, cur)
			continue
		}
		val, err := im.valuer.Value(ctx, minor, cur, valueDay, "value-date")
		var fe *model.FieldError
		switch {
		case pledges.NoRate(err):
			errors.As(err, &fe)
			im.note(at, id, "disbursement without a euro value", "the disbursement of %s %s on %s is left out: %s", money.FormatMinor(minor, cur), cur, day, fe.Message)
			continue
		case errors.As(err, &fe):
			if im.badTranche(at, id, "disbursement value too large", "disbursement value in %s: %s", cur, fe.Message) {
				return nil, false, nil
			}
			continue
		case err != nil:
			return nil, false, err
		}
		out = append(out, model.Disbursement{
			AmountMinor: minor, Currency: cur, Date: day, Note: trancheNote(t.Description.best()),
			EURMinor: val.EURMinor, Rate: val.Rate, RateDate: val.RateDate, RateProvisional: val.Provisional,
		})
	}
	if len(out) > 0 && p.Kind != model.PledgeMoney {
		im.note(line, id, "disbursements of an in-kind report", "the activity commits no money, so its disbursements (%d) are left out", len(out))
		return nil, true, nil
	}
	return out, true, nil
}

// badTranche reports a disbursement that cannot be a tranche: under
// Strict a fault that refuses the file (true: stop reading the activity),
// else a notice, the tranche left out.
func (im *importer) badTranche(line int, id, reason, format string, args ...any) bool {
	if im.strict {
		im.fail(line, id, format, args...)
		return true
	}
	im.note(line, id, reason, format, args...)
	return false
}

// trancheNote keeps a transaction's description as a tranche's note: one
// paragraph of printable text, no longer than a comment.
func trancheNote(s string) string {
	s = strings.Map(func(r rune) rune {
		if unicode.IsControl(r) {
			return ' '
		}
		return r
	}, s)
	if rs := []rune(s); len(rs) > model.MaxComment {
		s = string(rs[:model.MaxComment])
	}
	return strings.TrimSpace(s)
}

// donor finds the organisation that gives: the first funding
// participating-org, else the reporting-org; matched by the identifier
// cyberaid exports them under or by name, and created when unknown.
func (im *importer) donor(ctx context.Context, a *iActivity) (model.Organisation, error) {
	src := a.ReportingOrg
	for _, o := range a.Participating {
		if strings.TrimSpace(o.Role) == roleFunding && (o.best() != "" || strings.TrimSpace(o.Ref) != "") {
			src = o
			break
		}
	}
	name, ref := src.best(), strings.TrimSpace(src.Ref)
	if o, ok := im.orgs[strings.ToLower(ref)]; ok && ref != "" {
		return o, nil
	}
	if o, ok := im.orgs[strings.ToLower(name)]; ok && name != "" {
		return o, nil
	}
	if name == "" {
		name = ref
	}
	if name == "" {
		name = "Unnamed IATI publisher"
	}
	if rs := []rune(name); len(rs) > model.MaxTitle {
		name = string(rs[:model.MaxTitle])
	}
	if o, ok := im.orgs[strings.ToLower(name)]; ok {
		return o, nil
	}
	// A publisher not yet known takes part as a contributor: it has no
	// users, so it gains no one any sight of anything.
	o := model.Organisation{Name: name, Kind: kindOfIATIType(src.Type), Participation: model.Contributor}
	// The reports read before it are audited before it.
	if err := im.saved.Flush(ctx); err != nil {
		return model.Organisation{}, err
	}
	now := im.s.now().UTC()
	o.CreatedAt, o.UpdatedAt = now, now
	if err := im.q.CreateOrganisation(ctx, &o); err != nil {
		return model.Organisation{}, err
	}
	if _, err := audit.Record(ctx, im.q, now, im.actor, audit.Change{Action: "organisation.import", ObjectType: "organisation", ObjectID: o.ID, After: &o}); err != nil {
		return model.Organisation{}, err
	}
	im.res.Organisations++
	im.remember(o)
	return o, nil
}

// funder finds whose money the donor passes on: the provider-org of a
// transaction that is neither the reporting org nor the donor, when it is an
// organisation the platform knows and that gives through the mechanism. A
// provider the platform does not know is not created for it: a funder is
// a claim about another organisation's money, made by someone else.
func (im *importer) funder(a *iActivity, donor model.Organisation) string {
	same := func(x, y iOrg) bool {
		xr, yr := strings.TrimSpace(x.Ref), strings.TrimSpace(y.Ref)
		if xr != "" && yr != "" {
			return strings.EqualFold(xr, yr)
		}
		xn, yn := x.best(), y.best()
		return xn != "" && strings.EqualFold(xn, yn)
	}
	for _, t := range a.Transactions {
		if same(t.Provider, a.ReportingOrg) {
			continue
		}
		o, ok := im.known(t.Provider)
		if ok && o.ID != donor.ID && policy.CanDonate(o) {
			return o.ID
		}
	}
	return ""
}

// known finds an organisation the platform has by the identifier cyberaid
// exports it under, else by its name.
func (im *importer) known(src iOrg) (model.Organisation, bool) {
	for _, key := range []string{strings.TrimSpace(src.Ref), src.best()} {
		if o, ok := im.orgs[strings.ToLower(key)]; ok && key != "" {
			return o, true
		}
	}
	return model.Organisation{}, false
}

func kindOfIATIType(t string) model.OrgKind {
	switch strings.TrimSpace(t) {
	case "10", "11", "15":
		return model.KindState
	case "40":
		return model.KindInternationalOrg
	case "70", "71", "72", "73":
		return model.KindPrivateCompany
	}
	return model.KindNGO
}

// beneficiary is the implementing or accountable organisation when it is
// one of the assisted country's, else the beneficiary government.
func (im *importer) beneficiary(a *iActivity) (model.Organisation, bool) {
	for _, role := range []string{roleImplementing, roleAccountable} {
		for _, po := range a.Participating {
			if strings.TrimSpace(po.Role) != role {
				continue
			}
			for _, key := range []string{strings.ToLower(strings.TrimSpace(po.Ref)), strings.ToLower(po.best())} {
				if o, ok := im.orgs[key]; ok && key != "" && o.Country == im.s.country() {
					return o, true
				}
			}
		}
	}
	return im.gov, im.gov.ID != ""
}

// parseXSDDate reads an xsd:date as IATI files write it: YYYY-MM-DD,
// optionally with a time zone ("2017-02-06Z", "2017-02-06+08:00"), and
// surrounding whitespace. The day is the day written: a time zone does not
// move a date to another day.
func parseXSDDate(s string) (model.Date, error) {
	s = strings.TrimSpace(s)
	if len(s) > 10 {
		tz := s[10:]
		switch {
		case tz == "Z":
		case len(tz) == 6 && (tz[0] == '+' || tz[0] == '-') && tz[3] == ':' && isDigits(tz[1:3]) && isDigits(tz[4:6]) &&
			(tz[1:3] < "14" || tz == "+14:00" || tz == "-14:00") && tz[4:6] < "60":
		default:
			return model.Date{}, fmt.Errorf("%q is not a date", s)
		}
		s = s[:10]
	}
	return model.ParseDate(s)
}

func isDigits(s string) bool {
	for i := range len(s) {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return s != ""
}

// minorUnits reads an xsd:decimal value in the currency's minor units,
// rounding half away from zero: IATI values may carry more decimals. The
// schema's decimal has an optional sign, digits with at most one point
// ("5.", ".5"), and no exponent: "1e3" is not one.
func minorUnits(text, cur string) (int64, error) {
	s := strings.TrimSpace(text)
	if s == "" {
		return 0, errors.New("is empty")
	}
	if !isXSDDecimal(s) {
		return 0, errors.New("is not a decimal number (xsd:decimal: digits with an optional sign and point, no exponent)")
	}
	s = strings.TrimPrefix(s, "+")
	if strings.HasSuffix(s, ".") {
		s += "0"
	}
	r, ok := new(big.Rat).SetString(s)
	if !ok {
		return 0, errors.New("is not a decimal number")
	}
	digits, ok := money.ISOMinorUnits(cur)
	if !ok {
		return 0, fmt.Errorf("%q is not an ISO 4217 currency code", cur)
	}
	r.Mul(r, new(big.Rat).SetInt(new(big.Int).Exp(big.NewInt(10), big.NewInt(int64(digits)), nil)))
	num, den := r.Num(), r.Denom()
	q, m := new(big.Int).QuoRem(num, den, new(big.Int))
	if new(big.Int).Mul(new(big.Int).Abs(m), big.NewInt(2)).Cmp(den) >= 0 {
		if num.Sign() < 0 {
			q.Sub(q, big.NewInt(1))
		} else {
			q.Add(q, big.NewInt(1))
		}
	}
	if !q.IsInt64() || q.Int64() > money.MaxMinor || q.Int64() < -money.MaxMinor {
		return 0, errors.New("is larger than any report can hold")
	}
	return q.Int64(), nil
}

func isXSDDecimal(s string) bool {
	if s[0] == '+' || s[0] == '-' {
		s = s[1:]
	}
	digits, point := 0, false
	for i := range len(s) {
		switch c := s[i]; {
		case c >= '0' && c <= '9':
			digits++
		case c == '.' && !point:
			point = true
		default:
			return false
		}
	}
	return digits > 0
}

// xmlNamespace is the namespace of xml:lang, the one namespaced attribute
// IATI itself uses.
const xmlNamespace = "http://www.w3.org/XML/1998/namespace"

// iatiOnly passes on the tokens of the IATI standard and drops the
// extensions the schema allows publishers: elements and attributes in a
// namespace of their own. encoding/xml matches a field without a namespace
// to an element of any namespace, so an <akvo:iati-identifier> would
// otherwise replace the activity's own.
type iatiOnly struct {
	d *xml.Decoder
	// start is the activity's start element, read already, given first so
	// that the decoder on top sees the element whole.
	start *xml.StartElement
	// depth is how deep in the activity the last token was: 1 among its
	// children.
	depth int
	// txLines are the lines of the activity's transactions, in order: a
	// fault in one is reported at its own line.
	txLines []int
}

func (f *iatiOnly) Token() (xml.Token, error) {
	if s := f.start; s != nil {
		f.start = nil
		f.depth = 1
		return iatiAttrs(*s), nil
	}
	for {
		tok, err := f.d.Token()
		if err != nil {
			return tok, err
		}
		switch t := tok.(type) {
		case xml.StartElement:
			if t.Name.Space != "" {
				if err := f.d.Skip(); err != nil {
					return nil, err
				}
				continue
			}
			if f.depth == 1 && t.Name.Local == "transaction" {
				line, _ := f.d.InputPos()
				f.txLines = append(f.txLines, line)
			}
			f.depth++
			return iatiAttrs(t), nil
		case xml.EndElement:
			// The end of a skipped element never comes here: Skip read it.
			f.depth--
			return t, nil
		}
		return tok, nil
	}
}

// iatiAttrs keeps the attributes of the IATI standard.
func iatiAttrs(t xml.StartElement) xml.StartElement {
	kept := t.Attr[:0:0]
	for _, a := range t.Attr {
		if a.Name.Space == "" || a.Name.Space == xmlNamespace {
			kept = append(kept, a)
		}
	}
	t.Attr = kept
	return t
}
