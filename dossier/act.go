package dossier

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"time"

	"github.com/motcua/motcua/auth"
	"github.com/motcua/motcua/catalog"
	"github.com/motcua/motcua/problem"
	"github.com/motcua/motcua/store"
)

// ActInput is what an action carries.
type ActInput struct {
	// Version, when set, must equal the dossier's current version
	// (optimistic concurrency: the loser of a race gets ErrConflict).
	Version int64  `json:"version,omitempty"`
	Note    string `json:"note,omitempty"`
	// Assignee is the username to hand the next step to (forward, approve).
	Assignee string `json:"assignee,omitempty"`
	// NewDue is the new appointment of an apology (RFC 3339).
	NewDue *time.Time `json:"new_due,omitempty"`
	// Items are what a supplement request asks for (request-supplement
	// only): at least one, each a component of the procedure or a free
	// text, with its reason. See checkItems.
	Items []SupplementItem `json:"items,omitempty"`
	// Kind is the kind of period a pause excludes: one the procedure
	// declares (catalog.Procedure.Pauses).
	Kind string `json:"kind,omitempty"`

	// Consult: the partner agency's id, the working days it has to answer
	// and the ids of the dossier's files sent with the request.
	Agency int64   `json:"agency,omitempty"`
	Days   int     `json:"days,omitempty"`
	Files  []int64 `json:"files,omitempty"`
	// RecordAnswer: the request answered (may be omitted when only one is
	// open), who at the agency answered, when (default now) and the
	// dossier file holding the answer, if any.
	Consultation int64      `json:"consultation,omitempty"`
	AnsweredBy   string     `json:"answered_by,omitempty"`
	AnsweredAt   *time.Time `json:"answered_at,omitempty"`
	AnswerFile   int64      `json:"answer_file,omitempty"`
}

// Act applies one action of the lifecycle table to a dossier, in one
// transaction that also appends the history event.
func (s *Service) Act(ctx context.Context, a *auth.Actor, code string, action Action, in ActInput) (*Dossier, error) {
	if err := checkRequest(a, action); err != nil {
		return nil, err
	}
	in.Note = strings.TrimSpace(in.Note)
	if longerThan(in.Note, MaxNote) {
		return nil, problem.Invalid("note", "note_too_long")
	}
	var out *Dossier
	err := s.db.InTx(ctx, func(tx *store.Tx) error {
		d, p, rule, err := s.check(ctx, tx, a, code, action, in.Version)
		if err != nil {
			return err
		}
		if rule.NeedsNote && in.Note == "" {
			return problem.Invalid("note", "note_required")
		}
		if err := s.apply(ctx, tx, a, d, p, *rule, in); err != nil {
			return err
		}
		out, err = s.load(ctx, tx, code)
		return err
	})
	if err != nil {
		return nil, err
	}
	if err := s.decorate(ctx, s.db, out); err != nil {
		return nil, err
	}
	out.Actions = actionsFor(a, out, mustVersion(ctx, s, out))
	return out, nil
}

func mustVersion(ctx context.Context, s *Service, d *Dossier) catalog.Procedure {
	p, _ := s.catalog.Version(ctx, s.db, d.Procedure, d.ProcedureVersion)
	return p
}

func knownAction(a Action) bool {
	for _, x := range Actions {
		if x == a {
			return true
		}
	}
	return false
}

// change collects the columns a transition sets.
type change struct {
	cols []string
	args []any
}

func (c *change) set(col string, v any) {
	c.cols = append(c.cols, col+" = ?")
	c.args = append(c.args, v)
}

// apply computes the new state, step, unit and clock, writes them guarded
// by the version read, and appends the event.
func (s *Service) apply(ctx context.Context, tx *store.Tx, a *auth.Actor, d *Dossier, p catalog.Procedure, r Rule, in ActInput) error {
	now := s.cfg.Now()
	var c change
	to, step, unitID := r.To, d.Step, d.unitID
	var eventDue *time.Time
	var request *SupplementRequest
	var consultation *Consultation

	switch r.Move {
	case Advance:
		next := d.Step + 1
		if lastWorkStep(p) < next {
			// Past the last processing step: the result goes back to the one-stop desk.
			to, unitID = ResultReady, d.returnDesk()
			c.set("result_at", now.UnixMilli())
			c.set("assignee_id", nil)
		} else {
			u, err := s.stepUnit(ctx, tx, d, p, next)
			if err != nil {
				return err
			}
			unitID = u.ID
			if err := s.assign(ctx, tx, &c, in.Assignee, p.Steps[next].Role, unitID); err != nil {
				return err
			}
		}
		step = next
		c.set("step_started_at", now.UnixMilli())
	case Back:
		// The reception steps before processing are the desk's own; sending
		// back never returns a received dossier to them.
		if d.Step <= firstWorkStep(p) {
			return problem.New(problem.ErrState, "no_previous_step")
		}
		step = d.Step - 1
		u, err := s.stepUnit(ctx, tx, d, p, step)
		if err != nil {
			return err
		}
		unitID = u.ID
		if err := s.assign(ctx, tx, &c, in.Assignee, p.Steps[step].Role, unitID); err != nil {
			return err
		}
		c.set("step_started_at", now.UnixMilli())
	}

	switch r.Action {
	case Receive:
		// The law that applies is the one in force on the reception day,
		// not the one the applicant saw when filing (a version scheduled in
		// between may have come into force).
		inForce, err := s.catalog.InForce(ctx, tx, d.Procedure, now)
		if err != nil {
			return err
		}
		if inForce.Version != p.Version {
			p = inForce
			c.set("procedure_version", p.Version)
		}
		if r.Where == Elsewhere {
			due, err := s.receiveElsewhere(&c, p, now)
			if err != nil {
				return err
			}
			eventDue = &due
			break
		}
		due, err := s.cal.Due(now, p.Time.Unit, p.Time.Value)
		if err != nil {
			return fmt.Errorf("dossier: due for %s: %w", p.Code, err)
		}
		step = firstWorkStep(p)
		u, err := s.stepUnit(ctx, tx, d, p, step)
		if err != nil {
			return err
		}
		unitID = u.ID
		c.set("received_at", now.UnixMilli())
		c.set("due_at", due.UnixMilli())
		c.set("step_started_at", now.UnixMilli())
		if err := s.assign(ctx, tx, &c, in.Assignee, p.Steps[step].Role, unitID); err != nil {
			return err
		}
		eventDue = &due
	case RequestSupplement:
		var err error
		if request, err = s.supplementRequest(ctx, tx, d, p, in.Items, now); err != nil {
			return err
		}
		c.set("supplement_due_at", request.Deadline.UnixMilli())
		if d.Status == Processing {
			c.set("supplements", d.Supplements+1)
			c.set("paused_at", now.UnixMilli())
			if _, err := tx.ExecContext(ctx, `INSERT INTO dossier_pauses (dossier_id, started_at, reason) VALUES (?, ?, ?)`,
				d.id, now.UnixMilli(), in.Note); err != nil {
				return err
			}
		}
	case Supplement:
		c.set("supplement_due_at", nil)
		if d.Status == SupplementRequested && d.PausedAt != nil && d.DueAt != nil {
			// Time already used counts: the remaining working time resumes now.
			remaining := s.cal.WorkingBetween(*d.PausedAt, *d.DueAt)
			due := s.cal.AddWorking(now, remaining)
			c.set("due_at", due.UnixMilli())
			c.set("paused_at", nil)
			eventDue = &due
			if _, err := tx.ExecContext(ctx, `UPDATE dossier_pauses SET ended_at = ? WHERE dossier_id = ? AND ended_at IS NULL`,
				now.UnixMilli(), d.id); err != nil {
				return err
			}
		}
	case PauseClock:
		if err := s.pauseClock(ctx, tx, &c, d, p, now, in); err != nil {
			return err
		}
	case ResumeClock:
		due, err := s.resumeClock(ctx, tx, &c, d, p, now, in.Note)
		if err != nil {
			return err
		}
		eventDue = due
	case Apologize:
		if in.NewDue == nil || !in.NewDue.After(now) || (d.DueAt != nil && !in.NewDue.After(*d.DueAt)) {
			return problem.Invalid("new_due", "invalid_new_due")
		}
		if !s.workingMoment(*in.NewDue) {
			// A new appointment on a Sunday or at night is one nobody can keep.
			return problem.Invalid("new_due", "new_due_not_working_time")
		}
		c.set("due_at", in.NewDue.UnixMilli())
		c.set("apologized", 1)
		// An apology is due before the due moment (Mẫu 04 asks for the new
		// date in advance); one made after it is still recorded, as a late
		// apology: the dossier was already late when it came.
		if d.DueAt != nil && now.After(*d.DueAt) {
			c.set("apology_late", 1)
		}
		eventDue = in.NewDue
	case Refuse:
		if to == ResultReady {
			// The refusal is the result: back to the desk that received the
			// dossier, as after the last processing step.
			unitID, step = d.returnDesk(), lastWorkStep(p)+1
			c.set("result_at", now.UnixMilli())
			c.set("assignee_id", nil)
			c.set("result_refused", 1)
		}
	case Transfer:
		var err error
		if step, unitID, err = s.transfer(ctx, tx, &c, d, p, in.Assignee, now); err != nil {
			return err
		}
	case Deliver:
		// A late delivery without apology was refused by check.
		c.set("delivered_at", now.UnixMilli())
	case Consult, RecordAnswer:
		var err error
		if r.Action == Consult {
			consultation, err = s.consult(ctx, tx, a, d, in, now)
		} else {
			consultation, err = s.recordAnswer(ctx, tx, a, d, in, now)
		}
		if err != nil {
			return err
		}
		eventDue = &consultation.DueAt
	}
	if to.Final() {
		c.set("closed_at", now.UnixMilli())
		c.set("paused_at", nil)
		c.set("supplement_due_at", nil)
		if err := closePauses(ctx, tx, d, now); err != nil {
			return err
		}
	}
	c.set("status", string(to))
	c.set("step", step)
	c.set("unit_id", unitID)
	c.set("updated_at", now.UnixMilli())
	c.args = append(c.args, d.id, d.Version)
	res, err := tx.ExecContext(ctx, `UPDATE dossiers SET `+strings.Join(c.cols, ", ")+`, version = version + 1 WHERE id = ? AND version = ?`, c.args...)
	if err != nil {
		return fmt.Errorf("dossier: update %s: %w", d.Code, err)
	}
	if n, err := res.RowsAffected(); err != nil {
		return err
	} else if n != 1 {
		return problem.Conflict("version_conflict")
	}
	eventID, digest, err := appendEvent(ctx, tx, d.id, now, a, r.Role, string(r.Action), d.Status, to, d.Step, step, d.unitID, unitID, eventDue, in.Note)
	if err != nil {
		return err
	}
	if request != nil {
		if err := saveRequest(ctx, tx, eventID, d.id, request); err != nil {
			return err
		}
	}
	// Listeners write in this transaction: what they write exists if and only if the change does.
	_, err = s.publish(ctx, tx, d.Code, Transitioned{Action: r.Action, From: d.Status, FromUnitID: d.unitID, FromStep: d.Step, Note: in.Note, ActorRole: r.Role, At: now, EventID: eventID,
		EventDigest: digest, Consultation: consultation, EventDue: eventDue}, a, nil)
	return err
}

// assign sets the assignee for the coming step: the named user, who must
// hold role on the unit, or nobody (the unit's queue).
func (s *Service) assign(ctx context.Context, tx *store.Tx, c *change, username, role string, unitID int64) error {
	if username == "" {
		c.set("assignee_id", nil)
		return nil
	}
	id, err := auth.Holder(ctx, tx, username, unitID, role)
	if err != nil {
		return problem.Invalid("assignee", "invalid_assignee", problem.Key("role."+role))
	}
	c.set("assignee_id", id)
	return nil
}

// The reception steps at the ends of a procedure's workflow are the
// one-stop desk's own (receive, return); processing runs between them.
func firstWorkStep(p catalog.Procedure) int {
	for i, st := range p.Steps {
		if st.Role != auth.Reception {
			return i
		}
	}
	return 0
}

func lastWorkStep(p catalog.Procedure) int {
	for i := len(p.Steps) - 1; i >= 0; i-- {
		if p.Steps[i].Role != auth.Reception {
			return i
		}
	}
	return len(p.Steps) - 1
}

// roleLabel is the role recorded on a submission event.
func roleLabel(a *auth.Actor, channel string) string {
	switch {
	case a.IsCitizen():
		return ApplicantRole
	case a.Client != nil:
		return SystemRole // a system account's submission (docs/api-clients.md)
	case channel == "online":
		return auth.Community // filed online by an officer: on a citizen's behalf
	case channel == ChannelNationalPortal:
		return SystemRole // brought in from the national portal (national.go)
	}
	return auth.Reception
}

func appendEvent(ctx context.Context, tx *store.Tx, dossierID int64, at time.Time, a *auth.Actor, role, action string,
	from, to State, fromStep, toStep int, fromUnit, toUnit int64, due *time.Time, note string) (id int64, digest string, err error) {
	e := eventRow{dossierID: dossierID, at: at.UnixMilli(), name: a.FullName, role: role, action: action, from: string(from), to: string(to),
		fromStep: int64(fromStep), toStep: int64(toStep), toUnit: sql.NullInt64{Int64: toUnit, Valid: true}, note: note}
	var fu, actor, dueAt any
	if fromUnit != 0 {
		fu, e.fromUnit = fromUnit, sql.NullInt64{Int64: fromUnit, Valid: true}
	}
	if a.ID != 0 {
		actor, e.actor = a.ID, sql.NullInt64{Int64: a.ID, Valid: true} // the system (the supplement sweep) is no user
	}
	if due != nil {
		dueAt, e.due = due.UnixMilli(), sql.NullInt64{Int64: due.UnixMilli(), Valid: true}
	}
	err = tx.QueryRowContext(ctx, `INSERT INTO dossier_events (dossier_id, at, actor_id, actor_name, actor_role, action,
		from_status, to_status, from_step, to_step, from_unit_id, to_unit_id, due_at, note)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`,
		dossierID, e.at, actor, e.name, role, action, e.from, e.to, fromStep, toStep, fu, toUnit, dueAt, note).Scan(&e.id)
	if err != nil {
		return 0, "", err
	}
	// The digest of the row as written, from the values just written,
	// rather than read back in the transaction (EventDigests computes the
	// same from the stored row; audit verify compares the two).
	return e.id, e.digest(), nil
}

// workingMoment reports whether t falls within office hours on a working
// day (its bounds included), asked of the calendar in working time.
func (s *Service) workingMoment(t time.Time) bool {
	return s.cal.WorkingBetween(t.Add(-time.Minute), t) > 0 || s.cal.WorkingBetween(t, t.Add(time.Minute)) > 0
}
