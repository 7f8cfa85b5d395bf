// Package web is what every motcua page shares: the layout, rendering with
// security headers, the message catalogs (Vietnamese by default, English
// on request), cookie sessions, CSRF protection and the stylesheet. The
// pages themselves live in portal (citizens) and office (officers).
package web

import (
	"bytes"
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"fmt"
	"html/template"
	"io/fs"
	"log/slog"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/motcua/motcua/calendar"
	"github.com/motcua/motcua/msg"
	"github.com/motcua/motcua/problem"
	"github.com/motcua/motcua/requestid"
	"github.com/motcua/motcua/unit"
	"github.com/motcua/motcua/vntext"
)

//go:embed templates/*.html pages/templates/*.html static/* messages.*.json
var files embed.FS

// Config builds a Web.
type Config struct {
	Sessions *Sessions
	Log      *slog.Logger
	// Federation signs citizens in through the national SSO (VNeID; a
	// *vneid.Client); nil: the login page offers passwords only.
	Federation Federation
}

// Web renders pages; one per server, shared by portal and office.
type Web struct {
	sessions *Sessions
	log      *slog.Logger
	catalog  *Catalog
	assets   map[string]asset // URL → content
	assetURL map[string]string
	errorT   *template.Template
	fed      Federation
}

type asset struct {
	body []byte
	ct   string
}

// New loads the shared messages and assets.
func New(cfg Config) (*Web, error) {
	own, err := LoadCatalog(files)
	if err != nil {
		return nil, err
	}
	cat := msg.Default().Clone()
	if err := cat.Merge(own); err != nil {
		return nil, err
	}
	w := &Web{sessions: cfg.Sessions, log: cfg.Log, fed: cfg.Federation, catalog: cat, assets: map[string]asset{}, assetURL: map[string]string{}}
	for name, ct := range map[string]string{"site.css": "text/css; charset=utf-8", "site.js": "text/javascript; charset=utf-8"} {
		b, err := files.ReadFile("static/" + name)
		if err != nil {
			return nil, err
		}
		sum := sha256.Sum256(b)
		base, ext, _ := strings.Cut(name, ".")
		url := "/static/" + base + "." + hex.EncodeToString(sum[:6]) + "." + ext
		w.assets[url] = asset{b, ct}
		w.assetURL[name] = url
	}
	ts, err := w.Templates(emptyFS{})
	if err != nil {
		return nil, err
	}
	w.errorT = ts["error"]
	return w, nil
}

// Catalog returns the merged message catalog (so page packages can add theirs).
func (w *Web) Catalog() *Catalog { return w.catalog }

// Sessions returns the cookie session manager.
func (w *Web) Sessions() *Sessions { return w.sessions }

// Register serves the shared assets (content-hashed, cached for good).
func (w *Web) Register(mux Mux) {
	for url, a := range w.assets {
		mux.HandleFunc("GET "+url, func(rw http.ResponseWriter, r *http.Request) {
			rw.Header().Set("Content-Type", a.ct)
			rw.Header().Set("Cache-Control", "public, max-age=31536000, immutable")
			rw.Write(a.body)
		})
	}
	mux.HandleFunc("POST /ngon-ngu", w.Wrap(w.setLang))
}

// Templates parses the shared layout with one page package's templates.
// Every template is parsed at start-up, so a broken one stops the server.
func (w *Web) Templates(pages fs.FS) (map[string]*template.Template, error) {
	names, err := fs.Glob(pages, "templates/*.html")
	if err != nil {
		return nil, err
	}
	out := map[string]*template.Template{}
	for _, n := range append(names, "error") {
		t := template.New("layout.html").Funcs(funcs)
		if t, err = t.ParseFS(files, "templates/layout.html"); err != nil {
			return nil, err
		}
		if n == "error" {
			_, err = t.ParseFS(files, "templates/error.html")
		} else {
			_, err = t.ParseFS(pages, n)
		}
		if err != nil {
			return nil, fmt.Errorf("web: parse %s: %w", n, err)
		}
		out[strings.TrimSuffix(strings.TrimPrefix(n, "templates/"), ".html")] = t
	}
	return out, nil
}

// Handler is a page handler that returns an error.
type Handler func(w http.ResponseWriter, r *http.Request) error

// Wrap turns a Handler into an http.HandlerFunc: errors become an error
// page with the public Vietnamese (or English) message; internals are logged.
func (w *Web) Wrap(h Handler) http.HandlerFunc {
	return func(rw http.ResponseWriter, r *http.Request) {
		err := h(rw, r)
		if err == nil {
			return
		}
		if problem.ClientGone(r, err) {
			rw.WriteHeader(problem.StatusClientClosed)
			return
		}
		code := problem.Status(err)
		if code == http.StatusUnauthorized {
			http.Redirect(rw, r, "/dang-nhap?next="+r.URL.RequestURI(), http.StatusSeeOther)
			return
		}
		if code >= 500 && code != http.StatusServiceUnavailable {
			// The route's pattern, not the path: a path may hold a citizen's username.
			w.log.ErrorContext(r.Context(), "page error", "route", r.Pattern, "request_id", requestid.ID(r.Context()), "err", err)
		}
		problem.SetRetryAfter(rw.Header(), err)
		p := w.Page(r, "error.title")
		w.renderError(rw, r, code, ErrorPage{Page: p, Message: w.Message(p, err), RequestID: requestid.ID(r.Context())})
	}
}

// Message is err's public message in the page's language, from the catalog.
func (w *Web) Message(p Page, err error) string { return w.catalog.Error(p.Lang, err) }

// ErrorPage is the data of the error page.
type ErrorPage struct {
	Page
	Message string
	// RequestID is shown for the citizen to quote when asking for help;
	// the operator finds the request's log line by it.
	RequestID string
}

func (w *Web) renderError(rw http.ResponseWriter, r *http.Request, code int, p ErrorPage) {
	if err := w.Render(rw, code, w.errorT, p); err != nil {
		w.log.ErrorContext(r.Context(), "error page", "err", err)
	}
}

type emptyFS struct{}

func (emptyFS) Open(string) (fs.File, error) { return nil, fs.ErrNotExist }

// Render executes t with data into a buffer first, so a template error
// never sends half a page, then writes it with the security headers.
func (w *Web) Render(rw http.ResponseWriter, code int, t *template.Template, data any) error {
	return w.render(rw, code, t, data, "no-store")
}

// RenderPublic is Render for a page that is the same for every anonymous
// visitor (the transparency pages): browsers and shared caches may keep
// it for maxAge, varying by the cookies that choose the language. A
// signed-in visitor's page carries their name and token, and a response
// that sets a cookie (a stale session forgotten) is someone's: those
// stay no-store.
func (w *Web) RenderPublic(rw http.ResponseWriter, r *http.Request, code int, t *template.Template, data any, maxAge time.Duration) error {
	cache := "no-store"
	if ActorFrom(r.Context()) == nil && len(rw.Header().Values("Set-Cookie")) == 0 && code == http.StatusOK {
		cache = "public, max-age=" + strconv.Itoa(int(maxAge.Seconds()))
		rw.Header().Add("Vary", "Cookie")
	}
	return w.render(rw, code, t, data, cache)
}

func (w *Web) render(rw http.ResponseWriter, code int, t *template.Template, data any, cache string) error {
	var buf bytes.Buffer
	if err := t.Execute(&buf, data); err != nil {
		return err
	}
	h := rw.Header()
	h.Set("Content-Type", "text/html; charset=utf-8")
	h.Set("Cache-Control", cache)
	SecurityHeaders(h)
	rw.WriteHeader(code)
	_, err := rw.Write(buf.Bytes())
	return err
}

// SecurityHeaders sets the strict Content-Security-Policy and friends.
// Scripts only from our own origin; PDFs and images of a dossier may be
// previewed in a frame of our own origin.
func SecurityHeaders(h http.Header) {
	h.Set("Content-Security-Policy", "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "+
		"frame-src 'self'; connect-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'self'")
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Referrer-Policy", "same-origin")
	h.Set("X-Frame-Options", "SAMEORIGIN")
}

var funcs = template.FuncMap{
	"date":      fmtTime("02/01/2006"),
	"datetime":  fmtTime("15:04 02/01/2006"),
	"money":     vntext.Money,
	"thousands": vntext.Thousands, // counts as Vietnamese write them: 67.120
	"level":     unit.LevelName,
	"inc":       func(i int) int { return i + 1 },
	"join":      strings.Join,
}

func fmtTime(layout string) func(any) string {
	return func(v any) string {
		switch t := v.(type) {
		case time.Time:
			return t.In(calendar.Zone).Format(layout)
		case *time.Time:
			if t != nil {
				return t.In(calendar.Zone).Format(layout)
			}
		}
		return ""
	}
}

// Surface loads one page package: it merges the package's messages
// (messages.vi.json, messages.en.json at the root of fsys) into the shared
// catalog and parses its templates with the shared layout.
func (w *Web) Surface(fsys fs.FS) (map[string]*template.Template, error) {
	msgs, err := LoadCatalog(fsys)
	if err != nil {
		return nil, err
	}
	if err := w.catalog.Merge(msgs); err != nil {
		return nil, err
	}
	return w.Templates(fsys)
}
