package report

import (
	"context"
	"strings"
	"time"

	"github.com/motcua/motcua/cursor"
	"github.com/motcua/motcua/problem"
)

// ScoreDossier is one dossier behind an indicator.
type ScoreDossier struct {
	Code          string     `json:"code"`
	Procedure     string     `json:"procedure"`
	ProcedureName string     `json:"procedure_name"`
	Received      time.Time  `json:"received"`
	Due           *time.Time `json:"due,omitempty"`
	// Finished is when its figure was fixed in the period: its result
	// made, or its end; nil while it was in progress at the period's end.
	Finished *time.Time `json:"finished,omitempty"`
	// Counted: the dossier is in the indicator's numerator (every listed
	// dossier is in its denominator).
	Counted bool `json:"counted"`
}

// ScoreDossierPage is a page of ScoreDossiers.
type ScoreDossierPage struct {
	Indicator   string         `json:"indicator"`
	Numerator   int64          `json:"numerator"`
	Denominator int64          `json:"denominator"`
	Offset      int            `json:"offset"`
	Limit       int            `json:"limit"`
	Dossiers    []ScoreDossier `json:"dossiers"`
	// Next is the cursor of the following page (docs/api.md, Listings),
	// absent on the last.
	Next string `json:"next,omitempty"`
}

// ScoreFilter pages ScoreDossiers. Limit 0 means 50; at most 500.
// Only narrows the list to the numerator's dossiers (Counted true) or to
// the others (false); nil lists both.
type ScoreFilter struct {
	Offset, Limit int
	Only          *bool
	// After is the previous page's Next: the list resumes after the
	// dossier it names (keyset; Offset then counts from there).
	After string
}

// scoreKey is where a page resumes: after the dossier with this id. The
// list is in dossier id order (submission), which is total.
type scoreKey struct {
	ID int64 `json:"id"`
}

// ScoreDossiers lists the dossiers in the denominator of a dossier-based
// indicator of the unit's scorecard for [from, to), by reception, each
// marked with whether it counts in the numerator. The same world and the
// same rule as Scorecard decide both, so the numerator's dossiers listed
// are exactly as many as the scorecard's numerator.
func (s *Reader) ScoreDossiers(ctx context.Context, unitCode string, from, to time.Time, key string, cal WorkCalendar, f ScoreFilter) (ScoreDossierPage, error) {
	d, ok := indicatorByKey(key)
	if !ok {
		return ScoreDossierPage{}, problem.NotFound("indicator_not_found", key)
	}
	if d.dossier == nil || d.held != "" {
		return ScoreDossierPage{}, problem.Invalid("indicator", "indicator_no_dossiers", key)
	}
	if f.Offset < 0 || f.Limit < 0 {
		return ScoreDossierPage{}, problem.Invalid("limit", "invalid_limit", "limit")
	}
	if f.Limit == 0 {
		f.Limit = 50
	}
	f.Limit = min(f.Limit, 500)
	var k scoreKey
	if _, err := cursor.Decode(f.After, &k, func() bool { return k.ID > 0 }); err != nil {
		return ScoreDossierPage{}, err
	}
	w, err := s.scoreWorld(ctx, unitCode, from, to, cal)
	if err != nil {
		return ScoreDossierPage{}, err
	}
	page := ScoreDossierPage{Indicator: key, Offset: f.Offset, Limit: f.Limit, Dossiers: []ScoreDossier{}}
	var picked []*scoreFact
	var counted []bool
	for i := range w.facts {
		x := &w.facts[i]
		den, num := d.dossier(x)
		if !den {
			continue
		}
		page.Denominator++
		if num {
			page.Numerator++
		}
		if f.Only != nil && *f.Only != num || x.id <= k.ID {
			continue
		}
		picked = append(picked, x)
		counted = append(counted, num)
	}
	// Facts come in dossier id order, which is the order of submission.
	lo, hi := min(f.Offset, len(picked)), min(f.Offset+f.Limit, len(picked))
	if hi < len(picked) {
		page.Next = cursor.Encode(scoreKey{ID: picked[hi-1].id})
	}
	picked, counted = picked[lo:hi], counted[lo:hi]
	if len(picked) == 0 {
		return page, nil
	}
	names, err := s.dossierNames(ctx, picked)
	if err != nil {
		return page, err
	}
	for i, x := range picked {
		n := names[x.id]
		sd := ScoreDossier{Code: n[0], Procedure: x.procedure, ProcedureName: n[1], Received: msTime(x.received), Counted: counted[i]}
		if x.due != 0 {
			t := msTime(x.due)
			sd.Due = &t
		}
		if x.finished != 0 {
			t := msTime(x.finished)
			sd.Finished = &t
		}
		page.Dossiers = append(page.Dossiers, sd)
	}
	return page, nil
}

// dossierNames reads the code and procedure name of a page of dossiers.
func (s *Reader) dossierNames(ctx context.Context, facts []*scoreFact) (map[int64][2]string, error) {
	args := make([]any, len(facts))
	marks := make([]string, len(facts))
	for i, f := range facts {
		args[i], marks[i] = f.id, "?"
	}
	rows, err := s.db.Replica(ctx).QueryContext(ctx, `SELECT d.id, d.code, COALESCE(p.name, '') FROM dossiers d
		LEFT JOIN procedures p ON p.code = d.procedure_code WHERE d.id IN (`+strings.Join(marks, ", ")+`)`, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := map[int64][2]string{}
	for rows.Next() {
		var id int64
		var code, name string
		if err := rows.Scan(&id, &code, &name); err != nil {
			return nil, err
		}
		out[id] = [2]string{code, name}
	}
	return out, rows.Err()
}
