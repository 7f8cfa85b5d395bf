// Package web serves motcua's public HTML pages: the procedure catalog
// with accent-insensitive search, a procedure's page, and dossier tracking
// by code. Pages work without JavaScript; templates and the stylesheet are
// embedded and every template is parsed at start-up.
package web

import (
	"bytes"
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"errors"
	"fmt"
	"html/template"
	"io/fs"
	"log/slog"
	"net/http"
	"strings"
	"time"

	"github.com/motcua/motcua/calendar"
	"github.com/motcua/motcua/catalog"
	"github.com/motcua/motcua/dossier"
	"github.com/motcua/motcua/problem"
	"github.com/motcua/motcua/unit"
)

//go:embed templates/*.html static/*
var files embed.FS

// Site renders the public pages.
type Site struct {
	catalog  *catalog.Store
	units    *unit.Store
	dossiers *dossier.Service
	log      *slog.Logger
	pages    map[string]*template.Template
	css      []byte
	cssURL   string
}

// New parses every template; an error here stops start-up.
func New(cat *catalog.Store, units *unit.Store, ds *dossier.Service, log *slog.Logger) (*Site, error) {
	css, err := files.ReadFile("static/site.css")
	if err != nil {
		return nil, err
	}
	sum := sha256.Sum256(css)
	s := &Site{catalog: cat, units: units, dossiers: ds, log: log, css: css,
		cssURL: "/static/site." + hex.EncodeToString(sum[:6]) + ".css", pages: map[string]*template.Template{}}
	funcs := template.FuncMap{
		"date":     fmtTime("02/01/2006"),
		"datetime": fmtTime("15:04 02/01/2006"),
		"money":    money,
		"timeText": timeText,
		"online":   onlineName,
		"kind":     componentKind,
		"level":    unit.LevelName,
		"css":      func() string { return s.cssURL },
		"inc":      func(i int) int { return i + 1 },
	}
	names, err := fs.Glob(files, "templates/*.html")
	if err != nil {
		return nil, err
	}
	for _, n := range names {
		if strings.HasSuffix(n, "layout.html") {
			continue
		}
		t, err := template.New("layout.html").Funcs(funcs).ParseFS(files, "templates/layout.html", n)
		if err != nil {
			return nil, fmt.Errorf("web: parse %s: %w", n, err)
		}
		s.pages[strings.TrimSuffix(strings.TrimPrefix(n, "templates/"), ".html")] = t
	}
	return s, nil
}

// Register adds the pages to mux.
func (s *Site) Register(mux *http.ServeMux) {
	mux.HandleFunc("GET /{$}", s.wrap(s.home))
	mux.HandleFunc("GET /thu-tuc/{code}", s.wrap(s.procedure))
	mux.HandleFunc("GET /tra-cuu", s.wrap(s.trackForm))
	mux.HandleFunc("GET /tra-cuu/{code}", s.wrap(s.track))
	mux.HandleFunc("GET "+s.cssURL, func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/css; charset=utf-8")
		w.Header().Set("Cache-Control", "public, max-age=31536000, immutable")
		w.Write(s.css)
	})
}

type handler func(w http.ResponseWriter, r *http.Request) error

// wrap renders an error page with the public message; internals are logged.
func (s *Site) wrap(h handler) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		err := h(w, r)
		if err == nil {
			return
		}
		code := http.StatusInternalServerError
		switch {
		case errors.Is(err, problem.ErrNotFound):
			code = http.StatusNotFound
		case errors.Is(err, problem.ErrInvalid):
			code = http.StatusUnprocessableEntity
		default:
			s.log.ErrorContext(r.Context(), "page error", "path", r.URL.Path, "err", err)
		}
		s.render(w, code, "error", errorPage{Title: "Có lỗi", Message: problem.Public(err).Message})
	}
}

type errorPage struct{ Title, Message string }

func (s *Site) render(w http.ResponseWriter, code int, page string, data any) error {
	var buf bytes.Buffer
	if err := s.pages[page].Execute(&buf, data); err != nil {
		return err
	}
	h := w.Header()
	h.Set("Content-Type", "text/html; charset=utf-8")
	h.Set("Content-Security-Policy", "default-src 'none'; style-src 'self'; img-src 'self' data:; form-action 'self'; base-uri 'none'; frame-ancestors 'none'")
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Referrer-Policy", "same-origin")
	w.WriteHeader(code)
	_, err := w.Write(buf.Bytes())
	return err
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

// money formats VND the Vietnamese way: 200.000 đ.
func money(v int64) string {
	s := fmt.Sprint(v)
	var b strings.Builder
	for i, r := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteByte('.')
		}
		b.WriteRune(r)
	}
	return b.String() + " đ"
}

func timeText(d catalog.Duration) string {
	switch d.Unit {
	case "same_day":
		return "Trong ngày làm việc (tiếp nhận sau 15 giờ thì trả trong ngày làm việc tiếp theo)"
	case "hour":
		return fmt.Sprintf("%d giờ làm việc", d.Value)
	}
	return fmt.Sprintf("%d ngày làm việc", d.Value)
}

func onlineName(s string) string {
	switch s {
	case "full":
		return "Dịch vụ công trực tuyến toàn trình"
	case "partial":
		return "Dịch vụ công trực tuyến một phần"
	}
	return "Chưa cung cấp trực tuyến"
}

func componentKind(s string) string {
	switch s {
	case "original":
		return "Bản chính"
	case "copy":
		return "Bản sao"
	case "certified_copy":
		return "Bản sao chứng thực"
	case "show":
		return "Xuất trình bản chính"
	}
	return s
}
