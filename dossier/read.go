package dossier

import (
	"context"
	"strings"
	"time"

	"github.com/motcua/motcua/store"
)

// The reads below serve screens that compose their own views (the office
// dashboard and queue): the SQL that names dossier tables stays here, the
// choice of what an officer should see lives with the screen.

// Scope selects the dossiers of some units (processed or received there)
// and those one user created.
type Scope struct {
	Units     []int64
	CreatedBy int64
}

func (sc Scope) where() (string, []any) { return sc.whereOn("d") }

// whereOn is where on the table aliased t, dossiers or dossier_search_rows
// (PostgreSQL's search, migrations/020), which have the same columns.
func (sc Scope) whereOn(t string) (string, []any) {
	var args []any
	for _, id := range sc.Units {
		args = append(args, id)
	}
	n := len(args)
	args = append(append(append(args, args[:n]...), args[:n]...), sc.CreatedBy)
	if len(sc.Units) == 0 {
		return t + ".created_by = ?", args[3*n:]
	}
	ph := store.Placeholders(len(sc.Units))
	return "(" + t + ".unit_id IN (" + ph + ") OR " + t + ".receiving_unit_id IN (" + ph + ") OR " + t + ".competent_unit_id IN (" + ph + ") OR " + t + ".created_by = ?)", args
}

// DueRange is a span of due times [From, To); a zero end is unbounded.
// Paused selects instead the dossiers in processing whose clock an
// officer's pause holds (their due time is not running: no band).
type DueRange struct {
	From, To time.Time
	Paused   bool
}

// Tally counts the dossiers in sc by state and, for each of ranges, the
// open ones (awaiting transfer, processing or result ready, clock running)
// whose due time falls in it. One query answers both, so the counts agree
// with each other.
func (s *Service) Tally(ctx context.Context, sc Scope, ranges []DueRange) (map[State]int64, []int64, error) {
	const open = `d.status IN ('transferring', 'processing', 'result_ready') AND d.due_at IS NOT NULL AND d.paused_at IS NULL`
	var cols []string
	var args []any
	for _, r := range ranges {
		cond := open
		if r.Paused {
			cols = append(cols, `, SUM(CASE WHEN d.status = 'processing' AND d.paused_at IS NOT NULL THEN 1 ELSE 0 END)`)
			continue
		}
		if !r.From.IsZero() {
			cond += ` AND d.due_at >= ?`
			args = append(args, r.From.UnixMilli())
		}
		if !r.To.IsZero() {
			cond += ` AND d.due_at < ?`
			args = append(args, r.To.UnixMilli())
		}
		cols = append(cols, `, SUM(CASE WHEN `+cond+` THEN 1 ELSE 0 END)`)
	}
	where, wargs := sc.where()
	rows, err := s.db.QueryContext(ctx, `SELECT d.status, COUNT(*)`+strings.Join(cols, "")+
		` FROM dossiers d WHERE `+where+` GROUP BY d.status`, append(args, wargs...)...)
	if err != nil {
		return nil, nil, err
	}
	defer rows.Close()
	states := map[State]int64{}
	sums := make([]int64, len(ranges))
	for rows.Next() {
		var st string
		var n int64
		vals := make([]int64, len(ranges))
		dest := []any{&st, &n}
		for i := range vals {
			dest = append(dest, &vals[i])
		}
		if err := rows.Scan(dest...); err != nil {
			return nil, nil, err
		}
		states[State(st)] = n
		for i, v := range vals {
			sums[i] += v
		}
	}
	return states, sums, rows.Err()
}

// StepAt is one step of one procedure version, as processed at one unit.
type StepAt struct {
	Unit      int64
	Procedure string
	Version   int
	Step      int
	// Role is the role that step asks for (from the procedure version).
	Role string
}

// OpenSteps lists the distinct steps at which dossiers are being processed
// at units. A step's role lives in the procedure version, not in the row,
// so this lets a caller pick the steps its officer works on and match them
// exactly with Find.
func (s *Service) OpenSteps(ctx context.Context, units []int64) ([]StepAt, error) {
	if len(units) == 0 {
		return nil, nil
	}
	args := make([]any, len(units))
	for i, id := range units {
		args[i] = id
	}
	rows, err := s.db.QueryContext(ctx, `SELECT DISTINCT unit_id, procedure_code, procedure_version, step FROM dossiers
		WHERE status = 'processing' AND unit_id IN (`+store.Placeholders(len(units))+`)`, args...)
	if err != nil {
		return nil, err
	}
	var out []StepAt
	for rows.Next() {
		var c StepAt
		if err := rows.Scan(&c.Unit, &c.Procedure, &c.Version, &c.Step); err != nil {
			rows.Close()
			return nil, err
		}
		out = append(out, c)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	for i, c := range out {
		p, err := s.catalog.Version(ctx, s.db, c.Procedure, c.Version)
		if err != nil {
			return nil, err
		}
		if c.Step < len(p.Steps) {
			out[i].Role = p.Steps[c.Step].Role
		}
	}
	return out, nil
}

// Match selects the dossiers waiting for someone's work; a dossier matching
// any of its parts is selected.
type Match struct {
	// AtDesk: submitted, result-ready or withdrawal-requested dossiers
	// received at these units (to check and receive, to hand over, or to
	// acknowledge the withdrawal).
	AtDesk []int64
	// AtStep: dossiers being processed at exactly these steps.
	AtStep []StepAt
	// AssignedTo: dossiers being processed that are assigned to this user.
	AssignedTo int64
}

// Find returns the dossiers m selects, the most urgent first (at most
// limit, 50 when limit is out of 1..200), and how many there are in all.
func (s *Service) Find(ctx context.Context, m Match, limit int) ([]*Dossier, int, error) {
	var conds []string
	var args []any
	if len(m.AtDesk) > 0 {
		// A result waits at its return desk (unit_id at result_ready):
		// the receiving desk, or the competent unit's for a dossier
		// received elsewhere whose applicant chose to collect it there.
		ph := store.Placeholders(len(m.AtDesk))
		conds = append(conds, "(d.status IN ('submitted', 'transferring', 'withdrawal_requested') AND d.receiving_unit_id IN ("+ph+"))",
			"(d.status = 'result_ready' AND d.unit_id IN ("+ph+"))")
		for range 2 {
			for _, id := range m.AtDesk {
				args = append(args, id)
			}
		}
	}
	var steps []string
	for _, c := range m.AtStep {
		steps = append(steps, "(d.unit_id = ? AND d.procedure_code = ? AND d.procedure_version = ? AND d.step = ?)")
		args = append(args, c.Unit, c.Procedure, c.Version, c.Step)
	}
	if len(steps) > 0 {
		conds = append(conds, "(d.status = 'processing' AND ("+strings.Join(steps, " OR ")+"))")
	}
	conds = append(conds, "(d.status = 'processing' AND d.assignee_id = ?)")
	args = append(args, m.AssignedTo)
	where := strings.Join(conds, " OR ")

	var total int
	if err := s.db.QueryRowContext(ctx, `SELECT COUNT(*) FROM dossiers d WHERE `+where, args...).Scan(&total); err != nil {
		return nil, 0, err
	}
	if limit <= 0 || limit > 200 {
		limit = 50
	}
	rows, err := s.db.QueryContext(ctx, selectDossier+` WHERE `+where+
		` ORDER BY CASE WHEN d.due_at IS NULL THEN 1 ELSE 0 END, d.due_at, d.id LIMIT ?`, append(args, limit)...)
	if err != nil {
		return nil, 0, err
	}
	defer rows.Close()
	out := []*Dossier{}
	for rows.Next() {
		d, err := scanDossier(rows)
		if err != nil {
			return nil, 0, err
		}
		out = append(out, d)
	}
	if err := rows.Err(); err != nil {
		return nil, 0, err
	}
	rows.Close()
	for _, d := range out {
		if err := s.decorate(ctx, s.db, d); err != nil {
			return nil, 0, err
		}
	}
	return out, total, nil
}
