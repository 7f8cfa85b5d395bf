package web

import (
	"errors"
	"net/http"
	"strings"

	"github.com/motcua/motcua/catalog"
	"github.com/motcua/motcua/dossier"
	"github.com/motcua/motcua/problem"
)

type homePage struct {
	Title      string
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

func (s *Site) home(w http.ResponseWriter, r *http.Request) error {
	q := strings.TrimSpace(r.URL.Query().Get("q"))
	field := r.URL.Query().Get("linh-vuc")
	all, err := s.catalog.Search(r.Context(), catalog.Query{})
	if err != nil {
		return err
	}
	page := homePage{Title: "Thủ tục hành chính", Query: q, Field: field, Searched: q != "" || field != ""}
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
	Title string
	P     catalog.Procedure
}

func (s *Site) procedure(w http.ResponseWriter, r *http.Request) error {
	p, err := s.catalog.Get(r.Context(), r.PathValue("code"))
	if err != nil {
		return err
	}
	return s.render(w, http.StatusOK, "procedure", procedurePage{Title: p.Name, P: p})
}

type trackPage struct {
	Title string
	Code  string
	T     *dossier.Tracking
	Error string
}

// trackForm also answers the form's GET ?ma=…, so tracking works without JavaScript.
func (s *Site) trackForm(w http.ResponseWriter, r *http.Request) error {
	if code := strings.TrimSpace(r.URL.Query().Get("ma")); code != "" {
		http.Redirect(w, r, "/tra-cuu/"+strings.ToUpper(code), http.StatusSeeOther)
		return nil
	}
	return s.render(w, http.StatusOK, "track", trackPage{Title: "Tra cứu hồ sơ"})
}

func (s *Site) track(w http.ResponseWriter, r *http.Request) error {
	code := r.PathValue("code")
	t, err := s.dossiers.Track(r.Context(), code)
	if errors.Is(err, problem.ErrNotFound) {
		return s.render(w, http.StatusNotFound, "track", trackPage{Title: "Tra cứu hồ sơ", Code: code,
			Error: "Không tìm thấy hồ sơ có mã " + code + ". Vui lòng kiểm tra lại mã trên giấy tiếp nhận."})
	}
	if err != nil {
		return err
	}
	return s.render(w, http.StatusOK, "track", trackPage{Title: "Hồ sơ " + t.Code, Code: t.Code, T: t})
}
