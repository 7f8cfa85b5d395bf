package web

import (
	"errors"
	"html/template"
	"io/fs"
	"net/http"
	"strings"

	"github.com/motcua/motcua/problem"
)

// The account pages every signed-in user shares, citizens and officers
// alike, and the two pages of password recovery for someone who cannot
// sign in. They sit beside the login page: the same forms for everyone.

type passwordPage struct {
	Page
	Error, Notice string
}

type forgotPage struct {
	Page
	Login, Error string
	Sent         bool
}

type resetPage struct {
	Page
	Token, Error string
	Invalid      bool
}

// totpEnrolPath is the one page an account that must enrol in TOTP may
// open (besides signing out, the language switch and the assets).
const totpEnrolPath = "/tai-khoan/xac-thuc-2-lop"

func allowedBeforeEnrolment(path string) bool {
	return path == totpEnrolPath || path == "/dang-xuat" || path == "/ngon-ngu" || strings.HasPrefix(path, "/static/")
}

// AccountTemplates parses the account and recovery pages.
func (w *Web) AccountTemplates() (map[string]*template.Template, error) {
	sub, err := fs.Sub(files, "pages")
	if err != nil {
		return nil, err
	}
	return w.Templates(sub)
}

// RegisterAccount serves /tai-khoan/mat-khau (change your own password),
// /quen-mat-khau (ask for a recovery link) and /dat-lai-mat-khau (set a
// new password from the link).
func (w *Web) RegisterAccount(mux Mux, ts map[string]*template.Template) {
	au := w.sessions.auth
	mux.HandleFunc("GET /tai-khoan/mat-khau", w.Wrap(func(rw http.ResponseWriter, r *http.Request) error {
		if _, err := RequireActor(r); err != nil {
			return err
		}
		p := passwordPage{Page: w.Page(r, "account.password.title")}
		if r.URL.Query().Get("ok") == "1" {
			p.Notice = p.T("account.password.changed")
		}
		return w.Render(rw, http.StatusOK, ts["password"], p)
	}))
	mux.HandleFunc("POST /tai-khoan/mat-khau", w.Wrap(func(rw http.ResponseWriter, r *http.Request) error {
		a, err := RequireActor(r)
		if err != nil {
			return err
		}
		keep := ""
		if c, err := r.Cookie(sessionCookie); err == nil {
			keep = c.Value
		}
		err = au.ChangePassword(r.Context(), a.ID, r.PostFormValue("old_password"), r.PostFormValue("password"), keep)
		if err != nil {
			p := passwordPage{Page: w.Page(r, "account.password.title")}
			msg, ferr := w.formError(p.Page, err)
			if ferr != nil {
				return ferr
			}
			p.Error = msg
			return w.Render(rw, problem.Status(err), ts["password"], p)
		}
		http.Redirect(rw, r, "/tai-khoan/mat-khau?ok=1", http.StatusSeeOther)
		return nil
	}))

	mux.HandleFunc("GET /quen-mat-khau", w.Wrap(func(rw http.ResponseWriter, r *http.Request) error {
		return w.Render(rw, http.StatusOK, ts["forgot"], forgotPage{Page: w.Page(r, "account.forgot.title")})
	}))
	mux.HandleFunc("POST /quen-mat-khau", w.Wrap(func(rw http.ResponseWriter, r *http.Request) error {
		p := forgotPage{Page: w.Page(r, "account.forgot.title"), Login: r.PostFormValue("login")}
		if err := au.RequestRecovery(r.Context(), p.Login); err != nil {
			msg, ferr := w.formError(p.Page, err)
			if ferr != nil {
				return ferr
			}
			p.Error = msg
			return w.Render(rw, problem.Status(err), ts["forgot"], p)
		}
		// The same page whether or not the account exists.
		p.Sent = true
		return w.Render(rw, http.StatusOK, ts["forgot"], p)
	}))

	mux.HandleFunc("GET /dat-lai-mat-khau", w.Wrap(func(rw http.ResponseWriter, r *http.Request) error {
		p := resetPage{Page: w.Page(r, "account.reset.title"), Token: r.URL.Query().Get("t")}
		status := http.StatusOK
		if err := au.CheckRecovery(r.Context(), p.Token); err != nil {
			msg, ferr := w.formError(p.Page, err)
			if ferr != nil {
				return ferr
			}
			p.Error = msg
			p.Invalid, status = true, problem.Status(err)
		}
		return w.Render(rw, status, ts["reset"], p)
	}))
	mux.HandleFunc("POST /dat-lai-mat-khau", w.Wrap(func(rw http.ResponseWriter, r *http.Request) error {
		p := resetPage{Page: w.Page(r, "account.reset.title"), Token: r.PostFormValue("t")}
		if err := au.Recover(r.Context(), p.Token, r.PostFormValue("password")); err != nil {
			var pe *problem.Error
			p.Invalid = errors.As(err, &pe) && pe.Code == "recovery_link_invalid"
			msg, ferr := w.formError(p.Page, err)
			if ferr != nil {
				return ferr
			}
			p.Error = msg
			return w.Render(rw, problem.Status(err), ts["reset"], p)
		}
		http.Redirect(rw, r, "/dang-nhap?next=/&reset=1", http.StatusSeeOther)
		return nil
	}))
}

// formError turns a refusal into the sentence shown above a form; other
// errors go to the error page.
func (w *Web) formError(p Page, err error) (string, error) {
	var pe *problem.Error
	if !errors.As(err, &pe) || problem.Status(err) >= 500 {
		return "", err
	}
	return w.Message(p, err), nil
}
