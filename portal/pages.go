package portal

import (
	"errors"
	"net/http"
	"strings"

	"github.com/motcua/motcua/catalog"
	"github.com/motcua/motcua/dossier"
	"github.com/motcua/motcua/postal"
	"github.com/motcua/motcua/problem"
	"github.com/motcua/motcua/unit"
	"github.com/motcua/motcua/web"
)

type procedurePage struct {
	web.Page
	// P is the version in force today; Next the one scheduled, if any.
	P    catalog.Procedure
	Next *catalog.Procedure
	// AgencyCodes are the national database's codes of the procedure at
	// each province of the system (procedure code + agency code).
	AgencyCodes []agencyCode
}

type agencyCode struct{ Code, Unit string }

func (s *Portal) procedure(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	p, err := s.catalog.Get(ctx, r.PathValue("code"))
	if err != nil {
		return err
	}
	page := procedurePage{Page: s.page(r, p.Name), P: p}
	next, ok, err := s.catalog.Upcoming(ctx, p.Code)
	if err != nil {
		return err
	}
	if ok {
		page.Next = &next
	}
	units, err := s.units.List(ctx)
	if err != nil {
		return err
	}
	for _, u := range units {
		if c := p.AgencyCode(u.Code); u.Level == catalog.LevelProvince && u.Kind == unit.Committee && u.Active && c != "" {
			page.AgencyCodes = append(page.AgencyCodes, agencyCode{Code: c, Unit: u.Name})
		}
	}
	return s.render(w, http.StatusOK, "procedure", page)
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
	// Ask: a code came without its second factor; the page asks for it.
	Ask bool
}

// trackForm is the tracking form, and answers its GET ?ma=…&sdt=… (the
// code and the last 4 digits of the applicant's phone) or the QR code's
// ?ma=…&t=… (the code and its token), so tracking works without JavaScript.
func (s *Portal) trackForm(w http.ResponseWriter, r *http.Request) error {
	if code := strings.TrimSpace(r.URL.Query().Get("ma")); code != "" {
		return s.trackCode(w, r, code)
	}
	return s.render(w, http.StatusOK, "track", trackPage{Page: s.web.Page(r, "track.title")})
}

// track answers /tra-cuu/{code}, the links of older receipts and of
// notifications: the code alone shows nothing, the page asks for the rest.
func (s *Portal) track(w http.ResponseWriter, r *http.Request) error {
	return s.trackCode(w, r, r.PathValue("code"))
}

func (s *Portal) trackCode(w http.ResponseWriter, r *http.Request, code string) error {
	code = strings.ToUpper(strings.TrimSpace(code))
	q := r.URL.Query()
	proof := dossier.TrackProof{Token: q.Get("t"), PhoneLast4: q.Get("sdt")}
	pg := s.web.Page(r, "track.title")
	if strings.TrimSpace(proof.Token) == "" && strings.TrimSpace(proof.PhoneLast4) == "" {
		// The same page for every code, existing or not: nothing is looked up.
		return s.render(w, http.StatusOK, "track", trackPage{Page: pg, Code: code, Ask: true})
	}
	t, err := s.dossiers.Track(r.Context(), code, proof)
	switch {
	case errors.Is(err, problem.ErrNotFound):
		return s.render(w, http.StatusNotFound, "track", trackPage{Page: pg, Code: code, Error: pg.T("track.notfound", code)})
	case errors.Is(err, problem.ErrTooMany):
		problem.SetRetryAfter(w.Header(), err)
		return s.render(w, http.StatusTooManyRequests, "track", trackPage{Page: pg, Code: code, Error: pg.Error(err)})
	case err != nil:
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
