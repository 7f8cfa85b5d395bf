package server_test

import (
	"context"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/motcua/motcua/auth"
	"github.com/motcua/motcua/demo"
	"github.com/motcua/motcua/event"
	"github.com/motcua/motcua/store"
	"github.com/motcua/motcua/store/storetest"
)

// bearerCall sends a JSON request with an explicit token.
func (e *env) bearerCall(token, method, path string, in any) reply {
	e.t.Helper()
	return e.call("", method, path, in, nil, "Authorization", "Bearer "+token)
}

func (e *env) apiToken(user, password, totp string) (string, reply) {
	e.t.Helper()
	var out struct{ Token string }
	r := e.call("", "POST", "/api/v1/auth/token", map[string]string{"username": user, "password": password, "totp": totp}, &out)
	return out.Token, r
}

// recoveries collects the recovery links the app issues (what the outbox
// would e-mail), by listening on its bus.
func (e *env) recoveries() *[]auth.RecoveryRequested {
	var got []auth.RecoveryRequested
	event.Subscribe(e.app.Events, "test", func(ctx context.Context, tx *store.Tx, r auth.RecoveryRequested) error {
		got = append(got, r)
		return nil
	})
	return &got
}

// Issue 8, finding 12: API clients could not log in with TOTP.
func TestAPITokenWithTOTP(t *testing.T) {
	t.Parallel()
	storetest.Engines(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		ctx := context.Background()
		id := mustUser(t, e, "gialam.chuyenvien")
		secret := auth.NewTOTPSecret()
		code, _ := auth.TOTPCode(secret, e.clock.Now())
		if err := e.app.Auth.SetTOTP(ctx, id, secret, code); err != nil {
			t.Fatal(err)
		}
		e.clock.Add(30 * time.Second)
		if _, r := e.apiToken("gialam.chuyenvien", demo.Password, ""); r.status != 422 || r.errCode() != "totp_required" {
			t.Fatalf("no code: %d %s", r.status, r.body)
		}
		code, _ = auth.TOTPCode(secret, e.clock.Now())
		tok, r := e.apiToken("gialam.chuyenvien", demo.Password, code)
		if r.status != 200 || tok == "" {
			t.Fatalf("with the code: %d %s", r.status, r.body)
		}
		if r := e.bearerCall(tok, "GET", "/api/v1/me", nil); r.status != 200 {
			t.Fatalf("me: %d", r.status)
		}
		// Issue 8, finding 12: the same code worked twice.
		if _, r := e.apiToken("gialam.chuyenvien", demo.Password, code); r.status != 401 {
			t.Fatalf("the same code again: %d %s", r.status, r.body)
		}
	})
}

// Issue 8, finding 11: no password change and no recovery, over the API.
func TestAPIPasswordChangeAndRecovery(t *testing.T) {
	t.Parallel()
	storetest.Engines(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		links := e.recoveries()
		here, _ := e.apiToken("congdan", demo.Password, "")
		there, _ := e.apiToken("congdan", demo.Password, "")
		if r := e.bearerCall(here, "POST", "/api/v1/auth/password", map[string]string{"old_password": "sai-mat-khau", "new_password": "mat-khau-moi-2026"}); r.status != 422 || r.errCode() != "wrong_password" {
			t.Fatalf("wrong old password: %d %s", r.status, r.body)
		}
		if r := e.call("", "POST", "/api/v1/auth/password", map[string]string{"old_password": demo.Password, "new_password": "mat-khau-moi-2026"}, nil); r.status != 401 {
			t.Fatalf("anonymous: %d", r.status)
		}
		if r := e.bearerCall(here, "POST", "/api/v1/auth/password", map[string]string{"old_password": demo.Password, "new_password": "mat-khau-moi-2026"}); r.status != 204 {
			t.Fatalf("change: %d %s", r.status, r.body)
		}
		if e.bearerCall(here, "GET", "/api/v1/me", nil).status != 200 || e.bearerCall(there, "GET", "/api/v1/me", nil).status != 401 {
			t.Fatal("after a change the current token must live and the other end")
		}

		// Recovery: the same answer for an unknown login and a known one.
		for _, login := range []string{"khong.ai@example.vn", demo.Citizen.Email} {
			if r := e.call("", "POST", "/api/v1/auth/recovery", map[string]string{"login": login}, nil); r.status != 202 || !strings.Contains(string(r.body), "sent_if_known") {
				t.Fatalf("recovery for %s: %d %s", login, r.status, r.body)
			}
		}
		if len(*links) != 1 {
			t.Fatalf("%d links, want 1", len(*links))
		}
		token := (*links)[0].Token
		set := map[string]string{"token": token, "password": "mat-khau-phuc-hoi"}
		if r := e.call("", "POST", "/api/v1/auth/recovery/password", set, nil); r.status != 204 {
			t.Fatalf("recover: %d %s", r.status, r.body)
		}
		if r := e.call("", "POST", "/api/v1/auth/recovery/password", set, nil); r.status != 422 || r.errCode() != "recovery_link_invalid" {
			t.Fatalf("the link twice: %d %s", r.status, r.body)
		}
		if e.bearerCall(here, "GET", "/api/v1/me", nil).status != 401 {
			t.Fatal("a session survived recovery")
		}
		if _, r := e.apiToken("congdan", "mat-khau-phuc-hoi", ""); r.status != 200 {
			t.Fatalf("login with the recovered password: %d", r.status)
		}
	})
}

// Issue 8, finding 11, through the pages: change your password, and
// recover a forgotten one from the link.
func TestPasswordPages(t *testing.T) {
	t.Parallel()
	storetest.Engines(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		links := e.recoveries()
		other := e.admSignIn(t, "congdan")
		b := e.admSignIn(t, "congdan")
		if status, body := b.get("/tai-khoan/mat-khau"); status != 200 || !strings.Contains(body, `name="old_password"`) {
			t.Fatalf("password page: %d", status)
		}
		if status, body := b.post("/tai-khoan/mat-khau", form("old_password", "sai", "password", "mat-khau-moi-2026")); status != 422 || !strings.Contains(body, "Mật khẩu hiện tại không đúng") {
			t.Fatalf("wrong old password: %d\n%s", status, admMain(body))
		}
		if status, body := b.post("/tai-khoan/mat-khau", form("old_password", demo.Password, "password", "mat-khau-moi-2026")); status != 200 || !strings.Contains(body, "Đã đổi mật khẩu") {
			t.Fatalf("change: %d\n%s", status, admMain(body))
		}
		if status, body := other.get("/ho-so-cua-toi"); status != 200 || strings.Contains(body, "dang-xuat") {
			t.Fatalf("the other browser is still signed in: %d", status)
		}

		// An officer's page, the same form.
		if status, _ := e.admSignIn(t, "gialam.vanthu").get("/tai-khoan/mat-khau"); status != 200 {
			t.Fatalf("officer's password page: %d", status)
		}

		anon := e.admBrowser(t)
		if status, body := anon.get("/dang-nhap"); status != 200 || !strings.Contains(body, `href="/quen-mat-khau"`) {
			t.Fatalf("login page has no recovery link: %d", status)
		}
		anon.get("/quen-mat-khau")
		_, unknown := anon.post("/quen-mat-khau", form("login", "khong.ai"))
		_, known := anon.post("/quen-mat-khau", form("login", "congdan"))
		if !strings.Contains(known, `id="recovery-sent"`) || admMain(known) != admMain(unknown) {
			t.Fatalf("the answers differ:\n%s\n---\n%s", admMain(known), admMain(unknown))
		}
		if len(*links) != 1 {
			t.Fatalf("%d links", len(*links))
		}
		link := "/dat-lai-mat-khau?t=" + (*links)[0].Token
		if status, body := anon.get("/dat-lai-mat-khau?t=nonsense"); status != 422 || !strings.Contains(body, "không hợp lệ") {
			t.Fatalf("bad link: %d", status)
		}
		if status, body := anon.get(link); status != 200 || !strings.Contains(body, `name="password"`) {
			t.Fatalf("reset page: %d", status)
		}
		if status, body := anon.post("/dat-lai-mat-khau", form("t", (*links)[0].Token, "password", "mat-khau-phuc-hoi")); status != 200 || !strings.Contains(body, "Đã đặt mật khẩu mới") {
			t.Fatalf("reset: %d\n%s", status, admMain(body))
		}
		if status, _ := anon.get(link); status != 422 {
			t.Fatalf("the link works twice: %d", status)
		}
		if status, _ := b.get("/tai-khoan/mat-khau"); status != 200 {
			t.Fatal("unexpected")
		}
		if status, body := e.admBrowser(t).login("congdan", "mat-khau-phuc-hoi", ""); status != 200 || !strings.Contains(body, "dang-xuat") {
			t.Fatalf("login with the new password: %d", status)
		}
	})
}

// A unit that requires TOTP: its leader without it is led to enrolment on
// the web and gets no API token.
func TestTOTPPolicyPages(t *testing.T) {
	t.Parallel()
	storetest.Engines(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		ctx := context.Background()
		admin, err := e.app.Auth.UserByName(ctx, "gialam.quantri")
		if err != nil {
			t.Fatal(err)
		}
		gialam := admin.Grants[0].UnitID
		if err := auth.NewAccounts(e.app.Auth, e.app.Units).SetTOTPPolicy(ctx, admin, gialam, true); err != nil {
			t.Fatal(err)
		}
		if _, r := e.apiToken("gialam.lanhdao", demo.Password, ""); r.status != 403 || r.errCode() != "totp_enrolment_required" {
			t.Fatalf("API token for an unenrolled leader: %d %s", r.status, r.body)
		}
		b := e.admBrowser(t)
		b.c.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
		b.login("gialam.lanhdao", demo.Password, "")
		req, _ := http.NewRequest("GET", b.base+"/can-bo", nil)
		resp, err := b.c.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "/tai-khoan/xac-thuc-2-lop" {
			t.Fatalf("an unenrolled leader reaches /can-bo: %d %s", resp.StatusCode, resp.Header.Get("Location"))
		}
		b.c.CheckRedirect = nil
		if status, body := b.get("/tai-khoan/xac-thuc-2-lop"); status != 200 || !strings.Contains(body, `name="secret"`) {
			t.Fatalf("enrolment page: %d", status)
		}
		// A clerk of the same unit is not concerned.
		if status, _ := e.admSignIn(t, "gialam.vanthu").get("/can-bo"); status != 200 {
			t.Fatalf("clerk: %d", status)
		}
	})
}

// Issue 8, finding 11: no way to disable a citizen account short of SQL.
// A province-level admin does it on /quan-tri/cong-dan; a commune admin
// cannot.
func TestCitizenAccountsPage(t *testing.T) {
	t.Parallel()
	storetest.Engines(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		citizen := e.admSignIn(t, "congdan")

		commune := e.admSignIn(t, "gialam.quantri")
		if status, _ := commune.get("/quan-tri/cong-dan"); status != 403 {
			t.Fatalf("commune admin lists citizens: %d", status)
		}
		commune.get("/quan-tri")
		if status, _ := commune.post("/quan-tri/cong-dan/congdan/trang-thai", form("disabled", "1")); status != 403 {
			t.Fatalf("commune admin disables a citizen: %d", status)
		}

		b := e.admSignIn(t, "tinh.quantri")
		status, body := b.get("/quan-tri/cong-dan?q=nguyenvanan")
		if status != 200 || !strings.Contains(body, `id="c-congdan"`) || !strings.Contains(body, demo.Citizen.Phone) {
			t.Fatalf("search: %d\n%s", status, admMain(body))
		}
		if status, body := b.post("/quan-tri/cong-dan/congdan/trang-thai", form("disabled", "1", "q", "congdan")); status != 200 || !strings.Contains(body, "Đã khóa tài khoản") {
			t.Fatalf("disable: %d\n%s", status, admMain(body))
		}
		if status, body := citizen.get("/ho-so-cua-toi"); status != 200 || strings.Contains(body, "dang-xuat") {
			t.Fatalf("the disabled citizen is still signed in: %d", status)
		}
		if status, _ := e.admBrowser(t).login("congdan", demo.Password, ""); status != 401 {
			t.Fatalf("a disabled citizen signs in: %d", status)
		}
		if status, body := b.post("/quan-tri/cong-dan/congdan/mat-khau", form("password", "ngan", "q", "congdan")); status != 422 || !strings.Contains(body, "ít nhất 8 ký tự") {
			t.Fatalf("short password: %d", status)
		}
		if status, _ := b.post("/quan-tri/cong-dan/congdan/trang-thai", form("disabled", "0")); status != 200 {
			t.Fatalf("enable: %d", status)
		}
		if status, body := b.post("/quan-tri/cong-dan/congdan/mat-khau", form("password", "mat-khau-tinh-cap", "q", "congdan")); status != 200 || !strings.Contains(body, "Đã đặt lại mật khẩu") {
			t.Fatalf("reset: %d", status)
		}
		if status, _ := e.admBrowser(t).login("congdan", "mat-khau-tinh-cap", ""); status != 200 {
			t.Fatalf("login with the new password: %d", status)
		}
	})
}

// The TOTP policy is set on the unit's page by its admin.
func TestTOTPPolicyForm(t *testing.T) {
	t.Parallel()
	storetest.Engines(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		b := e.admSignIn(t, "gialam.quantri")
		if status, body := b.get("/quan-tri/don-vi/" + demo.GiaLamCode); status != 200 || !strings.Contains(body, `action="/quan-tri/don-vi/`+demo.GiaLamCode+`/xac-thuc-2-lop"`) {
			t.Fatalf("unit page: %d", status)
		}
		// The admin is an admin of the unit too, so is due to enrol at once:
		// the redirect after the change, and every other page, lead there.
		if status, body := b.post("/quan-tri/don-vi/"+demo.GiaLamCode+"/xac-thuc-2-lop", form("required", "1")); status != 200 || !strings.Contains(body, `name="secret"`) {
			t.Fatalf("turn on: %d\n%s", status, admMain(body))
		}
		if !mustRequired(t, e, demo.GiaLamCode) {
			t.Fatal("not required")
		}
		if status, body := b.get("/quan-tri"); status != 200 || !strings.Contains(body, `name="secret"`) {
			t.Fatalf("the admin is not led to enrolment: %d", status)
		}
		if status, _ := e.admSignIn(t, "huyen.quantri").post("/quan-tri/don-vi/"+demo.GiaLamCode+"/xac-thuc-2-lop", form("required", "0")); status != 200 {
			t.Fatalf("the district admin turns it off: %d", status)
		}
		if mustRequired(t, e, demo.GiaLamCode) {
			t.Fatal("still required")
		}
	})
}

func mustRequired(t *testing.T, e *env, code string) bool {
	t.Helper()
	u, err := e.app.Units.ByCode(context.Background(), code)
	if err != nil {
		t.Fatal(err)
	}
	on, err := e.app.Auth.TOTPRequired(context.Background(), u.ID)
	if err != nil {
		t.Fatal(err)
	}
	return on
}

// An admin turns off the second factor of an officer who lost the phone.
func TestClearTOTPPage(t *testing.T) {
	t.Parallel()
	e := newEnv(t, storetest.Open(t, "sqlite"))
	ctx := context.Background()
	secret := auth.NewTOTPSecret()
	code, _ := auth.TOTPCode(secret, e.clock.Now())
	if err := e.app.Auth.SetTOTP(ctx, mustUser(t, e, "gialam.vanthu"), secret, code); err != nil {
		t.Fatal(err)
	}
	b := e.admSignIn(t, "gialam.quantri")
	if status, body := b.get("/quan-tri/nguoi-dung/gialam.vanthu"); status != 200 || !strings.Contains(body, `action="/quan-tri/nguoi-dung/gialam.vanthu/xac-thuc-2-lop"`) {
		t.Fatalf("user page: %d", status)
	}
	if status, body := b.post("/quan-tri/nguoi-dung/gialam.vanthu/xac-thuc-2-lop", nil); status != 200 || !strings.Contains(body, "Đã tắt xác thực hai lớp của tài khoản") {
		t.Fatalf("clear: %d\n%s", status, admMain(body))
	}
	if on, _ := e.app.Auth.HasTOTP(ctx, mustUser(t, e, "gialam.vanthu")); on {
		t.Fatal("still on")
	}
}
