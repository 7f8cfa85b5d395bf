package civil

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"strings"

	"github.com/motcua/motcua/auth"
	"github.com/motcua/motcua/problem"
	"github.com/motcua/motcua/store"
)

// The states of an officer's evaluation in a cycle.
const (
	StateSelf    = "self_assessment" // waiting for the officer's self-assessment
	StateReview  = "review"          // waiting for the collective review at the unit's meeting
	StateDecide  = "decision"        // waiting for the competent leader's decision
	StateDecided = "decided"         // classified
)

// The acts on an evaluation.
const (
	ActSelf   = "self_assess"
	ActReview = "review"
	ActDecide = "decide"
)

// Who may take a step: the officer evaluated, or one holding
// auth.EvaluateStaff at the cycle's unit (a leader of it or above it).
const (
	BySelf   = "self"
	ByLeader = "leader"
)

// Step is one row of the evaluation's state table.
type Step struct {
	From, Act, To, By string
}

// Steps is the whole cycle of Decree 90/2020 Art. 13–20 as amended by
// Decree 48/2023 (the order for a civil servant; docs/civil-service.md):
// the officer writes a self-assessment and proposes a level; the unit's
// meeting comments and votes on it (the leader records the minutes); the
// competent leader decides the level, never their own.
var Steps = []Step{
	{StateSelf, ActSelf, StateReview, BySelf},
	{StateReview, ActReview, StateDecide, ByLeader},
	{StateDecide, ActDecide, StateDecided, ByLeader},
}

// step finds the row for act from state.
func step(from, act string) (Step, bool) {
	for _, s := range Steps {
		if s.From == from && s.Act == act {
			return s, true
		}
	}
	return Step{}, false
}

// Cycle is a unit's evaluation of a year.
type Cycle struct {
	ID     int64
	UnitID int64
	Year   int
}

// Evaluation is one officer's evaluation in a cycle.
type Evaluation struct {
	ID         int64
	Cycle      Cycle
	Person     Person
	State      string
	SelfText   string
	SelfLevel  string
	ReviewText string
	// Votes of the unit's meeting by level (Levels).
	Votes       map[string]int
	Level       string
	Note        string
	Evidence    *Figures // kept at the decision; nil before
	DecidedBy   int64
	Version     int64
	SelfAt      int64
	ReviewAt    int64
	DecidedAt   int64
	ReviewBy    int64
	evidenceRaw string
}

// Open opens the cycle of year at unitID: an evaluation in StateSelf for
// each person posted there now. Opening it again adds those posted
// since, and leaves the others as they are.
func (s *Service) Open(ctx context.Context, a *auth.Actor, unitID int64, year int) (Cycle, error) {
	if ok, err := s.can(ctx, a, auth.EvaluateStaff, unitID); err != nil || !ok {
		return Cycle{}, cmpErr(err, problem.Forbidden("not_your_staff"))
	}
	if now := s.cfg.Now().In(vietnam).Year(); year < 2020 || year > now {
		return Cycle{}, problem.Invalid("year", "civil_year_invalid", now)
	}
	c := Cycle{UnitID: unitID, Year: year}
	err := s.cfg.DB.InTx(ctx, func(tx *store.Tx) error {
		err := tx.QueryRowContext(ctx, `SELECT id FROM civil_cycles WHERE unit_id = ? AND year = ?`, unitID, year).Scan(&c.ID)
		if errors.Is(err, sql.ErrNoRows) {
			err = tx.QueryRowContext(ctx, `INSERT INTO civil_cycles (unit_id, year, opened_by, opened_at) VALUES (?, ?, ?, ?) RETURNING id`,
				unitID, year, a.ID, s.cfg.Now().UnixMilli()).Scan(&c.ID)
		}
		if err != nil {
			return err
		}
		res, err := tx.ExecContext(ctx, `INSERT INTO civil_evaluations (cycle_id, person_id, state)
			SELECT ?, p.id, ? FROM civil_people p WHERE p.unit_id = ?
			AND NOT EXISTS (SELECT 1 FROM civil_evaluations e WHERE e.cycle_id = ? AND e.person_id = p.id)`, c.ID, StateSelf, unitID, c.ID)
		if err != nil {
			return err
		}
		n, _ := res.RowsAffected()
		return s.audit(ctx, tx, a, unitID, "civil_cycle_opened", fmt.Sprintf("civil_cycle:%d", c.ID), fmt.Sprintf("%d: %d", year, n))
	})
	return c, err
}

// Input is what a step records.
type Input struct {
	Version int64
	Text    string
	Level   string
	// Votes: the meeting's votes by level (review only).
	Votes map[string]int
}

// Act takes step act on evaluation id: the actor must be the officer for
// BySelf, or hold auth.EvaluateStaff at the cycle's unit for ByLeader
// (and not be the officer evaluated). The version guards against a
// colleague's concurrent act.
func (s *Service) Act(ctx context.Context, a *auth.Actor, id int64, act string, in Input) error {
	e, err := s.evaluation(ctx, s.cfg.DB, id)
	if err != nil {
		return err
	}
	if act != ActSelf && act != ActReview && act != ActDecide {
		return problem.Invalid("act", "civil_act_unknown")
	}
	st, ok := step(e.State, act)
	if !ok {
		return problem.New(problem.ErrState, "civil_wrong_state", problem.Key("civil.state."+e.State))
	}
	switch st.By {
	case BySelf:
		if e.Person.UserID == 0 || a.ID != e.Person.UserID {
			return problem.Forbidden("not_your_evaluation")
		}
	case ByLeader:
		if ok, err := s.can(ctx, a, auth.EvaluateStaff, e.Cycle.UnitID); err != nil || !ok {
			return cmpErr(err, problem.Forbidden("not_your_staff"))
		}
		if a.ID == e.Person.UserID {
			return problem.Forbidden("own_evaluation")
		}
	}
	if in.Version != e.Version {
		return problem.Conflict("civil_evaluation_changed")
	}
	in.Text = strings.TrimSpace(in.Text)
	now := s.cfg.Now().UnixMilli()
	var q string
	var args []any
	switch act {
	case ActSelf:
		if in.Text == "" {
			return problem.Invalid("text", "civil_text_required")
		}
		if !validLevel(in.Level) {
			return problem.Invalid("level", "civil_level_invalid")
		}
		q, args = `self_text = ?, self_level = ?, self_at = ?`, []any{in.Text, in.Level, now}
	case ActReview:
		if in.Text == "" {
			return problem.Invalid("text", "civil_text_required")
		}
		for _, l := range Levels {
			if in.Votes[l] < 0 || in.Votes[l] > 1000 {
				return problem.Invalid("votes_"+l, "civil_votes_invalid")
			}
		}
		q, args = `review_text = ?, votes_excellent = ?, votes_good = ?, votes_done = ?, votes_not_done = ?, review_by = ?, review_at = ?`,
			[]any{in.Text, in.Votes[Excellent], in.Votes[Good], in.Votes[Done], in.Votes[NotDone], a.ID, now}
	case ActDecide:
		if !validLevel(in.Level) {
			return problem.Invalid("level", "civil_level_invalid")
		}
		ev, err := s.Figures(ctx, e.Person.UserID, e.Cycle.Year)
		if err != nil {
			return err
		}
		raw, _ := json.Marshal(ev)
		q, args = `level = ?, decision_note = ?, evidence = ?, decided_by = ?, decided_at = ?`, []any{in.Level, in.Text, string(raw), a.ID, now}
	}
	args = append(args, st.To, id, e.Version)
	return s.cfg.DB.InTx(ctx, func(tx *store.Tx) error {
		res, err := tx.ExecContext(ctx, `UPDATE civil_evaluations SET `+q+`, state = ?, version = version + 1 WHERE id = ? AND version = ?`, args...)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n != 1 {
			return problem.Conflict("civil_evaluation_changed")
		}
		detail := st.From + "→" + st.To
		if in.Level != "" {
			detail += " " + in.Level
		}
		return s.audit(ctx, tx, a, e.Cycle.UnitID, "civil_evaluation_"+act, fmt.Sprintf("civil_evaluation:%d:%s:%d", e.Cycle.Year, e.Person.Code, id), detail)
	})
}

func validLevel(l string) bool {
	for _, x := range Levels {
		if x == l {
			return true
		}
	}
	return false
}

// Figures are a person's one-stop figures of a year, from the report
// read model; zero for a person without an account.
func (s *Service) Figures(ctx context.Context, userID int64, year int) (Figures, error) {
	if userID == 0 || s.cfg.Evidence == nil {
		return Figures{}, nil
	}
	from, to := YearBounds(year)
	m, err := s.cfg.Evidence.OfficerFigures(ctx, []int64{userID}, from, to)
	return m[userID], err
}

const evalCols = `e.id, e.state, e.self_text, e.self_level, e.self_at, e.review_text, e.votes_excellent, e.votes_good, e.votes_done, e.votes_not_done,
	COALESCE(e.review_by, 0), e.review_at, e.level, e.decision_note, e.evidence, COALESCE(e.decided_by, 0), e.decided_at, e.version,
	c.id, c.unit_id, c.year, ` + personCols + `
	FROM civil_evaluations e JOIN civil_cycles c ON c.id = e.cycle_id JOIN civil_people p ON p.id = e.person_id`

func scanEvaluation(sc interface{ Scan(...any) error }) (Evaluation, error) {
	var e Evaluation
	var xs, good, done, not int
	var p Person
	err := sc.Scan(&e.ID, &e.State, &e.SelfText, &e.SelfLevel, &e.SelfAt, &e.ReviewText, &xs, &good, &done, &not,
		&e.ReviewBy, &e.ReviewAt, &e.Level, &e.Note, &e.evidenceRaw, &e.DecidedBy, &e.DecidedAt, &e.Version,
		&e.Cycle.ID, &e.Cycle.UnitID, &e.Cycle.Year,
		&p.ID, &p.Code, &p.UserID, &p.FullName, &p.BirthDate, &p.Gender, &p.UnitID, &p.Position, &p.Rank)
	if err != nil {
		return e, err
	}
	e.Person = p
	e.Votes = map[string]int{Excellent: xs, Good: good, Done: done, NotDone: not}
	if e.evidenceRaw != "" {
		var f Figures
		if err := json.Unmarshal([]byte(e.evidenceRaw), &f); err != nil {
			return e, err
		}
		e.Evidence = &f
	}
	return e, nil
}

func (s *Service) evaluation(ctx context.Context, q store.Querier, id int64) (Evaluation, error) {
	e, err := scanEvaluation(q.QueryRowContext(ctx, `SELECT `+evalCols+` WHERE e.id = ?`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return e, problem.NotFound("civil_evaluation_not_found")
	}
	return e, err
}

// Evaluation returns one evaluation for the officer evaluated or one who
// holds auth.EvaluateStaff at the cycle's unit; anyone else gets not found.
func (s *Service) Evaluation(ctx context.Context, a *auth.Actor, id int64) (Evaluation, error) {
	e, err := s.evaluation(ctx, s.cfg.DB, id)
	if err != nil {
		return e, err
	}
	if e.Person.UserID != 0 && a.ID == e.Person.UserID {
		return e, nil
	}
	if ok, err := s.can(ctx, a, auth.EvaluateStaff, e.Cycle.UnitID); err != nil || !ok {
		return Evaluation{}, cmpErr(err, problem.NotFound("civil_evaluation_not_found"))
	}
	return e, nil
}

// CycleOf returns the evaluations of a unit's cycle of year that a may
// see: all of them for one holding auth.EvaluateStaff at the unit, their
// own otherwise. found is false when the cycle is not open.
func (s *Service) CycleOf(ctx context.Context, a *auth.Actor, unitID int64, year int) (list []Evaluation, lead, found bool, err error) {
	lead, err = s.can(ctx, a, auth.EvaluateStaff, unitID)
	if err != nil {
		return nil, false, false, err
	}
	var n int
	if err := s.cfg.DB.QueryRowContext(ctx, `SELECT COUNT(*) FROM civil_cycles WHERE unit_id = ? AND year = ?`, unitID, year).Scan(&n); err != nil {
		return nil, lead, false, err
	}
	rows, err := s.cfg.DB.QueryContext(ctx, `SELECT `+evalCols+` WHERE c.unit_id = ? AND c.year = ? ORDER BY p.full_name, p.code`, unitID, year)
	if err != nil {
		return nil, lead, false, err
	}
	defer rows.Close()
	for rows.Next() {
		e, err := scanEvaluation(rows)
		if err != nil {
			return nil, lead, false, err
		}
		if lead || (e.Person.UserID != 0 && e.Person.UserID == a.ID) {
			list = append(list, e)
		}
	}
	return list, lead, n > 0, rows.Err()
}

// Mine lists the evaluations of the actor's own record, latest year first.
func (s *Service) Mine(ctx context.Context, a *auth.Actor) ([]Evaluation, error) {
	rows, err := s.cfg.DB.QueryContext(ctx, `SELECT `+evalCols+` WHERE p.user_id = ? ORDER BY c.year DESC, c.id`, a.ID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Evaluation
	for rows.Next() {
		e, err := scanEvaluation(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, e)
	}
	return out, rows.Err()
}
