package esign

import (
	"context"
	"embed"
	"errors"
	"fmt"
	"html/template"
	"net/http"
	"net/url"
	"strconv"

	"github.com/motcua/motcua/auth"
	"github.com/motcua/motcua/dossier"
	"github.com/motcua/motcua/problem"
	"github.com/motcua/motcua/web"
)

//go:embed templates/*.html messages.*.json
var files embed.FS

// Getter reads a dossier as an actor may see it (dossier.Service.Get)
// and records an officer's read of it (RecordRead).
type Getter interface {
	Get(ctx context.Context, a *auth.Actor, code string) (*dossier.Dossier, error)
	RecordRead(ctx context.Context, a *auth.Actor, unitID int64, object, action, detail string) error
}

// Pages are the leader's approve-and-sign page and the downloads of the
// e-result, for officers and for the applicant. They are registered
// whether or not signing is configured (svc nil), so the routes and
// their scope are the same everywhere; without a service they say
// signing is off.
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

// Paths of the pages.
func signPath(code string) string { return "/can-bo/ho-so/" + url.PathEscape(code) + "/ky-so" }
func officePath(code string) string {
	return "/can-bo/ho-so/" + url.PathEscape(code) + "/ket-qua-dien-tu"
}
func citizenPath(code string) string  { return "/ho-so/" + url.PathEscape(code) + "/ket-qua-dien-tu" }
func dossierPath(code string) string  { return "/can-bo/ho-so/" + url.PathEscape(code) }
func downloadName(code string) string { return "ket-qua-dien-tu-" + code + ".pdf" }

// Register adds the routes.
func (p *Pages) Register(mux web.Mux) {
	h := p.web.Wrap
	mux.HandleFunc("GET /can-bo/ho-so/{code}/ky-so", h(p.officer(p.signForm)))
	mux.HandleFunc("POST /can-bo/ho-so/{code}/ky-so/otp", h(p.officer(p.sendOTP)))
	mux.HandleFunc("POST /can-bo/ho-so/{code}/ky-so", h(p.officer(p.approve)))
	mux.HandleFunc("GET /can-bo/ho-so/{code}/ket-qua-dien-tu", h(p.officer(p.download)))
	mux.HandleFunc("GET /ho-so/{code}/ket-qua-dien-tu", h(p.citizen(p.download)))
}

type handler func(w http.ResponseWriter, r *http.Request, a *auth.Actor, d *dossier.Dossier) error

// officer admits officers who may see the dossier; citizen anyone who
// may (the applicant, as the receipt's page does).
func (p *Pages) officer(h handler) web.Handler {
	return func(w http.ResponseWriter, r *http.Request) error {
		a, err := web.RequireActor(r)
		if err != nil {
			return err
		}
		if a.IsCitizen() {
			return problem.New(problem.ErrForbidden, "forbidden")
		}
		d, err := p.dossiers.Get(r.Context(), a, r.PathValue("code"))
		if err != nil {
			return err
		}
		return h(w, r, a, d)
	}
}

func (p *Pages) citizen(h handler) web.Handler {
	return func(w http.ResponseWriter, r *http.Request) error {
		a, err := web.RequireActor(r)
		if err != nil {
			return err
		}
		d, err := p.dossiers.Get(r.Context(), a, r.PathValue("code"))
		if err != nil {
			return err
		}
		return h(w, r, a, d)
	}
}

// Links are the e-signing links for the office's dossier page: the
// approve-and-sign page when a may approve and sign d now, the e-result
// when one was issued. Both are empty when signing is off.
func (p *Pages) Links(ctx context.Context, a *auth.Actor, d *dossier.Dossier) (sign, download string) {
	if p.svc == nil {
		return "", ""
	}
	if d.Status == dossier.Processing && hasAction(d, dossier.Approve) && a.HoldsAt(d.UnitID(), auth.Leader) {
		sign = signPath(d.Code)
	}
	if ok, err := p.svc.Has(ctx, d.Code); err == nil && ok {
		download = officePath(d.Code)
		if a.IsCitizen() {
			download = citizenPath(d.Code)
		}
	}
	return sign, download
}

type signPage struct {
	web.Page
	D      *dossier.Dossier
	Signer string
	Sent   bool
	Note   string
	Error  string
	Off    string
}

func (p *Pages) render(w http.ResponseWriter, code int, name string, data any) error {
	t, ok := p.pages[name]
	if !ok {
		return fmt.Errorf("esign: no template %q", name)
	}
	return p.web.Render(w, code, t, data)
}

func (p *Pages) newPage(r *http.Request, d *dossier.Dossier) signPage {
	pg := p.web.Page(r, "esign.title", d.Code)
	pg.Office = true
	return signPage{Page: pg, D: d}
}

// signForm shows what is being approved, the signer the service knows,
// and the OTP form.
func (p *Pages) signForm(w http.ResponseWriter, r *http.Request, a *auth.Actor, d *dossier.Dossier) error {
	page := p.newPage(r, d)
	if p.svc == nil {
		page.Off = page.Page.Error(problem.New(problem.ErrState, "esign_off"))
		return p.render(w, http.StatusConflict, "sign", page)
	}
	c, err := p.svc.Check(r.Context(), a, d.Code)
	if err != nil {
		return p.formError(w, page, err)
	}
	page.Signer = c.Signer
	page.Sent = r.URL.Query().Get("otp") == "1"
	return p.render(w, http.StatusOK, "sign", page)
}

// formError shows a public error on the page, others go to web.Wrap.
func (p *Pages) formError(w http.ResponseWriter, page signPage, err error) error {
	var pe *problem.Error
	if !errors.As(err, &pe) {
		return err
	}
	status := problem.Status(err)
	switch status {
	case http.StatusUnprocessableEntity, http.StatusConflict, http.StatusServiceUnavailable, http.StatusTooManyRequests:
		problem.SetRetryAfter(w.Header(), err)
		page.Error = page.Page.Error(err)
		return p.render(w, status, "sign", page)
	}
	return err
}

func (p *Pages) sendOTP(w http.ResponseWriter, r *http.Request, a *auth.Actor, d *dossier.Dossier) error {
	page := p.newPage(r, d)
	if p.svc == nil {
		page.Off = page.Page.Error(problem.New(problem.ErrState, "esign_off"))
		return p.render(w, http.StatusConflict, "sign", page)
	}
	if err := p.svc.SendOTP(r.Context(), a, d.Code); err != nil {
		return p.formError(w, page, err)
	}
	http.Redirect(w, r, signPath(d.Code)+"?otp=1", http.StatusSeeOther)
	return nil
}

func (p *Pages) approve(w http.ResponseWriter, r *http.Request, a *auth.Actor, d *dossier.Dossier) error {
	page := p.newPage(r, d)
	if p.svc == nil {
		page.Off = page.Page.Error(problem.New(problem.ErrState, "esign_off"))
		return p.render(w, http.StatusConflict, "sign", page)
	}
	version, _ := strconv.ParseInt(r.PostFormValue("version"), 10, 64)
	page.Note, page.Sent = r.PostFormValue("note"), true
	_, err := p.svc.ApproveAndSign(r.Context(), a, d.Code, ApproveInput{OTP: r.PostFormValue("otp"), Note: page.Note, Version: version, Base: web.Origin(r)})
	if err != nil {
		if c, cerr := p.svc.Check(r.Context(), a, d.Code); cerr == nil {
			page.Signer = c.Signer // the form again, for another try
		}
		return p.formError(w, page, err)
	}
	http.Redirect(w, r, dossierPath(d.Code), http.StatusSeeOther)
	return nil
}

func (p *Pages) download(w http.ResponseWriter, r *http.Request, a *auth.Actor, d *dossier.Dossier) error {
	if p.svc == nil {
		return problem.New(problem.ErrState, "esign_no_result")
	}
	res, err := p.svc.Issued(r.Context(), d.Code)
	if err != nil {
		if problem.Status(err) == http.StatusNotFound {
			return problem.New(problem.ErrState, "esign_no_result")
		}
		return err
	}
	// An officer's download is a read of personal data, on record before
	// the file is sent (a citizen's of their own is not recorded).
	if err := p.dossiers.RecordRead(r.Context(), a, d.UnitID(), "dossier:"+d.Code, dossier.DownloadFile, downloadName(d.Code)); err != nil {
		return err
	}
	w.Header().Set("Content-Type", "application/pdf")
	w.Header().Set("Content-Disposition", `attachment; filename="`+downloadName(d.Code)+`"`)
	w.Header().Set("Cache-Control", "private, no-store")
	w.Header().Set("X-Content-Type-Options", "nosniff")
	_, err = w.Write(res.PDF)
	return err
}
