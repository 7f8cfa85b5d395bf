package report

import (
	"context"
	"database/sql"
	"time"

	"github.com/motcua/motcua/calendar"
	"github.com/motcua/motcua/dossier"
	"github.com/motcua/motcua/tally"
)

// A dossier's life as its history tells it, for Counts.
type dossierLife struct {
	id        int64
	channel   string
	procedure string
	version   int
	unitID    int64 // where it is now
	events    []lifeEvent
}

type lifeEvent struct {
	at                           int64
	action, fromStatus, toStatus string
	fromStep                     int
	fromUnit, toUnit             int64 // 0 when not recorded
	due                          int64 // 0 when the act set no appointment
}

// eachDossier calls fn with every dossier received before to and not
// finished before from (a finished dossier is closed no earlier than its
// result, so one closed before from needs no reading), its events in order.
func (s *Reader) eachDossier(ctx context.Context, from, to time.Time, fn func(dossierLife)) error {
	rows, err := s.db.Replica(ctx).QueryContext(ctx, `SELECT d.id, d.channel, d.procedure_code, d.procedure_version, d.unit_id, e.at, e.action,
		e.from_status, e.to_status, e.from_step, e.from_unit_id, e.to_unit_id, e.due_at
		FROM dossiers d JOIN dossier_events e ON e.dossier_id = d.id
		WHERE d.received_at IS NOT NULL AND d.received_at < ? AND (d.closed_at IS NULL OR d.closed_at >= ?)
		ORDER BY d.id, e.at, e.id`, to.UnixMilli(), from.UnixMilli())
	if err != nil {
		return err
	}
	defer rows.Close()
	var cur dossierLife
	for rows.Next() {
		var id, unitID int64
		var version int
		var channel, procedure string
		var e lifeEvent
		var fu, tu, due sql.NullInt64
		if err := rows.Scan(&id, &channel, &procedure, &version, &unitID, &e.at, &e.action, &e.fromStatus, &e.toStatus, &e.fromStep,
			&fu, &tu, &due); err != nil {
			return err
		}
		e.fromUnit, e.toUnit, e.due = nullMs(fu), nullMs(tu), nullMs(due)
		if id != cur.id {
			if cur.id != 0 {
				fn(cur)
			}
			cur = dossierLife{id: id, channel: channel, procedure: procedure, version: version, unitID: unitID}
		}
		cur.events = append(cur.events, e)
	}
	if err := rows.Err(); err != nil {
		return err
	}
	if cur.id != 0 {
		fn(cur)
	}
	return nil
}

// count is the dossier's figures for [from, to) and the unit they go to;
// false when it has none (not received by to, or finished before from).
func (d dossierLife) count(from, to time.Time, judge Judge, units unitTimes) (Count, int64, bool) {
	f, t := from.UnixMilli(), to.UnixMilli()
	recv, end := d.bounds()
	if recv < 0 || d.events[recv].at >= t {
		return Count{}, 0, false
	}
	if end >= 0 && d.events[end].at < f {
		return Count{}, 0, false
	}
	c := Count{Received: 1}
	switch {
	case d.events[recv].at < f:
		c.Carried = 1
	case dossier.Online(d.channel):
		c.NewOnline = 1
	default:
		c.NewCounter = 1
	}
	if end >= 0 && d.events[end].at < t {
		e := d.events[end]
		switch outcomeOf(e, d.dueBefore(end), judge) {
		case tally.Withdrawn:
			c.Withdrawn = 1
		case tally.Stopped:
			c.Stopped = 1
		case tally.Refused:
			c.Refused = 1
		case tally.Late:
			c.Resolved, c.Late = 1, 1
		case tally.OnTime:
			c.Resolved, c.OnTime = 1, 1
		default:
			c.Resolved, c.Early = 1, 1
		}
		// The unit that held it when it was decided or ended.
		return c, d.holder(end, e.at, true, units), true
	}
	c.InProgress = 1
	last := recv
	for i := recv; i < len(d.events) && d.events[i].at < t; i++ {
		last = i
	}
	at := t
	if d.events[last].toStatus == "supplement_requested" {
		// The clock stopped when the supplement was asked for.
		at = d.events[last].at
	}
	if judge.Judge(msTime(d.dueBefore(last+1)), msTime(at)) == calendar.Late {
		c.Overdue = 1
	} else {
		c.Within = 1
	}
	return c, d.holder(last+1, t-1, false, units), true
}

// bounds are the indexes of the dossier's first reception and of the
// first end after it (its result, or its end without one); -1 for none.
func (d dossierLife) bounds() (recv, end int) {
	recv, end = -1, -1
	for i, e := range d.events {
		if e.action == "receive" {
			recv = i
			break
		}
	}
	if recv < 0 {
		return recv, end
	}
	for i := recv + 1; i < len(d.events); i++ {
		switch d.events[i].toStatus {
		case "result_ready", "withdrawn", "stopped", "refused":
			return recv, i
		}
	}
	return recv, end
}

// dueBefore is the appointment in force before event n: the latest set by
// an act before it, not counting an apology's new date (see Counts) nor a
// partner agency's due (consult, record-answer).
func (d dossierLife) dueBefore(n int) int64 {
	var due int64
	for _, e := range d.events[:min(n, len(d.events))] {
		switch e.action {
		case "apologize", "consult", "record-answer":
			continue
		}
		if e.due != 0 {
			due = e.due
		}
	}
	return due
}

// holder is the unit holding the dossier at instant at: with at the
// moment of event n (ofEvent), the unit it left by that event; otherwise
// the unit the events before n left it at. A unit that had ended by then
// means a reorganisation moved the dossier without an act: it is then at
// the unit it leaves by its next act, or the one holding it now, or the
// successor of its last unit.
func (d dossierLife) holder(n int, at int64, ofEvent bool, units unitTimes) int64 {
	var u int64
	if ofEvent && d.events[n].fromUnit != 0 {
		u = d.events[n].fromUnit
	} else {
		for _, e := range d.events[:n] {
			if e.toUnit != 0 {
				u = e.toUnit
			}
		}
		if ofEvent && d.events[n].toUnit != 0 && u == 0 {
			u = d.events[n].toUnit
		}
	}
	if units.inForce(u, at) {
		return u
	}
	start := n
	if ofEvent {
		start = n + 1
	}
	for _, e := range d.events[start:] {
		if e.fromUnit != 0 {
			if units.inForce(e.fromUnit, at) {
				return e.fromUnit
			}
			break
		}
	}
	if units.inForce(d.unitID, at) {
		return d.unitID
	}
	if u == 0 {
		return d.unitID
	}
	return units.successorAt(u, time.UnixMilli(at))
}
