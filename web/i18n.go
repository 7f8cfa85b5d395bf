package web

import (
	"io/fs"
	"net/http"

	"github.com/motcua/motcua/msg"
)

// Languages motcua renders; Vietnamese is the default.
var Languages = msg.Languages

// Catalog holds the messages of every language (see package msg): the
// shared errors, states and actions, plus each page package's
// messages.vi.json and messages.en.json merged in. A test checks that both
// languages have exactly the same keys and that every key a template uses exists.
type Catalog = msg.Catalog

// LoadCatalog reads messages.<lang>.json at the root of fsys.
func LoadCatalog(fsys fs.FS) (*Catalog, error) { return msg.Load(fsys) }

// Lang is the request's language: the "lang" cookie, else Vietnamese.
func Lang(r *http.Request) string {
	if c, err := r.Cookie("lang"); err == nil {
		for _, l := range Languages {
			if c.Value == l {
				return l
			}
		}
	}
	return "vi"
}

// setLang switches the language with a plain form post (no JavaScript).
func (w *Web) setLang(rw http.ResponseWriter, r *http.Request) error {
	lang := r.FormValue("lang")
	if lang != "en" {
		lang = "vi"
	}
	http.SetCookie(rw, &http.Cookie{Name: "lang", Value: lang, Path: "/", MaxAge: 365 * 24 * 3600,
		HttpOnly: true, SameSite: http.SameSiteLaxMode, Secure: secure(r)})
	http.Redirect(rw, r, SafePath(r.FormValue("next")), http.StatusSeeOther)
	return nil
}
