package web

import (
	"encoding/json"
	"fmt"
	"io/fs"
	"net/http"
	"sort"
	"strings"
)

// Languages motcua renders; Vietnamese is the default.
var Languages = []string{"vi", "en"}

// Catalog holds the messages of every language, key → text. Each page
// package ships messages.vi.json and messages.en.json and merges them in;
// a test checks that both languages have exactly the same keys and that
// every key a template uses exists.
type Catalog struct {
	msgs map[string]map[string]string
}

// LoadCatalog reads messages.<lang>.json at the root of fsys.
func LoadCatalog(fsys fs.FS) (*Catalog, error) {
	c := &Catalog{msgs: map[string]map[string]string{}}
	for _, lang := range Languages {
		b, err := fs.ReadFile(fsys, "messages."+lang+".json")
		if err != nil {
			return nil, err
		}
		m := map[string]string{}
		if err := json.Unmarshal(b, &m); err != nil {
			return nil, fmt.Errorf("web: messages.%s.json: %w", lang, err)
		}
		c.msgs[lang] = m
	}
	return c, nil
}

// Merge adds another package's catalog; a key defined twice is an error.
func (c *Catalog) Merge(o *Catalog) error {
	for lang, m := range o.msgs {
		for k, v := range m {
			if _, dup := c.msgs[lang][k]; dup {
				return fmt.Errorf("web: message key %q defined twice", k)
			}
			c.msgs[lang][k] = v
		}
	}
	return nil
}

// T returns the message for key in lang, formatted with args. A missing
// key shows itself, so a gap is visible rather than blank (tests forbid it).
func (c *Catalog) T(lang, key string, args ...any) string {
	s, ok := c.msgs[lang][key]
	if !ok {
		s, ok = c.msgs["vi"][key]
	}
	if !ok {
		return key
	}
	if len(args) > 0 {
		return fmt.Sprintf(s, args...)
	}
	return s
}

// Keys lists a language's keys, sorted (for tests).
func (c *Catalog) Keys(lang string) []string {
	var out []string
	for k := range c.msgs[lang] {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// Has reports whether key exists in lang.
func (c *Catalog) Has(lang, key string) bool {
	_, ok := c.msgs[lang][key]
	return ok
}

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
	next := r.FormValue("next")
	if !strings.HasPrefix(next, "/") || strings.HasPrefix(next, "//") {
		next = "/"
	}
	http.Redirect(rw, r, next, http.StatusSeeOther)
	return nil
}
