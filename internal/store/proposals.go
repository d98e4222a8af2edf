package store

import (
	"context"
	"time"

	"github.com/cyberaid/cyberaid/internal/model"
)

const proposalColumns = `id, kind, title, body, proposer_user_id, proposer_org_id, COALESCE(subject_org_id, ''), prior_participation,
	procedure, deadline, tlp, status, published_text, closed_at, reminded_at, created_at, updated_at`

func scanProposal(s scanner) (model.Proposal, error) {
	var p model.Proposal
	err := s.Scan(&p.ID, &p.Kind, &p.Title, &p.Text, &p.ProposerID, &p.ProposerOrgID, &p.SubjectOrgID, &p.PriorParticipation,
		&p.Procedure, instant{&p.Deadline}, &p.TLP, &p.Status, &p.PublishedText, nullInstant{&p.ClosedAt}, nullInstant{&p.RemindedAt},
		instant{&p.CreatedAt}, instant{&p.UpdatedAt})
	return p, err
}

func (q *queries) CreateProposal(ctx context.Context, p *model.Proposal) error {
	if p.ID == "" {
		p.ID = NewID()
	}
	stampCreate(&p.CreatedAt, &p.UpdatedAt)
	p.Deadline = instantOf(p.Deadline)
	p.ClosedAt, p.RemindedAt = utcPtr(p.ClosedAt), utcPtr(p.RemindedAt)
	p.Electorate = canonicalIDs(p.Electorate)
	err := q.atomic(ctx, func(q *queries) error {
		_, err := q.wr.exec(ctx, `INSERT INTO proposals (id, kind, title, body, proposer_user_id, proposer_org_id, subject_org_id,
			prior_participation, procedure, deadline, tlp, status, published_text, closed_at, reminded_at, created_at, updated_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
			p.ID, p.Kind, p.Title, p.Text, p.ProposerID, p.ProposerOrgID, nullIfEmpty(p.SubjectOrgID),
			p.PriorParticipation, p.Procedure, p.Deadline, p.TLP, p.Status, p.PublishedText, p.ClosedAt, p.RemindedAt, p.CreatedAt, p.UpdatedAt)
		if err != nil {
			return err
		}
		for _, org := range p.Electorate {
			if _, err := q.wr.exec(ctx, `INSERT INTO proposal_electorate (proposal_id, org_id) VALUES (?, ?)`, p.ID, org); err != nil {
				return err
			}
		}
		return nil
	})
	return dbErr(err, "create proposal")
}

// UpdateProposal writes what changes after a proposal opens: its status,
// published text and the times it closed and reminded. The electorate is
// fixed when the proposal opens.
func (q *queries) UpdateProposal(ctx context.Context, p *model.Proposal) error {
	stampUpdate(&p.UpdatedAt)
	p.ClosedAt, p.RemindedAt = utcPtr(p.ClosedAt), utcPtr(p.RemindedAt)
	err := q.wr.execOne(ctx, `UPDATE proposals SET status = ?, published_text = ?, closed_at = ?, reminded_at = ?, updated_at = ? WHERE id = ?`,
		p.Status, p.PublishedText, p.ClosedAt, p.RemindedAt, p.UpdatedAt, p.ID)
	return dbErr(err, "update proposal %s", p.ID)
}

// ProposalByID locks the row for update inside a PostgreSQL transaction, so
// that two processes closing the same proposal take turns and the second
// sees it closed.
func (q *queries) ProposalByID(ctx context.Context, id string) (model.Proposal, error) {
	p, err := scanProposal(q.rd.row(ctx, `SELECT `+proposalColumns+` FROM proposals WHERE id = ?`+q.forUpdate(), id))
	if err != nil {
		return model.Proposal{}, dbErr(err, "proposal %s", id)
	}
	ps := []model.Proposal{p}
	if err := q.loadElectorates(ctx, ps); err != nil {
		return model.Proposal{}, dbErr(err, "proposal %s", id)
	}
	return ps[0], nil
}

func (q *queries) ListProposals(ctx context.Context, f model.ProposalFilter, after string, limit int) ([]model.Proposal, error) {
	var conds []string
	var args []any
	if f.Status != "" {
		conds, args = append(conds, "status = ?"), append(args, f.Status)
	}
	if f.Kind != "" {
		conds, args = append(conds, "kind = ?"), append(args, f.Kind)
	}
	if after != "" {
		conds, args = append(conds, "id < ?"), append(args, after)
	}
	lim, args := limitClause(limit, args)
	ps, err := queryAll(ctx, q.rd, scanProposal, `SELECT `+proposalColumns+` FROM proposals`+where(conds)+` ORDER BY id DESC`+lim, args...)
	if err == nil {
		err = q.loadElectorates(ctx, ps)
	}
	if err != nil {
		return nil, dbErr(err, "list proposals")
	}
	return ps, nil
}

// DueProposals returns the ids of open proposals whose deadline has passed.
func (q *queries) DueProposals(ctx context.Context, now time.Time) ([]string, error) {
	ids, err := queryAll(ctx, q.rd, scanString, `SELECT id FROM proposals WHERE status = 'open' AND deadline <= ? ORDER BY deadline, id`, now)
	return ids, dbErr(err, "due proposals")
}

// ProposalsToRemind returns the ids of open proposals whose deadline falls
// before the given instant and whose reminder has not gone out.
func (q *queries) ProposalsToRemind(ctx context.Context, before time.Time) ([]string, error) {
	ids, err := queryAll(ctx, q.rd, scanString, `SELECT id FROM proposals WHERE status = 'open' AND reminded_at IS NULL AND deadline <= ? ORDER BY deadline, id`, before)
	return ids, dbErr(err, "proposals to remind")
}

func scanString(s scanner) (string, error) {
	var v string
	err := s.Scan(&v)
	return v, err
}

func scanInt64(s scanner) (int64, error) {
	var v int64
	err := s.Scan(&v)
	return v, err
}

func (q *queries) loadElectorates(ctx context.Context, ps []model.Proposal) error {
	if len(ps) == 0 {
		return nil
	}
	idx := map[string]int{}
	ids := make([]string, len(ps))
	for i, p := range ps {
		idx[p.ID], ids[i] = i, p.ID
	}
	return q.inChunks(canonicalIDs(ids), func(in string, args []any) error {
		rows, err := q.rd.query(ctx, `SELECT proposal_id, org_id FROM proposal_electorate WHERE proposal_id IN (`+in+`) ORDER BY proposal_id, org_id`, args...)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var pid, org string
			if err := rows.Scan(&pid, &org); err != nil {
				return err
			}
			i := idx[pid]
			ps[i].Electorate = append(ps[i].Electorate, org)
		}
		return rows.Err()
	})
}

// PutPosition records an organisation's position, replacing its earlier one.
func (q *queries) PutPosition(ctx context.Context, p model.Position) error {
	_, err := q.wr.exec(ctx, `INSERT INTO proposal_positions (proposal_id, org_id, user_id, position, reason, at) VALUES (?, ?, ?, ?, ?, ?)
		ON CONFLICT (proposal_id, org_id) DO UPDATE SET user_id = excluded.user_id, position = excluded.position,
		reason = excluded.reason, at = excluded.at`,
		p.ProposalID, p.OrgID, p.UserID, p.Stance, p.Reason, p.At)
	return dbErr(err, "position on proposal %s", p.ProposalID)
}

func (q *queries) Positions(ctx context.Context, proposalID string) ([]model.Position, error) {
	ps, err := queryAll(ctx, q.rd, func(s scanner) (model.Position, error) {
		var p model.Position
		err := s.Scan(&p.ProposalID, &p.OrgID, &p.UserID, &p.Stance, &p.Reason, instant{&p.At})
		return p, err
	}, `SELECT proposal_id, org_id, user_id, position, reason, at FROM proposal_positions WHERE proposal_id = ? ORDER BY org_id`, proposalID)
	return ps, dbErr(err, "positions on proposal %s", proposalID)
}

func (q *queries) AddComment(ctx context.Context, c *model.Comment) error {
	if c.ID == "" {
		c.ID = NewID()
	}
	var zero time.Time
	stampCreate(&c.CreatedAt, &zero)
	_, err := q.wr.exec(ctx, `INSERT INTO proposal_comments (id, proposal_id, user_id, org_id, body, created_at) VALUES (?, ?, ?, ?, ?, ?)`,
		c.ID, c.ProposalID, c.UserID, c.OrgID, c.Text, c.CreatedAt)
	return dbErr(err, "comment on proposal %s", c.ProposalID)
}

// Comments returns a proposal's comments oldest first.
func (q *queries) Comments(ctx context.Context, proposalID string) ([]model.Comment, error) {
	cs, err := queryAll(ctx, q.rd, func(s scanner) (model.Comment, error) {
		var c model.Comment
		err := s.Scan(&c.ID, &c.ProposalID, &c.UserID, &c.OrgID, &c.Text, instant{&c.CreatedAt})
		return c, err
	}, `SELECT id, proposal_id, user_id, org_id, body, created_at FROM proposal_comments WHERE proposal_id = ? ORDER BY id`, proposalID)
	return cs, dbErr(err, "comments on proposal %s", proposalID)
}

// AddSignatory adds an organisation to a statement's signatories; signing
// twice keeps the first time.
func (q *queries) AddSignatory(ctx context.Context, s model.Signatory) error {
	_, err := q.wr.exec(ctx, `INSERT INTO statement_signatories (proposal_id, org_id, at) VALUES (?, ?, ?) ON CONFLICT (proposal_id, org_id) DO NOTHING`,
		s.ProposalID, s.OrgID, s.At)
	return dbErr(err, "sign statement %s", s.ProposalID)
}

func (q *queries) Signatories(ctx context.Context, proposalID string) ([]model.Signatory, error) {
	ss, err := queryAll(ctx, q.rd, func(s scanner) (model.Signatory, error) {
		var v model.Signatory
		err := s.Scan(&v.ProposalID, &v.OrgID, instant{&v.At})
		return v, err
	}, `SELECT proposal_id, org_id, at FROM statement_signatories WHERE proposal_id = ? ORDER BY org_id`, proposalID)
	return ss, dbErr(err, "signatories of %s", proposalID)
}

// utcPtr normalises an optional instant as the store returns it.
func utcPtr(t *time.Time) *time.Time {
	if t == nil {
		return nil
	}
	v := instantOf(*t)
	return &v
}
