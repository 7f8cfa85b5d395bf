package land

import (
	"context"
	"embed"
	"errors"
	"fmt"
	"html/template"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/motcua/motcua/auth"
	"github.com/motcua/motcua/dossier"
	"github.com/motcua/motcua/problem"
	"github.com/motcua/motcua/web"
)

//go:embed templates/*.html messages.*.json
var files embed.FS

// Getter reads a dossier as an actor may see it (dossier.Service.Get).
type Getter interface {
	Get(ctx context.Context, a *auth.Actor, code string) (*dossier.Dossier, error)
}

// Pages are the officers' registry pages: the lookup, a parcel's page
// (its map among its neighbours, users, certificates, history) and a
// land dossier's panel, where the specialist enters a split's
// measurement. There is no public page: a parcel names its users and
// their ID numbers (docs/land.md).
type Pages struct {
	web      *web.Web
	svc      *Service
	dossiers Getter
	pages    map[string]*template.Template
}

// NewPages parses the templates and merges the messages.
func NewPages(w *web.Web, svc *Service, ds Getter) (*Pages, error) {
	pages, err := w.Surface(files)
	if err != nil {
		return nil, err
	}
	return &Pages{web: w, svc: svc, dossiers: ds, pages: pages}, nil
}

// Register adds the routes.
func (p *Pages) Register(mux web.Mux) {
	h := p.web.Wrap
	mux.HandleFunc("GET /can-bo/dat-dai", h(p.lookup))
	mux.HandleFunc("GET /can-bo/dat-dai/{commune}/{sheet}/{number}", h(p.parcel))
	mux.HandleFunc("GET /can-bo/ho-so/{code}/dat-dai", h(p.panel))
	mux.HandleFunc("POST /can-bo/ho-so/{code}/dat-dai", h(p.measure))
}

// ParcelPath is a parcel's page.
func ParcelPath(commune, sheet, number string) string {
	return "/can-bo/dat-dai/" + url.PathEscape(commune) + "/" + url.PathEscape(sheet) + "/" + url.PathEscape(number)
}

func panelPath(code string) string { return "/can-bo/ho-so/" + url.PathEscape(code) + "/dat-dai" }

func (p *Pages) render(w http.ResponseWriter, code int, name string, data any) error {
	t, ok := p.pages[name]
	if !ok {
		return fmt.Errorf("land: no template %q", name)
	}
	return p.web.Render(w, code, t, data)
}

func officer(r *http.Request) (*auth.Actor, error) {
	a, err := web.RequireActor(r)
	if err != nil {
		return nil, err
	}
	if a.IsCitizen() {
		return nil, problem.New(problem.ErrForbidden, "forbidden")
	}
	return a, nil
}

type lookupPage struct {
	web.Page
	Commune, Sheet, Number, Serial string
	Error                          string
}

// lookup finds a parcel by commune, sheet and number or by a
// certificate's serial, and goes to its page.
func (p *Pages) lookup(w http.ResponseWriter, r *http.Request) error {
	a, err := officer(r)
	if err != nil {
		return err
	}
	q := r.URL.Query()
	pg := lookupPage{Page: p.web.Page(r, "land.lookup_title"), Commune: q.Get("xa"), Sheet: q.Get("to"), Number: q.Get("thua"), Serial: q.Get("gcn")}
	pg.Office = true
	var found *Parcel
	switch {
	case strings.TrimSpace(pg.Serial) != "":
		found, err = p.svc.ViewSerial(r.Context(), a, pg.Serial)
	case pg.Commune != "" && pg.Sheet != "" && pg.Number != "":
		found, err = p.svc.View(r.Context(), a, pg.Commune, pg.Sheet, pg.Number)
	default:
		return p.render(w, http.StatusOK, "lookup", pg)
	}
	if err != nil {
		var pe *problem.Error
		if !errors.As(err, &pe) {
			return err
		}
		pg.Error = pg.Page.Error(err)
		return p.render(w, problem.Status(err), "lookup", pg)
	}
	http.Redirect(w, r, ParcelPath(found.Commune, found.Sheet, found.Number), http.StatusSeeOther)
	return nil
}

type parcelPage struct {
	web.Page
	P          *Parcel
	Map        Map
	Neighbours []*Parcel
	History    []Change
	Uses       []string
}

func (p *Pages) parcel(w http.ResponseWriter, r *http.Request) error {
	a, err := officer(r)
	if err != nil {
		return err
	}
	pc, err := p.svc.View(r.Context(), a, r.PathValue("commune"), r.PathValue("sheet"), r.PathValue("number"))
	if err != nil {
		return err
	}
	if err := p.svc.RecordRead(r.Context(), a, pc); err != nil {
		return err
	}
	pg := parcelPage{Page: p.web.Page(r, "land.parcel_title", pc.Number, pc.Sheet), P: pc}
	pg.Office = true
	if pg.Neighbours, err = p.svc.Neighbours(r.Context(), pc, 24); err != nil {
		return err
	}
	pg.Map = RenderMap(pc, pg.Neighbours, 480, 360, pg.T("land.map_title", pc.Number, pc.Sheet))
	if pg.History, err = p.svc.History(r.Context(), pc.ID); err != nil {
		return err
	}
	for _, u := range pc.LandUse {
		pg.Uses = append(pg.Uses, u+" — "+UseName(u))
	}
	return p.render(w, http.StatusOK, "parcel", pg)
}

type panelPage struct {
	web.Page
	D       *dossier.Dossier
	P       *Parcel
	Check   string    // the precondition's refusal, if any
	Split   bool      // a split the reader may measure now
	Merge   []*Parcel // the other parcels a merge joins to P
	Plan    *SplitPlan
	Rows    []childRow
	Error   string
	Covered bool
}

type childRow struct {
	N                     int
	Number, Area, LandUse string
	Geometry              string
}

// panel is a land dossier's parcel: found, checked, and for a split the
// measurement form.
func (p *Pages) panel(w http.ResponseWriter, r *http.Request) error {
	pg, err := p.panelFor(r)
	if err != nil {
		return err
	}
	return p.render(w, http.StatusOK, "panel", pg)
}

func (p *Pages) panelFor(r *http.Request) (*panelPage, error) {
	a, err := officer(r)
	if err != nil {
		return nil, err
	}
	d, err := p.dossiers.Get(r.Context(), a, r.PathValue("code"))
	if err != nil {
		return nil, err
	}
	pg := &panelPage{Page: p.web.Page(r, "land.panel_title", d.Code), D: d}
	pg.Office = true
	if !IsLand(d.Procedure) {
		return nil, problem.New(problem.ErrState, "land_not_land")
	}
	pc, err := p.svc.Check(r.Context(), nil, d)
	pg.P, pg.Covered = pc, pc != nil
	if err != nil {
		var pe *problem.Error
		if !errors.As(err, &pe) {
			return nil, err
		}
		pg.Check = pg.Page.Error(err)
	}
	if pc == nil {
		if commune, err := p.svc.communeOf(r.Context(), nil, d); err == nil {
			pg.Covered, _ = p.svc.Covers(r.Context(), nil, commune)
		}
	}
	pg.Split = Procedures[d.Procedure].op == opSplit && !IsMerge(d) && d.Status == dossier.Processing && a.HoldsAt(d.UnitID(), auth.Specialist) && pc != nil
	if IsMerge(d) && pc != nil && pg.Check == "" {
		if pg.Merge, err = p.svc.mergeParcels(r.Context(), p.svc.db, Procedures[d.Procedure], pc, d); err != nil {
			return nil, err
		}
	}
	if pg.Plan, err = p.svc.Plan(r.Context(), d.Code); err != nil {
		return nil, err
	}
	n, _ := strconv.Atoi(d.Form["so_thua_sau"])
	n = min(max(n, 2), 10)
	if pg.Plan != nil {
		n = max(n, len(pg.Plan.Children))
	}
	for i := range n {
		row := childRow{N: i + 1}
		if pg.Plan != nil && i < len(pg.Plan.Children) {
			c := pg.Plan.Children[i]
			row.Number, row.Area, row.LandUse, row.Geometry = c.Number, FormatArea(c.AreaDM2), strings.Join(c.LandUse, "+"), c.Geometry
		}
		pg.Rows = append(pg.Rows, row)
	}
	return pg, nil
}

// measure enters a split's measurement from the panel's form: for each
// row with an area, the child's number (optional), area in m², land-use
// codes (optional, "ONT+CLN") and GeoJSON geometry (optional).
func (p *Pages) measure(w http.ResponseWriter, r *http.Request) error {
	a, err := officer(r)
	if err != nil {
		return err
	}
	d, err := p.dossiers.Get(r.Context(), a, r.PathValue("code"))
	if err != nil {
		return err
	}
	var plan SplitPlan
	for i := 1; i <= MaxChildren; i++ {
		k := strconv.Itoa(i)
		area := strings.TrimSpace(r.PostFormValue("area_" + k))
		if area == "" {
			continue
		}
		dm2, err := ParseArea(area)
		if err != nil {
			dm2 = -1 // refused by checkPlan, with its sentence
		}
		c := ChildPlan{Number: r.PostFormValue("number_" + k), AreaDM2: dm2, Geometry: strings.TrimSpace(r.PostFormValue("geometry_" + k))}
		if u := strings.TrimSpace(r.PostFormValue("use_" + k)); u != "" {
			c.LandUse = strings.Split(strings.ToUpper(strings.ReplaceAll(u, " ", "")), "+")
		}
		plan.Children = append(plan.Children, c)
	}
	if err := p.svc.EnterSplit(r.Context(), a, d, plan); err != nil {
		var pe *problem.Error
		status := problem.Status(err)
		if !errors.As(err, &pe) || (status != http.StatusUnprocessableEntity && status != http.StatusConflict) {
			return err
		}
		pg, perr := p.panelFor(r)
		if perr != nil {
			return perr
		}
		pg.Error = pg.Page.Error(err)
		return p.render(w, status, "panel", pg)
	}
	http.Redirect(w, r, panelPath(d.Code), http.StatusSeeOther)
	return nil
}
