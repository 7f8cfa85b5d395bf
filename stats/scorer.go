package stats

import (
	"context"
	"time"
)

// Scorer scores a unit by Decision 766/QĐ-TTg for the public page. The
// scorecard itself is report's (Reader.Scorecard); this is the shape the
// page shows, so that stats does not depend on the scorecard's internals:
// server wires a ScorerFunc that turns the scorecard into Scores. Nil
// (Config.Scorer unset) shows the section with a note that no scores are
// published yet.
type Scorer interface {
	Scores(ctx context.Context, unitCode string, from, to time.Time) (Scores, error)
}

// ScorerFunc adapts a function to Scorer.
type ScorerFunc func(ctx context.Context, unitCode string, from, to time.Time) (Scores, error)

// Scores calls f.
func (f ScorerFunc) Scores(ctx context.Context, unitCode string, from, to time.Time) (Scores, error) {
	return f(ctx, unitCode, from, to)
}

// Scores is a unit's Decision 766 scorecard as the public page lists it.
type Scores struct {
	Total, Max float64 // the sum of the computed indicators' scores and their maximum
	Rows       []Score
}

// Score is one indicator. Computed is false for an indicator motcua holds
// no data for yet: it is listed as such, not scored as zero.
type Score struct {
	Group     string  `json:"group"`
	Indicator string  `json:"indicator"`
	Computed  bool    `json:"computed"`
	Value     string  `json:"value,omitempty"`  // the measure, e.g. "92,5%"
	Target    string  `json:"target,omitempty"` // e.g. "≥ 95%"
	Score     float64 `json:"score"`
	Max       float64 `json:"max"`
}
