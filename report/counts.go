package report

import (
	"context"
	"database/sql"
	"slices"
	"strings"
	"time"

	"github.com/motcua/motcua/calendar"
	"github.com/motcua/motcua/problem"
)

// The core counts of the periodic report on the handling of dossiers
// (Biểu II.06a/VPCP/KSTT, Circular 01/2020/TT-VPCP) for a period
// [from, to), per unit. Issue 12 lays them out as the official form; the
// rules of what is counted where are here, once:
//
//   - "Số hồ sơ nhận giải quyết" (received for resolution): a dossier
//     counts from the moment a one-stop desk received it (its first
//     `receive` event: Mẫu 01 issued). A dossier refused at reception
//     (Mẫu 03), returned for completion and never received, or withdrawn
//     before reception was never received for resolution and is not
//     counted at all.
//     – "Từ kỳ trước chuyển qua" (carried over from the previous period):
//     received before `from` and neither resolved nor ended before it;
//     – "Mới tiếp nhận trực tuyến" (newly received online) and "Mới tiếp
//     nhận trực tiếp và qua dịch vụ bưu chính công ích" (newly received in
//     person or by public post): received in [from, to), by the dossier's
//     channel.
//   - "Số hồ sơ đã giải quyết" (resolved): the result was made in the
//     period (the dossier reached result_ready; delivery to the applicant
//     is a later act of the desk and does not move the count). "Trước
//     hạn / Đúng hạn / Quá hạn" (early / on time / late) is the calendar's
//     one rule (calendar.Calendar.Judge) against the appointment in force
//     at that moment: the one set at reception, moved by a supplement or a
//     pause the law excludes, but not by an apology (Mẫu 04 asks the
//     applicant's pardon for a late dossier; it does not make it on time).
//   - "Số hồ sơ đang giải quyết" (in progress): received, neither resolved
//     nor ended by `to`. "Trong hạn / Quá hạn" (within / past the
//     deadline) is judged at `to` against the appointment in force then;
//     one whose clock is paused for a supplement is judged at the moment
//     the clock stopped.
//   - Outside the form's columns, so that every received dossier is
//     accounted for: withdrawn at the applicant's request (rút hồ sơ),
//     stopped (Mẫu 05, dừng giải quyết) and refused after examination
//     (từ chối giải quyết: the result is a reasoned refusal; some systems
//     count it among the resolved — the caller may add it there).
//
// Hence, per unit and in total:
//
//	Carried + NewOnline + NewCounter = Resolved + InProgress + Withdrawn + Stopped + Refused
//
// A dossier is counted under the unit that held it at the moment its
// figure was fixed: for a resolved or ended dossier, the unit it was at
// when its result was made or it ended (the event's from_unit_id); for
// one in progress, the unit holding it at the end of the period. The
// holder is read from dossier_events, which record the unit of each act,
// so a period before a reorganisation stays under the units of the time.
// A reorganisation moves open dossiers without an act of their own
// (dossier.MoveUnit, dossier.Service.Reroute): when the unit of the last
// act had ended by the moment asked, the holder is the unit the dossier
// left by its next act, else the one holding it now, else the successor
// the unit was merged into. All of a dossier's figures for one period go
// to one unit, so the identity above holds per unit.

// Count is the core II.06a figures of one unit for a period.
type Count struct {
	UnitID int64  `json:"-"`
	Code   string `json:"code"` // the unit's code as it stood (see Counts)
	Name   string `json:"name"`
	Level  string `json:"level"`
	Kind   string `json:"kind"`
	// Procedure is the procedure's code when CountOptions.ByProcedure
	// splits a unit's figures by procedure; empty otherwise.
	Procedure string `json:"procedure,omitempty"`

	Carried    int64 `json:"carried"`     // Từ kỳ trước chuyển qua
	NewOnline  int64 `json:"new_online"`  // Mới tiếp nhận trực tuyến
	NewCounter int64 `json:"new_counter"` // Mới tiếp nhận trực tiếp và qua bưu chính công ích
	Received   int64 `json:"received"`    // Tổng số: Carried + NewOnline + NewCounter

	Resolved int64 `json:"resolved"` // Tổng số đã giải quyết: Early + OnTime + Late
	Early    int64 `json:"early"`    // Trước hạn
	OnTime   int64 `json:"on_time"`  // Đúng hạn
	Late     int64 `json:"late"`     // Quá hạn

	InProgress int64 `json:"in_progress"` // Tổng số đang giải quyết: Within + Overdue
	Within     int64 `json:"within"`      // Trong hạn
	Overdue    int64 `json:"overdue"`     // Quá hạn

	Withdrawn int64 `json:"withdrawn"` // rút hồ sơ
	Stopped   int64 `json:"stopped"`   // dừng giải quyết (Mẫu 05)
	Refused   int64 `json:"refused"`   // từ chối giải quyết sau khi xem xét
}

// Balanced reports whether every received dossier is accounted for.
func (c Count) Balanced() bool {
	return c.Received == c.Carried+c.NewOnline+c.NewCounter &&
		c.Resolved == c.Early+c.OnTime+c.Late && c.InProgress == c.Within+c.Overdue &&
		c.Received == c.Resolved+c.InProgress+c.Withdrawn+c.Stopped+c.Refused
}

func (c *Count) add(o Count) {
	c.Carried += o.Carried
	c.NewOnline += o.NewOnline
	c.NewCounter += o.NewCounter
	c.Received += o.Received
	c.Resolved += o.Resolved
	c.Early += o.Early
	c.OnTime += o.OnTime
	c.Late += o.Late
	c.InProgress += o.InProgress
	c.Within += o.Within
	c.Overdue += o.Overdue
	c.Withdrawn += o.Withdrawn
	c.Stopped += o.Stopped
	c.Refused += o.Refused
}

// Judge classifies a finish against a deadline (calendar.Calendar does).
type Judge interface {
	Judge(due, finish time.Time) calendar.Timeliness
}

// CountOptions shapes Counts.
type CountOptions struct {
	// Judge says early, on time or late: the calendar in force
	// (calendar.Store.Current()), so the report agrees with form 06 and the
	// dashboards. Nil judges to the minute, on time on the due day.
	Judge Judge
	// RollUp adds each unit's figures into the unit that took its place:
	// following merged_into (a merger, or the successor named when a unit
	// was abolished) to the unit in force at At. The rows are then the
	// successors, as they stood at At.
	RollUp bool
	// At is the instant RollUp rolls up to; zero means `to`.
	At time.Time
	// ByProcedure splits each unit's figures by the dossier's procedure
	// (one row per unit and procedure), from which the report's views by
	// field and by procedure are summed.
	ByProcedure bool
	// Recount reads every event of the period even when the Reader has a
	// ready tally (WithTally): the reference the tally is proven against.
	Recount bool
}

// countKey is one row of Counts: a unit, and a procedure when split.
type countKey struct {
	unit      int64
	procedure string
}

// Counts returns the figures of every unit that has any in [from, to),
// by code as the unit stood at the end of the period (or at its end, for
// a unit that ended before), parents' codes first.
func (s *Reader) Counts(ctx context.Context, from, to time.Time, opts CountOptions) ([]Count, error) {
	if !from.Before(to) {
		return nil, problem.Invalid("to", "invalid_period")
	}
	units, err := s.unitTimes(ctx)
	if err != nil {
		return nil, err
	}
	judge := opts.Judge
	if judge == nil {
		judge = minuteJudge{}
	}
	var byUnit map[countKey]*Count
	if s.tallied(ctx, opts) {
		byUnit, err = s.countTally(ctx, from, to, judge, opts.ByProcedure)
	} else {
		byUnit, err = s.countEvents(ctx, from, to, judge, units, opts.ByProcedure)
	}
	if err != nil {
		return nil, err
	}
	stood := to.Add(-time.Millisecond)
	if opts.RollUp {
		at := opts.At
		if at.IsZero() {
			at = to
		}
		rolled := map[countKey]*Count{}
		for k, c := range byUnit {
			to := countKey{unit: units.successorAt(k.unit, at), procedure: k.procedure}
			if rolled[to] == nil {
				rolled[to] = &Count{UnitID: to.unit, Procedure: to.procedure}
			}
			rolled[to].add(*c)
		}
		byUnit, stood = rolled, at
	}
	out := make([]Count, 0, len(byUnit))
	for k, c := range byUnit {
		h := units.asStood(k.unit, stood)
		c.Code, c.Name, c.Level, c.Kind = h.code, h.name, h.level, h.kind
		out = append(out, *c)
	}
	slices.SortFunc(out, func(a, b Count) int {
		if n := strings.Compare(a.Code, b.Code); n != 0 {
			return n
		}
		if a.UnitID != b.UnitID {
			return int(a.UnitID - b.UnitID)
		}
		return strings.Compare(a.Procedure, b.Procedure)
	})
	return out, nil
}

// Total sums rows.
func Total(rows []Count) Count {
	var t Count
	for _, r := range rows {
		t.add(r)
	}
	return t
}

// countEvents is Counts' figures by unit (and procedure) recounted from
// every event of every dossier alive in [from, to).
func (s *Reader) countEvents(ctx context.Context, from, to time.Time, judge Judge, units unitTimes, byProcedure bool) (map[countKey]*Count, error) {
	byUnit := map[countKey]*Count{}
	err := s.eachDossier(ctx, from, to, func(d dossierLife) {
		c, unitID, ok := d.count(from, to, judge, units)
		if !ok {
			return
		}
		k := countKey{unit: unitID}
		if byProcedure {
			k.procedure = d.procedure
		}
		if byUnit[k] == nil {
			byUnit[k] = &Count{UnitID: unitID, Procedure: k.procedure}
		}
		byUnit[k].add(c)
	})
	return byUnit, err
}

// minuteJudge is calendar.Calendar.Judge with its default options: late
// after the due minute, on time on the due day (Vietnam), early before.
type minuteJudge struct{}

func (minuteJudge) Judge(due, finish time.Time) calendar.Timeliness {
	switch {
	case finish.After(due):
		return calendar.Late
	case finish.In(vietnam).Format(time.DateOnly) == due.In(vietnam).Format(time.DateOnly):
		return calendar.OnTime
	}
	return calendar.Early
}

var vietnam = time.FixedZone("ICT", 7*3600)

// msTime is the instant of Unix milliseconds ms.
func msTime(ms int64) time.Time { return time.UnixMilli(ms) }

// nullMs is a nullable millisecond column, 0 for NULL.
func nullMs(n sql.NullInt64) int64 {
	if n.Valid {
		return n.Int64
	}
	return 0
}
