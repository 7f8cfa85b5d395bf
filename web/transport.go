package web

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strings"
)

// Site is the site's public address (motcua serve --public-url) and what
// follows from it for every response: absolute URLs that leave the browser
// (QR codes, the payment gateway's return address) are built from it and
// never from the request's Host header, which any client chooses; when it
// is https, browsers are told to stay on https (HSTS) and the session
// cookie is a __Host- cookie.
type Site struct {
	origin string // scheme://host[:port], no trailing slash
	https  bool
}

// NewSite parses the public URL: http or https, a host, no path beyond
// "/", no query.
func NewSite(publicURL string) (*Site, error) {
	u, err := url.Parse(strings.TrimSuffix(publicURL, "/"))
	if err != nil {
		return nil, fmt.Errorf("public URL %q: %w", publicURL, err)
	}
	if (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || u.Path != "" || u.RawQuery != "" || u.Fragment != "" || u.User != nil {
		return nil, fmt.Errorf("public URL %q: want http(s)://host[:port] with no path", publicURL)
	}
	return &Site{origin: u.Scheme + "://" + u.Host, https: u.Scheme == "https"}, nil
}

// Origin is scheme://host[:port] of the public URL.
func (s *Site) Origin() string { return s.origin }

// HTTPS reports whether the site is served over https.
func (s *Site) HTTPS() bool { return s.https }

type siteKey struct{}

// hstsMaxAge is one year, the value browsers' preload lists expect.
// Subdomains are left out: a government domain's other hosts are not ours.
const hstsMaxAge = "max-age=31536000"

// MaxFormBody is the largest url-encoded form a page accepts: the longest
// form (the counter's e-form) at every field's limit, percent-encoded, is
// a fraction of it. Uploads are multipart and have their own limits.
const MaxFormBody = 1 << 20

// Middleware sets the headers every response carries (nosniff; HSTS on an
// https site), refuses an oversized form post with 413 before anything
// reads it, and puts the site in the request context for AbsURL.
func (s *Site) Middleware(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		h.Set("X-Content-Type-Options", "nosniff")
		if s.https {
			h.Set("Strict-Transport-Security", hstsMaxAge)
		}
		if strings.HasPrefix(r.Header.Get("Content-Type"), "application/x-www-form-urlencoded") {
			if r.ContentLength > MaxFormBody {
				http.Error(w, "Nội dung gửi lên quá lớn. / The form is too large.", http.StatusRequestEntityTooLarge)
				return
			}
			r.Body = http.MaxBytesReader(w, r.Body, MaxFormBody)
		}
		next.ServeHTTP(w, r.WithContext(context.WithValue(r.Context(), siteKey{}, s)))
	})
}

// Origin is the public origin of the site the request reached, from
// --public-url (see Site). Outside Site.Middleware (handler tests) it is
// "", so AbsURL gives the path alone rather than trusting the Host header.
func Origin(r *http.Request) string {
	if s, ok := r.Context().Value(siteKey{}).(*Site); ok {
		return s.origin
	}
	return ""
}

// AbsURL is path on the site as an absolute URL, for addresses that leave
// the browser (QR codes, the gateway's return URL). It is the one place
// such URLs are built; see Site.
func AbsURL(r *http.Request, path string) string {
	return Origin(r) + path
}
