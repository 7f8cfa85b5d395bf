package server_test

import (
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"github.com/motcua/motcua/demo"
	"github.com/motcua/motcua/forms/formstest"
	"github.com/motcua/motcua/server"
	"github.com/motcua/motcua/store/storetest"
)

// The transport items of issue 8, finding 12: HSTS and a __Host- session
// cookie on an https site, nosniff on every response, /metrics off the
// public listener, absolute URLs from --public-url and never the Host header.

const httpsSite = "https://motcua.nhoquan.example.vn"

// get sends a request to the test server with a chosen Host header (a
// client picks any) and, when token is set, a bearer token.
func (e *env) raw(path, host, token string) (*http.Response, []byte) {
	e.t.Helper()
	req, _ := http.NewRequest("GET", e.srv.URL+path, nil)
	if host != "" {
		req.Host = host
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	noRedirect := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	resp, err := noRedirect.Do(req)
	if err != nil {
		e.t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp, b
}

func TestTransportHeaders(t *testing.T) {
	t.Parallel()
	db := storetest.Open(t, "sqlite")
	plain := newEnv(t, db)
	secure := newEnvWith(t, storetest.Open(t, "sqlite"), func(c *server.Config) { c.PublicURL = httpsSite })
	paths := []string{"/", "/healthz", "/api/v1/procedures", "/api/v1/khong-co", "/dang-nhap", "/khong-co-trang-nay", "/metrics"}
	for _, p := range paths {
		resp, _ := plain.raw(p, "", "")
		if resp.Header.Get("X-Content-Type-Options") != "nosniff" {
			t.Errorf("GET %s (%d) lacks X-Content-Type-Options: nosniff", p, resp.StatusCode)
		}
		if h := resp.Header.Get("Strict-Transport-Security"); h != "" {
			t.Errorf("GET %s on an http site sends HSTS %q", p, h)
		}
		resp, _ = secure.raw(p, "", "")
		if h := resp.Header.Get("Strict-Transport-Security"); !strings.HasPrefix(h, "max-age=") || strings.HasPrefix(h, "max-age=0") {
			t.Errorf("GET %s on an https site: Strict-Transport-Security %q", p, h)
		}
	}
}

func TestSessionCookieOnHTTPSIsHostPrefixed(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		site, name string
		secure     bool
	}{
		{httpsSite, "__Host-motcua_session", true},
		{"", "motcua_session", false}, // the test server's own http:// address
	} {
		e := newEnvWith(t, storetest.Open(t, "sqlite"), func(cfg *server.Config) {
			if c.site != "" {
				cfg.PublicURL = c.site
			}
		})
		noRedirect := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
		resp, err := noRedirect.PostForm(e.srv.URL+"/dang-nhap", url.Values{"username": {"congdan"}, "password": {demo.Password}})
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		var got *http.Cookie
		for _, ck := range resp.Cookies() {
			if strings.HasSuffix(ck.Name, "motcua_session") {
				got = ck
			}
		}
		if got == nil {
			t.Fatalf("%q: login set no session cookie (%d)", c.site, resp.StatusCode)
		}
		// __Host- requires Secure, Path=/ and no Domain, or browsers drop it.
		if got.Name != c.name || got.Secure != c.secure || got.Path != "/" || got.Domain != "" || !got.HttpOnly {
			t.Errorf("%q: session cookie %+v, want name %s secure=%v Path=/ no Domain", c.site, got, c.name, c.secure)
		}
		if !c.secure {
			continue
		}
		// The __Host- cookie is the session: a page asked with it is signed in,
		// and the unprefixed name is not read any more.
		for _, name := range []string{c.name, "motcua_session"} {
			req, _ := http.NewRequest("GET", e.srv.URL+"/ho-so-cua-toi", nil)
			req.AddCookie(&http.Cookie{Name: name, Value: got.Value})
			resp, err := noRedirect.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			resp.Body.Close()
			if signedIn := resp.StatusCode == 200; signedIn != (name == c.name) {
				t.Errorf("cookie %s: /ho-so-cua-toi answered %d", name, resp.StatusCode)
			}
		}
	}
}

func TestMetricsAreNotPublic(t *testing.T) {
	t.Parallel()
	e := newEnv(t, storetest.Open(t, "sqlite"))
	if resp, _ := e.raw("/metrics", "", ""); resp.StatusCode != http.StatusNotFound {
		t.Errorf("/metrics on the public listener: %d, want 404", resp.StatusCode)
	}
	// motcua serve --metrics-addr serves App.Metrics on its own listener.
	sep := httptest.NewServer(e.app.Metrics)
	defer sep.Close()
	resp, err := http.Get(sep.URL + "/metrics")
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 200 || !strings.Contains(string(b), "motcua_http_requests_total") {
		t.Errorf("separate metrics listener: %d %.200s", resp.StatusCode, b)
	}

	// --metrics-token: on the main listener, only with the token.
	tok := newEnvWith(t, storetest.Open(t, "sqlite"), func(c *server.Config) { c.MetricsToken = "s3cret-scrape" })
	for _, c := range []struct {
		token string
		want  int
	}{{"", 401}, {"wrong", 401}, {"s3cret-scrape", 200}} {
		if resp, _ := tok.raw("/metrics", "", c.token); resp.StatusCode != c.want {
			t.Errorf("/metrics with token %q: %d, want %d", c.token, resp.StatusCode, c.want)
		}
	}
}

// TestAbsoluteURLsComeFromPublicURL: the receipt's tracking link, the QR
// on form 01 and the VNPAY return address name the configured site even
// when the request's Host header names another.
func TestAbsoluteURLsComeFromPublicURL(t *testing.T) {
	t.Parallel()
	const evil = "evil.example"

	e := newEnvWith(t, storetest.Open(t, "sqlite"), func(c *server.Config) { c.PublicURL = "http://motcua.nhoquan.example.vn/" })
	d := e.submit(certify, demo.GiaLamCode)
	e.mustAct("gialam.tiepnhan", d.Code, "receive", nil)

	formstest.Require(t)
	resp, pdf := e.raw("/api/v1/dossiers/"+d.Code+"/forms/01", evil, e.token("congdan"))
	if resp.StatusCode != 200 {
		t.Fatalf("form 01: %d %s", resp.StatusCode, pdf)
	}
	if text := formstest.Flat(t, pdf); !strings.Contains(text, "http://motcua.nhoquan.example.vn/tra-cuu?ma=") /* the code wraps */ || strings.Contains(text, evil) {
		t.Errorf("form 01's tracking URL is not built from --public-url:\n%s", text)
	}

	b := e.portalVisitor(t, "")
	b.login("congdan")
	req, _ := http.NewRequest("GET", e.srv.URL+"/ho-so/"+d.Code+"/bien-nhan", nil)
	req.Host = evil
	for _, c := range b.c.Jar.Cookies(b.base) { // the jar files cookies under the Host header
		req.AddCookie(c)
	}
	page := (&citizenBrowser{t: t, e: e, c: http.DefaultClient, base: b.base}).do(req)
	if page.status != 200 || !page.has(`href="http://motcua.nhoquan.example.vn/tra-cuu?ma=`+d.Code+`&amp;t=`) || page.has(evil) {
		t.Errorf("receipt page (%d): tracking link not from --public-url:\n%s", page.status, page.body)
	}
}

func TestVNPayReturnURLComesFromPublicURL(t *testing.T) {
	t.Parallel()
	e := newPayEnv(t, storetest.Open(t, "sqlite"))
	code := e.receivedDossier(certify)
	req, _ := http.NewRequest("POST", e.srv.URL+"/api/v1/dossiers/"+code+"/payments", nil)
	req.Host = "evil.example"
	req.Header.Set("Authorization", "Bearer "+e.token("congdan"))
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	var p paymentView
	err = json.NewDecoder(resp.Body).Decode(&p)
	resp.Body.Close()
	if resp.StatusCode != 201 || err != nil {
		t.Fatalf("start payment: %d %v", resp.StatusCode, err)
	}
	pay, err := url.Parse(p.PaymentURL)
	if err != nil {
		t.Fatal(err)
	}
	if ret := pay.Query().Get("vnp_ReturnUrl"); ret != e.srv.URL+"/thanh-toan/ket-qua" {
		t.Errorf("vnp_ReturnUrl %q, want the public URL's /thanh-toan/ket-qua", ret)
	}
}
