package coordination

import (
	"bytes"
	"encoding/binary"
	"encoding/hex"
	"slices"
	"sort"
	"strings"

	"github.com/google/uuid"

	"github.com/cyberaid/cyberaid/internal/model"
)

// findingsList is a viewer's ranked findings as they are kept between
// requests. At a million pledges a coordinator's findings are hundreds of
// thousands of alerts; as Alert values, each with its own strings and
// slices, they held about 500 bytes apiece and most of the server's
// memory. Here each alert is a run of bytes in blocks the collector need
// not scan, its requirement's id, reference and title are written once for
// every alert about it, a pledge's id takes 17 bytes rather than 36, a
// donor is a number, and a key made of the alert's kind and ids names
// them rather than repeating them (a third of the list, at a million
// pledges). The pledges named by the alerts about a requirement are written
// once in a range, with the requirement (findingsPacker.add); an alert about
// no requirement keeps its ids. Only the alerts of a page are decoded.
//
// The list is made of blocks of at most findingsBlock, or of one alert
// larger than that, so that it grows without copying what it holds: one
// growing buffer of 66 MB, at a million pledges, held its old and new
// copies at once each time it grew.
type findingsList struct {
	blocks [][]byte
	// at holds the alerts in ranked order.
	at   []packedAlert
	orgs []string
}

// findingsBlock is the size of a block; an alert or requirement larger
// than that has a block of its own. (A variable, for the tests.)
var findingsBlock = 1 << 20

// A place in the list is a block's number and an offset in it.
const blockShift = 32

func (l *findingsList) bytesAt(place int) []byte {
	return l.blocks[place>>blockShift][place&(1<<blockShift-1):]
}

// packedAlert is where an alert begins in the list, with what ranks it,
// its kind first.
type packedAlert struct {
	place int
	ranking
}

// findingsPacker builds a findingsList; the maps that share requirements
// and donors are let go when it is done.
type findingsPacker struct {
	list findingsList
	// open is the block being written, at place cur of the list's blocks
	// (-1 before the first and after a cut), copied there to its length
	// when it is full or cut: a range's alerts take a few hundred kB, and
	// a block of findingsBlock for each range, or blocks grown to fit,
	// left the collector hundreds of MB in a first reading. open is
	// written again after each copy. free are empty places in the list's
	// blocks, used before new ones are added.
	open    []byte
	cur     int
	free    []int
	written []int // the blocks written since the last cut
	reqAt   map[string]requirementEntry
	orgAt   map[string]int
	scratch []byte
}

func newFindingsPacker() *findingsPacker {
	return &findingsPacker{cur: -1, reqAt: map[string]requirementEntry{}, orgAt: map[string]int{}}
}

// requirementEntry is where a requirement's fields are written, with the
// table of the pledges its alerts name, each id's place in it.
type requirementEntry struct {
	place int
	table map[string]int
}

// add packs the alerts of out. The alerts about one requirement come
// together (onRequirement), and the ids of the pledges they name are
// written once, after the requirement's fields, each alert naming them by
// their place in that table: an over-coverage alert names every pledge on
// its requirement, a duplicate or a stale pledge names some again, and
// written in each alert the ids were half of the list at a million
// pledges.
func (p *findingsPacker) add(out alerts) {
	for len(out) > 0 {
		n := 1
		if id := out[0].RequirementID; id != "" {
			for n < len(out) && out[n].RequirementID == id {
				n++
			}
		}
		p.packAbout(out[:n])
		out = out[n:]
	}
}

// packAbout packs alerts about one requirement, or one alert about none.
// A requirement already written in this range is referred to again when
// its table holds every pledge these alerts name, and written again with
// a table of theirs otherwise.
func (p *findingsPacker) packAbout(as []Alert) {
	var e requirementEntry
	if id := as[0].RequirementID; id != "" {
		var ok bool
		if e, ok = p.reqAt[id]; !ok || !tableHolds(e.table, as) {
			e = p.putRequirement(as)
			p.reqAt[id] = e
		}
	} else {
		e.place = -1
	}
	for _, a := range as {
		p.pack(a, e)
	}
}

func tableHolds(table map[string]int, as []Alert) bool {
	for _, a := range as {
		for _, id := range a.PledgeIDs {
			if _, ok := table[id]; !ok {
				return false
			}
		}
	}
	return true
}

// putRequirement writes the fields of the requirement of as, from the
// first, and the table of the pledges they name.
func (p *findingsPacker) putRequirement(as []Alert) requirementEntry {
	a := as[0]
	table := map[string]int{}
	var ids []string
	for _, a := range as {
		for _, id := range a.PledgeIDs {
			if _, ok := table[id]; !ok {
				table[id] = len(ids)
				ids = append(ids, id)
			}
		}
	}
	b := putID(p.scratch[:0], a.RequirementID)
	b = putString(b, a.Ref)
	b = putString(b, a.Title)
	b = putString(b, string(a.Priority))
	b = binary.AppendUvarint(b, uint64(len(ids)))
	// Every id the store makes is a UUID: the table is then 16 bytes an id,
	// so that the k-th is found without reading those before it, whatever
	// the number of pledges on the requirement.
	uuids := make([]uuid.UUID, len(ids))
	allUUIDs := true
	for i, id := range ids {
		if uuids[i], allUUIDs = canonicalUUID(id); !allUUIDs {
			break
		}
	}
	if allUUIDs {
		b = append(b, tableOfUUIDs)
		for _, u := range uuids {
			b = append(b, u[:]...)
		}
	} else {
		b = append(b, tableOfIDs)
		for _, id := range ids {
			b = putID(b, id)
		}
	}
	p.scratch = b
	return requirementEntry{place: p.put(b), table: table}
}

// put copies b into the block being written, or a new one when it does
// not fit, and returns its place.
func (p *findingsPacker) put(b []byte) int {
	l := &p.list
	if p.cur < 0 || len(p.open)+len(b) > max(findingsBlock, len(p.open)) {
		p.seal()
		if n := len(p.free); n > 0 {
			p.cur, p.free = p.free[n-1], p.free[:n-1]
		} else {
			p.cur = len(l.blocks)
			l.blocks = append(l.blocks, nil)
		}
		p.written = append(p.written, p.cur)
		p.open = p.open[:0]
	}
	place := p.cur<<blockShift | len(p.open)
	p.open = append(p.open, b...)
	return place
}

// seal copies the block being written into the list, to its length.
func (p *findingsPacker) seal() {
	if p.cur >= 0 {
		p.list.blocks[p.cur] = bytes.Clone(p.open)
	}
}

// cut ends a range of the list (kept_findings.go): it returns the blocks
// written since the last cut, which hold every alert packed since and the
// requirements they refer to, so that they can be dropped together. No
// later range writes into them.
func (p *findingsPacker) cut() []int {
	p.seal()
	out := p.written
	p.cur, p.written = -1, nil
	clear(p.reqAt)
	return out
}

// pack writes a after the entry of its requirement, e (place -1: none).
func (p *findingsPacker) pack(a Alert, e requirementEntry) {
	b := putKey(p.scratch[:0], a)
	// The requirement's place plus one: 0 is no requirement.
	b = binary.AppendUvarint(b, uint64(e.place+1))
	b = binary.AppendVarint(b, a.EURMinor)
	b = binary.AppendUvarint(b, uint64(len(a.PledgeIDs)))
	for _, id := range a.PledgeIDs {
		if e.table != nil {
			b = binary.AppendUvarint(b, uint64(e.table[id]))
		} else {
			b = putID(b, id)
		}
	}
	b = binary.AppendUvarint(b, uint64(len(a.DonorOrgIDs)))
	for _, id := range a.DonorOrgIDs {
		n, ok := p.orgAt[id]
		if !ok {
			n = len(p.list.orgs)
			p.list.orgs = append(p.list.orgs, id)
			p.orgAt[id] = n
		}
		b = binary.AppendUvarint(b, uint64(n))
	}
	p.list.at = append(p.list.at, packedAlert{place: p.put(b), ranking: rankingOf(a)})
	p.scratch = b
}

// done ranks the alerts (alertOrder) and returns the list.
func (p *findingsPacker) done() *findingsList {
	// The list is copied out of the packer, so that the maps the packer
	// keeps to share requirements and donors are let go with it, and a
	// later add cannot change a list that is shared.
	p.seal()
	l := &findingsList{blocks: p.list.blocks, at: p.list.at, orgs: p.list.orgs}
	*p = findingsPacker{}
	l.rank(l.at)
	return l
}

// repack starts a list from old without the alerts in the blocks of drop:
// the alerts packed next are written into blocks old does not use, and
// merged ranks them among those of old left. old is never changed: it is
// shared with the requests reading it.
func repack(old *findingsList, drop []int) *findingsPacker {
	p := newFindingsPacker()
	p.list.blocks = slices.Clone(old.blocks)
	// The donors' numbers stay those of old; new donors are added after
	// them, in a copy.
	p.list.orgs = slices.Clip(old.orgs)
	for i, id := range old.orgs {
		p.orgAt[id] = i
	}
	for _, b := range drop {
		p.list.blocks[b] = nil
	}
	for i, b := range p.list.blocks {
		if b == nil {
			p.free = append(p.free, i)
		}
	}
	return p
}

// merged is old without the alerts of the blocks dropped (repack), with
// those packed since, ranked. The alerts packed are few beside old's, so
// each is placed by a binary search among old's rather than all ranked
// again: ranking compares keys wherever the kind, priority and days are
// equal, as they are for most alerts.
func (p *findingsPacker) merged(old *findingsList, drop []int) *findingsList {
	dropped := make([]bool, len(old.blocks))
	for _, b := range drop {
		dropped[b] = true
	}
	p.seal()
	l := &findingsList{blocks: p.list.blocks, orgs: p.list.orgs}
	fresh := p.list.at
	*p = findingsPacker{}
	l.rank(fresh)
	left := make([]packedAlert, 0, len(old.at))
	for _, e := range old.at {
		if !dropped[e.place>>blockShift] {
			left = append(left, e)
		}
	}
	l.at = make([]packedAlert, 0, len(left)+len(fresh))
	var kx, ky []byte
	i := 0
	for _, e := range fresh {
		j := i + sort.Search(len(left)-i, func(k int) bool { return l.compare(left[i+k], e, &kx, &ky) > 0 })
		l.at = append(append(l.at, left[i:j]...), e)
		i = j
	}
	l.at = append(l.at, left[i:]...)
	return l
}

// rank sorts at by alertOrder.
func (l *findingsList) rank(at []packedAlert) {
	var kx, ky []byte
	slices.SortFunc(at, func(x, y packedAlert) int { return l.compare(x, y, &kx, &ky) })
}

// compare is alertOrder of the alerts at x and y; the keys are read into
// kx and ky only when their ranks are equal.
func (l *findingsList) compare(x, y packedAlert, kx, ky *[]byte) int {
	if c := x.compare(y.ranking); c != 0 {
		return c
	}
	*kx, *ky = l.appendKey((*kx)[:0], x), l.appendKey((*ky)[:0], y)
	return bytes.Compare(*kx, *ky)
}

// Len is the number of alerts.
func (l *findingsList) Len() int { return len(l.at) }

// appendKey appends the key of the alert at e to dst: a caller that reads
// many keys passes the same buffer each time and allocates nothing.
func (l *findingsList) appendKey(dst []byte, e packedAlert) []byte {
	r := reader{buf: l.bytesAt(e.place)}
	if r.readByte() == keyAsWritten {
		return append(dst, r.readBytes()...)
	}
	// The parts name the alert's requirement, pledges and donors, which
	// follow them: find where each list begins, then write the key.
	parts := r.off
	r.off = 0
	r.skipKey()
	req, onReq := l.requirement(r.readUvarint())
	r.readVarint()
	pledges := r.off
	for range r.readUvarint() {
		r.skipPledge(onReq)
	}
	donors := r.off

	dst = append(dst, kindsInOrder[e.order]...)
	r.off = parts
	for range r.readUvarint() {
		dst = append(dst, ':')
		switch part := r.readUvarint(); {
		case part == partText:
			dst = append(dst, r.readBytes()...)
		case part == partRequirement:
			id := req
			dst = id.appendID(dst)
		case part%2 == 0:
			ids := reader{buf: r.buf, off: pledges}
			ids.readUvarint()
			for range (part - partPledge) / 2 {
				ids.skipPledge(onReq)
			}
			dst = ids.appendPledge(dst, req, onReq)
		default:
			ids := reader{buf: r.buf, off: donors}
			ids.readUvarint()
			for range (part - partDonor) / 2 {
				ids.readUvarint()
			}
			dst = append(dst, l.orgs[ids.readUvarint()]...)
		}
	}
	return dst
}

// requirement is a reader at the entry of the requirement at req, as an
// alert refers to it (its place plus one), and whether there is one.
func (l *findingsList) requirement(req uint64) (reader, bool) {
	if req == 0 {
		return reader{}, false
	}
	return reader{buf: l.bytesAt(int(req - 1))}, true
}

// key appends the i-th alert's key to dst.
func (l *findingsList) key(dst []byte, i int) []byte { return l.appendKey(dst, l.at[i]) }

// kind is the i-th alert's kind, which its rank says.
func (l *findingsList) kind(i int) model.AlertKind { return kindsInOrder[l.at[i].order] }

// alert decodes the i-th alert.
func (l *findingsList) alert(i int) Alert {
	e := l.at[i]
	r := reader{buf: l.bytesAt(e.place)}
	a := Alert{Key: string(l.appendKey(nil, e)), Kind: kindsInOrder[e.order], DaysWaiting: int(e.days)}
	r.skipKey()
	req, onReq := l.requirement(r.readUvarint())
	if onReq {
		rr := req
		a.RequirementID, a.Ref, a.Title, a.Priority = rr.readID(), rr.readString(), rr.readString(), model.Priority(rr.readString())
	}
	a.EURMinor = r.readVarint()
	a.PledgeIDs = make([]string, r.readUvarint())
	for j := range a.PledgeIDs {
		a.PledgeIDs[j] = string(r.appendPledge(nil, req, onReq))
	}
	a.DonorOrgIDs = make([]string, r.readUvarint())
	for j := range a.DonorOrgIDs {
		a.DonorOrgIDs[j] = l.orgs[r.readUvarint()]
	}
	return a
}

func putString(b []byte, s string) []byte {
	b = binary.AppendUvarint(b, uint64(len(s)))
	return append(b, s...)
}

// A key is written as it is, or, when it is the alert's kind followed by
// parts each after a colon, as those parts: each the alert's requirement,
// one of its pledges or donors (by its place in the alert's list), or
// text. Every key the findings make is of the second form, with a few ids.
const (
	keyAsWritten byte = iota
	keyOfParts
)

const (
	partRequirement = iota
	partText
	partPledge // the first pledge; the j-th is partPledge + 2j
	partDonor  // the first donor; the j-th is partDonor + 2j
)

func putKey(b []byte, a Alert) []byte {
	rest, ok := strings.CutPrefix(a.Key, string(a.Kind)+":")
	// The kind is read back from the alert's rank (kindsInOrder).
	if !ok || !slices.Contains(kindsInOrder, a.Kind) {
		return putString(append(b, keyAsWritten), a.Key)
	}
	b = append(b, keyOfParts)
	b = binary.AppendUvarint(b, uint64(strings.Count(rest, ":")+1))
	for part := range strings.SplitSeq(rest, ":") {
		switch {
		case part != "" && part == a.RequirementID:
			b = binary.AppendUvarint(b, partRequirement)
		case part != "" && slices.Contains(a.PledgeIDs, part):
			b = binary.AppendUvarint(b, uint64(partPledge+2*slices.Index(a.PledgeIDs, part)))
		case part != "" && slices.Contains(a.DonorOrgIDs, part):
			b = binary.AppendUvarint(b, uint64(partDonor+2*slices.Index(a.DonorOrgIDs, part)))
		default:
			b = putString(binary.AppendUvarint(b, partText), part)
		}
	}
	return b
}

// An id is written as its 16 bytes when it is a UUID in its canonical
// form, which every id the store makes is, and as text otherwise.
const (
	idUUID byte = iota
	idText
)

func putID(b []byte, id string) []byte {
	if u, ok := canonicalUUID(id); ok {
		return append(append(b, idUUID), u[:]...)
	}
	return putString(append(b, idText), id)
}

// canonicalUUID is id as a UUID when it is one in its canonical form, the
// 36 characters with dashes in lower case, which hexUUID writes back as it
// was (strings.ToLower returns such a string itself, copying nothing).
func canonicalUUID(id string) (uuid.UUID, bool) {
	if len(id) == 36 && strings.ToLower(id) == id {
		if u, err := uuid.Parse(id); err == nil {
			return u, true
		}
	}
	return uuid.UUID{}, false
}

type reader struct {
	buf []byte
	off int
}

func (r *reader) readByte() byte {
	c := r.buf[r.off]
	r.off++
	return c
}

func (r *reader) readUvarint() uint64 {
	n, w := binary.Uvarint(r.buf[r.off:])
	r.off += w
	return n
}

func (r *reader) readVarint() int64 {
	n, w := binary.Varint(r.buf[r.off:])
	r.off += w
	return n
}

// readBytes is the string at r, in the list's own bytes.
func (r *reader) readBytes() []byte {
	n := int(r.readUvarint())
	b := r.buf[r.off : r.off+n]
	r.off += n
	return b
}

func (r *reader) readString() string { return string(r.readBytes()) }

func (r *reader) skipString() { r.readBytes() }

func (r *reader) skipKey() {
	if r.readByte() == keyAsWritten {
		r.skipString()
		return
	}
	for range r.readUvarint() {
		if r.readUvarint() == partText {
			r.skipString()
		}
	}
}

func (r *reader) readID() string {
	return string(r.appendID(nil))
}

// appendID appends the id at r to dst, as it was written.
func (r *reader) appendID(dst []byte) []byte {
	if r.readByte() == idText {
		return append(dst, r.readBytes()...)
	}
	return r.appendUUID(dst)
}

// appendUUID appends the 16 bytes at r to dst as a UUID's canonical form.
func (r *reader) appendUUID(dst []byte) []byte {
	var u uuid.UUID
	r.off += copy(u[:], r.buf[r.off:r.off+16])
	var text [36]byte
	hexUUID(&text, u)
	return append(dst, text[:]...)
}

// appendPledge appends the id of the pledge at r to dst: its place in the
// table of the requirement at req when the alert is about one (onReq), the
// id itself otherwise.
func (r *reader) appendPledge(dst []byte, req reader, onReq bool) []byte {
	if !onReq {
		return r.appendID(dst)
	}
	k := int(r.readUvarint())
	req.skipID()
	req.skipString()
	req.skipString()
	req.skipString()
	req.readUvarint()
	if req.readByte() == tableOfUUIDs {
		req.off += 16 * k
		return req.appendUUID(dst)
	}
	for range k {
		req.skipID()
	}
	return req.appendID(dst)
}

// A requirement's table of pledges is of UUIDs, 16 bytes each, or of ids
// as putID writes them.
const (
	tableOfUUIDs byte = iota
	tableOfIDs
)

// skipPledge skips what appendPledge reads.
func (r *reader) skipPledge(onReq bool) {
	if onReq {
		r.readUvarint()
	} else {
		r.skipID()
	}
}

func (r *reader) skipID() {
	if r.readByte() == idText {
		r.skipString()
		return
	}
	r.off += 16
}

// hexUUID writes u in its canonical form, as uuid.UUID.String does,
// without the string.
func hexUUID(dst *[36]byte, u uuid.UUID) {
	hex.Encode(dst[0:8], u[0:4])
	dst[8] = '-'
	hex.Encode(dst[9:13], u[4:6])
	dst[13] = '-'
	hex.Encode(dst[14:18], u[6:8])
	dst[18] = '-'
	hex.Encode(dst[19:23], u[8:10])
	dst[23] = '-'
	hex.Encode(dst[24:], u[10:])
}
