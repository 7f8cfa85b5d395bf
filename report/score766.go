package report

import (
	"context"
	"time"

	"github.com/motcua/motcua/calendar"
	"github.com/motcua/motcua/problem"
)

// The scorecard of Decision 766/QĐ-TTg (23/06/2022): six groups of
// indicators, 100 points, each indicator a rate R scored
// Pmax × min(1, R / target) (regulations.md §4). docs/scorecard.md lists
// every indicator with its formula, target, source and the assumptions
// made where the Decision's annex is not at hand (the split of a group's
// points among its indicators, some targets).
//
// An indicator is computed only from what motcua holds: dossiers and
// their history, the catalog, payments and ratings. One that needs data
// motcua does not hold (the national portal's synchronisation figures,
// the population database,
// complaint handling) is listed with Computable false and the reason,
// never scored zero; so is one whose denominator is empty in the period.
// Scorecard.Computable is then the points the computable indicators could
// earn, and Score is out of those.

// Indicator is one indicator of the scorecard for a unit and period.
type Indicator struct {
	Key     string  `json:"key"`   // "2.1"
	Group   string  `json:"group"` // "2"
	Formula string  `json:"formula"`
	Unit    string  `json:"unit"`   // "ratio", or "hours" for the average processing time
	Target  float64 `json:"target"` // the rate that earns Max (0 for an indicator shown for information)
	Max     float64 `json:"max"`
	// Computable: motcua holds the data and the period has some. When
	// false, Reason says why ("no_data_held:<what>" or "no_data_in_period")
	// and Value, Score, Numerator and Denominator are zero.
	Computable  bool    `json:"computable"`
	Reason      string  `json:"reason,omitempty"`
	Value       float64 `json:"value"` // Numerator / Denominator (average hours for Unit "hours")
	Score       float64 `json:"score"`
	Numerator   int64   `json:"numerator"`
	Denominator int64   `json:"denominator"`
	// Dossiers: the indicator counts dossiers, listed by ScoreDossiers;
	// otherwise it counts procedures of the catalog.
	Dossiers bool `json:"dossiers"`
}

// ScoreGroup is one of the six groups.
type ScoreGroup struct {
	Key        string      `json:"key"`
	Max        float64     `json:"max"`
	Computable float64     `json:"computable"` // the points of its computable indicators
	Score      float64     `json:"score"`
	Indicators []Indicator `json:"indicators"`
}

// Scorecard is the Decision 766 scorecard of a unit and its subtree for a
// period [From, To).
type Scorecard struct {
	UnitCode   string       `json:"unit_code"`
	UnitName   string       `json:"unit_name"`
	From       time.Time    `json:"from"`
	To         time.Time    `json:"to"`
	Score      float64      `json:"score"`
	Computable float64      `json:"computable"` // the points of the computable indicators
	Max        float64      `json:"max"`        // 100
	Groups     []ScoreGroup `json:"groups"`
}

// indicatorDef is one row of the indicator table.
type indicatorDef struct {
	key, group, formula string
	max, target         float64
	// held is why motcua cannot compute it ("" when it can).
	held string
	// dossier says, for an indicator over dossiers, whether a dossier is
	// in its denominator and in its numerator.
	dossier func(f *scoreFact) (den, num bool)
	// procedures, for an indicator over the catalog's procedures.
	procedures func(p procFact) (den, num bool)
	hours      bool // the average processing time (for information, no points)
}

// groupMax are the points of each group (regulations.md §4).
var groupMax = []struct {
	key string
	max float64
}{{"1", 18}, {"2", 20}, {"3", 12}, {"4", 22}, {"5", 10}, {"6", 18}}

// indicators is the scorecard, in the Decision's order. The split of a
// group's points is an assumption where the source gives none
// (docs/scorecard.md).
var indicators = []indicatorDef{
	{key: "1.1", group: "1", max: 4, target: 1, formula: "procedures announced on time / procedures announced", held: "no_data_held:announcements"},
	{key: "1.2", group: "1", max: 4, target: 1, formula: "procedures published on time in the National TTHC Database / procedures", held: "no_data_held:national_database"},
	{key: "1.3", group: "1", max: 4, target: 1, formula: "procedures with all components complete in the National TTHC Database / procedures", held: "no_data_held:national_database"},
	// 1.4 reads package dvcqg's sync state: a dossier counts once the
	// national portal holds every call motcua made about it (docs/dvcqg.md).
	// The portal's own count of the unit's dossiers is not held, so the
	// denominator is motcua's: the dossiers received.
	{key: "1.4", group: "1", max: 6, target: 1, formula: "dossiers received that the national portal holds entirely / dossiers received (the portal's own count taken as motcua's)",
		dossier: func(f *scoreFact) (bool, bool) {
			recv := f.c.NewOnline+f.c.NewCounter == 1
			return recv, recv && f.synced
		}},

	{key: "2.1", group: "2", max: 20, target: 1, formula: "(resolved early + resolved on time + in progress within the deadline) / (resolved + in progress)",
		dossier: func(f *scoreFact) (bool, bool) {
			return f.c.Resolved+f.c.InProgress == 1, f.c.Early+f.c.OnTime+f.c.Within == 1
		}},
	{key: "2.2", group: "2", formula: "working hours from reception to result / dossiers resolved", hours: true,
		dossier: func(f *scoreFact) (bool, bool) { return f.c.Resolved == 1, f.c.Resolved == 1 }},

	{key: "3.1", group: "3", max: 4, target: 0.8, formula: "procedures with full or partial online service / procedures within the unit's competence",
		procedures: func(p procFact) (bool, bool) { return true, p.online }},
	{key: "3.2", group: "3", max: 4, target: 1, formula: "procedures with online service that received at least one online dossier / procedures with online service",
		procedures: func(p procFact) (bool, bool) { return p.online, p.onlineDossiers > 0 }},
	{key: "3.3", group: "3", max: 4, target: 0.5, formula: "dossiers received online / dossiers received (synchronisation factor taken as 1)",
		dossier: func(f *scoreFact) (bool, bool) {
			return f.c.NewOnline+f.c.NewCounter == 1, f.c.NewOnline == 1
		}},

	{key: "4.1", group: "4", max: 6, target: 1, formula: "dossiers resolved with an electronic result file / dossiers resolved",
		dossier: func(f *scoreFact) (bool, bool) { return f.c.Resolved == 1, f.resultFile }},
	// 4.2–4.4 read package sohoa's tables (docs/digitisation.md).
	{key: "4.2", group: "4", max: 4, target: 0.8, formula: "dossiers received with digitised components (Circular 01/2023 codes) and, if resolved in the period, a result code / dossiers received",
		dossier: func(f *scoreFact) (bool, bool) {
			recv := f.c.NewOnline+f.c.NewCounter == 1
			return recv, recv && f.digitised && (f.c.Resolved == 0 || f.resultCode)
		}},
	{key: "4.3", group: "4", max: 4, target: 0.8, formula: "dossiers received that reused a digitised paper or result / dossiers received",
		dossier: func(f *scoreFact) (bool, bool) {
			recv := f.c.NewOnline+f.c.NewCounter == 1
			return recv, recv && f.reused
		}},
	{key: "4.4", group: "4", max: 4, target: 1, formula: "dossiers resolved whose coded result went to the applicant's personal data store / dossiers resolved",
		dossier: func(f *scoreFact) (bool, bool) { return f.c.Resolved == 1, f.c.Resolved == 1 && f.stored }},
	{key: "4.5", group: "4", max: 4, target: 1, formula: "procedures connected to and dossiers using the National Population Database", held: "no_data_held:population_database"},

	{key: "5.1", group: "5", max: 4, target: 1, formula: "procedures whose fee data is synchronised to the national payment platform / procedures with fees", held: "no_data_held:payment_platform_sync"},
	{key: "5.2", group: "5", max: 6, target: 0.8, formula: "dossiers paid online / dossiers with a fee paid (zero fees excluded)",
		dossier: func(f *scoreFact) (bool, bool) {
			return f.c.NewOnline+f.c.NewCounter == 1 && (f.paidOnline || f.paidDesk), f.c.NewOnline+f.c.NewCounter == 1 && f.paidOnline
		}},

	{key: "6.1", group: "6", max: 12, target: 1, formula: "feedback and complaints handled on time / feedback and complaints received", held: "no_data_held:complaints"},
	{key: "6.2", group: "6", max: 6, target: 0.9, formula: "100% - (late rate + rate of dossiers rated not satisfied), each resolved dossier counted once",
		dossier: func(f *scoreFact) (bool, bool) { return f.c.Resolved == 1, f.c.Late == 0 && !f.disliked }},
}

// Indicators lists the keys of the scorecard's indicators, in order.
func Indicators() []string {
	out := make([]string, len(indicators))
	for i, d := range indicators {
		out[i] = d.key
	}
	return out
}

func indicatorByKey(key string) (indicatorDef, bool) {
	for _, d := range indicators {
		if d.key == key {
			return d, true
		}
	}
	return indicatorDef{}, false
}

// Scorecard computes the Decision 766 scorecard of the unit with code and
// the units below it, as the tree stood when each figure was fixed, for
// [from, to). cal judges deadlines and counts working hours.
func (s *Reader) Scorecard(ctx context.Context, unitCode string, from, to time.Time, cal WorkCalendar) (Scorecard, error) {
	w, err := s.scoreWorld(ctx, unitCode, from, to, cal)
	if err != nil {
		return Scorecard{}, err
	}
	sc := Scorecard{UnitCode: w.root.code, UnitName: w.root.name, From: from, To: to}
	for _, g := range groupMax {
		grp := ScoreGroup{Key: g.key, Max: g.max}
		for _, d := range indicators {
			if d.group != g.key {
				continue
			}
			in := w.indicator(d)
			grp.Indicators = append(grp.Indicators, in)
			if in.Computable {
				grp.Computable += in.Max
				grp.Score += in.Score
			}
		}
		sc.Groups = append(sc.Groups, grp)
		sc.Max += grp.Max
		sc.Computable += grp.Computable
		sc.Score += grp.Score
	}
	return sc, nil
}

// indicator computes one indicator over the world.
func (w *scoreWorld) indicator(d indicatorDef) Indicator {
	in := Indicator{Key: d.key, Group: d.group, Formula: d.formula, Unit: "ratio", Target: d.target, Max: d.max,
		Dossiers: d.dossier != nil}
	if d.hours {
		in.Unit = "hours"
	}
	if d.held != "" {
		in.Reason = d.held
		return in
	}
	var hours time.Duration
	switch {
	case d.dossier != nil:
		for i := range w.facts {
			f := &w.facts[i]
			den, num := d.dossier(f)
			if !den {
				continue
			}
			in.Denominator++
			if num {
				in.Numerator++
			}
			if d.hours {
				hours += f.worked
			}
		}
	case d.procedures != nil:
		for _, p := range w.procs {
			den, num := d.procedures(p)
			if den {
				in.Denominator++
				if num {
					in.Numerator++
				}
			}
		}
	}
	if in.Denominator == 0 {
		in.Reason = "no_data_in_period"
		return in
	}
	in.Computable = true
	if d.hours {
		in.Value = hours.Hours() / float64(in.Denominator)
		return in
	}
	in.Value = float64(in.Numerator) / float64(in.Denominator)
	in.Score = points(in.Value, d.target, d.max)
	return in
}

// points is the Decision's scoring rule: Pmax when the rate reaches the
// target, otherwise R × Pmax / target; rounded to hundredths, as shown.
func points(r, target, pmax float64) float64 {
	if target <= 0 || r >= target {
		return pmax
	}
	return float64(int64(r*pmax/target*100+0.5)) / 100
}

// checkPeriod refuses a period that ends before it starts.
func checkPeriod(from, to time.Time) error {
	if from.IsZero() || to.IsZero() || !from.Before(to) {
		return problem.Invalid("to", "invalid_period")
	}
	return nil
}

// ParsePeriodDays reads a reporting period from two days "YYYY-MM-DD"
// (Vietnam time), both included: [from 00:00, the day after to 00:00).
// The scorecard's and the analytics' API and pages take it so.
func ParsePeriodDays(from, to string) (time.Time, time.Time, error) {
	f, err := time.ParseInLocation(time.DateOnly, from, calendar.Zone)
	if err != nil {
		return time.Time{}, time.Time{}, problem.Invalid("from", "invalid_date", "from")
	}
	t, err := time.ParseInLocation(time.DateOnly, to, calendar.Zone)
	if err != nil {
		return time.Time{}, time.Time{}, problem.Invalid("to", "invalid_date", "to")
	}
	t = t.AddDate(0, 0, 1)
	if !f.Before(t) {
		return time.Time{}, time.Time{}, problem.Invalid("to", "invalid_period")
	}
	return f, t, nil
}
