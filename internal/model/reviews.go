package model

import "slices"

// WorkingGroup is the part of the beneficiary government a validator
// reviews requirements for.
type WorkingGroup string

const (
	// GroupTechnical scores technical capacity and relevance.
	GroupTechnical WorkingGroup = "technical"
	// GroupInteragency scores strategic importance.
	GroupInteragency WorkingGroup = "interagency"
)

var WorkingGroups = []WorkingGroup{GroupTechnical, GroupInteragency}

func (g WorkingGroup) Valid() bool { return slices.Contains(WorkingGroups, g) }

// RecipientType is the kind of body of the beneficiary country that
// receives the help a requirement asks for.
type RecipientType string

const RecipientOther RecipientType = "other"

var RecipientTypes = []RecipientType{"central_executive_body", "local_executive_body", "state_owned_enterprise", "critical_infrastructure_operator", RecipientOther}

func (t RecipientType) Valid() bool { return slices.Contains(RecipientTypes, t) }

// Scores are a review's marks, each 1 to 5; a group gives only its own.
type Scores struct {
	TechnicalCapacity   *int `json:"technical_capacity,omitempty"`
	Relevance           *int `json:"relevance,omitempty"`
	StrategicImportance *int `json:"strategic_importance,omitempty"`
}

// MinScore and MaxScore bound every score.
const (
	MinScore = 1
	MaxScore = 5
)

// Check refuses a score out of range, or one the group does not give.
func (s Scores) Check(g WorkingGroup) error {
	for _, sc := range []struct {
		field string
		value *int
		group WorkingGroup
	}{
		{"scores.technical_capacity", s.TechnicalCapacity, GroupTechnical},
		{"scores.relevance", s.Relevance, GroupTechnical},
		{"scores.strategic_importance", s.StrategicImportance, GroupInteragency},
	} {
		if sc.value == nil {
			continue
		}
		if *sc.value < MinScore || *sc.value > MaxScore {
			return Invalid(sc.field, "must be a whole number from %d to %d", MinScore, MaxScore)
		}
		if sc.group != g {
			return Broken(sc.field, "score_not_for_group", "is scored by the %s working group, not the %s one", sc.group, g)
		}
	}
	return nil
}

// ReviewState is where the reviews of a submitted requirement stand, as a
// list filter: awaiting_technical matches every submitted requirement whose
// current round has no technical review yet.
type ReviewState string

const (
	AwaitingTechnical   ReviewState = "awaiting_technical"
	AwaitingInteragency ReviewState = "awaiting_interagency"
)

var ReviewStates = []ReviewState{AwaitingTechnical, AwaitingInteragency}

func (s ReviewState) Valid() bool { return slices.Contains(ReviewStates, s) }

// Group is the working group whose review the state waits for.
func (s ReviewState) Group() WorkingGroup {
	switch s {
	case AwaitingTechnical:
		return GroupTechnical
	case AwaitingInteragency:
		return GroupInteragency
	}
	return ""
}

// AwaitingOf is the review state waiting for group g.
func AwaitingOf(g WorkingGroup) ReviewState { return ReviewState("awaiting_" + string(g)) }
