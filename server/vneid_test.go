package server_test

import (
	"errors"
	"net/http"
	"net/url"
	"regexp"
	"testing"

	"github.com/motcua/motcua/audit"
	"github.com/motcua/motcua/auth"
	"github.com/motcua/motcua/demo"
	"github.com/motcua/motcua/problem"
	"github.com/motcua/motcua/server"
	"github.com/motcua/motcua/store"
	"github.com/motcua/motcua/store/storetest"
	"github.com/motcua/motcua/vneid/vneidsim"
)

// vneidEnv is the app with the VNeID simulator mounted in process as its
// issuer (as motcua serve --demo does), with the demo world's people.
func vneidEnv(t *testing.T, db *store.DB) (*env, *vneidsim.Sim) {
	t.Helper()
	var sim *vneidsim.Sim
	e := newEnvWith(t, db, func(cfg *server.Config) {
		issuer := cfg.PublicURL + server.VNeIDSimulatorPath
		var people []vneidsim.Person
		for _, p := range demo.People() {
			people = append(people, vneidsim.Person{IDNumber: p.IDNumber, Name: p.Name, BirthDate: p.BirthDate})
		}
		var err error
		sim, err = vneidsim.New(vneidsim.Config{Issuer: issuer, People: people, Clients: []vneidsim.Client{{
			ID: vneidsim.DemoClientID, Secret: vneidsim.DemoClientSecret, RedirectURIs: []string{cfg.PublicURL + "/dang-nhap/vneid/ve"}}}})
		if err != nil {
			t.Fatal(err)
		}
		cfg.VNeID = server.VNeIDConfig{Issuer: issuer, ClientID: vneidsim.DemoClientID, ClientSecret: vneidsim.DemoClientSecret, Simulator: sim}
	})
	return e, sim
}

// vneidBrowser is a citizenBrowser that notes the callback URLs the
// provider sent it to.
func (e *env) vneidBrowser(t *testing.T) (*citizenBrowser, *[]string) {
	t.Helper()
	b := e.portalVisitor(t, "")
	var callbacks []string
	b.c.CheckRedirect = func(r *http.Request, via []*http.Request) error {
		if r.URL.Path == "/dang-nhap/vneid/ve" {
			callbacks = append(callbacks, r.URL.String())
		}
		return nil
	}
	return b, &callbacks
}

var pickIDRE = regexp.MustCompile(`name="id" value="([^"]+)"`)

// vneidPick presses "Đăng nhập bằng VNeID" and picks person on the
// simulator's page; it returns the page the browser lands on.
func vneidPick(t *testing.T, b *citizenBrowser, p demo.Registered) citizenPage {
	t.Helper()
	pick := b.get("/dang-nhap/vneid")
	m := pickIDRE.FindStringSubmatch(pick.body)
	if pick.status != 200 || m == nil || !pick.has("Chọn danh tính") {
		t.Fatalf("VNeID start: %d at %s\n%s", pick.status, pick.url, pick.body)
	}
	sub := vneidsim.Person{IDNumber: p.IDNumber}.Subject()
	return b.post(server.VNeIDSimulatorPath+"/chon", url.Values{"id": {m[1]}, "subject": {sub}})
}

func signedIn(t *testing.T, b *citizenBrowser) bool {
	t.Helper()
	p := b.get("/ho-so-cua-toi")
	return p.status == 200 && p.url.Path == "/ho-so-cua-toi"
}

func auditActions(t *testing.T, e *env, action string) []audit.Entry {
	t.Helper()
	all, err := e.app.Audit.List(t.Context(), audit.Filter{Limit: 1000})
	if err != nil {
		t.Fatal(err)
	}
	var out []audit.Entry
	for _, x := range all {
		if x.Action == action {
			out = append(out, x)
		}
	}
	return out
}

// TestVNeIDSignIn: a citizen presses the VNeID button, picks their
// identity at the provider (a real OpenID provider, code flow with PKCE)
// and lands signed in: the demo citizen, signed in with the password
// first, has the identity linked to that account; a person without an
// account gets one (once), even when someone else registered an account
// claiming their ID number (that account is not linked: its password
// must not open the verified person's account); the wizard's applicant
// is the verified identity, and every sign-in is in the audit log.
func TestVNeIDSignIn(t *testing.T) {
	t.Parallel()
	storetest.Engines(t, func(t *testing.T, db *store.DB) {
		e, _ := vneidEnv(t, db)
		people := demo.People()
		an, binh := people[0], people[len(people)-1]

		b, _ := e.vneidBrowser(t)
		if p := b.get("/dang-nhap"); !p.has(`id="vneid-login"`) || !p.has("Đăng nhập bằng VNeID") {
			t.Fatal("the login page has no VNeID button")
		}
		b.login(demo.Citizen.Username)
		var before string
		for _, c := range b.c.Jar.Cookies(b.base) {
			if c.Name == "motcua_session" {
				before = c.Value
			}
		}
		p := vneidPick(t, b, an)
		if p.status != 200 || p.url.Path != "/ho-so-cua-toi" {
			t.Fatalf("after VNeID: %d at %s", p.status, p.url)
		}
		a, err := e.app.Auth.UserByName(t.Context(), demo.Citizen.Username)
		if err != nil {
			t.Fatal(err)
		}
		if a.Verified == nil || a.Verified.IDNumber != an.IDNumber || a.Verified.BirthDate != an.BirthDate {
			t.Fatalf("the demo citizen's account was not linked: %+v", a.Verified)
		}
		// The password session ended with the new sign-in.
		if _, err := e.app.Auth.Authenticate(t.Context(), before); before == "" || err == nil {
			t.Fatalf("the session before the VNeID sign-in (%q) still works", before)
		}
		// The wizard's applicant is the verified identity.
		w := b.get("/nop-ho-so/" + signatureProc)
		for _, want := range []string{`value="` + an.Name + `"`, `value="` + an.IDNumber + `"`, `value="` + an.BirthDate + `"`, `id="vneid-verified"`} {
			if !w.has(want) {
				t.Errorf("step 1 lacks %s", want)
			}
		}
		if w.has(`id="for-other"`) {
			t.Error("filing for oneself is shown as on someone's behalf")
		}
		// Filing for someone else says so before anything is filed.
		w = b.post("/nop-ho-so/"+signatureProc, w.formWith(t, "unit", demo.GiaLamCode, "name", "Trần Văn Cường",
			"id_number", "037099000111", "delivery", "counter"))
		if w.status != 200 || !w.has(`id="for-other"`) {
			t.Fatalf("step 1 for another person: %d at %s, for-other shown %v", w.status, w.url, w.has(`id="for-other"`))
		}

		// Mallory registered with Bình's ID number, which nobody checked.
		err = db.InTx(t.Context(), func(tx *store.Tx) error {
			_, err := e.app.Auth.CreateUser(t.Context(), tx, auth.NewUser{User: auth.User{Username: "mallory", Kind: "citizen",
				FullName: "Mallory", IDNumber: binh.IDNumber}, Password: demo.Password})
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
		// A person with no account of their own: one is made, and signing
		// in again finds it.
		for range 2 {
			b2, _ := e.vneidBrowser(t)
			if p := vneidPick(t, b2, binh); p.url.Path != "/ho-so-cua-toi" {
				t.Fatalf("first sign-in of %s: at %s", binh.Name, p.url)
			}
		}
		nb, err := e.app.Auth.UserByName(t.Context(), binh.IDNumber)
		if err != nil {
			t.Fatalf("no account for %s: %v", binh.Name, err)
		}
		if !nb.IsCitizen() || nb.FullName != binh.Name || nb.IDNumber != binh.IDNumber || nb.Verified == nil {
			t.Fatalf("new account %+v", nb.User)
		}
		if m, err := e.app.Auth.UserByName(t.Context(), "mallory"); err != nil || m.Verified != nil || m.ID == nb.ID {
			t.Fatalf("mallory's account took %s's identity: %+v, %v", binh.Name, m.Verified, err)
		}
		// Its made-up password opens nothing.
		if _, _, err := e.app.Auth.Login(t.Context(), binh.IDNumber, ""); err == nil {
			t.Fatal("the new account signs in with an empty password")
		}
		logins := 0
		for _, x := range auditActions(t, e, "login") {
			if x.Details == "vneid" {
				logins++
			}
		}
		if logins != 3 || len(auditActions(t, e, "identity_linked")) != 2 || len(auditActions(t, e, "account_created")) != 1 {
			t.Fatalf("audit: %d VNeID logins, %d links, %d accounts created", logins, len(auditActions(t, e, "identity_linked")),
				len(auditActions(t, e, "account_created")))
		}
	})
}

// TestVNeIDRefusals: what can go wrong on the way back from the
// provider ends on the login page with a Vietnamese sentence, no session
// and no account: a state that is not this browser's, a replayed code, an
// ID token with a wrong nonce, the provider down.
func TestVNeIDRefusals(t *testing.T) {
	t.Parallel()
	storetest.Engines(t, func(t *testing.T, db *store.DB) {
		e, sim := vneidEnv(t, db)
		people := demo.People()
		an, binh := people[0], people[len(people)-1]
		refused := func(t *testing.T, b *citizenBrowser, p citizenPage, status int, sentence string) {
			t.Helper()
			if p.status != status || p.url.Path != "/dang-nhap/vneid/ve" && p.url.Path != "/dang-nhap/vneid" || !p.has(sentence) || !p.has(`id="login-error"`) {
				t.Fatalf("want %d with %q; got %d at %s\n%s", status, sentence, p.status, p.url, mainOf(p.body))
			}
			if signedIn(t, b) {
				t.Fatal("signed in after a refusal")
			}
			if _, err := e.app.Auth.UserByName(t.Context(), binh.IDNumber); !errors.Is(err, problem.ErrNotFound) {
				t.Fatalf("an account was made: %v", err)
			}
		}

		// A good sign-in, to replay its callback.
		b, calls := e.vneidBrowser(t)
		vneidPick(t, b, an)
		if len(*calls) != 1 || !signedIn(t, b) {
			t.Fatalf("sign-in: %d callbacks", len(*calls))
		}
		old, _ := url.Parse((*calls)[0])

		t.Run("callback replayed in another browser", func(t *testing.T) {
			b, _ := e.vneidBrowser(t)
			refused(t, b, b.get(old.RequestURI()), 422, "Phiên đăng nhập VNeID không hợp lệ")
		})
		t.Run("state of another attempt", func(t *testing.T) {
			b, calls := e.vneidBrowser(t)
			b.c.CheckRedirect = func(r *http.Request, via []*http.Request) error {
				if r.URL.Path == "/dang-nhap/vneid/ve" {
					*calls = append(*calls, r.URL.String())
					return http.ErrUseLastResponse
				}
				return nil
			}
			vneidPick(t, b, binh)
			cb, _ := url.Parse((*calls)[0])
			q := cb.Query()
			q.Set("state", "not-this-browsers")
			cb.RawQuery = q.Encode()
			refused(t, b, b.get(cb.RequestURI()), 422, "Phiên đăng nhập VNeID không hợp lệ")
		})
		t.Run("code replayed with a fresh state", func(t *testing.T) {
			// A new attempt's state cookie, then the old, spent code.
			b, calls := e.vneidBrowser(t)
			b.c.CheckRedirect = func(r *http.Request, via []*http.Request) error {
				if r.URL.Path == "/dang-nhap/vneid/ve" {
					*calls = append(*calls, r.URL.String())
					return http.ErrUseLastResponse
				}
				return nil
			}
			vneidPick(t, b, binh)
			cb, _ := url.Parse((*calls)[0])
			q := cb.Query()
			q.Set("code", old.Query().Get("code"))
			cb.RawQuery = q.Encode()
			refused(t, b, b.get(cb.RequestURI()), 401, "VNeID không xác nhận được lần đăng nhập này")
		})
		t.Run("wrong nonce in the ID token", func(t *testing.T) {
			sim.TamperNonce(true)
			defer sim.TamperNonce(false)
			b, _ := e.vneidBrowser(t)
			refused(t, b, vneidPick(t, b, binh), 401, "VNeID không xác nhận được lần đăng nhập này")
		})
		t.Run("provider down at the token exchange", func(t *testing.T) {
			b, calls := e.vneidBrowser(t)
			b.c.CheckRedirect = func(r *http.Request, via []*http.Request) error {
				if r.URL.Path == "/dang-nhap/vneid/ve" {
					*calls = append(*calls, r.URL.String())
					return http.ErrUseLastResponse
				}
				return nil
			}
			vneidPick(t, b, binh)
			cb, _ := url.Parse((*calls)[0])
			sim.SetDown(true)
			defer sim.SetDown(false)
			refused(t, b, b.get(cb.RequestURI()), 503, "Không kết nối được với hệ thống định danh VNeID")
		})
		if n := len(auditActions(t, e, "login_failed")); n != 5 {
			t.Fatalf("%d failed VNeID sign-ins audited, want 5", n)
		}

		// An issuer that cannot be reached: the button apologises.
		down := newEnvWith(t, db, func(cfg *server.Config) {
			cfg.VNeID = server.VNeIDConfig{Issuer: "http://127.0.0.1:1/vneid", ClientID: "motcua", ClientSecret: "x"}
		})
		b2 := down.portalVisitor(t, "")
		p := b2.get("/dang-nhap/vneid")
		if p.status != 503 || p.url.Path != "/dang-nhap/vneid" || !p.has("Không kết nối được với hệ thống định danh VNeID") || !p.has(`id="login-error"`) {
			t.Fatalf("issuer unreachable: %d at %s\n%s", p.status, p.url, mainOf(p.body))
		}
	})
}

// TestVNeIDLinkNeedsTheSession: an account joins a VNeID identity only if
// the browser is still signed in to it when VNeID sends it back. A
// citizen who starts from their password session and signs out before
// picking (a kiosk handed over mid-way) gets no link; the identity makes
// its own account.
func TestVNeIDLinkNeedsTheSession(t *testing.T) {
	t.Parallel()
	storetest.Engines(t, func(t *testing.T, db *store.DB) {
		e, _ := vneidEnv(t, db)
		an := demo.People()[0]
		b, _ := e.vneidBrowser(t)
		home := b.login(demo.Citizen.Username)
		pick := b.get("/dang-nhap/vneid")
		m := pickIDRE.FindStringSubmatch(pick.body)
		if m == nil {
			t.Fatalf("VNeID start: %d at %s", pick.status, pick.url)
		}
		if p := b.post("/dang-xuat", home.formWith(t)); signedIn(t, b) {
			t.Fatalf("still signed in after signing out: %d at %s", p.status, p.url)
		}
		p := b.post(server.VNeIDSimulatorPath+"/chon", url.Values{"id": {m[1]}, "subject": {vneidsim.Person{IDNumber: an.IDNumber}.Subject()}})
		if p.url.Path != "/ho-so-cua-toi" {
			t.Fatalf("after VNeID: %d at %s", p.status, p.url)
		}
		cd, err := e.app.Auth.UserByName(t.Context(), demo.Citizen.Username)
		if err != nil || cd.Verified != nil {
			t.Fatalf("the signed-out account was linked: %+v, %v", cd.Verified, err)
		}
		if n, err := e.app.Auth.UserByName(t.Context(), an.IDNumber); err != nil || n.Verified == nil || n.Verified.IDNumber != an.IDNumber {
			t.Fatalf("no account of its own for the identity: %v", err)
		}
	})
}
