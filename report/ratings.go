package report

import (
	"context"
	"fmt"

	"github.com/motcua/motcua/problem"
)

// Ways to group RatingTallies.
const (
	ByUnit      = "unit"      // the unit that received the dossier and returned its result
	ByProcedure = "procedure" // the procedure
	ByOfficer   = "officer"   // the officer who delivered the result
)

// Tally counts the ratings of one unit, procedure or officer.
type Tally struct {
	Key           string `json:"key"` // unit code, procedure code or username
	Name          string `json:"name"`
	VerySatisfied int64  `json:"very_satisfied"`
	Satisfied     int64  `json:"satisfied"`
	NotSatisfied  int64  `json:"not_satisfied"`
	Total         int64  `json:"total"`
}

// summaries are the SQL of each grouping: the key, its name, and the joins.
//
// The officer a rating counts for is the one who recorded the "deliver"
// event: the one-stop desk officer who handed the result over. That is the
// person the citizen dealt with and can judge (Decree 118 asks citizens to
// rate the reception and return of results); the specialists behind the
// desk are judged by the unit and procedure tallies and by deadlines.
var summaries = map[string]string{
	ByUnit: `SELECT u.code, u.name, %s FROM ratings r JOIN dossiers d ON d.id = r.dossier_id
		JOIN units u ON u.id = d.receiving_unit_id GROUP BY u.code, u.name ORDER BY u.code`,
	ByProcedure: `SELECT d.procedure_code, COALESCE(p.name, ''), %s FROM ratings r JOIN dossiers d ON d.id = r.dossier_id
		LEFT JOIN procedures p ON p.code = d.procedure_code GROUP BY d.procedure_code, p.name ORDER BY d.procedure_code`,
	ByOfficer: `SELECT u.username, u.full_name, %s FROM ratings r JOIN dossiers d ON d.id = r.dossier_id
		JOIN dossier_events e ON e.dossier_id = d.id AND e.action = 'deliver'
		JOIN users u ON u.id = e.actor_id GROUP BY u.username, u.full_name ORDER BY u.username`,
}

// counts splits the tally by score (rating.Scores).
const counts = `SUM(CASE WHEN r.score = 'very_satisfied' THEN 1 ELSE 0 END),
	SUM(CASE WHEN r.score = 'satisfied' THEN 1 ELSE 0 END),
	SUM(CASE WHEN r.score = 'not_satisfied' THEN 1 ELSE 0 END), COUNT(*)`

// RatingTallies tallies every rating by unit, procedure or officer (ByUnit,
// ByProcedure, ByOfficer). Callers decide who may see it.
func (s *Reader) RatingTallies(ctx context.Context, by string) ([]Tally, error) {
	q, ok := summaries[by]
	if !ok {
		return nil, problem.Invalid("by", "invalid_grouping")
	}
	rows, err := s.db.Replica(ctx).QueryContext(ctx, fmt.Sprintf(q, counts))
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []Tally{}
	for rows.Next() {
		var t Tally
		if err := rows.Scan(&t.Key, &t.Name, &t.VerySatisfied, &t.Satisfied, &t.NotSatisfied, &t.Total); err != nil {
			return nil, err
		}
		out = append(out, t)
	}
	return out, rows.Err()
}
