package tally

import (
	"context"
	"database/sql"
	"errors"
	"time"

	"github.com/motcua/motcua/calendar"
	"github.com/motcua/motcua/dossier"
	"github.com/motcua/motcua/store"
)

// life is a tally_dossiers row.
type life struct {
	id              int64
	procedure       string
	version         int
	online          bool
	lastAt          int64 // the last act: where the next stay starts
	unit, due, stop int64
	received        int64 // 0 until received
	end             int64 // Open until ended
	outcome         string
	endUnit         int64
}

func (s *Store) onTransitioned(ctx context.Context, tx *store.Tx, e dossier.Transitioned) error {
	if err := s.share(ctx, tx); err != nil {
		return err
	}
	d := e.Dossier
	// A dossier just submitted has no row yet (dossiers are never deleted,
	// so its id is new): not asked, since on SQLite every statement of a
	// submission holds the one writer (issue 15).
	var l life
	found := false
	if e.Action != dossier.SubmitAction {
		var err error
		if l, found, err = loadLife(ctx, tx, d.ID()); err != nil {
			return err
		}
	}
	if !found {
		l = life{id: d.ID(), procedure: d.Procedure, version: d.ProcedureVersion, online: dossier.Online(d.Channel), unit: d.UnitID(), end: Open}
	}
	at := e.At.UnixMilli()
	before := l
	if e.From == dossier.Processing && l.lastAt != 0 {
		if err := s.stay(ctx, tx, l, e, at); err != nil {
			return err
		}
	}
	l.lastAt = at
	// The state after the act, as the recount reads it from the history:
	// the unit it went to, the deadline it set (not an apology's or a
	// partner's), the clock stopped while a supplement is awaited.
	if u := d.UnitID(); u != 0 {
		l.unit = u
	}
	if e.EventDue != nil && !ignoredDue[e.Action] {
		l.due = e.EventDue.UnixMilli()
	}
	l.stop = 0
	if d.Status == dossier.SupplementRequested {
		l.stop = at
	}
	switch {
	case l.received == 0:
		// Counted from its (first) reception on.
		if e.Action == dossier.Receive {
			l.received = at
			if err := insertSpan(ctx, tx, l, at); err != nil {
				return err
			}
		}
	case l.end != Open:
		// Ended: what follows (delivery, rating) counts no more.
	case ends[d.Status]:
		l.end = at
		l.outcome = outcome(d.Status, e.Action, before.due, at, s.judge)
		l.endUnit = e.FromUnitID
		if l.endUnit == 0 {
			l.endUnit = before.unit
		}
		if _, err := tx.ExecContext(ctx, `UPDATE tally_spans SET to_at = ? WHERE dossier_id = ? AND to_at = ?`, at, l.id, Open); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO tally_days (day, unit_id, procedure_code, online, outcome, n) VALUES (?, ?, ?, ?, ?, 1)
			ON CONFLICT (day, unit_id, procedure_code, online, outcome) DO UPDATE SET n = tally_days.n + 1`,
			vnDay(at), l.endUnit, l.procedure, flag(l.online), l.outcome); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO tally_unit_days (day, unit_id, online, outcome, n) VALUES (?, ?, ?, ?, 1)
			ON CONFLICT (day, unit_id, online, outcome) DO UPDATE SET n = tally_unit_days.n + 1`,
			vnDay(at), l.endUnit, flag(l.online), l.outcome); err != nil {
			return err
		}
	case l.unit != before.unit || l.due != before.due || l.stop != before.stop:
		if err := cutSpan(ctx, tx, l, at); err != nil {
			return err
		}
	}
	return saveLife(ctx, tx, l, found)
}

// stay records the stay at a processing step that the act e ends at `at`:
// from the dossier's previous act, at the unit acted at; late when the
// deadline in force fell within it.
func (s *Store) stay(ctx context.Context, tx *store.Tx, l life, e dossier.Transitioned, at int64) error {
	unit := e.FromUnitID
	if unit == 0 {
		unit = l.unit
	}
	late := l.due != 0 && l.lastAt <= l.due && l.due < at
	work := s.judge.WorkingBetween(time.UnixMilli(l.lastAt), time.UnixMilli(at)).Milliseconds()
	_, err := tx.ExecContext(ctx, `INSERT INTO tally_stays (dossier_id, end_at, unit_id, procedure_code, procedure_version, step, work_ms, late)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?)`, l.id, at, unit, l.procedure, l.version, e.FromStep, work, flag(late))
	return err
}

// onMoved follows the open dossiers a merger or an abolition moved off
// unitID (the dossier module's listeners have just moved them): from at
// on, each is held where it now is.
func (s *Store) onMoved(ctx context.Context, tx *store.Tx, unitID int64, when time.Time) error {
	if err := s.share(ctx, tx); err != nil {
		return err
	}
	ids, err := store.Int64s(ctx, tx, `SELECT dossier_id FROM tally_dossiers WHERE end_at = ? AND unit_id = ? ORDER BY dossier_id`, Open, unitID)
	if err != nil || len(ids) == 0 {
		return err
	}
	now, err := dossier.Holders(ctx, tx, ids)
	if err != nil {
		return err
	}
	at := when.UnixMilli()
	for _, id := range ids {
		to, ok := now[id]
		if !ok || to == unitID {
			continue
		}
		l, _, err := loadLife(ctx, tx, id)
		if err != nil {
			return err
		}
		l.unit = to
		if l.received != 0 {
			if err := cutSpan(ctx, tx, l, max(at, l.received)); err != nil {
				return err
			}
		}
		if err := saveLife(ctx, tx, l, true); err != nil {
			return err
		}
	}
	return nil
}

// outcome is how a dossier ended at `at` in status st by action, judged
// against the deadline in force before that act.
func outcome(st dossier.State, action dossier.Action, due, at int64, judge Judge) string {
	switch {
	case st == dossier.Withdrawn:
		return Withdrawn
	case st == dossier.Stopped:
		return Stopped
	case st == dossier.Refused || action == dossier.Refuse:
		return Refused
	}
	switch judge.Judge(time.UnixMilli(due), time.UnixMilli(at)) {
	case calendar.Late:
		return Late
	case calendar.OnTime:
		return OnTime
	}
	return Early
}

// cutSpan ends the running span at `at` and starts one with l's state; a
// span that starts at `at` already (two acts in one millisecond) takes the
// new state instead, as the recount keeps the later act's.
func cutSpan(ctx context.Context, tx *store.Tx, l life, at int64) error {
	res, err := tx.ExecContext(ctx, `UPDATE tally_spans SET unit_id = ?, due_at = ?, stop_at = ? WHERE dossier_id = ? AND from_at = ? AND to_at = ?`,
		l.unit, l.due, l.stop, l.id, at, Open)
	if err != nil {
		return err
	}
	if n, err := res.RowsAffected(); err != nil || n == 1 {
		return err
	}
	if _, err := tx.ExecContext(ctx, `UPDATE tally_spans SET to_at = ? WHERE dossier_id = ? AND to_at = ?`, at, l.id, Open); err != nil {
		return err
	}
	return insertSpan(ctx, tx, l, at)
}

func insertSpan(ctx context.Context, tx *store.Tx, l life, at int64) error {
	_, err := tx.ExecContext(ctx, `INSERT INTO tally_spans (dossier_id, from_at, to_at, unit_id, due_at, stop_at) VALUES (?, ?, ?, ?, ?, ?)`,
		l.id, at, Open, l.unit, l.due, l.stop)
	return err
}

func loadLife(ctx context.Context, tx *store.Tx, id int64) (life, bool, error) {
	l := life{id: id}
	var online int
	var recv sql.NullInt64
	err := tx.QueryRowContext(ctx, `SELECT procedure_code, procedure_version, online, unit_id, due_at, stop_at, received_at, end_at, outcome,
		end_unit_id, last_at FROM tally_dossiers WHERE dossier_id = ?`, id).Scan(&l.procedure, &l.version, &online, &l.unit, &l.due, &l.stop, &recv,
		&l.end, &l.outcome, &l.endUnit, &l.lastAt)
	if errors.Is(err, sql.ErrNoRows) {
		return l, false, nil
	}
	l.online, l.received = online == 1, recv.Int64
	return l, err == nil, err
}

func saveLife(ctx context.Context, tx *store.Tx, l life, exists bool) error {
	var recv any
	if l.received != 0 {
		recv = l.received
	}
	class := spanClass(l.received, l.end)
	if exists {
		_, err := tx.ExecContext(ctx, `UPDATE tally_dossiers SET unit_id = ?, due_at = ?, stop_at = ?, received_at = ?, end_at = ?,
			span_class = ?, outcome = ?, end_unit_id = ?, last_at = ? WHERE dossier_id = ?`,
			l.unit, l.due, l.stop, recv, l.end, class, l.outcome, l.endUnit, l.lastAt, l.id)
		return err
	}
	_, err := tx.ExecContext(ctx, `INSERT INTO tally_dossiers (dossier_id, procedure_code, procedure_version, online, unit_id, due_at, stop_at,
		received_at, end_at, span_class, outcome, end_unit_id, last_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		l.id, l.procedure, l.version, flag(l.online), l.unit, l.due, l.stop, recv, l.end, class, l.outcome, l.endUnit, l.lastAt)
	return err
}

func flag(b bool) int {
	if b {
		return 1
	}
	return 0
}
