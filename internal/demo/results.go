package demo

import (
	"bytes"
	"context"
	"fmt"
	"image"
	"image/color"
	"image/png"

	"github.com/cyberaid/cyberaid/internal/documents"
	"github.com/cyberaid/cyberaid/internal/indicators"
	"github.com/cyberaid/cyberaid/internal/model"
)

// indicatorSpec is a result indicator of a demo need and the values its
// beneficiary reported over time, dated in days before today.
type indicatorSpec struct {
	req, by     string
	title       string
	measure     model.Measure
	unit        string
	baseline    string
	baselineAgo int
	target      string
	targetIn    int
	values      []reportedValue
}

type reportedValue struct {
	value   string
	ago     int
	comment string
}

var indicatorSpecs = []indicatorSpec{
	{req: "edr-energy", by: "requester.energy", title: "Share of regional substations with EDR deployed",
		measure: model.MeasurePercentage, baseline: "12", baselineAgo: 540, target: "90", targetIn: 180,
		values: []reportedValue{
			{"21", 420, "Kyiv oblast distributors connected first, as the working group asked."},
			{"38", 300, ""},
			{"52.5", 180, "Winter outages delayed two districts."},
			{"64", 45, ""},
		}},
	{req: "edr-energy", by: "requester.energy", title: "Endpoints reporting to the managed detection service",
		measure: model.MeasureUnit, unit: "endpoints", baseline: "0", baselineAgo: 540, target: "30000", targetIn: 180,
		values: []reportedValue{{"4200", 400, ""}, {"11800", 270, ""}, {"19500", 120, ""}, {"23100", 30, ""}}},
	{req: "soc-training", by: "coordinator", title: "SOC analysts certified",
		measure: model.MeasureUnit, unit: "trained staff", baseline: "0", baselineAgo: 365, target: "120", targetIn: 120,
		values: []reportedValue{{"24", 240, "First cohort."}, {"51", 120, ""}, {"78", 20, ""}}},
	{req: "ir-banks", by: "requester", title: "Mean time to contain a confirmed incident",
		measure: model.MeasureUnit, unit: "hours", baseline: "72", baselineAgo: 300, target: "12", targetIn: 200,
		values: []reportedValue{{"60", 200, ""}, {"41", 90, "Retainer team on call since spring."}, {"30", 15, ""}}},
}

// createResults adds indicators with values reported over time, and a few
// files on a need, a pledge and the coordination group's meeting, each
// uploaded by who would.
func (s *seeder) createResults(ctx context.Context) error {
	for _, spec := range indicatorSpecs {
		if err := s.indicator(ctx, spec); err != nil {
			return fmt.Errorf("demo indicator %q: %w", spec.title, err)
		}
	}
	return s.createDocuments(ctx)
}

func (s *seeder) indicator(ctx context.Context, spec indicatorSpec) error {
	by := s.users[spec.by]
	in := indicators.Input{
		Title: ptr(spec.title), Measure: ptr(spec.measure),
		Baseline: &indicators.PointInput{Value: ptr(spec.baseline), Date: ptr(s.today.AddDays(-spec.baselineAgo))},
		Target:   &indicators.PointInput{Value: ptr(spec.target), Date: ptr(s.today.AddDays(spec.targetIn))},
	}
	if spec.unit != "" {
		in.Unit = ptr(spec.unit)
	}
	i, err := s.a.Indicators.Create(ctx, by, s.reqs[spec.req].ID, in)
	if err != nil {
		return err
	}
	for _, v := range spec.values {
		if _, err := s.a.Indicators.AddValue(ctx, by, i.ID, indicators.ValueInput{
			Value: ptr(v.value), Date: ptr(s.today.AddDays(-v.ago)), Comment: ptr(v.comment),
		}); err != nil {
			return err
		}
	}
	return nil
}

func (s *seeder) createDocuments(ctx context.Context) error {
	edr := s.reqs["edr-energy"].ID
	pledges, err := s.a.Store.ListPledges(ctx, model.PledgeFilter{RequirementID: edr, DonorOrgID: s.users["donor"].Org.ID}, "", 1)
	if err != nil {
		return err
	}
	if len(pledges) == 0 {
		return fmt.Errorf("demo documents: no pledge of the donor on %s", edr)
	}
	meetings, err := s.a.Store.ListMeetings(ctx)
	if err != nil {
		return err
	}
	if len(meetings) == 0 {
		return fmt.Errorf("demo documents: no meeting")
	}
	chart, err := progressChart([]int{21, 38, 52, 64}, 90)
	if err != nil {
		return err
	}
	for _, d := range []struct {
		by      string
		kind    model.DocumentRecord
		id      string
		name    string
		content []byte
	}{
		{"requester.energy", model.DocOnRequirement, edr, "EDR deployment plan.pdf",
			pdf("EDR deployment plan - regional power distributors", "Phase 1: Kyiv oblast dispatch centres", "Phase 2: district offices")},
		{"requester.energy", model.DocOnRequirement, edr, "EDR coverage by quarter.png", chart},
		{"donor", model.DocOnPledge, pledges[0].ID, "Commitment letter.pdf",
			pdf("Commitment letter", "The donor commits the pledged amount to EDR licences", "for the regional power distributors.")},
		{"coordinator", model.DocOnMeeting, meetings[0].ID, "Agenda.pdf",
			pdf("Coordination group - agenda", "1. Back office mandate", "2. Public statement", "3. Any other business")},
	} {
		if _, err := s.a.Documents.Create(ctx, s.users[d.by], d.kind, d.id, documents.Upload{
			Name: d.name, Content: bytes.NewReader(d.content), Size: int64(len(d.content)),
		}); err != nil {
			return fmt.Errorf("demo document %q: %w", d.name, err)
		}
	}
	return nil
}

// pdf writes a one-page PDF 1.4 of a few lines of Helvetica, with the
// cross-reference table a reader needs to open it.
func pdf(lines ...string) []byte {
	var text bytes.Buffer
	text.WriteString("BT /F1 14 Tf 56 780 Td 18 TL\n")
	for _, l := range lines {
		fmt.Fprintf(&text, "(%s) Tj T*\n", pdfEscape(l))
	}
	text.WriteString("ET")
	objects := []string{
		"<< /Type /Catalog /Pages 2 0 R >>",
		"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
		"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /Font << /F1 4 0 R >> >> /Contents 5 0 R >>",
		"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
		fmt.Sprintf("<< /Length %d >>\nstream\n%s\nendstream", text.Len(), text.String()),
	}
	var b bytes.Buffer
	b.WriteString("%PDF-1.4\n")
	offsets := make([]int, len(objects))
	for i, o := range objects {
		offsets[i] = b.Len()
		fmt.Fprintf(&b, "%d 0 obj\n%s\nendobj\n", i+1, o)
	}
	xref := b.Len()
	fmt.Fprintf(&b, "xref\n0 %d\n0000000000 65535 f \n", len(objects)+1)
	for _, off := range offsets {
		fmt.Fprintf(&b, "%010d 00000 n \n", off)
	}
	fmt.Fprintf(&b, "trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n", len(objects)+1, xref)
	return b.Bytes()
}

func pdfEscape(s string) string {
	var b bytes.Buffer
	for _, r := range s {
		switch {
		case r == '(' || r == ')' || r == '\\':
			b.WriteByte('\\')
			b.WriteRune(r)
		case r < 0x20 || r > 0x7e:
			// Helvetica in its standard encoding has no other letters.
			b.WriteByte('?')
		default:
			b.WriteRune(r)
		}
	}
	return b.String()
}

// progressChart draws the values as bars against the target's line.
func progressChart(values []int, target int) ([]byte, error) {
	const w, h, bar, gap = 240, 120, 40, 16
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	fill := func(x0, y0, x1, y1 int, c color.Color) {
		for y := y0; y < y1; y++ {
			for x := x0; x < x1; x++ {
				img.Set(x, y, c)
			}
		}
	}
	fill(0, 0, w, h, color.White)
	top := h - target*h/100
	fill(0, top, w, top+1, color.RGBA{0xb0, 0x30, 0x30, 0xff})
	for i, v := range values {
		x := gap + i*(bar+gap)
		fill(x, h-v*h/100, x+bar, h, color.RGBA{0x1f, 0x4e, 0x8c, 0xff})
	}
	var b bytes.Buffer
	if err := png.Encode(&b, img); err != nil {
		return nil, err
	}
	return b.Bytes(), nil
}
