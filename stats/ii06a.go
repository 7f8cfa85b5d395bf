package stats

import (
	"errors"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/motcua/motcua/auth"
	"github.com/motcua/motcua/problem"
	"github.com/motcua/motcua/report"
	"github.com/motcua/motcua/vntext"
	"github.com/motcua/motcua/web"
)

// The II.06a page: a form to pick the unit, period and view, the report
// as an HTML table with the form's own headings, and links to the same
// report as .xlsx and .pdf (?format=, the bytes the API gives).

type ii06aPage struct {
	web.Page
	Units  []ii06aUnitOption
	Q      ii06aForm
	Views  []option
	Alert  alert
	Report *report.II06a
	Head   [][]headCell // heading rows for <thead>, cells with their spans
	Rows   []tableRow
	XLSX   string
	PDF    string
}

type ii06aUnitOption struct {
	Code, Name string
	Indent     string // non-breaking spaces by depth
	Selected   bool
}

type option struct {
	Value, Label string
	Selected     bool
}

// ii06aForm is the form as it was sent, to show it back.
type ii06aForm struct{ Unit, From, To, View string }

// alert is a refused request: the field at fault and why, in words.
type alert struct{ Field, Text string }

// Bad reports whether field is the one at fault.
func (a alert) Bad(field string) bool { return a.Text != "" && a.Field == field }

type headCell struct {
	Text             string
	RowSpan, ColSpan int
	Numbered         bool
}

type tableRow struct {
	No, Name string
	Depth    int
	Bold     bool
	Cells    []string
}

// ii06a shows the report. Without a unit in the query it opens on the
// first unit the officer may report on, from the first of the year to
// today; format=xlsx or pdf downloads the report instead.
func (s *Stats) ii06a(w http.ResponseWriter, r *http.Request, a *auth.Actor) error {
	p := s.page(r, "stats.ii06a.title")
	ctx := r.Context()
	now := s.now()
	units, err := s.reportUnits(r, a, now)
	if err != nil {
		return err
	}
	v := r.URL.Query()
	if !v.Has("unit") && len(units) > 0 {
		today := now.In(vnZone)
		v = url.Values{"unit": {units[0].Code}, "from": {time.Date(today.Year(), 1, 1, 0, 0, 0, 0, vnZone).Format(time.DateOnly)},
			"to": {today.Format(time.DateOnly)}, "view": {report.ViewUnit}}
	}
	page := ii06aPage{Page: p, Units: units, Q: ii06aForm{Unit: v.Get("unit"), From: v.Get("from"), To: v.Get("to"), View: v.Get("view")}}
	if page.Q.View == "" {
		page.Q.View = report.ViewUnit
	}
	for i := range page.Units {
		page.Units[i].Selected = page.Units[i].Code == page.Q.Unit
	}
	for _, view := range []string{report.ViewUnit, report.ViewField, report.ViewProcedure} {
		page.Views = append(page.Views, option{Value: view, Label: p.T("stats.ii06a.view." + view), Selected: view == page.Q.View})
	}
	format := v.Get("format")
	if format == "html" {
		format = ""
	}
	parse := url.Values{"unit": {page.Q.Unit}, "from": {page.Q.From}, "to": {page.Q.To}, "view": {page.Q.View}, "format": {format}}
	q, err := report.ParseII06a(parse)
	if err == nil {
		err = s.units.Entitled(ctx, a, auth.ReadReports, q.Unit)
		if errors.Is(err, problem.ErrForbidden) {
			pe := problem.Forbidden("report_unit", q.Unit)
			pe.Field = "unit"
			err = pe
		}
	}
	var rep *report.II06a
	if err == nil {
		q.Now = now
		rep, err = s.reports.II06a(ctx, q, s.cal)
	}
	if err != nil {
		var pe *problem.Error
		if !errors.As(err, &pe) || problem.Status(err) >= 500 {
			return err
		}
		field := pe.Field
		if errors.Is(err, problem.ErrNotFound) {
			field = "unit"
		}
		page.Alert = alert{Field: field, Text: p.Error(err)}
		return s.render(w, problem.Status(err), "ii06a", page)
	}
	if format != "" {
		body, ctype, err := rep.Encode(q.Format, now)
		if err != nil {
			return err
		}
		h := w.Header()
		h.Set("Content-Type", ctype)
		h.Set("Content-Disposition", `attachment; filename="`+q.FileName()+`"`)
		h.Set("Content-Length", strconv.Itoa(len(body)))
		h.Set("Cache-Control", "private, no-store")
		h.Set("X-Content-Type-Options", "nosniff")
		w.WriteHeader(http.StatusOK)
		_, err = w.Write(body)
		return err
	}
	page.Report = rep
	page.Head = htmlHead(report.II06aHead(q.View))
	if rep.HasTotalRow() {
		page.Rows = append(page.Rows, tableRow{Name: report.II06aTotal, Bold: true, Cells: cells(rep.Total)})
	}
	for _, row := range rep.Rows {
		page.Rows = append(page.Rows, tableRow{No: row.No, Name: row.Name, Depth: row.Depth, Bold: row.Depth == 0, Cells: cells(row.Figures)})
	}
	link := func(format string) string {
		l := url.Values{"unit": {page.Q.Unit}, "from": {page.Q.From}, "to": {page.Q.To}, "view": {q.View}, "format": {format}}
		return "/can-bo/thong-ke/ii06a?" + l.Encode()
	}
	page.XLSX, page.PDF = link(report.FormatXLSX), link(report.FormatPDF)
	return s.render(w, http.StatusOK, "ii06a", page)
}

var vnZone = time.FixedZone("ICT", 7*3600)

// reportUnits lists the units in force the officer may report on, in the
// tree's order: those where a holds auth.ReadReports and those below.
func (s *Stats) reportUnits(r *http.Request, a *auth.Actor, now time.Time) ([]ii06aUnitOption, error) {
	tree, err := s.units.TreeAt(r.Context(), now)
	if err != nil {
		return nil, err
	}
	parent := map[int64]int64{}
	for _, n := range tree {
		parent[n.ID] = n.ParentID
	}
	var out []ii06aUnitOption
	for _, n := range tree {
		var chain []int64
		for id := n.ID; id != 0 && len(chain) < 16; id = parent[id] {
			chain = append(chain, id)
		}
		if a.Can(auth.ReadReports, chain) {
			out = append(out, ii06aUnitOption{Code: n.Code, Name: n.Name, Indent: strings.Repeat("\u00a0\u00a0", n.Depth)})
		}
	}
	return out, nil
}

// htmlHead turns the form's heading cells into rows of <th>.
func htmlHead(cells []report.HeadCell) [][]headCell {
	rows := make([][]headCell, report.II06aHeadRows)
	for _, c := range cells {
		rows[c.Row] = append(rows[c.Row], headCell{Text: c.Text, RowSpan: c.RowSpan, ColSpan: c.ColSpan, Numbered: c.Row == report.II06aHeadRows-1})
	}
	return rows
}

func cells(f report.Figures) []string {
	cols := f.Columns()
	out := make([]string, len(cols))
	for i, v := range cols {
		out[i] = vntext.Thousands(v)
	}
	return out
}
