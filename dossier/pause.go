package dossier

import (
	"context"
	"database/sql"
	"errors"
	"time"

	"github.com/motcua/motcua/calendar"
	"github.com/motcua/motcua/catalog"
	"github.com/motcua/motcua/msg"
	"github.com/motcua/motcua/problem"
	"github.com/motcua/motcua/store"
)

// PauseSupplement is the kind of the pause a supplement request during
// processing makes (state SupplementRequested); the other kinds are the
// procedure's (catalog.PauseKinds), started and ended with Pause and Resume.
const PauseSupplement = "supplement"

// PauseKindName is the Vietnamese name of a pause kind, from the catalog
// (key "pause.<kind>"), for tracking, form 06 and the API.
func PauseKindName(kind string) string { return msg.Name("pause.", kind) }

// pauseClock stops the clock for a period of a kind the procedure declares.
func (s *Service) pauseClock(ctx context.Context, tx *store.Tx, c *change, d *Dossier, p catalog.Procedure, now time.Time, in ActInput) error {
	if _, ok := p.PauseFor(in.Kind); !ok {
		return problem.Invalid("kind", "pause_kind_not_declared", in.Kind)
	}
	c.set("paused_at", now.UnixMilli())
	_, err := tx.ExecContext(ctx, `INSERT INTO dossier_pauses (dossier_id, started_at, reason, kind) VALUES (?, ?, ?, ?)`,
		d.id, now.UnixMilli(), in.Note, in.Kind)
	return err
}

// resumeClock ends the open pause and returns the new due moment: the
// working time that was left when the clock stopped, counted again from
// the pause's end. The end is now, or the legal end of the period when
// the procedure caps it (catalog.Pause.MaxDays) and the officer resumes
// later: what runs past it counts. A dossier already late when it was
// paused keeps its due moment: a pause does not undo lateness.
func (s *Service) resumeClock(ctx context.Context, tx *store.Tx, c *change, d *Dossier, p catalog.Procedure, now time.Time, note string) (*time.Time, error) {
	var id int64
	var kind string
	err := tx.QueryRowContext(ctx, `SELECT id, kind FROM dossier_pauses WHERE dossier_id = ? AND ended_at IS NULL ORDER BY id DESC LIMIT 1`, d.id).Scan(&id, &kind)
	if errors.Is(err, sql.ErrNoRows) || d.PausedAt == nil {
		return nil, problem.New(problem.ErrState, "clock_not_paused")
	} else if err != nil {
		return nil, err
	}
	end := now
	if x, ok := p.PauseFor(kind); ok {
		if limit := s.pauseLimit(*d.PausedAt, x); limit != nil && limit.Before(now) {
			end = *limit
		}
	}
	c.set("paused_at", nil)
	if _, err := tx.ExecContext(ctx, `UPDATE dossier_pauses SET ended_at = ?, end_note = ? WHERE id = ?`, end.UnixMilli(), note, id); err != nil {
		return nil, err
	}
	if d.DueAt == nil {
		return nil, nil
	}
	due := *d.DueAt
	if s.cal.Judge(due, *d.PausedAt) != calendar.Late {
		due = s.cal.AddWorking(end, s.cal.WorkingBetween(*d.PausedAt, due))
	}
	c.set("due_at", due.UnixMilli())
	return &due, nil
}

// pauseLimit is the legal end of a pause of x begun at start, or nil
// when the law sets none.
func (s *Service) pauseLimit(start time.Time, x catalog.Pause) *time.Time {
	var t time.Time
	switch {
	case x.MaxDays > 0:
		t = start.AddDate(0, 0, x.MaxDays)
	case x.MaxWorkingDays > 0:
		t = s.cal.AddWorking(start, time.Duration(x.MaxWorkingDays)*WorkingDay)
	default:
		return nil
	}
	return &t
}

// closePauses ends any pause still open when the dossier reaches a final
// state (stopped or withdrawn while paused), so every interval kept has
// an end.
func closePauses(ctx context.Context, tx *store.Tx, d *Dossier, now time.Time) error {
	if d.PausedAt == nil {
		return nil
	}
	_, err := tx.ExecContext(ctx, `UPDATE dossier_pauses SET ended_at = ? WHERE dossier_id = ? AND ended_at IS NULL`, now.UnixMilli(), d.id)
	return err
}
