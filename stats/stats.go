// Package stats serves the statistics pages: for leaders and supervisors
// (auth.ReadReports), under /can-bo/thong-ke, the II.06a report, the
// Decision 766 scorecard, processing analytics and the dashboards; for
// everyone, under /cong-khai, the public transparency pages. It only reads,
// through report.Reader; no page here writes anything.
package stats

import (
	"context"
	"embed"
	"fmt"
	"html/template"
	"net/http"
	"time"

	"github.com/motcua/motcua/auth"
	"github.com/motcua/motcua/catalog"
	"github.com/motcua/motcua/report"
	"github.com/motcua/motcua/unit"
	"github.com/motcua/motcua/web"
)

//go:embed templates/*.html messages.*.json
var files embed.FS

// Units reads the administrative units and the reporting scope (*unit.Store).
type Units interface {
	ByCode(ctx context.Context, code string) (unit.Unit, error)
	List(ctx context.Context) ([]unit.Unit, error)
	TreeAt(ctx context.Context, at time.Time) ([]unit.Snapshot, error)
	// Entitled says whether a holds r at the unit with code (nil) or why not.
	Entitled(ctx context.Context, a *auth.Actor, r auth.Right, code string) error
}

// Catalog reads the procedure catalog (*catalog.Store).
type Catalog interface {
	Get(ctx context.Context, code string) (catalog.Procedure, error)
	Search(ctx context.Context, q catalog.Query) ([]catalog.Summary, error)
}

// Stats holds what the statistics pages need.
type Stats struct {
	web     *web.Web
	reports *report.Reader
	units   Units
	catalog Catalog
	cal     report.WorkCalendar
	now     func() time.Time
	pages   map[string]*template.Template
	scores  *scoreCache // the public pages' scorecards
}

// Config is what the statistics pages are built from. Now defaults to time.Now.
type Config struct {
	Web     *web.Web
	Reports *report.Reader
	Units   Units
	Catalog Catalog
	// Calendar judges deadlines and counts working time (*calendar.Store).
	Calendar report.WorkCalendar
	Now      func() time.Time
}

// New parses the templates and merges the messages into the shared catalog.
func New(cfg Config) (*Stats, error) {
	pages, err := cfg.Web.Surface(files)
	if err != nil {
		return nil, err
	}
	now := cfg.Now
	if now == nil {
		now = time.Now
	}
	return &Stats{web: cfg.Web, reports: cfg.Reports, units: cfg.Units, catalog: cfg.Catalog, cal: cfg.Calendar, now: now, pages: pages,
		scores: &scoreCache{}}, nil
}

func (s *Stats) render(w http.ResponseWriter, code int, page string, data any) error {
	t, ok := s.pages[page]
	if !ok {
		return fmt.Errorf("stats: no template %q", page)
	}
	return s.web.Render(w, code, t, data)
}

// page builds the common data of a leader's page (officer navigation).
func (s *Stats) page(r *http.Request, titleKey string, args ...any) web.Page {
	p := s.web.Page(r, titleKey, args...)
	p.Office = true
	return p
}

// leaderHandler is a page for an officer who may read reports somewhere.
type leaderHandler func(w http.ResponseWriter, r *http.Request, a *auth.Actor) error

// leader admits officers who hold auth.ReadReports at some unit; which
// units' figures they see is each page's check (Units.Entitled).
func (s *Stats) leader(h leaderHandler) http.HandlerFunc {
	return s.web.Wrap(func(w http.ResponseWriter, r *http.Request) error {
		a, err := web.RequireActor(r)
		if err != nil {
			return err
		}
		if own, below := a.Reach(auth.ReadReports); a.IsCitizen() || len(own)+len(below) == 0 {
			p := s.page(r, "stats.denied.title")
			return s.render(w, http.StatusForbidden, "denied", deniedPage{Page: p, Message: p.T("stats.denied.text")})
		}
		return h(w, r, a)
	})
}

type deniedPage struct {
	web.Page
	Message string
}
