package stats

import (
	"errors"
	"html/template"
	"math"
	"net/http"
	"strconv"
	"strings"

	"github.com/motcua/motcua/auth"
	"github.com/motcua/motcua/chart"
	"github.com/motcua/motcua/problem"
	"github.com/motcua/motcua/report"
	"github.com/motcua/motcua/web"
)

// overdueShown bounds the overdue list on the page; the count says how
// many there are in all.
const overdueShown = 100

type unitOption struct {
	Code, Label string
}

type dashboardPage struct {
	web.Page
	Units    []unitOption
	Unit     string
	Period   period
	Alert    string
	BadField string
	// Shown is false when the form was refused: no figures then.
	Shown       bool
	Scope       report.Scope
	Total       report.Count
	OnTime      string
	Online      string
	Satisfied   string
	Ratings     report.Tally
	Trend       template.HTML
	OnTimeTrend template.HTML
	ByUnit      template.HTML
	ByUnitRows  []unitRow
	Overdue     []report.Late
	OverdueAll  int
	Bottlenecks []stepRow
	BottleChart template.HTML
}

// stepRow is one step's line, its hours written the Vietnamese way.
type stepRow struct {
	report.Bottleneck
	Median, P90 string
}

// unitRow is one unit's line in the by-unit table, with the link that
// makes it the dashboard's unit.
type unitRow struct {
	report.Count
	OnTime, Online string
	Link           string
}

// dashboard is the leader's overview of a unit and the units below it:
// monthly trends, on-time rate by unit, the overdue list, the steps that
// hold dossiers longest, online share and satisfaction, for a period.
func (s *Stats) dashboard(w http.ResponseWriter, r *http.Request, a *auth.Actor) error {
	ctx := r.Context()
	now := s.now()
	p := dashboardPage{Page: s.page(r, "stats.dash.title")}
	tree, err := s.units.TreeAt(ctx, now)
	if err != nil {
		return err
	}
	for _, n := range tree {
		if s.units.Entitled(ctx, a, auth.ReadReports, n.Code) == nil {
			p.Units = append(p.Units, unitOption{Code: n.Code, Label: strings.Repeat("— ", n.Depth) + n.Name})
		}
	}
	q := r.URL.Query()
	p.Unit = q.Get("unit")
	if p.Unit == "" && len(p.Units) > 0 {
		p.Unit = p.Units[0].Code
	}
	p.Period, err = readPeriod(q, now)
	if err != nil {
		return s.refuse(w, p, err, http.StatusUnprocessableEntity)
	}
	if !p.entitled() {
		p.BadField = "unit"
		p.Alert = p.T("stats.dash.not_entitled", p.Unit)
		return s.render(w, http.StatusForbidden, "dashboard", p)
	}
	sc, err := s.reports.ScopeAt(ctx, p.Unit, p.Period.End)
	if errors.Is(err, problem.ErrNotFound) {
		return s.refuse(w, p, problem.Invalid("unit", "unit_not_found.code", p.Unit), http.StatusUnprocessableEntity)
	}
	if err != nil {
		return err
	}
	if err := s.fill(r, &p, sc); err != nil {
		var pe *problem.Error
		if errors.As(err, &pe) && errors.Is(err, problem.ErrInvalid) {
			return s.refuse(w, p, err, http.StatusUnprocessableEntity)
		}
		return err
	}
	return s.render(w, http.StatusOK, "dashboard", p)
}

func (p dashboardPage) entitled() bool { return p.entitledTo(p.Unit) }

// refuse shows the form again with the reason the figures are not shown.
func (s *Stats) refuse(w http.ResponseWriter, p dashboardPage, err error, code int) error {
	p.Alert = p.Error(err)
	if pe := problem.Public(err); pe != nil {
		p.BadField = pe.Field
	}
	return s.render(w, code, "dashboard", p)
}

// fill reads the figures and draws the charts.
func (s *Stats) fill(r *http.Request, p *dashboardPage, sc report.Scope) error {
	ctx := r.Context()
	from, to := p.Period.Start, p.Period.End
	months, err := s.reports.Trend(ctx, sc, from, to, s.cal)
	if err != nil {
		return err
	}
	rows, err := s.reports.ByChild(ctx, sc, from, to, s.cal)
	if err != nil {
		return err
	}
	scNow, err := s.reports.ScopeAt(ctx, p.Unit, s.now())
	if err != nil && !errors.Is(err, problem.ErrNotFound) {
		return err
	}
	if err == nil {
		late, err := s.reports.Overdue(ctx, scNow, s.now(), s.cal, math.MaxInt)
		if err != nil {
			return err
		}
		p.OverdueAll = len(late)
		p.Overdue = late[:min(len(late), overdueShown)]
	}
	steps, err := s.reports.Bottlenecks(ctx, sc, from, to, s.cal)
	if err != nil {
		return err
	}
	for _, b := range steps {
		p.Bottlenecks = append(p.Bottlenecks, stepRow{Bottleneck: b, Median: decimal(b.MedianHours), P90: decimal(b.P90Hours)})
	}
	if p.Ratings, err = s.reports.Satisfaction(ctx, sc, from, to); err != nil {
		return err
	}
	p.Shown, p.Scope = true, sc
	p.Total = report.Total(rows)
	p.OnTime = pct(p.Total.OnTimeRate())
	p.Online = pct(p.Total.OnlineShare())
	p.Satisfied = pct(p.Ratings.SatisfiedRate())

	t := p.Page
	p.Trend, p.OnTimeTrend = trendCharts(t, sc, months)
	p.ByUnit, p.ByUnitRows = unitChart(t, sc, rows, func(c report.Count) string {
		if c.UnitID == sc.Root || !p.entitledTo(c.Code) {
			return ""
		}
		return "?unit=" + c.Code + "&from=" + p.Period.From + "&to=" + p.Period.To
	})

	top := steps[:min(len(steps), 8)]
	stepNames := make([]string, len(top))
	hours := make([]float64, len(top))
	for i, b := range top {
		stepNames[i], hours[i] = b.Step, math.Round(b.MedianHours*10)/10
	}
	p.BottleChart = chart.HBars(chart.Chart{ID: "steps", Title: t.T("stats.dash.steps_chart"), Desc: t.T("stats.dash.steps_chart_desc"),
		Category: t.T("stats.dash.col.step"), TableLabel: t.T("stats.dash.chart_table"), Labels: stepNames, Suffix: " h", Decimals: 1,
		Series: []chart.Series{{Name: t.T("stats.dash.col.median_hours"), Values: hours}}})
	return nil
}

func (p dashboardPage) entitledTo(code string) bool {
	for _, u := range p.Units {
		if u.Code == code {
			return true
		}
	}
	return false
}

// pct writes a percentage the Vietnamese way ("87,5%"); "–" when there
// is nothing to divide.
func pct(v float64, ok bool) string {
	if !ok {
		return "–"
	}
	return decimal(v) + "%"
}

// decimal writes a number with one decimal and a decimal comma.
func decimal(v float64) string {
	return strings.Replace(strconv.FormatFloat(v, 'f', 1, 64), ".", ",", 1)
}

// rate is a percentage for a chart, NaN (drawn as nothing) when undefined.
func rate(v float64, ok bool) float64 {
	if !ok {
		return math.NaN()
	}
	return v
}
