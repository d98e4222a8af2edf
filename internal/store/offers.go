package store

import (
	"context"
	"slices"
	"strings"

	"github.com/cyberaid/cyberaid/internal/model"
)

// Offers keeps the offers catalogue, the link from each pledge drawn from
// an offer to that offer, and the acknowledgements of deconfliction alerts.
type Offers interface {
	CreateOffer(ctx context.Context, o *model.Offer) error
	UpdateOffer(ctx context.Context, o *model.Offer) error
	// OfferByID locks the row for update inside a PostgreSQL transaction.
	OfferByID(ctx context.Context, id string) (model.Offer, error)
	// OffersByID returns the offers of the given ids that exist, with their
	// access lists, in no particular order.
	OffersByID(ctx context.Context, ids []string) ([]model.Offer, error)
	// ListOffers returns up to limit offers matching f, newest first, after
	// the cursor ("" starts at the newest; limit <= 0 means all).
	ListOffers(ctx context.Context, f model.OfferFilter, after string, limit int) ([]model.Offer, error)
	// EachOffer calls fn for every offer matching f, newest first.
	EachOffer(ctx context.Context, f model.OfferFilter, fn func(model.Offer) error) error
	// LinkOfferPledge records that a pledge was drawn from an offer.
	LinkOfferPledge(ctx context.Context, l model.OfferPledge) error
	// OfferPledges returns the links of the given offers; nil ids means all.
	OfferPledges(ctx context.Context, offerIDs []string) ([]model.OfferPledge, error)
	// OfferCommitted sums, per offer, the EUR of the pledges drawn from it
	// that still count (neither withdrawn nor rejected).
	OfferCommitted(ctx context.Context) (map[string]int64, error)
	// PutAcknowledgement records or replaces the acknowledgement of an alert.
	PutAcknowledgement(ctx context.Context, a model.Acknowledgement) error
	// Acknowledgements returns every acknowledgement by key.
	Acknowledgements(ctx context.Context) (map[string]model.Acknowledgement, error)
}

const grantOffer = "offer"

const offerColumns = `id, donor_org_id, title, description, kind, amount_minor, currency, eur_minor, rate, rate_date, offer_date,
	quantity, unit, sectors, categories, lines, regions, valid_until, status, review, review_comment, tlp,
	created_by, created_at, updated_at, rate_provisional`

const offerSelect = `id, donor_org_id, title, description, kind, amount_minor, currency, eur_minor, rate, rate_date, offer_date,
	quantity, unit, sectors, categories, lines, regions, valid_until, status, review, review_comment, tlp,
	COALESCE(created_by, ''), created_at, updated_at, rate_provisional`

// codeSet stores a constraint set as sorted, comma-separated codes.
func codeSet[T ~string](set []T) string {
	s := make([]string, len(set))
	for i, v := range set {
		s[i] = string(v)
	}
	slices.Sort(s)
	return strings.Join(slices.Compact(s), ",")
}

func parseCodeSet[T ~string](s string) []T {
	if s == "" {
		return nil
	}
	parts := strings.Split(s, ",")
	out := make([]T, len(parts))
	for i, p := range parts {
		out[i] = T(p)
	}
	return out
}

func scanOffer(s scanner) (model.Offer, error) {
	var o model.Offer
	var sectors, categories, lines, regions string
	err := s.Scan(&o.ID, &o.DonorOrgID, &o.Title, &o.Description, &o.Kind, &o.AmountMinor, &o.Currency, &o.EURMinor, &o.Rate, &o.RateDate, &o.OfferDate,
		&o.Quantity, &o.Unit, &sectors, &categories, &lines, &regions, &o.ValidUntil, &o.Status, &o.Review, &o.ReviewComment, &o.TLP,
		&o.CreatedBy, instant{&o.CreatedAt}, instant{&o.UpdatedAt}, &o.RateProvisional)
	o.Sectors = parseCodeSet[model.Sector](sectors)
	o.Categories = parseCodeSet[model.Category](categories)
	o.Lines = parseCodeSet[model.LineOfEffort](lines)
	o.Regions = parseCodeSet[string](regions)
	return o, err
}

// canonicalOffer gives the caller's copy the form a read returns.
func canonicalOffer(o *model.Offer) {
	o.Sectors = parseCodeSet[model.Sector](codeSet(o.Sectors))
	o.Categories = parseCodeSet[model.Category](codeSet(o.Categories))
	o.Lines = parseCodeSet[model.LineOfEffort](codeSet(o.Lines))
	o.Regions = parseCodeSet[string](codeSet(o.Regions))
	o.NamedUserIDs = canonicalIDs(o.NamedUserIDs)
}

func (q *queries) CreateOffer(ctx context.Context, o *model.Offer) error {
	if o.ID == "" {
		o.ID = NewID()
	}
	stampCreate(&o.CreatedAt, &o.UpdatedAt)
	canonicalOffer(o)
	err := q.atomic(ctx, func(q *queries) error {
		_, err := q.wr.exec(ctx, `INSERT INTO offers (`+offerColumns+`) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
			o.ID, o.DonorOrgID, o.Title, o.Description, o.Kind, o.AmountMinor, o.Currency, o.EURMinor, o.Rate, o.RateDate, o.OfferDate,
			o.Quantity, o.Unit, codeSet(o.Sectors), codeSet(o.Categories), codeSet(o.Lines), codeSet(o.Regions), o.ValidUntil,
			o.Status, o.Review, o.ReviewComment, o.TLP, nullIfEmpty(o.CreatedBy), o.CreatedAt, o.UpdatedAt, o.RateProvisional)
		if err != nil {
			return err
		}
		// A new record has no grants to replace.
		return q.insertGrants(ctx, grantOffer, o.ID, nil, o.NamedUserIDs)
	})
	return dbErr(err, "create offer")
}

// UpdateOffer writes every field but the id, the donor and the creation.
func (q *queries) UpdateOffer(ctx context.Context, o *model.Offer) error {
	stampUpdate(&o.UpdatedAt)
	canonicalOffer(o)
	err := q.atomic(ctx, func(q *queries) error {
		err := q.wr.execOne(ctx, `UPDATE offers SET title = ?, description = ?, kind = ?, amount_minor = ?, currency = ?, eur_minor = ?,
			rate = ?, rate_date = ?, offer_date = ?, quantity = ?, unit = ?, sectors = ?, categories = ?, lines = ?, regions = ?,
			valid_until = ?, status = ?, review = ?, review_comment = ?, tlp = ?, updated_at = ?, rate_provisional = ? WHERE id = ?`,
			o.Title, o.Description, o.Kind, o.AmountMinor, o.Currency, o.EURMinor,
			o.Rate, o.RateDate, o.OfferDate, o.Quantity, o.Unit, codeSet(o.Sectors), codeSet(o.Categories), codeSet(o.Lines), codeSet(o.Regions),
			o.ValidUntil, o.Status, o.Review, o.ReviewComment, o.TLP, o.UpdatedAt, o.RateProvisional, o.ID)
		if err != nil {
			return err
		}
		return q.replaceGrants(ctx, grantOffer, o.ID, nil, o.NamedUserIDs)
	})
	return dbErr(err, "update offer %s", o.ID)
}

func (q *queries) loadOfferGrants(ctx context.Context, os []model.Offer) error {
	ids := make([]string, len(os))
	for i, o := range os {
		ids[i] = o.ID
	}
	gs, err := q.loadGrants(ctx, grantOffer, ids)
	if err != nil {
		return err
	}
	for i := range os {
		os[i].NamedUserIDs = gs[os[i].ID].userIDs
	}
	return nil
}

func (q *queries) OfferByID(ctx context.Context, id string) (model.Offer, error) {
	o, err := scanOffer(q.rd.row(ctx, `SELECT `+offerSelect+` FROM offers WHERE id = ?`+q.forUpdate(), id))
	if err != nil {
		return model.Offer{}, dbErr(err, "offer %s", id)
	}
	os := []model.Offer{o}
	if err := q.loadOfferGrants(ctx, os); err != nil {
		return model.Offer{}, dbErr(err, "offer %s", id)
	}
	return os[0], nil
}

func (q *queries) OffersByID(ctx context.Context, ids []string) ([]model.Offer, error) {
	var os []model.Offer
	err := q.inChunks(canonicalIDs(ids), func(in string, args []any) error {
		chunk, err := queryAll(ctx, q.rd, scanOffer, `SELECT `+offerSelect+` FROM offers WHERE id IN (`+in+`)`, args...)
		os = append(os, chunk...)
		return err
	})
	if err == nil {
		err = q.loadOfferGrants(ctx, os)
	}
	return os, dbErr(err, "offers")
}

func (q *queries) ListOffers(ctx context.Context, f model.OfferFilter, after string, limit int) ([]model.Offer, error) {
	conds, args := offerConds(f)
	add := func(cond string, arg any) {
		conds, args = append(conds, cond), append(args, arg)
	}
	if after != "" {
		add("id < ?", after)
	}
	lim, args := limitClause(limit, args)
	os, err := queryAll(ctx, q.rd, scanOffer, `SELECT `+offerSelect+` FROM offers`+where(conds)+` ORDER BY id DESC`+lim, args...)
	if err == nil {
		err = q.loadOfferGrants(ctx, os)
	}
	if err != nil {
		return nil, dbErr(err, "list offers")
	}
	return os, nil
}

// offerConds is the SQL of an offer filter.
func offerConds(f model.OfferFilter) ([]string, []any) {
	var conds []string
	var args []any
	add := func(cond string, arg any) {
		conds, args = append(conds, cond), append(args, arg)
	}
	if f.DonorOrgID != "" {
		add("donor_org_id = ?", f.DonorOrgID)
	}
	if f.Status != "" {
		add("status = ?", f.Status)
	}
	// An open set matches every code; a listed one must name it.
	if f.Sector != "" {
		add("(sectors = '' OR ',' || sectors || ',' LIKE ?)", "%,"+string(f.Sector)+",%")
	}
	if f.Category != "" {
		add("(categories = '' OR ',' || categories || ',' LIKE ?)", "%,"+string(f.Category)+",%")
	}
	return conds, args
}

var offerTable = table[model.Offer]{
	name:    "offers",
	columns: func(*queries) string { return offerSelect },
	scan:    scanOffer,
	id:      func(o *model.Offer) string { return o.ID },
	grant:   grantOffer,
	set:     func(o *model.Offer, g grants) { o.NamedUserIDs = g.userIDs },
}

// EachOffer calls fn for every offer matching f, newest first, with its
// access lists; it stops at the first error fn returns.
func (q *queries) EachOffer(ctx context.Context, f model.OfferFilter, fn func(model.Offer) error) error {
	conds, args := offerConds(f)
	return each(ctx, q, offerTable, conds, args, fn)
}

func (q *queries) LinkOfferPledge(ctx context.Context, l model.OfferPledge) error {
	_, err := q.wr.exec(ctx, `INSERT INTO offer_pledges (pledge_id, offer_id) VALUES (?, ?)`, l.PledgeID, l.OfferID)
	return dbErr(err, "link pledge %s to offer %s", l.PledgeID, l.OfferID)
}

func scanOfferPledge(s scanner) (model.OfferPledge, error) {
	var l model.OfferPledge
	err := s.Scan(&l.OfferID, &l.PledgeID)
	return l, err
}

func (q *queries) OfferPledges(ctx context.Context, offerIDs []string) ([]model.OfferPledge, error) {
	var out []model.OfferPledge
	var err error
	if offerIDs == nil {
		out, err = queryAll(ctx, q.rd, scanOfferPledge, `SELECT offer_id, pledge_id FROM offer_pledges`)
	} else {
		err = q.inChunks(canonicalIDs(offerIDs), func(in string, args []any) error {
			chunk, err := queryAll(ctx, q.rd, scanOfferPledge, `SELECT offer_id, pledge_id FROM offer_pledges WHERE offer_id IN (`+in+`)`, args...)
			out = append(out, chunk...)
			return err
		})
	}
	if err != nil {
		return nil, dbErr(err, "pledges of offers")
	}
	slices.SortFunc(out, func(a, b model.OfferPledge) int {
		if c := strings.Compare(a.OfferID, b.OfferID); c != 0 {
			return c
		}
		return strings.Compare(a.PledgeID, b.PledgeID)
	})
	return out, nil
}

func (q *queries) OfferCommitted(ctx context.Context) (map[string]int64, error) {
	type row struct {
		offer string
		eur   int64
	}
	rows, err := queryAll(ctx, q.rd, func(s scanner) (row, error) {
		var r row
		err := s.Scan(&r.offer, &r.eur)
		return r, err
	}, `SELECT l.offer_id, CAST(SUM(p.eur_minor) AS BIGINT) FROM offer_pledges l JOIN pledges p ON p.id = l.pledge_id
		WHERE p.status NOT IN ('withdrawn', 'rejected') GROUP BY l.offer_id`)
	if err != nil {
		return nil, dbErr(err, "committed amounts of offers")
	}
	out := make(map[string]int64, len(rows))
	for _, r := range rows {
		out[r.offer] = r.eur
	}
	return out, nil
}

func (q *queries) PutAcknowledgement(ctx context.Context, a model.Acknowledgement) error {
	a.At = instantOf(a.At)
	err := q.atomic(ctx, func(q *queries) error {
		if _, err := q.wr.exec(ctx, `DELETE FROM deconfliction_acks WHERE key = ?`, a.Key); err != nil {
			return err
		}
		_, err := q.wr.exec(ctx, `INSERT INTO deconfliction_acks (key, comment, user_id, org_id, at) VALUES (?, ?, ?, ?, ?)`,
			a.Key, a.Comment, a.UserID, a.OrgID, a.At)
		return err
	})
	return dbErr(err, "acknowledge %s", a.Key)
}

func (q *queries) Acknowledgements(ctx context.Context) (map[string]model.Acknowledgement, error) {
	acks, err := queryAll(ctx, q.rd, func(s scanner) (model.Acknowledgement, error) {
		var a model.Acknowledgement
		err := s.Scan(&a.Key, &a.Comment, &a.UserID, &a.OrgID, instant{&a.At})
		return a, err
	}, `SELECT key, comment, user_id, org_id, at FROM deconfliction_acks`)
	if err != nil {
		return nil, dbErr(err, "acknowledgements")
	}
	out := make(map[string]model.Acknowledgement, len(acks))
	for _, a := range acks {
		out[a.Key] = a
	}
	return out, nil
}
