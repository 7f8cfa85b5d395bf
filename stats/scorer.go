package stats

import (
	"context"
	"time"

	"github.com/motcua/motcua/report"
	"github.com/motcua/motcua/web"
)

// Scores is a unit's Decision 766 scorecard as the public page lists it:
// the leaders' scorecard (report.Reader.Scorecard) without the dossiers
// behind it, formatted for the reader's language.
type Scores struct {
	Total, Computable, Max string // points earned, points of the computable indicators, 100
	Rows                   []Score
}

// Score is one indicator. Computed is false for an indicator motcua holds
// no data for yet: it is listed with the reason, not scored as zero.
type Score struct {
	Group, Indicator      string
	Computed              bool
	Value, Target, Points string
	Reason                string
}

// publicScores is the scorecard of the unit with code for [from, to).
func (s *Stats) publicScores(ctx context.Context, p web.Page, code string, from, to time.Time) (*Scores, error) {
	sc, err := s.scores.get(ctx, s.now(), code, from, to, func(ctx context.Context, to time.Time) (report.Scorecard, error) {
		return s.reports.Scorecard(ctx, code, from, to, s.cal)
	})
	if err != nil {
		return nil, err
	}
	out := &Scores{Total: number(p.Lang, sc.Score, 2), Computable: number(p.Lang, sc.Computable, 0), Max: number(p.Lang, sc.Max, 0)}
	for _, g := range sc.Groups {
		group := p.T("stats.766.group." + g.Key)
		for _, in := range g.Indicators {
			v := s.indicatorView(p, picker{}, in) // the public page links to no dossier
			out.Rows = append(out.Rows, Score{Group: group, Indicator: in.Key + ". " + v.Name, Computed: in.Computable,
				Value: v.Value, Target: v.Target, Points: v.Points, Reason: v.Reason})
		}
	}
	return out, nil
}
