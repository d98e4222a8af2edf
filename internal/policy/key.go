package policy

import (
	"strconv"
	"time"
)

// Key names everything of v the policy may read: the platform's own mark,
// the user, every field of their organisation (participation and kind
// among them) and their roles in order. Two viewers with the same key are
// the same to the policy; a change to any field is another key. Readings
// kept for a viewer are kept under it (readings.ViewerKey), so a field
// added to Viewer or Organisation must be named here:
// TestKeyNamesEveryField fails until it is.
//
// Each part is written with its length first, so that no two viewers
// whose fields differ can write the same key. It is built by hand rather
// than by printing v with reflection, which cost a kept answer a tenth of
// its time.
func (v Viewer) Key() string {
	b := make([]byte, 0, 256)
	text := func(s string) {
		b = strconv.AppendInt(b, int64(len(s)), 10)
		b = append(b, ':')
		b = append(b, s...)
	}
	instant := func(t time.Time) { text(t.Format(time.RFC3339Nano)) }
	b = strconv.AppendBool(b, v.system)
	text(v.UserID)
	o := v.Org
	text(o.ID)
	text(o.Name)
	text(string(o.Kind))
	text(string(o.Participation))
	text(o.Country)
	instant(o.CreatedAt)
	instant(o.UpdatedAt)
	text(o.NameUK)
	text(o.NameFR)
	b = strconv.AppendInt(b, int64(len(v.Roles)), 10)
	for _, r := range v.Roles {
		text(string(r))
	}
	return string(b)
}
