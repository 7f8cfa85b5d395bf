package web

import (
	"errors"
	"html/template"
	"io/fs"
	"net/http"

	"github.com/motcua/motcua/problem"
)

type loginPage struct {
	Page
	Next, Username, Error string
	NeedCode              bool
	// Reset: arrived from setting a new password by a recovery link.
	Reset bool
	// VNeID: citizens may sign in through the national SSO (vneid.go).
	VNeID bool
}

// RegisterLogin serves the sign-in and sign-out pages (shared by citizens
// and officers).
func (w *Web) RegisterLogin(mux Mux, t *template.Template) {
	mux.HandleFunc("GET /dang-nhap", w.Wrap(func(rw http.ResponseWriter, r *http.Request) error {
		p := loginPage{Page: w.Page(r, "login.title"), Next: SafePath(r.URL.Query().Get("next")), Reset: r.URL.Query().Get("reset") == "1", VNeID: w.fed != nil}
		return w.Render(rw, http.StatusOK, t, p)
	}))
	mux.HandleFunc("POST /dang-nhap", w.Wrap(func(rw http.ResponseWriter, r *http.Request) error {
		p := loginPage{Page: w.Page(r, "login.title"), Next: SafePath(r.PostFormValue("next")), Username: r.PostFormValue("username"), VNeID: w.fed != nil}
		a, err := w.sessions.Login(r.Context(), rw, r, p.Username, r.PostFormValue("password"), r.PostFormValue("code"))
		if err != nil {
			var pe *problem.Error
			if !errors.As(err, &pe) {
				return err
			}
			p.Error, p.NeedCode = w.Message(p.Page, err), pe.Code == "totp_required" || r.PostFormValue("code") != ""
			// Throttled (429) or hashing busy (503): the page says when to retry.
			problem.SetRetryAfter(rw.Header(), err)
			return w.Render(rw, problem.Status(err), t, p)
		}
		next := p.Next
		if next == "/" || next == "" {
			next = "/ho-so-cua-toi"
			if !a.IsCitizen() {
				next = "/can-bo"
			}
		}
		http.Redirect(rw, r, next, http.StatusSeeOther)
		return nil
	}))
	mux.HandleFunc("POST /dang-xuat", w.Wrap(func(rw http.ResponseWriter, r *http.Request) error {
		if err := w.sessions.Logout(r.Context(), rw, r); err != nil {
			return err
		}
		http.Redirect(rw, r, "/", http.StatusSeeOther)
		return nil
	}))
	w.registerVNeID(mux, t)
}

// LoginTemplates parses the login page.
func (w *Web) LoginTemplates() (*template.Template, error) {
	sub, err := fs.Sub(files, "pages")
	if err != nil {
		return nil, err
	}
	ts, err := w.Templates(sub)
	if err != nil {
		return nil, err
	}
	return ts["login"], nil
}
