package store

import (
	"context"
	"strings"
	"time"

	"github.com/cyberaid/cyberaid/internal/model"
)

const requirementInsertColumns = `id, ref, title, description, beneficiary_org_id, sector, category, line_of_effort, priority,
	estimated_eur_minor, quantity, unit, needed_by, region, tlp, status, created_by, validated_at, created_at, updated_at, search_text,
	recipient_type, review_round, external_ref`

const requirementColumns = `id, COALESCE(ref, ''), title, description, beneficiary_org_id, sector, category, line_of_effort, priority,
	estimated_eur_minor, quantity, unit, needed_by, region, tlp, status, COALESCE(created_by, ''), validated_at, created_at, updated_at,
	recipient_type, review_round, COALESCE(external_ref, '')`

func scanRequirement(s scanner) (model.Requirement, error) {
	var r model.Requirement
	err := s.Scan(&r.ID, &r.Ref, &r.Title, &r.Description, &r.BeneficiaryOrgID, &r.Sector, &r.Category, &r.LineOfEffort, &r.Priority,
		&r.EstimatedEURMinor, &r.Quantity, &r.Unit, &r.NeededBy, &r.Region, &r.TLP, &r.Status, &r.CreatedBy,
		nullInstant{&r.ValidatedAt}, instant{&r.CreatedAt}, instant{&r.UpdatedAt},
		&r.RecipientType, &r.ReviewRound, &r.ExternalRef)
	return r, err
}

// searchText is what RequirementFilter.Query matches. Lower-casing in Go
// rather than in SQL folds every script, Cyrillic included, the same way on
// both backends (SQLite's lower() folds ASCII only).
func searchText(r *model.Requirement) string {
	return strings.ToLower(r.Ref + " " + r.Title + " " + r.Description)
}

// likeEscaper makes user input match literally in LIKE … ESCAPE '\'.
var likeEscaper = strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`)

func normaliseRequirement(r *model.Requirement) {
	r.SharedOrgIDs = canonicalIDs(r.SharedOrgIDs)
	r.NamedUserIDs = canonicalIDs(r.NamedUserIDs)
	if r.RecipientType == "" {
		// The column's default, for a requirement that does not say.
		r.RecipientType = model.RecipientOther
	}
	if r.ValidatedAt != nil {
		t := instantOf(*r.ValidatedAt)
		r.ValidatedAt = &t
	}
}

func (q *queries) CreateRequirement(ctx context.Context, r *model.Requirement) error {
	rs := []model.Requirement{*r}
	if err := q.CreateRequirements(ctx, rs); err != nil {
		return err
	}
	*r = rs[0]
	return nil
}

// requirementChunk is how many requirements one INSERT writes: 24 columns
// each, well within both backends' limits on parameters.
const requirementChunk = 200

// CreateRequirements inserts new requirements, many per statement, filling
// their ids and times in rs. On PostgreSQL the triggers that mark what a
// change touches run once a statement, about 0.5 ms whatever it writes:
// most of what a requirement written alone costs.
func (q *queries) CreateRequirements(ctx context.Context, rs []model.Requirement) error {
	for i := range rs {
		r := &rs[i]
		if r.ID == "" {
			r.ID = NewID()
		}
		stampCreate(&r.CreatedAt, &r.UpdatedAt)
		normaliseRequirement(r)
	}
	err := q.atomic(ctx, func(q *queries) error {
		for rest := rs; len(rest) > 0; {
			chunk := rest[:min(len(rest), requirementChunk)]
			args := make([]any, 0, 24*len(chunk))
			for _, r := range chunk {
				args = append(args, r.ID, nullIfEmpty(r.Ref), r.Title, r.Description, r.BeneficiaryOrgID, r.Sector, r.Category, r.LineOfEffort, r.Priority,
					r.EstimatedEURMinor, r.Quantity, r.Unit, r.NeededBy, r.Region, r.TLP, r.Status, nullIfEmpty(r.CreatedBy),
					r.ValidatedAt, r.CreatedAt, r.UpdatedAt, searchText(&r),
					r.RecipientType, r.ReviewRound, nullIfEmpty(r.ExternalRef))
			}
			if _, err := q.wr.exec(ctx, `INSERT INTO requirements (`+requirementInsertColumns+`) VALUES `+valueRows(len(chunk), 24), args...); err != nil {
				return err
			}
			rest = rest[len(chunk):]
		}
		// A new requirement has no grants to replace.
		return q.insertGrantsOf(ctx, grantRequirement, len(rs), func(i int) (string, []string, []string) {
			return rs[i].ID, rs[i].SharedOrgIDs, rs[i].NamedUserIDs
		})
	})
	if len(rs) == 1 {
		return dbErr(err, "create requirement")
	}
	return dbErr(err, "create %d requirements", len(rs))
}

// UpdateRequirement writes every field but the id and the creation.
func (q *queries) UpdateRequirement(ctx context.Context, r *model.Requirement) error {
	stampUpdate(&r.UpdatedAt)
	normaliseRequirement(r)
	err := q.atomic(ctx, func(q *queries) error {
		err := q.wr.execOne(ctx, `UPDATE requirements SET ref = ?, title = ?, description = ?, beneficiary_org_id = ?, sector = ?, category = ?,
			line_of_effort = ?, priority = ?, estimated_eur_minor = ?, quantity = ?, unit = ?, needed_by = ?, region = ?, tlp = ?, status = ?,
			validated_at = ?, updated_at = ?, search_text = ?,
			recipient_type = ?, review_round = ?, external_ref = ? WHERE id = ?`,
			nullIfEmpty(r.Ref), r.Title, r.Description, r.BeneficiaryOrgID, r.Sector, r.Category,
			r.LineOfEffort, r.Priority, r.EstimatedEURMinor, r.Quantity, r.Unit, r.NeededBy, r.Region, r.TLP, r.Status,
			r.ValidatedAt, r.UpdatedAt, searchText(r),
			r.RecipientType, r.ReviewRound, nullIfEmpty(r.ExternalRef), r.ID)
		if err != nil {
			return err
		}
		return q.replaceGrants(ctx, grantRequirement, r.ID, r.SharedOrgIDs, r.NamedUserIDs)
	})
	return dbErr(err, "update requirement %s", r.ID)
}

func (q *queries) RequirementByID(ctx context.Context, id string) (model.Requirement, error) {
	r, err := scanRequirement(q.rd.row(ctx, `SELECT `+requirementColumns+` FROM requirements WHERE id = ?`+q.forUpdate(), id))
	if err != nil {
		return model.Requirement{}, dbErr(err, "requirement %s", id)
	}
	rs := []model.Requirement{r}
	if err := q.loadRequirementGrants(ctx, rs); err != nil {
		return model.Requirement{}, dbErr(err, "requirement %s", id)
	}
	return rs[0], nil
}

func (q *queries) ListRequirements(ctx context.Context, f model.RequirementFilter, after string, limit int) ([]model.Requirement, error) {
	conds, args, err := q.requirementWhere(ctx, f)
	if err != nil {
		return nil, dbErr(err, "list requirements")
	}
	add := func(cond string, arg any) {
		conds, args = append(conds, cond), append(args, arg)
	}
	if after != "" {
		add("id < ?", after)
	}
	lim, args := limitClause(limit, args)
	rs, err := queryAll(ctx, q.rd, scanRequirement, `SELECT `+requirementColumns+` FROM requirements`+where(conds)+` ORDER BY id DESC`+lim, args...)
	if err == nil {
		err = q.loadRequirementGrants(ctx, rs)
	}
	if err != nil {
		return nil, dbErr(err, "list requirements")
	}
	return rs, nil
}

// requirementWhere is the SQL of a requirement filter. Its query also
// matches the beneficiary's name: organisations are few, and their names are
// lower-cased in Go, which folds Cyrillic as SQLite's lower() does not.
func (q *queries) requirementWhere(ctx context.Context, f model.RequirementFilter) ([]string, []any, error) {
	var beneficiaries []string
	if s := strings.ToLower(strings.TrimSpace(f.Query)); s != "" {
		orgs, err := queryAll(ctx, q.rd, scanOrganisation, `SELECT `+organisationColumns+` FROM organisations`)
		if err != nil {
			return nil, nil, err
		}
		for _, o := range orgs {
			// In any of its languages: a Ukrainian official types the
			// ministry's Ukrainian name.
			if strings.Contains(strings.ToLower(o.Name+"\n"+o.NameUK+"\n"+o.NameFR), s) {
				beneficiaries = append(beneficiaries, o.ID)
			}
		}
	}
	conds, args := requirementConds(f, beneficiaries)
	return conds, args, nil
}

// requirementConds is the SQL of a requirement filter; beneficiaries are
// the organisations whose name the query matches.
func requirementConds(f model.RequirementFilter, beneficiaries []string) ([]string, []any) {
	var conds []string
	var args []any
	add := func(cond string, arg any) {
		conds, args = append(conds, cond), append(args, arg)
	}
	if f.Status != "" {
		add("status = ?", f.Status)
	}
	if f.Sector != "" {
		add("sector = ?", f.Sector)
	}
	if f.Category != "" {
		add("category = ?", f.Category)
	}
	if f.Line != "" {
		add("line_of_effort = ?", f.Line)
	}
	if f.Priority != "" {
		add("priority = ?", f.Priority)
	}
	if f.Beneficiary != "" {
		add("beneficiary_org_id = ?", f.Beneficiary)
	}
	if f.Recipient != "" {
		add("recipient_type = ?", f.Recipient)
	}
	if g := f.Review.Group(); g != "" {
		// Waiting for a group's review: submitted, and no review of that
		// group in the current round.
		add(`status = 'submitted' AND NOT EXISTS (SELECT 1 FROM validations v
			WHERE v.requirement_id = requirements.id AND v.review_round = requirements.review_round AND v.working_group = ?)`, g)
	}
	if s := strings.TrimSpace(f.Query); s != "" {
		cond := `search_text LIKE ? ESCAPE '\'`
		args = append(args, "%"+likeEscaper.Replace(strings.ToLower(s))+"%")
		for _, id := range beneficiaries {
			cond += " OR beneficiary_org_id = ?"
			args = append(args, id)
		}
		conds = append(conds, "("+cond+")")
	}
	return conds, args
}

var requirementTable = table[model.Requirement]{
	name:    "requirements",
	columns: func(*queries) string { return requirementColumns },
	scan:    scanRequirement,
	id:      func(r *model.Requirement) string { return r.ID },
	grant:   grantRequirement,
	set: func(r *model.Requirement, g grants) {
		r.SharedOrgIDs, r.NamedUserIDs = g.orgIDs, g.userIDs
	},
}

// EachRequirement calls fn for every requirement matching f, newest first,
// with its access lists; it stops at the first error fn returns.
func (q *queries) EachRequirement(ctx context.Context, f model.RequirementFilter, fn func(model.Requirement) error) error {
	conds, args, err := q.requirementWhere(ctx, f)
	if err != nil {
		return dbErr(err, "requirements")
	}
	return each(ctx, q, requirementTable, conds, args, fn)
}

func (q *queries) AddValidation(ctx context.Context, v model.ValidationRecord) error {
	if v.ID == "" {
		v.ID = NewID()
	}
	if v.At.IsZero() {
		v.At = time.Now()
	}
	_, err := q.wr.exec(ctx, `INSERT INTO validations (id, requirement_id, decision, comment, user_id, at,
		working_group, review_round, technical_capacity, relevance, strategic_importance) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		v.ID, v.RequirementID, v.Decision, v.Comment, v.UserID, v.At,
		v.WorkingGroup, v.Round, v.Scores.TechnicalCapacity, v.Scores.Relevance, v.Scores.StrategicImportance)
	return dbErr(err, "add validation of requirement %s", v.RequirementID)
}

// Validations returns the decisions on a requirement, oldest first.
func (q *queries) Validations(ctx context.Context, requirementID string) ([]model.ValidationRecord, error) {
	vs, err := queryAll(ctx, q.rd, func(s scanner) (model.ValidationRecord, error) {
		var v model.ValidationRecord
		err := s.Scan(&v.ID, &v.RequirementID, &v.Decision, &v.Comment, &v.UserID, instant{&v.At},
			&v.WorkingGroup, &v.Round, &v.Scores.TechnicalCapacity, &v.Scores.Relevance, &v.Scores.StrategicImportance)
		return v, err
	}, `SELECT id, requirement_id, decision, comment, user_id, at,
		working_group, review_round, technical_capacity, relevance, strategic_importance
		FROM validations WHERE requirement_id = ? ORDER BY at, id`, requirementID)
	return vs, dbErr(err, "validations of requirement %s", requirementID)
}

// RequirementByExternalRef finds the requirement an organisation's
// spreadsheet calls ref.
func (q *queries) RequirementByExternalRef(ctx context.Context, orgID, ref string) (model.Requirement, error) {
	var id string
	err := q.rd.row(ctx, `SELECT id FROM requirements WHERE beneficiary_org_id = ? AND external_ref = ?`, orgID, ref).Scan(&id)
	if err != nil {
		return model.Requirement{}, dbErr(err, "requirement %s of organisation %s", ref, orgID)
	}
	return q.RequirementByID(ctx, id)
}
