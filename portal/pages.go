package portal

import (
	"errors"
	"net/http"
	"strings"

	"github.com/motcua/motcua/catalog"
	"github.com/motcua/motcua/dossier"
	"github.com/motcua/motcua/problem"
	"github.com/motcua/motcua/web"
)

type homePage struct {
	web.Page
	Query      string
	Field      string
	Fields     []fieldLink
	Procedures []catalog.Summary
	Searched   bool
}

type fieldLink struct {
	Code, Name string
	Count      int
	Active     bool
}

func (s *Portal) home(w http.ResponseWriter, r *http.Request) error {
	q := strings.TrimSpace(r.URL.Query().Get("q"))
	field := r.URL.Query().Get("linh-vuc")
	all, err := s.catalog.Search(r.Context(), catalog.Query{})
	if err != nil {
		return err
	}
	page := homePage{Page: s.web.Page(r, "home.title"), Query: q, Field: field, Searched: q != "" || field != ""}
	idx := map[string]int{}
	for _, p := range all {
		i, ok := idx[p.FieldCode]
		if !ok {
			i = len(page.Fields)
			idx[p.FieldCode] = i
			page.Fields = append(page.Fields, fieldLink{Code: p.FieldCode, Name: p.Field, Active: p.FieldCode == field})
		}
		page.Fields[i].Count++
	}
	page.Procedures = all
	if page.Searched {
		if page.Procedures, err = s.catalog.Search(r.Context(), catalog.Query{Text: q, Field: field}); err != nil {
			return err
		}
	}
	return s.render(w, http.StatusOK, "home", page)
}

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

type trackPage struct {
	web.Page
	Code  string
	Track *dossier.Tracking
	Error string
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
	return s.render(w, http.StatusOK, "track", trackPage{Page: s.web.Page(r, "track.dossier", t.Code), Code: t.Code, Track: t})
}

// page builds page data whose title is already a text (not a key).
func (s *Portal) page(r *http.Request, title string) web.Page {
	p := s.web.Page(r, "home.title")
	p.Title = title
	return p
}
