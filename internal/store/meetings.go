package store

import (
	"context"

	"github.com/cyberaid/cyberaid/internal/model"
)

const meetingColumns = `id, title, day, minutes, tlp, owner_org_id, created_by, created_at, updated_at`

func scanMeeting(s scanner) (model.Meeting, error) {
	var m model.Meeting
	err := s.Scan(&m.ID, &m.Title, &m.Date, &m.Minutes, &m.TLP, &m.OwnerOrgID, &m.CreatedBy, instant{&m.CreatedAt}, instant{&m.UpdatedAt})
	return m, err
}

func (q *queries) CreateMeeting(ctx context.Context, m *model.Meeting) error {
	if m.ID == "" {
		m.ID = NewID()
	}
	stampCreate(&m.CreatedAt, &m.UpdatedAt)
	m.Attendees = canonicalIDs(m.Attendees)
	err := q.atomic(ctx, func(q *queries) error {
		_, err := q.wr.exec(ctx, `INSERT INTO meetings (`+meetingColumns+`) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
			m.ID, m.Title, m.Date, m.Minutes, m.TLP, m.OwnerOrgID, m.CreatedBy, m.CreatedAt, m.UpdatedAt)
		if err != nil {
			return err
		}
		return q.replaceMeetingParts(ctx, m)
	})
	return dbErr(err, "create meeting")
}

// UpdateMeeting writes the title, day, minutes and label, and replaces the
// agenda and the attendance.
func (q *queries) UpdateMeeting(ctx context.Context, m *model.Meeting) error {
	stampUpdate(&m.UpdatedAt)
	m.Attendees = canonicalIDs(m.Attendees)
	err := q.atomic(ctx, func(q *queries) error {
		if err := q.wr.execOne(ctx, `UPDATE meetings SET title = ?, day = ?, minutes = ?, tlp = ?, updated_at = ? WHERE id = ?`,
			m.Title, m.Date, m.Minutes, m.TLP, m.UpdatedAt, m.ID); err != nil {
			return err
		}
		return q.replaceMeetingParts(ctx, m)
	})
	return dbErr(err, "update meeting %s", m.ID)
}

func (q *queries) replaceMeetingParts(ctx context.Context, m *model.Meeting) error {
	if _, err := q.wr.exec(ctx, `DELETE FROM meeting_agenda WHERE meeting_id = ?`, m.ID); err != nil {
		return err
	}
	if _, err := q.wr.exec(ctx, `DELETE FROM meeting_attendance WHERE meeting_id = ?`, m.ID); err != nil {
		return err
	}
	for i, a := range m.Agenda {
		if _, err := q.wr.exec(ctx, `INSERT INTO meeting_agenda (meeting_id, position, kind, ref_id, note) VALUES (?, ?, ?, ?, ?)`,
			m.ID, i, a.Kind, a.RefID, a.Note); err != nil {
			return err
		}
	}
	for _, org := range m.Attendees {
		if _, err := q.wr.exec(ctx, `INSERT INTO meeting_attendance (meeting_id, org_id) VALUES (?, ?)`, m.ID, org); err != nil {
			return err
		}
	}
	return nil
}

func (q *queries) MeetingByID(ctx context.Context, id string) (model.Meeting, error) {
	m, err := scanMeeting(q.rd.row(ctx, `SELECT `+meetingColumns+` FROM meetings WHERE id = ?`+q.forUpdate(), id))
	if err == nil {
		err = q.loadMeetingParts(ctx, &m)
	}
	return m, dbErr(err, "meeting %s", id)
}

// ListMeetings returns every meeting, latest day first.
func (q *queries) ListMeetings(ctx context.Context) ([]model.Meeting, error) {
	ms, err := queryAll(ctx, q.rd, scanMeeting, `SELECT `+meetingColumns+` FROM meetings ORDER BY day DESC, id DESC`)
	for i := range ms {
		if err != nil {
			break
		}
		err = q.loadMeetingParts(ctx, &ms[i])
	}
	return ms, dbErr(err, "list meetings")
}

func (q *queries) loadMeetingParts(ctx context.Context, m *model.Meeting) error {
	var err error
	m.Agenda, err = queryAll(ctx, q.rd, func(s scanner) (model.AgendaItem, error) {
		var a model.AgendaItem
		err := s.Scan(&a.Kind, &a.RefID, &a.Note)
		return a, err
	}, `SELECT kind, ref_id, note FROM meeting_agenda WHERE meeting_id = ? ORDER BY position`, m.ID)
	if err != nil {
		return err
	}
	m.Attendees, err = queryAll(ctx, q.rd, scanString, `SELECT org_id FROM meeting_attendance WHERE meeting_id = ? ORDER BY org_id`, m.ID)
	return err
}
