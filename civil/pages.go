package civil

import (
	"context"
	"embed"
	"fmt"
	"html/template"
	"net/http"
	"net/url"
	"strconv"

	"github.com/motcua/motcua/auth"
	"github.com/motcua/motcua/problem"
	"github.com/motcua/motcua/unit"
	"github.com/motcua/motcua/web"
)

//go:embed templates/*.html messages.*.json
var files embed.FS

// Pages are the evaluation pages of the back office (/can-bo/danh-gia)
// and the registry pages of the admin (/quan-tri/can-bo-cong-chuc).
type Pages struct {
	web   *web.Web
	svc   *Service
	pages map[string]*template.Template
}

// NewPages parses the templates and merges the messages.
func NewPages(w *web.Web, svc *Service) (*Pages, error) {
	pages, err := w.Surface(files)
	if err != nil {
		return nil, err
	}
	return &Pages{web: w, svc: svc, pages: pages}, nil
}

// Register adds the routes.
func (p *Pages) Register(mux web.Mux) {
	h := p.web.Wrap
	mux.HandleFunc("GET /can-bo/danh-gia", h(p.officer(p.index)))
	mux.HandleFunc("GET /can-bo/danh-gia/{unit}/{year}", h(p.officer(p.cycle)))
	mux.HandleFunc("POST /can-bo/danh-gia/{unit}/{year}", h(p.officer(p.open)))
	mux.HandleFunc("GET /can-bo/danh-gia/phieu/{id}", h(p.officer(p.evaluation)))
	mux.HandleFunc("POST /can-bo/danh-gia/phieu/{id}", h(p.officer(p.act)))
	mux.HandleFunc("GET /quan-tri/can-bo-cong-chuc", h(p.officer(p.registries)))
	mux.HandleFunc("GET /quan-tri/can-bo-cong-chuc/{unit}", h(p.officer(p.registry)))
	mux.HandleFunc("POST /quan-tri/can-bo-cong-chuc/{unit}", h(p.officer(p.save)))
	mux.HandleFunc("POST /quan-tri/can-bo-cong-chuc/{unit}/bang-cap", h(p.officer(p.qualify)))
	mux.HandleFunc("POST /quan-tri/can-bo-cong-chuc/{unit}/dieu-dong", h(p.officer(p.move)))
	mux.HandleFunc("GET /quan-tri/can-bo-cong-chuc/{unit}/xuat.csv", h(p.officer(p.export("csv"))))
	mux.HandleFunc("GET /quan-tri/can-bo-cong-chuc/{unit}/xuat.json", h(p.officer(p.export("json"))))
	mux.HandleFunc("GET /quan-tri/can-bo-cong-chuc/{unit}/bao-cao", h(p.officer(p.report)))
}

type handler func(w http.ResponseWriter, r *http.Request, a *auth.Actor) error

// officer admits signed-in officers; the service checks the rest.
func (p *Pages) officer(h handler) web.Handler {
	return func(w http.ResponseWriter, r *http.Request) error {
		a, err := web.RequireActor(r)
		if err != nil {
			return err
		}
		if a.IsCitizen() {
			return problem.Forbidden("officers_only")
		}
		return h(w, r, a)
	}
}

func (p *Pages) render(w http.ResponseWriter, code int, name string, data any) error {
	t, ok := p.pages[name]
	if !ok {
		return fmt.Errorf("civil: no template %q", name)
	}
	return p.web.Render(w, code, t, data)
}

func (p *Pages) page(r *http.Request, key string, args ...any) web.Page {
	pg := p.web.Page(r, key, args...)
	pg.Office = true
	return pg
}

// CyclePath is the page of a unit's cycle of a year.
func CyclePath(unitCode string, year int) string {
	return "/can-bo/danh-gia/" + url.PathEscape(unitCode) + "/" + strconv.Itoa(year)
}

// EvaluationPath is the page of one evaluation.
func EvaluationPath(id int64) string { return "/can-bo/danh-gia/phieu/" + strconv.FormatInt(id, 10) }

// RegistryPath is the admin's page of a unit's registry.
func RegistryPath(unitCode string) string {
	return "/quan-tri/can-bo-cong-chuc/" + url.PathEscape(unitCode)
}

type unitLink struct {
	Code, Name, Href string
}

// units links the units of ids, each to href(code).
func (p *Pages) units(ctx context.Context, ids []int64, href func(string) string) ([]unitLink, error) {
	var out []unitLink
	for _, id := range ids {
		u, err := p.svc.cfg.Units.ByID(ctx, id)
		if err != nil {
			return nil, err
		}
		if u.Active {
			out = append(out, unitLink{u.Code, u.Name, href(u.Code)})
		}
	}
	return out, nil
}

type indexPage struct {
	web.Page
	Mine  []Evaluation
	Lead  []unitLink
	Year  int
	Names map[int64]string
}

// index lists the officer's own evaluations and the units whose cycle of
// this year they may open.
func (p *Pages) index(w http.ResponseWriter, r *http.Request, a *auth.Actor) error {
	ctx := r.Context()
	pg := indexPage{Page: p.page(r, "civil.index.title"), Year: p.svc.cfg.Now().In(vietnam).Year(), Names: map[int64]string{}}
	var err error
	if pg.Mine, err = p.svc.Mine(ctx, a); err != nil {
		return err
	}
	for _, e := range pg.Mine {
		if _, ok := pg.Names[e.Cycle.UnitID]; !ok {
			u, err := p.svc.cfg.Units.ByID(ctx, e.Cycle.UnitID)
			if err != nil {
				return err
			}
			pg.Names[u.ID] = u.Name
		}
	}
	own, _ := a.Reach(auth.EvaluateStaff)
	if pg.Lead, err = p.units(ctx, own, func(code string) string { return CyclePath(code, pg.Year) }); err != nil {
		return err
	}
	return p.render(w, http.StatusOK, "index", pg)
}

type cyclePage struct {
	web.Page
	Unit  unit.Unit
	Year  int
	List  []Evaluation
	Lead  bool
	Found bool
}

func (p *Pages) unitYear(r *http.Request) (unit.Unit, int, error) {
	u, err := p.svc.cfg.Units.ByCode(r.Context(), r.PathValue("unit"))
	if err != nil {
		return u, 0, err
	}
	year, err := strconv.Atoi(r.PathValue("year"))
	if err != nil {
		return u, 0, problem.NotFound("not_found")
	}
	return u, year, nil
}

// cycle shows a unit's cycle: every officer's evaluation to a leader
// there, their own to an officer of the unit; a leader may open it.
func (p *Pages) cycle(w http.ResponseWriter, r *http.Request, a *auth.Actor) error {
	u, year, err := p.unitYear(r)
	if err != nil {
		return err
	}
	list, lead, found, err := p.svc.CycleOf(r.Context(), a, u.ID, year)
	if err != nil {
		return err
	}
	if !lead && len(list) == 0 {
		return problem.Forbidden("not_your_staff")
	}
	if lead && len(list) > 0 {
		object := "civil_cycle:" + strconv.FormatInt(list[0].Cycle.ID, 10)
		if err := p.svc.recordRead(r.Context(), a, u.ID, ReadEvaluations, object, strconv.Itoa(year)); err != nil {
			return err
		}
	}
	return p.render(w, http.StatusOK, "cycle", cyclePage{Page: p.page(r, "civil.cycle.title", year, u.Name), Unit: u, Year: year,
		List: list, Lead: lead, Found: found})
}

func (p *Pages) open(w http.ResponseWriter, r *http.Request, a *auth.Actor) error {
	u, err := p.svc.cfg.Units.ByCode(r.Context(), r.PathValue("unit"))
	if err != nil {
		return err
	}
	year, err := strconv.Atoi(r.PathValue("year"))
	if err != nil {
		year = -1
	}
	if _, err := p.svc.Open(r.Context(), a, u.ID, year); err != nil {
		return err
	}
	http.Redirect(w, r, CyclePath(u.Code, year), http.StatusSeeOther)
	return nil
}

type evaluationPage struct {
	web.Page
	E       Evaluation
	Unit    unit.Unit
	Figures Figures
	Kept    bool // the figures are those kept at the decision
	Rate    string
	Levels  []string
	// Which form the viewer may fill now.
	CanSelf, CanReview, CanDecide bool
	PositionName, RankName        string
}

func (p *Pages) evaluation(w http.ResponseWriter, r *http.Request, a *auth.Actor) error {
	ctx := r.Context()
	id, _ := strconv.ParseInt(r.PathValue("id"), 10, 64)
	e, err := p.svc.Evaluation(ctx, a, id)
	if err != nil {
		return err
	}
	u, err := p.svc.cfg.Units.ByID(ctx, e.Cycle.UnitID)
	if err != nil {
		return err
	}
	pg := evaluationPage{Page: p.page(r, "civil.evaluation.title", e.Person.FullName, e.Cycle.Year), E: e, Unit: u, Levels: Levels,
		PositionName: Name(Positions, e.Person.Position), RankName: Name(Ranks, e.Person.Rank)}
	if e.Evidence != nil {
		pg.Figures, pg.Kept = *e.Evidence, true
	} else if pg.Figures, err = p.svc.Figures(ctx, e.Person.UserID, e.Cycle.Year); err != nil {
		return err
	}
	if rate := pg.Figures.OnTimeRate(); rate >= 0 {
		pg.Rate = strconv.FormatFloat(rate, 'f', 1, 64) + "%"
	}
	self := e.Person.UserID != 0 && e.Person.UserID == a.ID
	lead, err := p.svc.can(ctx, a, auth.EvaluateStaff, e.Cycle.UnitID)
	if err != nil {
		return err
	}
	if !self {
		if err := p.svc.recordRead(ctx, a, e.Cycle.UnitID, ReadEvaluations, "civil_evaluation:"+strconv.FormatInt(e.ID, 10), ""); err != nil {
			return err
		}
	}
	pg.CanSelf = self && e.State == StateSelf
	pg.CanReview = lead && !self && e.State == StateReview
	pg.CanDecide = lead && !self && e.State == StateDecide
	return p.render(w, http.StatusOK, "evaluation", pg)
}

func (p *Pages) act(w http.ResponseWriter, r *http.Request, a *auth.Actor) error {
	id, _ := strconv.ParseInt(r.PathValue("id"), 10, 64)
	version, _ := strconv.ParseInt(r.PostFormValue("version"), 10, 64)
	in := Input{Version: version, Text: r.PostFormValue("text"), Level: r.PostFormValue("level"), Votes: map[string]int{}}
	for _, l := range Levels {
		if v := r.PostFormValue("votes_" + l); v != "" {
			n, err := strconv.Atoi(v)
			if err != nil {
				n = -1
			}
			in.Votes[l] = n
		}
	}
	if err := p.svc.Act(r.Context(), a, id, r.PostFormValue("act"), in); err != nil {
		return err
	}
	http.Redirect(w, r, EvaluationPath(id), http.StatusSeeOther)
	return nil
}
