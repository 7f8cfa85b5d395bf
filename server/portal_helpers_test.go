package server_test

import (
	"bytes"
	"io"
	"mime/multipart"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/motcua/motcua/demo"
)

// citizenBrowser is one person's citizenBrowser on the portal: its own cookie jar (a
// new citizenBrowser is a new session), redirects followed as a citizenBrowser does.
type citizenBrowser struct {
	t    *testing.T
	e    *env
	c    *http.Client
	base *url.URL
}

// portalVisitor returns a fresh citizenBrowser; lang "en" sets the language cookie.
func (e *env) portalVisitor(t *testing.T, lang string) *citizenBrowser {
	t.Helper()
	cj, err := cookiejar.New(nil)
	if err != nil {
		t.Fatal(err)
	}
	jar := cj
	base, _ := url.Parse(e.srv.URL)
	if lang != "" {
		jar.SetCookies(base, []*http.Cookie{{Name: "lang", Value: lang, Path: "/"}})
	}
	return &citizenBrowser{t: t, e: e, c: &http.Client{Jar: jar}, base: base}
}

// citizenPage is what the citizenBrowser shows after a request and its redirects.
type citizenPage struct {
	status int
	body   string
	url    *url.URL
}

func (p citizenPage) has(s string) bool { return strings.Contains(p.body, s) }

func (b *citizenBrowser) do(req *http.Request) citizenPage {
	b.t.Helper()
	resp, err := b.c.Do(req)
	if err != nil {
		b.t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	return citizenPage{resp.StatusCode, string(body), resp.Request.URL}
}

func (b *citizenBrowser) get(path string) citizenPage {
	b.t.Helper()
	req, _ := http.NewRequest("GET", b.e.srv.URL+path, nil)
	return b.do(req)
}

// post sends a form as a citizenBrowser does; the CSRF token is whatever the caller put in form.
func (b *citizenBrowser) post(path string, form url.Values) citizenPage {
	b.t.Helper()
	req, _ := http.NewRequest("POST", b.e.srv.URL+path, strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	return b.do(req)
}

// upload posts one file as the portal's upload forms do: multipart, with
// the CSRF token in the query string (action is taken from the page).
func (b *citizenBrowser) upload(action, name string, data []byte) citizenPage {
	b.t.Helper()
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	fw, _ := mw.CreateFormFile("file", name)
	fw.Write(data)
	mw.Close()
	req, _ := http.NewRequest("POST", b.e.srv.URL+action, &buf)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	return b.do(req)
}

// login signs in through the sign-in form.
func (b *citizenBrowser) login(user string) citizenPage {
	b.t.Helper()
	p := b.post("/dang-nhap", url.Values{"username": {user}, "password": {demo.Password}})
	if p.status != 200 || strings.Contains(p.url.Path, "dang-nhap") {
		b.t.Fatalf("login %s: %d at %s", user, p.status, p.url)
	}
	return p
}

var portalCSRFRE = regexp.MustCompile(`name="csrf" value="([^"]+)"`)

// csrf reads the form token from a page, as the citizenBrowser submits it.
func (p citizenPage) csrf(t *testing.T) string {
	t.Helper()
	m := portalCSRFRE.FindStringSubmatch(p.body)
	if m == nil {
		t.Fatalf("no CSRF token on %s", p.url)
	}
	return m[1]
}

// formWith is a form carrying the page's CSRF token and the given pairs.
func (p citizenPage) formWith(t *testing.T, kv ...string) url.Values {
	t.Helper()
	v := url.Values{"csrf": {p.csrf(t)}}
	for i := 0; i+1 < len(kv); i += 2 {
		v.Add(kv[i], kv[i+1])
	}
	return v
}

// action finds the action of the form whose action contains part, unescaped.
func (p citizenPage) action(t *testing.T, part string) string {
	t.Helper()
	for _, m := range regexp.MustCompile(`action="([^"]+)"`).FindAllStringSubmatch(p.body, -1) {
		a := strings.ReplaceAll(m[1], "&amp;", "&")
		if strings.Contains(a, part) {
			return a
		}
	}
	t.Fatalf("no form posting to %q on %s", part, p.url)
	return ""
}

// portalRawKeyRE finds a message key shown instead of its text.
var portalRawKeyRE = regexp.MustCompile(`[>"]\s*(portal|home|proc|fee|track|state|action|kind|level|online|nav|site|login|error|time)\.[a-z_\-]+(\.[a-z_\-]+)*\s*[<"]`)

// wellFormed checks what every portal page must be: the language asked
// for, one h1, no raw message key, no inline style.
func (p citizenPage) wellFormed(t *testing.T, lang string) {
	t.Helper()
	if !p.has(`<html lang="` + lang + `">`) {
		t.Errorf("%s: not marked lang=%s", p.url, lang)
	}
	if n := strings.Count(p.body, "<h1"); n != 1 {
		t.Errorf("%s: %d <h1>", p.url, n)
	}
	if k := portalRawKeyRE.FindString(p.body); k != "" {
		t.Errorf("%s: raw message key %s", p.url, k)
	}
	for _, bad := range []string{"portal.", "%!", "style=", "<script>"} {
		if p.has(bad) {
			t.Errorf("%s: contains %q", p.url, bad)
		}
	}
}
