package demo

// Replaying a planned life into the rows the services would have written:
// each act is looked up in the lifecycle table (dossier.Rules) and does
// to the dossier what dossier.Service.apply does — the step and the unit
// holding it, the appointment set at reception and moved by a supplement,
// a pause or an apology, the clock's pauses, the result and the close —
// and is recorded as apply's appendEvent records it.

import (
	"fmt"
	"time"

	"github.com/motcua/motcua/auth"
	"github.com/motcua/motcua/calendar"
	"github.com/motcua/motcua/catalog"
	"github.com/motcua/motcua/dossier"
	"github.com/motcua/motcua/unit"
)

const lateNote = "Hồ sơ giải quyết quá hạn; UBND xin lỗi và hẹn lại ngày trả kết quả (Mẫu 04)."

// replay fills d's history and final columns from the plan's acts up to b.end.
func (b *bulkGen) replay(d *dossier.BulkDossier, p catalog.Procedure, pl plan) error {
	first, last := workSteps(p)
	for _, s := range pl.steps {
		if s.at.After(b.end) {
			break // still running when the data ends
		}
		now := s.at
		switch s.op {
		case opSubmit:
			role := auth.Reception
			if pl.by.IsCitizen() {
				role = dossier.ApplicantRole
			}
			d.Events = append(d.Events, dossier.BulkEvent{At: now.UnixMilli(), ActorID: pl.by.ID, ActorName: pl.by.FullName, ActorRole: role,
				Action: "submit", To: dossier.Submitted, ToUnit: d.ReceivingUnit})
		case opShip:
			b.posted++
			note := fmt.Sprintf("Gửi kết quả qua bưu chính công ích, số hiệu bưu gửi EB1%08dVN.", b.posted)
			if err := b.act(d, p, s.actor, dossier.Deliver, now, note, nil, "", first, last); err != nil {
				return err
			}
		case opAct:
			if err := b.act(d, p, s.actor, s.action, now, s.note, s.newDue, s.kind, first, last); err != nil {
				return err
			}
		}
	}
	return nil
}

// act applies one action at now, as dossier.Service.apply does.
func (b *bulkGen) act(d *dossier.BulkDossier, p catalog.Procedure, by *auth.Actor, action dossier.Action, now time.Time,
	note string, newDue *time.Time, kind string, first, last int) error {
	cal := b.cal
	if action == dossier.Deliver && d.DueAt != 0 && !d.Apologized && cal.Judge(time.UnixMilli(d.DueAt), now) == calendar.Late {
		// The hand-over of a late result is refused until the desk
		// apologises (what gen.take does when the service says so).
		due := cal.AddWorking(now, 8*time.Hour)
		if err := b.act(d, p, by, dossier.Apologize, now, lateNote, &due, "", first, last); err != nil {
			return err
		}
	}
	role := b.roles[by.ID]
	if by.IsCitizen() {
		role = dossier.ApplicantRole
	}
	rule, ok := bulkRule(d.Status, action, role)
	if !ok {
		return fmt.Errorf("demo: bulk %s: no rule for %s by %s in %s", d.Code, action, role, d.Status)
	}
	ms := now.UnixMilli()
	to, step, unitID := rule.To, d.Step, d.Unit
	var eventDue int64
	switch rule.Move {
	case dossier.Advance:
		next := step + 1
		if last < next {
			to, unitID = dossier.ResultReady, d.ReceivingUnit
			d.ResultAt = ms
		} else {
			u, err := b.unitFor(d.ReceivingUnit, p, next, now)
			if err != nil {
				return err
			}
			unitID = u
		}
		step = next
		d.StepStartedAt = ms
	case dossier.Back:
		return fmt.Errorf("demo: bulk: send-back is not planned")
	}
	switch action {
	case dossier.Receive:
		due, err := cal.Due(now, p.Time.Unit, p.Time.Value)
		if err != nil {
			return err
		}
		step = first
		u, err := b.unitFor(d.ReceivingUnit, p, step, now)
		if err != nil {
			return err
		}
		unitID = u
		d.ReceivedAt, d.DueAt, d.StepStartedAt = ms, due.UnixMilli(), ms
		eventDue = d.DueAt
	case dossier.RequestSupplement:
		if d.Status == dossier.Processing {
			d.Supplements++
			d.PausedAt = ms
			d.Pauses = append(d.Pauses, dossier.BulkPause{Started: ms, Reason: note, Kind: dossier.PauseSupplement})
		}
	case dossier.Supplement:
		if d.Status == dossier.SupplementRequested && d.PausedAt != 0 && d.DueAt != 0 {
			remaining := cal.WorkingBetween(time.UnixMilli(d.PausedAt), time.UnixMilli(d.DueAt))
			d.DueAt = cal.AddWorking(now, remaining).UnixMilli()
			d.PausedAt = 0
			eventDue = d.DueAt
			endPauses(d, ms, "")
		}
	case dossier.PauseClock:
		d.PausedAt = ms
		d.Pauses = append(d.Pauses, dossier.BulkPause{Started: ms, Reason: note, Kind: kind})
	case dossier.ResumeClock:
		paused := time.UnixMilli(d.PausedAt)
		end := now
		open := &d.Pauses[len(d.Pauses)-1]
		if x, ok := p.PauseFor(open.Kind); ok {
			var limit time.Time
			switch {
			case x.MaxDays > 0:
				limit = paused.AddDate(0, 0, x.MaxDays)
			case x.MaxWorkingDays > 0:
				limit = cal.AddWorking(paused, time.Duration(x.MaxWorkingDays)*dossier.WorkingDay)
			}
			if !limit.IsZero() && limit.Before(now) {
				end = limit
			}
		}
		d.PausedAt = 0
		open.Ended, open.EndNote = end.UnixMilli(), note
		if d.DueAt != 0 {
			due := time.UnixMilli(d.DueAt)
			if cal.Judge(due, paused) != calendar.Late {
				due = cal.AddWorking(end, cal.WorkingBetween(paused, due))
			}
			d.DueAt = due.UnixMilli()
			eventDue = d.DueAt
		}
	case dossier.Apologize:
		if d.DueAt != 0 && ms > d.DueAt {
			d.ApologyLate = true
		}
		d.DueAt, d.Apologized = newDue.UnixMilli(), true
		eventDue = d.DueAt
		b.late++
	case dossier.Refuse:
		if to == dossier.ResultReady {
			unitID, step = d.ReceivingUnit, last+1
			d.ResultAt, d.ResultRefused = ms, true
		}
	case dossier.Deliver:
		d.DeliveredAt = ms
	}
	if to.Final() {
		d.ClosedAt, d.PausedAt = ms, 0
		endPauses(d, ms, "")
	}
	d.Events = append(d.Events, dossier.BulkEvent{At: ms, ActorID: by.ID, ActorName: by.FullName, ActorRole: rule.Role, Action: string(action),
		From: d.Status, To: to, FromStep: d.Step, ToStep: step, FromUnit: d.Unit, ToUnit: unitID, Due: eventDue, Note: note})
	d.Status, d.Step, d.Unit = to, step, unitID
	return nil
}

// endPauses ends the pause still open, as the services do on a
// supplement or a close.
func endPauses(d *dossier.BulkDossier, ms int64, note string) {
	for i := range d.Pauses {
		if d.Pauses[i].Ended == 0 {
			d.Pauses[i].Ended, d.Pauses[i].EndNote = ms, note
		}
	}
}

// bulkRule is the lifecycle table's row for an action by role in a state,
// for a dossier received at its competent unit (the 2022 world's only kind).
func bulkRule(from dossier.State, a dossier.Action, role string) (dossier.Rule, bool) {
	for _, r := range dossier.Rules {
		if r.From == from && r.Action == a && r.Role == role && r.Where != dossier.Elsewhere {
			return r, true
		}
	}
	return dossier.Rule{}, false
}

// unitFor is the unit that takes step i of p for a dossier received at
// recv (dossier.Service.stepUnit), cached.
func (b *bulkGen) unitFor(recv int64, p catalog.Procedure, i int, at time.Time) (int64, error) {
	k := stepKey{unit: recv, proc: p.Code, step: i}
	if id, ok := b.stepUnit[k]; ok {
		return id, nil
	}
	st := p.Steps[i]
	u, err := b.units.ForStep(b.ctx, b.db, recv, unit.Step{Level: st.Level, Kind: st.Kind, Procedure: p.Code}, at)
	if err != nil {
		return 0, fmt.Errorf("demo: bulk: unit for %s step %d from %d: %w", p.Code, i, recv, err)
	}
	b.stepUnit[k] = u.ID
	return u.ID, nil
}
