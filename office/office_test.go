package office

import (
	"context"
	"fmt"
	"html"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/motcua/motcua/auth"
	"github.com/motcua/motcua/catalog"
	"github.com/motcua/motcua/catalog/catalogtest"
	"github.com/motcua/motcua/dossier"
	"github.com/motcua/motcua/problem"
	"github.com/motcua/motcua/unit"
	"github.com/motcua/motcua/web"
)

// These tests drive the back office's handlers against the built-in
// catalog in memory and fakes for the services: no database, no app.
// The full-app tests in package server cover the paths end to end.

// A district with two communes; the officers below hold roles on X01.
var units = []unit.Unit{
	{ID: 1, Code: "H01", Name: "Huyện Nho Quan", Level: "district", Active: true},
	{ID: 2, Code: "X01", Name: "Xã Gia Thủy", Level: "commune", ParentID: 1, Active: true},
	{ID: 3, Code: "X02", Name: "Xã Gia Lâm", Level: "commune", ParentID: 1, Active: true},
	{ID: 4, Code: "X01-TP", Name: "Bộ phận một cửa Gia Thủy", Level: "commune", ParentID: 2, Active: true},
}

var (
	receptionist = &auth.Actor{User: auth.User{ID: 10, Username: "mai", FullName: "Lê Thị Mai", Kind: "officer"},
		Grants: []auth.Grant{{UnitID: 2, UnitCode: "X01", Role: auth.Reception}}}
	specialist = &auth.Actor{User: auth.User{ID: 11, Username: "hung", FullName: "Phạm Văn Hùng", Kind: "officer"},
		Grants: []auth.Grant{{UnitID: 2, UnitCode: "X01", Role: auth.Specialist}}}
	citizen = &auth.Actor{User: auth.User{ID: 20, Username: "binh", Kind: "citizen"}}
)

type fakeUnits struct{ Units }

func (fakeUnits) List(context.Context) ([]unit.Unit, error) { return units, nil }
func (fakeUnits) ByCode(_ context.Context, code string) (unit.Unit, error) {
	for _, u := range units {
		if u.Code == code {
			return u, nil
		}
	}
	return unit.Unit{}, problem.NotFound("unit_not_found", "x")
}

// fakeDossiers serves a fixed set of dossiers and records what the pages
// ask of it; calls it does not implement panic through the nil interface.
type fakeDossiers struct {
	Dossiers
	cat     *catalogtest.Memory
	all     []*dossier.Dossier
	filters []dossier.Filter
	acts    []string
	actErr  error
	// dashboard reads
	scopes  []dossier.Scope
	ranges  [][]dossier.DueRange
	steps   []dossier.StepAt
	stepsAt [][]int64
	matches []dossier.Match
}

func (f *fakeDossiers) List(_ context.Context, _ *auth.Actor, flt dossier.Filter) ([]*dossier.Dossier, error) {
	f.filters = append(f.filters, flt)
	out := f.all[min(flt.Offset, len(f.all)):]
	return out[:min(flt.Limit, len(out))], nil
}

func (f *fakeDossiers) Get(_ context.Context, _ *auth.Actor, code string) (*dossier.Dossier, error) {
	for _, d := range f.all {
		if d.Code == code {
			return d, nil
		}
	}
	return nil, problem.NotFound("dossier_not_found", "Không tìm thấy hồ sơ.")
}

// Read is Get; recording the read is the dossier service's (dossier/readlog.go).
func (f *fakeDossiers) Read(ctx context.Context, a *auth.Actor, code string) (*dossier.Dossier, error) {
	return f.Get(ctx, a, code)
}

func (f *fakeDossiers) ProcedureFor(ctx context.Context, d *dossier.Dossier) (catalog.Procedure, error) {
	return f.cat.Get(ctx, d.Procedure)
}

func (f *fakeDossiers) Deadline(d *dossier.Dossier) dossier.Deadline {
	if d.DueAt == nil {
		return dossier.Deadline{}
	}
	return dossier.Deadline{Due: d.DueAt, Band: dossier.BandSoon, Left: 12 * time.Hour}
}

func (f *fakeDossiers) Pauses(context.Context, *auth.Actor, string) ([]dossier.Pause, error) {
	return nil, nil
}

func (f *fakeDossiers) Assignees(context.Context, *dossier.Dossier, dossier.Action) ([]dossier.Candidate, error) {
	return []dossier.Candidate{{Username: "hung", FullName: "Phạm Văn Hùng"}}, nil
}

func (f *fakeDossiers) Act(_ context.Context, a *auth.Actor, code string, action dossier.Action, in dossier.ActInput) (*dossier.Dossier, error) {
	f.acts = append(f.acts, fmt.Sprintf("%s %s %s v%d note=%q assignee=%q", a.Username, action, code, in.Version, in.Note, in.Assignee))
	return nil, f.actErr
}

func (f *fakeDossiers) ReceiveChecked(_ context.Context, a *auth.Actor, code string, in dossier.ActInput, paper []string) (*dossier.Dossier, error) {
	f.acts = append(f.acts, fmt.Sprintf("%s receive %s v%d paper=%v", a.Username, code, in.Version, paper))
	return nil, f.actErr
}

func (f *fakeDossiers) BandEdges() dossier.BandEdges {
	now := time.Date(2026, 3, 2, 8, 0, 0, 0, time.UTC)
	return dossier.BandEdges{Now: now, Late: now, Day: now.Add(24 * time.Hour), Soon: now.Add(72 * time.Hour), Midnight: now.Add(16 * time.Hour)}
}

func (f *fakeDossiers) Tally(_ context.Context, sc dossier.Scope, r []dossier.DueRange) (map[dossier.State]int64, []int64, error) {
	f.scopes, f.ranges = append(f.scopes, sc), append(f.ranges, r)
	return map[dossier.State]int64{dossier.Processing: 7, dossier.SupplementRequested: 2}, []int64{1, 2, 3, 4, 5, 3}, nil
}

func (f *fakeDossiers) OpenSteps(_ context.Context, units []int64) ([]dossier.StepAt, error) {
	f.stepsAt = append(f.stepsAt, units)
	return f.steps, nil
}

func (f *fakeDossiers) Find(_ context.Context, m dossier.Match, limit int) ([]*dossier.Dossier, int, error) {
	f.matches = append(f.matches, m)
	return f.all[:1], 1, nil
}

type world struct {
	srv      *httptest.Server
	dossiers *fakeDossiers
	as       *auth.Actor // who the requests are signed in as (nil: nobody)
}

func newWorld(t *testing.T, ds ...*dossier.Dossier) *world {
	t.Helper()
	cat, err := catalogtest.New()
	if err != nil {
		t.Fatal(err)
	}
	w, err := web.New(web.Config{Log: slog.New(slog.NewTextHandler(io.Discard, nil))})
	if err != nil {
		t.Fatal(err)
	}
	fd := &fakeDossiers{cat: cat, all: ds}
	o, err := New(Config{Web: w, Catalog: cat, Units: fakeUnits{}, Dossiers: fd})
	if err != nil {
		t.Fatal(err)
	}
	wd := &world{dossiers: fd}
	mux := http.NewServeMux()
	o.Register(mux)
	wd.srv = httptest.NewServer(http.HandlerFunc(func(rw http.ResponseWriter, r *http.Request) {
		if wd.as != nil {
			r = r.WithContext(web.WithActor(r.Context(), wd.as))
		}
		mux.ServeHTTP(rw, r)
	}))
	t.Cleanup(wd.srv.Close)
	return wd
}

var noRedirect = &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}

// do sends a request and returns the status, the Location and the page's
// text with entities decoded.
func (w *world) do(t *testing.T, method, path string, form url.Values) (int, string, string) {
	t.Helper()
	req, _ := http.NewRequest(method, w.srv.URL+path, strings.NewReader(form.Encode()))
	if form != nil {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	resp, err := noRedirect.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, resp.Header.Get("Location"), html.UnescapeString(string(b))
}

func at(h int) *time.Time {
	t := time.Date(2026, 3, 3, h, 0, 0, 0, time.UTC)
	return &t
}

// dossiers makes n dossiers of the birth registration procedure.
func dossiers(n int) []*dossier.Dossier {
	var out []*dossier.Dossier
	for i := range n {
		out = append(out, &dossier.Dossier{Code: fmt.Sprintf("H%03d", i+1), Procedure: "1.001193", ProcedureVersion: 1,
			Unit: "X01", UnitName: "Xã Gia Thủy", ReceivingUnit: "X01", Channel: "online", Status: dossier.Processing,
			Applicant: dossier.Applicant{Name: fmt.Sprintf("Người nộp %d", i+1)}, DueAt: at(9), Version: 3})
	}
	return out
}
