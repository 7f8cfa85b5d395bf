package server_test

import (
	"bytes"
	"fmt"
	"io"
	"mime/multipart"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"regexp"
	"sort"
	"strings"
	"testing"

	"github.com/motcua/motcua/auth"
	"github.com/motcua/motcua/catalog"
	"github.com/motcua/motcua/demo"
	"github.com/motcua/motcua/store"
	"github.com/motcua/motcua/store/storetest"
)

// officeBrowser is one officer's browser on the back office: a cookie
// jar with the session, and the CSRF token of the last page it read.
type officeBrowser struct {
	t    testing.TB
	e    *env
	user string
	c    *http.Client
	jar  http.CookieJar
	csrf string
}

// officeLogin opens a browser and signs user in through the login form.
// With lang "en" the browser asks for English pages.
func (e *env) officeLogin(user string, lang ...string) *officeBrowser {
	e.t.Helper()
	cj, _ := cookiejar.New(nil)
	b := &officeBrowser{t: e.t, e: e, user: user, jar: cj}
	b.c = &http.Client{Jar: b.jar}
	if len(lang) > 0 {
		u, _ := url.Parse(e.srv.URL)
		b.jar.SetCookies(u, []*http.Cookie{{Name: "lang", Value: lang[0], Path: "/"}})
	}
	b.login()
	return b
}

// login signs in again (after the clock moved past the session's life).
func (b *officeBrowser) login() {
	b.t.Helper()
	status, _, final := b.post("/dang-nhap", url.Values{"username": {b.user}, "password": {demo.Password}})
	if status != 200 || strings.HasPrefix(final, "/dang-nhap") {
		b.t.Fatalf("%s: login failed: %d at %s", b.user, status, final)
	}
}

var csrfRE = regexp.MustCompile(`name="csrf" value="([^"]+)"`)

func (b *officeBrowser) do(req *http.Request) (int, string, string) {
	b.t.Helper()
	resp, err := b.c.Do(req)
	if err != nil {
		b.t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	if m := csrfRE.FindSubmatch(body); m != nil {
		b.csrf = string(m[1])
	}
	return resp.StatusCode, string(body), resp.Request.URL.RequestURI()
}

// get reads a page; it returns the status, the body and the URL it ended on.
func (b *officeBrowser) get(path string) (int, string, string) {
	b.t.Helper()
	req, _ := http.NewRequest("GET", b.e.srv.URL+path, nil)
	return b.do(req)
}

// post sends a form as the browser would, with the page's CSRF token, and
// follows the redirect.
func (b *officeBrowser) post(path string, form url.Values) (int, string, string) {
	b.t.Helper()
	if b.csrf != "" && form.Get("csrf") == "" {
		form.Set("csrf", b.csrf)
	}
	req, _ := http.NewRequest("POST", b.e.srv.URL+path, strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	return b.do(req)
}

// upload sends one file with the dossier page's multipart form.
func (b *officeBrowser) upload(code, component, name string, data []byte) (int, string, string) {
	b.t.Helper()
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	fw, _ := mw.CreateFormFile("file", name)
	fw.Write(data)
	mw.Close()
	req, _ := http.NewRequest("POST", b.e.srv.URL+"/can-bo/ho-so/"+code+"/tai-len/"+component+"?csrf="+url.QueryEscape(b.csrf), &buf)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	return b.do(req)
}

var (
	actionFormRE = regexp.MustCompile(`action="/can-bo/ho-so/[^/"]+/thao-tac/([a-z-]+)"`)
	versionRE    = regexp.MustCompile(`name="version" value="(\d+)"`)
)

// offered reads the dossier page and lists the actions it has a form for.
func (b *officeBrowser) offered(code string) ([]string, string) {
	b.t.Helper()
	status, body, _ := b.get("/can-bo/ho-so/" + code)
	if status != 200 {
		b.t.Fatalf("%s opening %s: %d", b.user, code, status)
	}
	var out []string
	for _, m := range actionFormRE.FindAllStringSubmatch(body, -1) {
		out = append(out, m[1])
	}
	return out, body
}

// act opens the dossier page and posts one action's form with the
// version shown on the page.
func (b *officeBrowser) act(code, action string, form url.Values) (int, string, string) {
	b.t.Helper()
	_, body := b.offered(code)
	m := versionRE.FindStringSubmatch(body)
	if m == nil {
		b.t.Fatalf("%s: no version on the page of %s", b.user, code)
	}
	if form == nil {
		form = url.Values{}
	}
	if form.Get("version") == "" {
		form.Set("version", m[1])
	}
	return b.post("/can-bo/ho-so/"+code+"/thao-tac/"+action, form)
}

func sameSet(a, b []string) bool {
	a, b = append([]string{}, a...), append([]string{}, b...)
	sort.Strings(a)
	sort.Strings(b)
	return strings.Join(a, ",") == strings.Join(b, ",")
}

// newOfficer adds an officer with one role on one unit.
func (e *env) newOfficer(username, role, unitCode string) {
	e.t.Helper()
	ctx := e.t.Context()
	err := e.app.DB.InTx(ctx, func(tx *store.Tx) error {
		u, err := e.app.Auth.CreateUser(ctx, tx, auth.NewUser{User: auth.User{Username: username, FullName: "Cán bộ " + username, Kind: "officer"}, Password: demo.Password})
		if err != nil {
			return err
		}
		un, err := e.app.Units.ByCodeTx(ctx, tx, unitCode)
		if err != nil {
			return err
		}
		return e.app.Auth.Grant(ctx, tx, u.ID, un.ID, role)
	})
	if err != nil {
		e.t.Fatal(err)
	}
}

// communeOnly finds a built-in procedure decided wholly at the commune in
// a few working days (a civil-status certificate and the like).
func communeOnly(t testing.TB) catalog.Procedure {
	ps, err := catalog.Builtin()
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range ps {
		ok := p.Time.Unit == "day" && p.Time.Value >= 3 && len(p.Levels) == 1 && p.Levels[0] == "commune"
		for _, st := range p.Steps {
			ok = ok && st.Level == "commune"
		}
		if ok {
			return p
		}
	}
	t.Fatal("no built-in commune-only procedure of several days")
	return catalog.Procedure{}
}

// formValues turns validForm's values into the counter form's inputs.
func counterFormValues(p catalog.Procedure) url.Values {
	v := url.Values{}
	for k, val := range validForm(p) {
		v.Set("f_"+k, fmt.Sprint(val))
	}
	return v
}

// rawKeyRE finds message keys that leaked into a page untranslated.
var rawKeyRE = regexp.MustCompile(`[>"](office|state|action|kind|level|online|nav|site|login|error|time)\.[a-z_\-]+(\.[a-z_\-]+)*[<"]`)

// officeScenario is one back-office story, run on a database of its own.
type officeScenario struct {
	name string
	run  func(t *testing.T, e *env)
}

// runOfficeScenarios runs each scenario on each engine, each on a fresh
// database, so counts and lists in one story never see another's dossiers.
func runOfficeScenarios(t *testing.T, scenarios []officeScenario) {
	storetest.Engines(t, func(t *testing.T, first *store.DB) {
		for i, s := range scenarios {
			t.Run(s.name, func(t *testing.T) {
				db := first
				if i > 0 {
					db = storetest.Open(t, first.Dialect.String())
				}
				s.run(t, newEnv(t, db))
			})
		}
	})
}
