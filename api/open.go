package api

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"math"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/motcua/motcua/catalog"
	"github.com/motcua/motcua/problem"
	"github.com/motcua/motcua/report"
	"github.com/motcua/motcua/unit"
)

// Open data (/api/v1/open/…): the transparency pages' figures for anyone,
// without an account, as JSON or CSV. Counts, rates and the catalog only:
// no dossier code, applicant or officer is ever part of it. Shared caches
// may keep an answer for openMaxAge.
const openMaxAge = 300

// openRow is one line of a unit's statistics: the whole scope ("total"),
// a month ("month", key YYYY-MM) or a unit directly below ("unit", key its
// code). The JSON names are the CSV's header.
type openRow struct {
	Row         string   `json:"row"`
	Key         string   `json:"key"`
	Name        string   `json:"name"`
	Received    int64    `json:"received"`
	Carried     int64    `json:"carried"`
	NewOnline   int64    `json:"new_online"`
	NewCounter  int64    `json:"new_counter"`
	Resolved    int64    `json:"resolved"`
	Early       int64    `json:"early"`
	OnTime      int64    `json:"on_time"`
	Late        int64    `json:"late"`
	InProgress  int64    `json:"in_progress"`
	Within      int64    `json:"within"`
	Overdue     int64    `json:"overdue"`
	Withdrawn   int64    `json:"withdrawn"`
	Stopped     int64    `json:"stopped"`
	Refused     int64    `json:"refused"`
	OnTimeRate  *float64 `json:"on_time_rate"` // percent, null with nothing resolved
	OnlineShare *float64 `json:"online_share"` // percent, null with nothing new
}

var openHeader = []string{"row", "key", "name", "received", "carried", "new_online", "new_counter", "resolved", "early",
	"on_time", "late", "in_progress", "within", "overdue", "withdrawn", "stopped", "refused", "on_time_rate", "online_share"}

func (r openRow) record() []string {
	out := []string{r.Row, r.Key, r.Name}
	for _, n := range []int64{r.Received, r.Carried, r.NewOnline, r.NewCounter, r.Resolved, r.Early, r.OnTime, r.Late,
		r.InProgress, r.Within, r.Overdue, r.Withdrawn, r.Stopped, r.Refused} {
		out = append(out, strconv.FormatInt(n, 10))
	}
	for _, f := range []*float64{r.OnTimeRate, r.OnlineShare} {
		v := ""
		if f != nil {
			v = strconv.FormatFloat(*f, 'f', -1, 64)
		}
		out = append(out, v)
	}
	return out
}

func newOpenRow(row, key, name string, c report.Count) openRow {
	r := openRow{Row: row, Key: key, Name: name, Received: c.Received, Carried: c.Carried, NewOnline: c.NewOnline,
		NewCounter: c.NewCounter, Resolved: c.Resolved, Early: c.Early, OnTime: c.OnTime, Late: c.Late,
		InProgress: c.InProgress, Within: c.Within, Overdue: c.Overdue, Withdrawn: c.Withdrawn, Stopped: c.Stopped, Refused: c.Refused}
	r.OnTimeRate = rounded(c.OnTimeRate())
	r.OnlineShare = rounded(c.OnlineShare())
	return r
}

// rounded is a percentage to two decimals, nil when undefined.
func rounded(v float64, ok bool) *float64 {
	if !ok {
		return nil
	}
	v = math.Round(v*100) / 100
	return &v
}

type openStats struct {
	Unit         openUnit     `json:"unit"`
	From         string       `json:"from"`
	To           string       `json:"to"`
	Rows         []openRow    `json:"rows"`
	Satisfaction report.Tally `json:"satisfaction"`
}

type openUnit struct {
	Code  string `json:"code"`
	Name  string `json:"name"`
	Level string `json:"level"`
}

// openUnitStats answers GET /api/v1/open/units/{unit}/stats?from=&to=&format=:
// the unit's figures (with every unit below it) for the period, by the
// II.06a rules, as a total, month by month and by unit directly below.
func (s *Server) openUnitStats(w http.ResponseWriter, r *http.Request) error {
	q := r.URL.Query()
	format, err := openFormat(q.Get("format"))
	if err != nil {
		return err
	}
	p, err := report.ReadPeriod(q.Get("from"), q.Get("to"), s.now())
	if err != nil {
		return err
	}
	ctx := r.Context()
	code := r.PathValue("unit")
	sc, err := s.Reports.ScopeAt(ctx, code, p.End)
	if err != nil {
		return err
	}
	var judge report.Judge
	if s.Calendar != nil {
		judge = s.Calendar.Current()
	}
	months, err := s.Reports.Trend(ctx, sc, p.Start, p.End, judge)
	if err != nil {
		return err
	}
	units, err := s.Reports.ByChild(ctx, sc, p.Start, p.End, judge)
	if err != nil {
		return err
	}
	out := openStats{Unit: openUnit{Code: sc.Code, Name: sc.Name, Level: sc.Level}, From: p.From, To: p.To}
	if out.Satisfaction, err = s.Reports.Satisfaction(ctx, sc, p.Start, p.End); err != nil {
		return err
	}
	out.Rows = append(out.Rows, newOpenRow("total", sc.Code, sc.Name, report.Total(units)))
	for _, m := range months {
		v := m.Start.In(unit.Vietnam)
		out.Rows = append(out.Rows, newOpenRow("month", v.Format("2006-01"), v.Format("01/2006"), m.Count))
	}
	for _, c := range units {
		out.Rows = append(out.Rows, newOpenRow("unit", c.Code, c.Name, c))
	}
	if format == "csv" {
		records := [][]string{openHeader}
		for _, row := range out.Rows {
			records = append(records, row.record())
		}
		return writeOpenCSV(w, "thong-ke-"+sc.Code+"-"+p.From+"-"+p.To+".csv", records)
	}
	return writeOpenJSON(w, out)
}

// openProcedure is one procedure of the catalog as open data.
type openProcedure struct {
	Code      string   `json:"code"`
	Name      string   `json:"name"`
	Field     string   `json:"field"`
	FieldCode string   `json:"field_code"`
	Levels    []string `json:"levels"`
	Online    string   `json:"online"` // full, partial or none (Decree 42/2022)
}

// openProcedures answers GET /api/v1/open/procedures?format=: the catalog
// in force, each procedure with its levels and online level.
func (s *Server) openProcedures(w http.ResponseWriter, r *http.Request) error {
	format, err := openFormat(r.URL.Query().Get("format"))
	if err != nil {
		return err
	}
	procs, err := s.Catalog.Search(r.Context(), catalog.Query{})
	if err != nil {
		return err
	}
	out := make([]openProcedure, len(procs))
	for i, p := range procs {
		out[i] = openProcedure{Code: p.Code, Name: p.Name, Field: p.Field, FieldCode: p.FieldCode, Levels: p.Levels, Online: p.Online}
	}
	if format == "csv" {
		records := [][]string{{"code", "name", "field", "field_code", "levels", "online"}}
		for _, p := range out {
			records = append(records, []string{p.Code, p.Name, p.Field, p.FieldCode, strings.Join(p.Levels, ";"), p.Online})
		}
		return writeOpenCSV(w, "thu-tuc.csv", records)
	}
	return writeOpenJSON(w, map[string]any{"procedures": out})
}

// openFormat is ?format=: json (the default) or csv.
func openFormat(f string) (string, error) {
	switch f {
	case "", "json":
		return "json", nil
	case "csv":
		return "csv", nil
	}
	return "", problem.Invalid("format", "invalid_format.open", f)
}

func writeOpenJSON(w http.ResponseWriter, v any) error {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return err
	}
	openHeaders(w, "application/json; charset=utf-8")
	_, err := w.Write(buf.Bytes())
	return err
}

// writeOpenCSV writes UTF-8 CSV with a byte order mark, so that a
// spreadsheet opened by double-click reads the Vietnamese names right.
func writeOpenCSV(w http.ResponseWriter, name string, records [][]string) error {
	var buf bytes.Buffer
	buf.WriteString("\ufeff")
	cw := csv.NewWriter(&buf)
	if err := cw.WriteAll(records); err != nil {
		return err
	}
	openHeaders(w, "text/csv; charset=utf-8")
	w.Header().Set("Content-Disposition", `attachment; filename="`+name+`"`)
	_, err := w.Write(buf.Bytes())
	return err
}

func openHeaders(w http.ResponseWriter, contentType string) {
	h := w.Header()
	h.Set("Content-Type", contentType)
	h.Set("Cache-Control", "public, max-age="+strconv.Itoa(openMaxAge))
	h.Set("Access-Control-Allow-Origin", "*")
	w.WriteHeader(http.StatusOK)
}

// now is the app's clock (Server.Now), time.Now when unset.
func (s *Server) now() time.Time {
	if s.Now != nil {
		return s.Now()
	}
	return time.Now()
}
