package report_test

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/json"
	"flag"
	"net/url"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/motcua/motcua/calendar"
	"github.com/motcua/motcua/demo"
	"github.com/motcua/motcua/report"
	"github.com/motcua/motcua/store"
	"github.com/motcua/motcua/store/storetest"
)

var update = flag.Bool("update", false, "rewrite the golden files under testdata")

// TestII06aGolden generates a small 2022 year through the real services
// on each engine, recounts the II.06a figures straight from the dossiers'
// rows and events (recount below, which shares nothing with Counts), and
// holds the report to them: every unit of the province rolled up through
// its parents, every field and every procedure, for the second quarter
// and for the whole year. The report of the quarter must also equal the
// golden files, the same on both engines.
func TestII06aGolden(t *testing.T) {
	// -short leaves out the slow proof on a developer's machine; CI runs it always.
	if testing.Short() && os.Getenv("CI") != "true" {
		t.Skip("generates a small year")
	}
	storetest.Engines(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		if _, err := demo.Generate(ctx, demo.GenerateConfig{DB: db, DataDir: t.TempDir(), Year: 2022, Scale: 0.002, Seed: 1}); err != nil {
			t.Fatal(err)
		}
		cal, err := calendar.NewStore(ctx, db, calendar.StoreConfig{})
		if err != nil {
			t.Fatal(err)
		}
		w := readWorld(t, db)
		r := report.New(db)
		for _, p := range []struct{ name, from, to string }{
			{"q2", "2022-04-01", "2022-06-30"},
			{"year", "2022-01-01", "2022-12-31"},
		} {
			t.Run(p.name, func(t *testing.T) {
				want := w.recount(t, cal, day(t, p.from), day(t, p.to).AddDate(0, 0, 1))
				var received int64
				for _, f := range want.byUnit {
					received += f.Received
				}
				if received == 0 {
					t.Fatal("the generated period received nothing: the comparison would prove nothing")
				}
				for _, view := range []string{report.ViewUnit, report.ViewField, report.ViewProcedure} {
					q, err := report.ParseII06a(url.Values{"unit": {demo.ProvinceCode}, "from": {p.from}, "to": {p.to}, "view": {view}})
					if err != nil {
						t.Fatal(err)
					}
					got, err := r.II06a(ctx, q, cal)
					if err != nil {
						t.Fatal(err)
					}
					w.compare(t, view, got, want)
					if p.name == "q2" {
						golden(t, "ii06a-q2-"+view+".json", got)
					}
				}
			})
		}
	})
}

func day(t *testing.T, s string) time.Time {
	t.Helper()
	d, err := time.ParseInLocation(time.DateOnly, s, time.FixedZone("ICT", 7*3600))
	if err != nil {
		t.Fatal(err)
	}
	return d
}

// golden compares v's JSON with testdata/name (rewritten with -update).
func golden(t *testing.T, name string, v any) {
	t.Helper()
	b, err := json.MarshalIndent(v, "", " ")
	if err != nil {
		t.Fatal(err)
	}
	b = append(b, '\n')
	path := filepath.Join("testdata", name)
	if *update {
		if err := os.MkdirAll("testdata", 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, b, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test ./report/ -run TestII06aGolden -update to write it)", err)
	}
	if !bytes.Equal(b, want) {
		t.Errorf("%s differs from the golden file; got:\n%s", name, b)
	}
}

// world is the raw rows the recount reads.
type world struct {
	dossiers []rawDossier
	unitCode map[int64]string
	parent   map[int64]int64
	field    map[string]string // procedure code → field name
}

type rawDossier struct {
	channel, procedure string
	events             []rawEvent
}

type rawEvent struct {
	at               int64
	action, to       string
	fromUnit, toUnit int64
	due              int64
}

func readWorld(t *testing.T, db *store.DB) *world {
	t.Helper()
	ctx := context.Background()
	w := &world{unitCode: map[int64]string{}, parent: map[int64]int64{}, field: map[string]string{}}
	var ended int
	if err := db.QueryRowContext(ctx, `SELECT COUNT(*) FROM units WHERE valid_to IS NOT NULL`).Scan(&ended); err != nil || ended != 0 {
		// The recount reads the tree as it is now: the generated 2022 has no reorganisation.
		t.Fatalf("units ended in the generated year: %d (%v)", ended, err)
	}
	rows, err := db.QueryContext(ctx, `SELECT id, code, COALESCE(parent_id, 0) FROM units`)
	if err != nil {
		t.Fatal(err)
	}
	for rows.Next() {
		var id, parent int64
		var code string
		if err := rows.Scan(&id, &code, &parent); err != nil {
			t.Fatal(err)
		}
		w.unitCode[id], w.parent[id] = code, parent
	}
	rows.Close()
	rows, err = db.QueryContext(ctx, `SELECT code, field FROM procedures`)
	if err != nil {
		t.Fatal(err)
	}
	for rows.Next() {
		var code, field string
		if err := rows.Scan(&code, &field); err != nil {
			t.Fatal(err)
		}
		w.field[code] = field
	}
	rows.Close()
	rows, err = db.QueryContext(ctx, `SELECT d.id, d.channel, d.procedure_code, e.at, e.action, e.to_status,
		e.from_unit_id, e.to_unit_id, e.due_at FROM dossiers d JOIN dossier_events e ON e.dossier_id = d.id ORDER BY d.id, e.at, e.id`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	last := int64(-1)
	for rows.Next() {
		var id int64
		var d rawDossier
		var e rawEvent
		var fu, tu, due sql.NullInt64
		if err := rows.Scan(&id, &d.channel, &d.procedure, &e.at, &e.action, &e.to, &fu, &tu, &due); err != nil {
			t.Fatal(err)
		}
		e.fromUnit, e.toUnit, e.due = fu.Int64, tu.Int64, due.Int64
		if id != last {
			w.dossiers = append(w.dossiers, d)
			last = id
		}
		cur := &w.dossiers[len(w.dossiers)-1]
		cur.events = append(cur.events, e)
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return w
}

// recounted is the figures by unit (own, not rolled up) and by procedure.
type recounted struct {
	byUnit map[int64]report.Figures
	byProc map[string]report.Figures
}

// recount applies the form's rules (report/counts.go's comment) to each
// dossier, one at a time: received at its first receive; ended at its
// first result, withdrawal, stop or refusal after that; judged against the
// last appointment set before the end by an act other than an apology or
// a partner's consultation; in progress judged at the period's end, or
// when its clock stopped for a supplement; counted under the unit it left
// by its ending act, or the unit the last act before the end sent it to.
func (w *world) recount(t *testing.T, judge report.Judge, from, to time.Time) recounted {
	out := recounted{byUnit: map[int64]report.Figures{}, byProc: map[string]report.Figures{}}
	f, e := from.UnixMilli(), to.UnixMilli()
	for _, d := range w.dossiers {
		recv := -1
		for i, ev := range d.events {
			if ev.action == "receive" {
				recv = i
				break
			}
		}
		if recv < 0 || d.events[recv].at >= e {
			continue
		}
		end := -1
		for i := recv + 1; i < len(d.events) && end < 0; i++ {
			switch d.events[i].to {
			case "result_ready", "withdrawn", "stopped", "refused":
				end = i
			}
		}
		if end >= 0 && d.events[end].at < f {
			continue
		}
		var fig report.Figures
		fig.Received = 1
		switch {
		case d.events[recv].at < f:
			fig.Carried = 1
		case d.channel == "online":
			fig.NewOnline = 1
		default:
			fig.NewCounter = 1
		}
		due := func(before int) time.Time {
			var ms int64
			for _, ev := range d.events[:before] {
				if ev.due != 0 && ev.action != "apologize" && ev.action != "consult" && ev.action != "record-answer" {
					ms = ev.due
				}
			}
			return time.UnixMilli(ms)
		}
		var unitID int64
		if end >= 0 && d.events[end].at < e {
			ev := d.events[end]
			switch {
			case ev.to == "withdrawn":
				fig.Withdrawn = 1
			case ev.to == "stopped":
				fig.Stopped = 1
			case ev.to == "refused" || ev.action == "refuse":
				fig.Refused = 1
			default:
				fig.Resolved = 1
				switch judge.Judge(due(end), time.UnixMilli(ev.at)) {
				case calendar.Late:
					fig.Late = 1
				case calendar.OnTime:
					fig.OnTime = 1
				default:
					fig.Early = 1
				}
			}
			unitID = ev.fromUnit
			for i := end - 1; unitID == 0 && i >= 0; i-- {
				unitID = d.events[i].toUnit
			}
		} else {
			fig.InProgress = 1
			n := recv
			for n+1 < len(d.events) && d.events[n+1].at < e {
				n++
			}
			at := time.UnixMilli(e)
			if d.events[n].to == "supplement_requested" {
				at = time.UnixMilli(d.events[n].at)
			}
			if judge.Judge(due(n+1), at) == calendar.Late {
				fig.Overdue = 1
			} else {
				fig.Within = 1
			}
			for i := n; unitID == 0 && i >= 0; i-- {
				unitID = d.events[i].toUnit
			}
		}
		if unitID == 0 {
			t.Fatalf("a dossier with no unit in its events: %+v", d)
		}
		add(out.byUnit, unitID, fig)
		add(out.byProc, d.procedure, fig)
	}
	return out
}

func add[K comparable](m map[K]report.Figures, k K, f report.Figures) {
	s := m[k]
	s.Received += f.Received
	s.NewOnline += f.NewOnline
	s.NewCounter += f.NewCounter
	s.Carried += f.Carried
	s.Resolved += f.Resolved
	s.Early += f.Early
	s.OnTime += f.OnTime
	s.Late += f.Late
	s.InProgress += f.InProgress
	s.Within += f.Within
	s.Overdue += f.Overdue
	s.Withdrawn += f.Withdrawn
	s.Stopped += f.Stopped
	s.Refused += f.Refused
	m[k] = s
}

// compare holds one view of the report to the recount.
func (w *world) compare(t *testing.T, view string, got *report.II06a, want recounted) {
	t.Helper()
	expect := map[string]report.Figures{}
	var total report.Figures
	for _, f := range want.byProc {
		total = sum(total, f)
	}
	switch view {
	case report.ViewUnit: // each unit sums its own and every unit's below it
		for u, f := range want.byUnit {
			for id := u; id != 0; id = w.parent[id] {
				add(expect, w.unitCode[id], f)
			}
		}
	case report.ViewField:
		for p, f := range want.byProc {
			add(expect, w.field[p], f)
		}
	case report.ViewProcedure:
		for p, f := range want.byProc {
			add(expect, w.field[p], f)
			expect[p] = f
		}
	}
	seen := 0
	for _, row := range got.Rows {
		key := row.Code
		if view != report.ViewUnit && row.Depth == 0 {
			key = row.Name
		}
		if row.Figures != expect[key] {
			t.Errorf("%s row %s %s %s:\n got %+v\nwant %+v", view, row.No, row.Code, row.Name, row.Figures, expect[key])
		}
		if _, ok := expect[key]; ok {
			seen++
		}
	}
	if seen != len(expect) {
		t.Errorf("%s: %d rows with figures in the recount, the report shows %d of them", view, len(expect), seen)
	}
	if got.Total != total {
		t.Errorf("%s total:\n got %+v\nwant %+v", view, got.Total, total)
	}
}

func sum(a, b report.Figures) report.Figures {
	m := map[int]report.Figures{0: a}
	add(m, 0, b)
	return m[0]
}
