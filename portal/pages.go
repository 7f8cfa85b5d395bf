package portal

import (
	"errors"
	"net/http"
	"strings"

	"github.com/motcua/motcua/catalog"
	"github.com/motcua/motcua/dossier"
	"github.com/motcua/motcua/postal"
	"github.com/motcua/motcua/problem"
	"github.com/motcua/motcua/web"
)

type procedurePage struct {
	web.Page
	P catalog.Procedure
}

func (s *Portal) procedure(w http.ResponseWriter, r *http.Request) error {
	p, err := s.catalog.Get(r.Context(), r.PathValue("code"))
	if err != nil {
		return err
	}
	return s.render(w, http.StatusOK, "procedure", procedurePage{Page: s.page(r, p.Name), P: p})
}

type templatePage struct {
	web.Page
	P      catalog.Procedure
	C      catalog.Component
	Fields []blankField
}

type blankField struct {
	Label   string
	Options []string
	// Lines is how many blank lines to leave for the answer.
	Lines []struct{}
}

// formTemplate is the printable blank form (mẫu đơn, tờ khai) of a
// component: the procedure's e-form fields as labelled blank lines under
// the national title, to print or save as PDF from the browser.
func (s *Portal) formTemplate(w http.ResponseWriter, r *http.Request) error {
	p, err := s.catalog.Get(r.Context(), r.PathValue("code"))
	if err != nil {
		return err
	}
	page := templatePage{P: p}
	for _, c := range p.Components {
		if c.Key == r.PathValue("key") && c.Template != "" {
			page.C = c
		}
	}
	if page.C.Key == "" {
		return problem.NotFound("template_not_found")
	}
	page.Page = s.page(r, page.C.Template)
	for _, f := range p.Form {
		lines := 1
		if f.Type == "textarea" {
			lines = 3
		}
		if f.Type == "select" {
			lines = 0
		}
		page.Fields = append(page.Fields, blankField{Label: f.Label, Options: f.Options, Lines: make([]struct{}, lines)})
	}
	return s.render(w, http.StatusOK, "template", page)
}

type trackPage struct {
	web.Page
	Code     string
	Track    *dossier.Tracking
	Shipment *postal.Public
	Error    string
}

// trackForm also answers the form's GET ?ma=…, so tracking works without JavaScript.
func (s *Portal) trackForm(w http.ResponseWriter, r *http.Request) error {
	if code := strings.TrimSpace(r.URL.Query().Get("ma")); code != "" {
		http.Redirect(w, r, "/tra-cuu/"+strings.ToUpper(code), http.StatusSeeOther)
		return nil
	}
	return s.render(w, http.StatusOK, "track", trackPage{Page: s.web.Page(r, "track.title")})
}

func (s *Portal) track(w http.ResponseWriter, r *http.Request) error {
	code := r.PathValue("code")
	t, err := s.dossiers.Track(r.Context(), code)
	if errors.Is(err, problem.ErrNotFound) {
		return s.render(w, http.StatusNotFound, "track", trackPage{Page: s.web.Page(r, "track.title"), Code: code,
			Error: s.web.Page(r, "track.title").T("track.notfound", code)})
	}
	if err != nil {
		return err
	}
	sh, err := s.trackShipment(r.Context(), t.Code)
	if err != nil {
		return err
	}
	return s.render(w, http.StatusOK, "track", trackPage{Page: s.web.Page(r, "track.dossier", t.Code), Code: t.Code, Track: t, Shipment: sh})
}

// page builds page data whose title is already a text (not a key).
func (s *Portal) page(r *http.Request, title string) web.Page {
	p := s.web.Page(r, "home.title")
	p.Title = title
	return p
}
