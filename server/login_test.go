package server_test

import (
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/motcua/motcua/audit"
	"github.com/motcua/motcua/demo"
	"github.com/motcua/motcua/server"
	"github.com/motcua/motcua/server/servertest"
	"github.com/motcua/motcua/store"
	"github.com/motcua/motcua/store/storetest"
)

// loginEnv is the demo world behind a trusted proxy on 127.0.0.1, so a
// test picks each request's client address with X-Forwarded-For.
type loginEnv struct {
	app *server.App
	srv *httptest.Server
}

func newLoginEnv(t *testing.T, db *store.DB) *loginEnv {
	t.Helper()
	c := &clock{t: time.Date(2026, 3, 2, 8, 0, 0, 0, ict)}
	servertest.Prepare(t, db)
	app, err := server.New(t.Context(), db, server.Config{DataDir: t.TempDir(), Log: slog.New(slog.NewTextHandler(io.Discard, nil)),
		AuthParams: testParams, Now: c.Now, TrustedProxies: []netip.Prefix{netip.MustParsePrefix("127.0.0.1/32")}})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := demo.Load(context.Background(), db, app.Units, app.Auth); err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(app.Handler)
	t.Cleanup(srv.Close)
	return &loginEnv{app: app, srv: srv}
}

type loginReply struct {
	status     int
	retryAfter string
	code, text string // the API's error code and message, or the page
}

// api asks for a token from client address addr.
func (e *loginEnv) api(t *testing.T, addr, user, password string) loginReply {
	t.Helper()
	b, _ := json.Marshal(map[string]string{"username": user, "password": password})
	req, _ := http.NewRequest("POST", e.srv.URL+"/api/v1/auth/token", strings.NewReader(string(b)))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("X-Forwarded-For", addr)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var out struct {
		Error struct{ Code, Message string }
	}
	json.NewDecoder(resp.Body).Decode(&out)
	return loginReply{status: resp.StatusCode, retryAfter: resp.Header.Get("Retry-After"), code: out.Error.Code, text: out.Error.Message}
}

// page signs in through the login page from client address addr.
func (e *loginEnv) page(t *testing.T, addr, user, password string) loginReply {
	t.Helper()
	form := url.Values{"username": {user}, "password": {password}}
	req, _ := http.NewRequest("POST", e.srv.URL+"/dang-nhap", strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("X-Forwarded-For", addr)
	resp, err := (&http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}).Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	return loginReply{status: resp.StatusCode, retryAfter: resp.Header.Get("Retry-After"), text: string(body)}
}

// Issue 8, finding 5 over HTTP: five wrong passwords locked an officer's
// account for 15 minutes (429 account_locked even with the right password)
// and only existing usernames ever got 429. Now wrong passwords for a
// known and an unknown username get the same answers — ten 401s, then 429
// login_throttled with the same Retry-After and a Vietnamese sentence, on
// the API and on the login page — while the owner still signs in from the
// office address they used before.
func TestLoginThrottledOverHTTP(t *testing.T) {
	storetest.Engines(t, func(t *testing.T, db *store.DB) {
		e := newLoginEnv(t, db)
		const owner, office = "gialam.lanhdao", "192.0.2.10"
		if r := e.api(t, office, owner, demo.Password); r.status != 200 {
			t.Fatalf("owner's first login: %+v", r)
		}
		var known, unknown []loginReply
		for range 11 {
			known = append(known, e.api(t, "203.0.113.1", owner, "doan-mo"))
			unknown = append(unknown, e.api(t, "203.0.113.2", "khong.co.ai", "doan-mo"))
		}
		for i := range known {
			if known[i] != unknown[i] {
				t.Fatalf("attempt %d: known %+v, unknown %+v", i+1, known[i], unknown[i])
			}
			want := map[bool]int{true: 401, false: 429}[i < 10]
			if known[i].status != want {
				t.Fatalf("attempt %d: %+v, want %d", i+1, known[i], want)
			}
		}
		last := known[10]
		if last.code != "login_throttled" || last.retryAfter != "60" || !strings.Contains(last.text, "giây") {
			t.Fatalf("throttled reply: %+v", last)
		}
		// The page answers the same, in Vietnamese, with the status and header.
		p := e.page(t, "203.0.113.1", owner, demo.Password)
		if p.status != 429 || p.retryAfter == "" || !strings.Contains(p.text, "Đăng nhập sai quá nhiều lần") {
			t.Fatalf("login page while throttled: %d %q", p.status, p.retryAfter)
		}
		// The owner is not locked out from their office.
		if p := e.page(t, office, owner, demo.Password); p.status != http.StatusSeeOther {
			t.Fatalf("owner from the office during the attack: %d", p.status)
		}
		// Each attempt that was checked is in the audit log, with its address.
		entries, err := e.app.Audit.List(t.Context(), audit.Filter{Object: "user:" + owner, Limit: 1000})
		if err != nil {
			t.Fatal(err)
		}
		count := map[string]int{}
		for _, en := range entries {
			count[en.Action]++
			if en.Action == "login_failed" && en.ClientAddr != "203.0.113.1" {
				t.Fatalf("failed login recorded from %q", en.ClientAddr)
			}
		}
		if count["login_failed"] != 10 || count["token_issued"] != 1 || count["login"] != 1 {
			t.Fatalf("audit log: %v", count)
		}
	})
}
