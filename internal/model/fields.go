package model

import "slices"

// A Field checks one field of an input and, when the input names it (a
// nil field is left unchanged), sets it on the record. Services list their
// fields in a table and apply them in order; every field at fault is
// reported, the first first, so that a form marks them all at once.
type Field struct {
	given bool
	// apply checks and sets the field, and reports whether its value
	// changed.
	apply func() (changed bool, err error)
}

// ApplyFields applies the fields in order and reports whether any value
// changed. It checks every field even after one is at fault, and then
// reports them all (see Collect); the record is then half changed and must
// not be saved.
func ApplyFields(fields ...Field) (changed bool, err error) {
	var errs []error
	for _, f := range fields {
		if !f.given {
			continue
		}
		c, err := f.apply()
		if err != nil {
			errs = append(errs, err)
			continue
		}
		changed = changed || c
	}
	if err := Collect(errs...); err != nil {
		return false, err
	}
	return changed, nil
}

// ApplyGiven is ApplyFields that reports whether the input named any of
// the fields, changed or not.
func ApplyGiven(fields ...Field) (given bool, err error) {
	for _, f := range fields {
		given = given || f.given
	}
	if _, err := ApplyFields(fields...); err != nil {
		return false, err
	}
	return given, nil
}

// Set checks in and stores it in out. check may be nil.
func Set[T comparable](in, out *T, check func(T) error) Field {
	return Field{given: in != nil, apply: func() (bool, error) {
		if check != nil {
			if err := check(*in); err != nil {
				return false, err
			}
		}
		changed := *in != *out
		*out = *in
		return changed, nil
	}}
}

// Code is Set for a code: a value valid refuses is invalid input, told
// with message, whose first argument is the value.
func Code[T ~string](field string, in, out *T, valid func(T) bool, message string, args ...any) Field {
	return Set(in, out, func(v T) error {
		if !valid(v) {
			return Invalid(field, message, append([]any{v}, args...)...)
		}
		return nil
	})
}

// OrNone also accepts the empty code, for a field that may be left unset.
func OrNone[T ~string](valid func(T) bool) func(T) bool {
	return func(v T) bool { return v == "" || valid(v) }
}

// Label is the TLP label of a record.
func Label(in, out *TLP) Field {
	return Code("tlp", in, out, TLP.Valid, "%q is not a TLP label; use clear, green, amber, amber+strict or red")
}

// Amount is a positive amount in minor units, at most max; what names what
// it is the amount of in the refusal of a larger one.
func Amount(field string, in, out *int64, max int64, what string) Field {
	return Set(in, out, func(a int64) error {
		if a <= 0 {
			return Broken(field, "amount_not_positive", "must be more than zero")
		}
		if a > max {
			return Broken(field, "amount_too_large", "is larger than any %s can be (at most %d minor units)", what, max)
		}
		return nil
	})
}

// Text cleans in (see CleanText) and stores it in out.
func Text(field string, in, out *string, min, max int) Field {
	return Field{given: in != nil, apply: func() (bool, error) {
		t, err := CleanText(field, *in, min, max)
		if err != nil {
			return false, err
		}
		changed := t != *out
		*out = t
		return changed, nil
	}}
}

// IDs stores a set of ids, sorted and without repeats.
func IDs(in *[]string, out *[]string) Field {
	return Field{given: in != nil, apply: func() (bool, error) {
		ids := slices.Clone(*in)
		slices.Sort(ids)
		ids = slices.Compact(ids)
		changed := !slices.Equal(ids, *out)
		*out = ids
		return changed, nil
	}}
}

// Quiet applies f but never counts it as a change.
func Quiet(f Field) Field {
	return Field{given: f.given, apply: func() (bool, error) {
		_, err := f.apply()
		return false, err
	}}
}

// CodeSet stores a set of codes, sorted and without repeats; a code valid
// refuses is invalid input.
func CodeSet[T ~string](field string, in, out *[]T, valid func(T) bool) Field {
	return Field{given: in != nil, apply: func() (bool, error) {
		for _, v := range *in {
			if !valid(v) {
				return false, Invalid(field, "%q is not a known code", v)
			}
		}
		set := slices.Clone(*in)
		slices.Sort(set)
		set = slices.Compact(set)
		changed := !slices.Equal(set, *out)
		*out = set
		return changed, nil
	}}
}
