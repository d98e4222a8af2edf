package governance

import (
	"context"
	"strconv"
	"strings"

	"github.com/cyberaid/cyberaid/internal/model"
	"github.com/cyberaid/cyberaid/internal/money"
	"github.com/cyberaid/cyberaid/internal/policy"
)

// Figures are the live numbers a public statement may quote. They are
// computed as the public sees the records, because an adopted statement is
// published to everyone.
type Figures struct {
	TotalPledgedEURMinor int64
	Members              []string // names, in order
	Observers            []string
}

// FigureSource computes the figures of the moment.
type FigureSource func(ctx context.Context) (Figures, error)

// Placeholders are what a statement's text may quote.
var Placeholders = []string{"{total_pledged_eur}", "{member_count}", "{members}", "{observer_count}", "{observers}"}

// Render replaces the placeholders of a statement's text with the figures.
func Render(text string, f Figures) string {
	return strings.NewReplacer(
		"{total_pledged_eur}", "EUR "+money.FormatMinor(f.TotalPledgedEURMinor, "EUR"),
		"{member_count}", strconv.Itoa(len(f.Members)),
		"{members}", strings.Join(f.Members, ", "),
		"{observer_count}", strconv.Itoa(len(f.Observers)),
		"{observers}", strings.Join(f.Observers, ", "),
	).Replace(text)
}

// PledgeLister lists the pledges a viewer may see.
type PledgeLister interface {
	All(ctx context.Context, v policy.Viewer, f model.PledgeFilter) ([]model.Pledge, error)
}

// PublicFigures computes the figures over what a visitor may see (CLEAR
// pledges through the mechanism that still stand), so that a published
// statement never reveals a labelled record, and the participants, which are public.
func PublicFigures(s interface {
	ListOrganisations(ctx context.Context) ([]model.Organisation, error)
}, pledges PledgeLister) FigureSource {
	return func(ctx context.Context) (Figures, error) {
		var f Figures
		pl, err := pledges.All(ctx, policy.Viewer{}, model.PledgeFilter{Channel: model.ChannelMechanism})
		if err != nil {
			return f, err
		}
		for _, p := range pl {
			if p.Status.Counts() {
				f.TotalPledgedEURMinor += p.EURMinor
			}
		}
		orgs, err := s.ListOrganisations(ctx)
		if err != nil {
			return f, err
		}
		for _, o := range orgs {
			switch o.Participation {
			case model.Member:
				f.Members = append(f.Members, o.Name)
			case model.Observer:
				f.Observers = append(f.Observers, o.Name)
			}
		}
		return f, nil
	}
}
