package report

import (
	"context"
	"database/sql"
	"encoding/json"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/motcua/motcua/tally"
)

// Late is one open dossier past its appointment: the overdue list.
type Late struct {
	Code      string    `json:"code"`
	Procedure string    `json:"procedure"` // its name
	Unit      string    `json:"unit"`      // the unit holding it
	Step      string    `json:"step"`      // the step it waits at
	Status    string    `json:"status"`
	Due       time.Time `json:"due"`
	// HoursLate is the working time since the appointment (to the pause,
	// for one waiting on a supplement); DaysLate the working days it makes,
	// counted up (8 working hours a day).
	HoursLate float64 `json:"hours_late"`
	DaysLate  int     `json:"days_late"`
}

// openStates are the states of a received dossier not yet decided.
const openStates = `('processing', 'supplement_requested', 'withdrawal_requested', 'transferring')`

// Overdue lists the scope's open dossiers past their appointment at now,
// latest first; at most limit (the list is for reading, not exporting).
// A dossier whose clock is paused is judged at the moment it paused.
func (s *Reader) Overdue(ctx context.Context, sc Scope, now time.Time, cal WorkCalendar, limit int) ([]Late, error) {
	rows, err := s.db.Replica(ctx).QueryContext(ctx, `SELECT d.code, d.procedure_code, d.procedure_version, d.unit_id, d.step, d.status,
		d.due_at, d.paused_at FROM dossiers d
		WHERE d.status IN `+openStates+` AND d.due_at IS NOT NULL AND d.due_at < COALESCE(d.paused_at, ?)
		ORDER BY d.due_at, d.id`, now.UnixMilli())
	if err != nil {
		return nil, err
	}
	type row struct {
		code, proc, status  string
		version, unit, step int64
		due                 int64
		paused              sql.NullInt64
	}
	var found []row
	for rows.Next() {
		var r row
		if err := rows.Scan(&r.code, &r.proc, &r.version, &r.unit, &r.step, &r.status, &r.due, &r.paused); err != nil {
			rows.Close()
			return nil, err
		}
		if sc.Contains(r.unit) {
			found = append(found, r)
		}
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	steps := stepNames{}
	out := make([]Late, 0, min(len(found), limit))
	for _, r := range found {
		if len(out) == limit {
			break
		}
		end := now
		if r.paused.Valid {
			end = msTime(r.paused.Int64)
		}
		p, err := steps.of(ctx, s, r.proc, r.version)
		if err != nil {
			return nil, err
		}
		l := Late{Code: r.code, Procedure: p.Name, Unit: sc.names[r.unit].name, Step: p.step(r.step), Status: r.status,
			Due: msTime(r.due).In(vietnam)}
		if cal != nil {
			h := cal.WorkingBetween(msTime(r.due), end)
			l.HoursLate = h.Hours()
			l.DaysLate = int((h + 8*time.Hour - 1) / (8 * time.Hour))
		}
		out = append(out, l)
	}
	return out, nil
}

// procSteps is what the reports need of one version of a procedure.
type procSteps struct {
	Name  string `json:"name"`
	Steps []struct {
		Name string `json:"name"`
	} `json:"steps"`
}

func (p procSteps) step(i int64) string {
	if i >= 0 && int(i) < len(p.Steps) {
		return p.Steps[i].Name
	}
	return ""
}

// stepNames caches the procedure versions read for one report.
type stepNames map[string]procSteps

func (c stepNames) of(ctx context.Context, s *Reader, code string, version int64) (procSteps, error) {
	k := code + "@" + strconv.FormatInt(version, 10)
	if p, ok := c[k]; ok {
		return p, nil
	}
	var body string
	var p procSteps
	err := s.db.Replica(ctx).QueryRowContext(ctx, `SELECT body FROM procedure_versions WHERE code = ? AND version = ?`, code, version).Scan(&body)
	switch {
	case err == sql.ErrNoRows:
		p.Name = code
	case err != nil:
		return p, err
	default:
		if err := json.Unmarshal([]byte(body), &p); err != nil {
			return p, err
		}
	}
	c[k] = p
	return p, nil
}

// Bottleneck is one step's record over a period: how long dossiers stayed
// at it and how many fell late there.
type Bottleneck struct {
	Step string `json:"step"`
	// Stays is how many times a dossier left the step in the period.
	Stays int64 `json:"stays"`
	// MedianHours and P90Hours are working hours spent at the step.
	MedianHours float64 `json:"median_hours"`
	P90Hours    float64 `json:"p90_hours"`
	// Late is how many stays the appointment passed during: the step
	// that made the dossier late.
	Late int64 `json:"late"`
}

// Bottlenecks is the scope's steps of [from, to) by name (procedures
// share step names: "Thẩm định hồ sơ", "Phê duyệt"), ordered by the
// dossiers made late there, then by median time. A stay counts in the
// period it ended in, under the unit the dossier was at.
func (s *Reader) Bottlenecks(ctx context.Context, sc Scope, from, to time.Time, cal WorkCalendar) ([]Bottleneck, error) {
	if cal != nil && s.tallied(ctx, CountOptions{Judge: cal}) {
		return s.tallyBottlenecks(ctx, sc, from, to)
	}
	rows, err := s.db.Replica(ctx).QueryContext(ctx, `SELECT d.id, d.procedure_code, d.procedure_version, d.unit_id, e.at, e.from_step,
		e.from_status, e.from_unit_id, e.due_at, e.action
		FROM dossiers d JOIN dossier_events e ON e.dossier_id = d.id
		WHERE d.received_at IS NOT NULL AND d.received_at < ? AND (d.closed_at IS NULL OR d.closed_at >= ?) AND e.at < ?
		ORDER BY d.id, e.at, e.id`, to.UnixMilli(), from.UnixMilli(), to.UnixMilli())
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	byStep := map[string]*Bottleneck{}
	hours := map[string][]float64{}
	steps := stepNames{}
	type prevEvent struct {
		id, at, due int64
	}
	var prev prevEvent
	for rows.Next() {
		var id, version, unitID, at, step int64
		var proc, status, action string
		var fromUnit, due sql.NullInt64
		if err := rows.Scan(&id, &proc, &version, &unitID, &at, &step, &status, &fromUnit, &due, &action); err != nil {
			return nil, err
		}
		if id != prev.id {
			prev = prevEvent{id: id}
		}
		started, dueBefore := prev.at, prev.due
		prev.at = at
		switch action {
		case "apologize", "consult", "record-answer":
		default:
			if due.Valid {
				prev.due = due.Int64
			}
		}
		// A stay at a processing step that ended in the period.
		if started == 0 || status != "processing" || at < from.UnixMilli() {
			continue
		}
		u := unitID
		if fromUnit.Valid {
			u = fromUnit.Int64
		}
		if !sc.Contains(u) {
			continue
		}
		p, err := steps.of(ctx, s, proc, version)
		if err != nil {
			return nil, err
		}
		name := p.step(step)
		if name == "" {
			continue
		}
		b := byStep[name]
		if b == nil {
			b = &Bottleneck{Step: name}
			byStep[name] = b
		}
		b.Stays++
		if dueBefore != 0 && started <= dueBefore && dueBefore < at {
			b.Late++
		}
		if cal != nil {
			hours[name] = append(hours[name], cal.WorkingBetween(msTime(started), msTime(at)).Hours())
		}
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	return rankSteps(byStep, hours), nil
}

// tallyBottlenecks is Bottlenecks read from the tally's stays.
func (s *Reader) tallyBottlenecks(ctx context.Context, sc Scope, from, to time.Time) ([]Bottleneck, error) {
	byStep := map[string]*Bottleneck{}
	hours := map[string][]float64{}
	steps := stepNames{}
	err := s.tally.Stays(ctx, from, to, func(st tally.Stay) error {
		if !sc.Contains(st.Unit) {
			return nil
		}
		p, err := steps.of(ctx, s, st.Procedure, int64(st.Version))
		if err != nil {
			return err
		}
		name := p.step(int64(st.Step))
		if name == "" {
			return nil
		}
		b := byStep[name]
		if b == nil {
			b = &Bottleneck{Step: name}
			byStep[name] = b
		}
		b.Stays++
		if st.Late {
			b.Late++
		}
		hours[name] = append(hours[name], st.Work.Hours())
		return nil
	})
	if err != nil {
		return nil, err
	}
	return rankSteps(byStep, hours), nil
}

// rankSteps puts the steps in Bottlenecks' order, with each one's median
// and 90th percentile of working hours.
func rankSteps(byStep map[string]*Bottleneck, hours map[string][]float64) []Bottleneck {
	out := make([]Bottleneck, 0, len(byStep))
	for name, b := range byStep {
		h := hours[name]
		slices.Sort(h)
		if len(h) > 0 {
			b.MedianHours = h[len(h)/2]
			b.P90Hours = h[min(len(h)-1, len(h)*9/10)]
		}
		out = append(out, *b)
	}
	slices.SortFunc(out, func(a, b Bottleneck) int {
		switch {
		case a.Late != b.Late:
			return int(b.Late - a.Late)
		case a.MedianHours != b.MedianHours:
			if a.MedianHours > b.MedianHours {
				return -1
			}
			return 1
		}
		return strings.Compare(a.Step, b.Step)
	})
	return out
}

// Satisfaction tallies the ratings given in [from, to) of dossiers the
// scope's units received. No comment and no rater is read.
func (s *Reader) Satisfaction(ctx context.Context, sc Scope, from, to time.Time) (Tally, error) {
	rows, err := s.db.Replica(ctx).QueryContext(ctx, `SELECT d.receiving_unit_id, d.unit_id, r.score FROM ratings r JOIN dossiers d ON d.id = r.dossier_id
		WHERE r.created_at >= ? AND r.created_at < ?`, from.UnixMilli(), to.UnixMilli())
	if err != nil {
		return Tally{}, err
	}
	defer rows.Close()
	t := Tally{Key: sc.Code, Name: sc.Name}
	for rows.Next() {
		var recv, held int64
		var score string
		if err := rows.Scan(&recv, &held, &score); err != nil {
			return t, err
		}
		if !sc.Contains(recv) && !sc.Contains(held) {
			continue
		}
		t.Total++
		switch score {
		case "very_satisfied":
			t.VerySatisfied++
		case "satisfied":
			t.Satisfied++
		case "not_satisfied":
			t.NotSatisfied++
		}
	}
	return t, rows.Err()
}

// SatisfiedRate is the share of ratings that are satisfied or very
// satisfied, in percent; ok false with no rating.
func (t Tally) SatisfiedRate() (float64, bool) {
	if t.Total == 0 {
		return 0, false
	}
	return 100 * float64(t.VerySatisfied+t.Satisfied) / float64(t.Total), true
}
