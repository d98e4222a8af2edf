package web

import (
	"slices"
	"sort"
)

// formOrder lists each form's fields top to bottom, so that its error
// summary names the problems in the order the reader meets the fields.
var formOrder = map[string][]string{
	"requirement":  requirementFields,
	"offer":        offerFields,
	"pledge":       pledgeFields,
	"bilateral":    bilateralFields,
	"lesson":       lessonFields,
	"organisation": organisationFields,
	"user":         userFields,
	"proposal":     proposalFields,
	"rotation":     rotationFields,
	"signin":       {"email", "password", "totp", "provider", "passkey"},
	"sso":          ssoFields,
	"account":      {"name", "credential", "passkey"},
	"decision":     {"decision", "comment"},
	"position":     {"position", "reason", "text"},
	"meeting":      meetingFields,
	"attendance":   {"attendee_org_ids"},
	"minutes":      {"minutes"},
}

// problem is one line of an error summary: the sentence, linking to the
// field it is about (its input's id is f-FIELD).
type problem struct {
	Field string
	Text  string
}

// summary is what the error-summary partial shows: every field's problem
// in form order, and a message no field could take.
type summary struct {
	Items   []problem
	Message string
}

// problemsOf orders a form's field errors for its summary; a field the
// form does not list comes last, by name.
func problemsOf(form string, errs map[string]string, message string) summary {
	return problemsIn(formOrder[form], errs, message)
}

// problemsIn orders field errors as the fields of order are.
func problemsIn(order []string, errs map[string]string, message string) summary {
	fields := make([]string, 0, len(errs))
	for f := range errs {
		fields = append(fields, f)
	}
	rank := func(f string) int {
		if i := slices.Index(order, f); i >= 0 {
			return i
		}
		return len(order)
	}
	sort.SliceStable(fields, func(i, j int) bool {
		ri, rj := rank(fields[i]), rank(fields[j])
		if ri != rj {
			return ri < rj
		}
		return fields[i] < fields[j]
	})
	out := summary{Message: message}
	for _, f := range fields {
		out.Items = append(out.Items, problem{Field: f, Text: errs[f]})
	}
	return out
}

var (
	proposalFields = []string{"kind", "procedure", "title", "text", "deadline", "subject_org_id", "tlp"}
	rotationFields = []string{"starts", "ends", "front_office_org_id", "back_office_org_id"}
	ssoFields      = []string{"name", "issuer", "client_id", "client_secret", "email_domains"}
)
