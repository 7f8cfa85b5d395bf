package stats

import (
	"errors"
	"html/template"
	"net/http"
	"time"

	"github.com/motcua/motcua/catalog"
	"github.com/motcua/motcua/chart"
	"github.com/motcua/motcua/problem"
	"github.com/motcua/motcua/report"
	"github.com/motcua/motcua/unit"
	"github.com/motcua/motcua/web"
)

// publicMaxAge is how long a browser or a shared cache may keep a public
// page: the figures move by the dossier, not by the second, and the press
// arriving all at once must not recount a year for each reader.
const publicMaxAge = 5 * time.Minute

// The transparency pages show figures only: counts, rates, procedures.
// No dossier code, no applicant, no officer appears on them — what a
// citizen or a journalist may read about every unit without signing in.

// figures is what both public pages show of a scope over a period.
type figures struct {
	Scope               report.Scope
	Total               report.Count
	OnTime, Online      string
	Satisfied           string
	Ratings             report.Tally
	Trend, OnTimeTrend  template.HTML
	ByUnit              template.HTML
	ByUnitRows          []unitRow
	HasBelow            bool // some row is a unit below the scope's root
	Procedures          []offeredRow
	Offered, FullOnline int
}

// offeredRow is one procedure the unit offers, with its period's dossiers.
type offeredRow struct {
	Proc       catalog.Summary
	Dossiers   report.Offered
	OnTimeRate string
}

type publicPage struct {
	web.Page
	Period   period
	Alert    string
	BadField string
	Shown    bool
	figures
	Units []unit.Snapshot // the overview's list of units
	// Unit page only.
	Unit      *unit.Snapshot
	Scores    *Scores
	ScoreNote string
}

// publicIndex is the province's overview and the list of its units.
func (s *Stats) publicIndex(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	p := publicPage{Page: s.web.Page(r, "stats.pub.title")}
	tree, err := s.units.TreeAt(ctx, s.now())
	if err != nil {
		return err
	}
	p.Units = tree
	if len(tree) == 0 {
		return s.renderPublic(w, r, http.StatusOK, "public", p)
	}
	return s.publicFigures(w, r, p, tree[0].Code, "public")
}

// publicUnit is one unit's transparency page.
func (s *Stats) publicUnit(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	code := r.PathValue("unit")
	tree, err := s.units.TreeAt(ctx, s.now())
	if err != nil {
		return err
	}
	p := publicPage{}
	for i := range tree {
		if tree[i].Code == code {
			p.Unit = &tree[i]
		}
	}
	if p.Unit == nil {
		return problem.NotFound("unit_not_found.code", code)
	}
	p.Page = s.web.Page(r, "stats.pub.unit_title", p.Unit.Name)
	return s.publicFigures(w, r, p, code, "public")
}

// publicFigures reads the period and fills the page's figures.
func (s *Stats) publicFigures(w http.ResponseWriter, r *http.Request, p publicPage, code, page string) error {
	ctx := r.Context()
	var err error
	p.Period, err = readPeriod(r.URL.Query(), s.now())
	if err != nil {
		p.Alert = p.Error(err)
		p.BadField = problem.Public(err).Field
		return s.renderPublic(w, r, http.StatusUnprocessableEntity, page, p)
	}
	from, to := p.Period.Start, p.Period.End
	sc, err := s.reports.ScopeAt(ctx, code, to)
	if errors.Is(err, problem.ErrNotFound) {
		// The unit did not stand under this code at the end of the period.
		p.Alert = p.Error(problem.Invalid("to", "unit_not_found.code", code))
		return s.renderPublic(w, r, http.StatusUnprocessableEntity, page, p)
	}
	if err != nil {
		return err
	}
	f := figures{Scope: sc}
	months, err := s.reports.Trend(ctx, sc, from, to, s.cal)
	if err != nil {
		return err
	}
	rows, err := s.reports.ByChild(ctx, sc, from, to, s.cal)
	if err != nil {
		return err
	}
	if f.Ratings, err = s.reports.Satisfaction(ctx, sc, from, to); err != nil {
		return err
	}
	f.Total = report.Total(rows)
	f.OnTime, f.Online, f.Satisfied = pct(f.Total.OnTimeRate()), pct(f.Total.OnlineShare()), pct(f.Ratings.SatisfiedRate())
	f.Trend, f.OnTimeTrend = trendCharts(p.Page, sc, months)
	f.ByUnit, f.ByUnitRows = unitChart(p.Page, sc, rows, func(c report.Count) string {
		if c.UnitID == sc.Root {
			return ""
		}
		return "/cong-khai/" + c.Code + "?from=" + p.Period.From + "&to=" + p.Period.To
	})
	for _, c := range rows {
		f.HasBelow = f.HasBelow || c.UnitID != sc.Root
	}
	if p.Unit != nil {
		if err := s.offered(r, &f, p.Unit.Level, from, to); err != nil {
			return err
		}
		if p.Scores, err = s.publicScores(ctx, p.Page, code, from, to); err != nil {
			return err
		}
	}
	p.figures, p.Shown = f, true
	return s.renderPublic(w, r, http.StatusOK, page, p)
}

// offered lists the procedures a unit of level offers, with the scope's
// dossiers of each in the period.
func (s *Stats) offered(r *http.Request, f *figures, level string, from, to time.Time) error {
	procs, err := s.catalog.Search(r.Context(), catalog.Query{Level: level})
	if err != nil {
		return err
	}
	counts, err := s.reports.ByProcedure(r.Context(), f.Scope, from, to, s.cal)
	if err != nil {
		return err
	}
	for _, p := range procs {
		c := counts[p.Code]
		row := offeredRow{Proc: p, Dossiers: c}
		row.OnTimeRate = pct(ratio(c.OnTime, c.Resolved))
		f.Procedures = append(f.Procedures, row)
		if p.Online == catalog.OnlineFull {
			f.FullOnline++
		}
	}
	f.Offered = len(procs)
	return nil
}

func ratio(n, d int64) (float64, bool) {
	if d == 0 {
		return 0, false
	}
	return 100 * float64(n) / float64(d), true
}

func (s *Stats) renderPublic(w http.ResponseWriter, r *http.Request, code int, page string, data any) error {
	t, ok := s.pages[page]
	if !ok {
		return errors.New("stats: no template " + page)
	}
	return s.web.RenderPublic(w, r, code, t, data, publicMaxAge)
}

// trendCharts draws the scope's months: dossiers received and resolved,
// and the on-time rate.
func trendCharts(t web.Page, sc report.Scope, months []report.Month) (template.HTML, template.HTML) {
	labels := make([]string, len(months))
	recv, res, ontime := make([]float64, len(months)), make([]float64, len(months)), make([]float64, len(months))
	for i, m := range months {
		labels[i] = m.Start.In(unit.Vietnam).Format("01/2006")
		recv[i] = float64(m.NewOnline + m.NewCounter)
		res[i] = float64(m.Resolved)
		ontime[i] = rate(m.OnTimeRate())
	}
	bars := chart.Bars(chart.Chart{ID: "trend", Title: t.T("stats.dash.trend"), Desc: t.T("stats.dash.trend_desc", sc.Name),
		Category: t.T("stats.dash.col.month"), TableLabel: t.T("stats.dash.chart_table"), Labels: labels,
		Series: []chart.Series{{Name: t.T("stats.dash.col.received"), Values: recv}, {Name: t.T("stats.dash.col.resolved"), Values: res}}})
	line := chart.Line(chart.Chart{ID: "ontime-trend", Title: t.T("stats.dash.ontime_trend"), Desc: t.T("stats.dash.ontime_trend_desc", sc.Name),
		Category: t.T("stats.dash.col.month"), TableLabel: t.T("stats.dash.chart_table"), Labels: labels, Suffix: "%", Max: 100, Decimals: 1,
		Series: []chart.Series{{Name: t.T("stats.dash.col.ontime_rate"), Values: ontime}}})
	return bars, line
}

// unitChart draws the on-time rate of the scope's root and each unit
// below it, and lists their rows with link(row) to each ("" for none).
func unitChart(t web.Page, sc report.Scope, rows []report.Count, link func(report.Count) string) (template.HTML, []unitRow) {
	names := make([]string, len(rows))
	rates := make([]float64, len(rows))
	out := make([]unitRow, len(rows))
	for i, c := range rows {
		names[i] = c.Name
		rates[i] = rate(c.OnTimeRate())
		out[i] = unitRow{Count: c, OnTime: pct(c.OnTimeRate()), Online: pct(c.OnlineShare()), Link: link(c)}
	}
	h := chart.HBars(chart.Chart{ID: "by-unit", Title: t.T("stats.dash.by_unit"), Desc: t.T("stats.dash.by_unit_desc", sc.Name),
		Category: t.T("stats.dash.col.unit"), TableLabel: t.T("stats.dash.chart_table"), Labels: names, Suffix: "%", Max: 100, Decimals: 1,
		Series: []chart.Series{{Name: t.T("stats.dash.col.ontime_rate"), Values: rates}}})
	return h, out
}
