package server_test

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/motcua/motcua/auth"
	"github.com/motcua/motcua/demo"
	"github.com/motcua/motcua/store"
	"github.com/motcua/motcua/store/storetest"
)

// oauthPost sends a token request; basic says whether the client
// authenticates by HTTP Basic (else id and secret go in the form).
func oauthPost(t testing.TB, e *env, id, secret string, basic bool, form url.Values) (int, map[string]any, http.Header) {
	t.Helper()
	if !basic && id != "" {
		form.Set("client_id", id)
		form.Set("client_secret", secret)
	}
	req, _ := http.NewRequest("POST", e.srv.URL+"/api/v1/oauth/token", strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	if basic {
		req.SetBasicAuth(url.QueryEscape(id), url.QueryEscape(secret))
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	var out map[string]any
	if err := json.Unmarshal(b, &out); err != nil {
		t.Fatalf("token answer %q: %v", b, err)
	}
	return resp.StatusCode, out, resp.Header
}

// clientToken gets a client's access token through the token endpoint.
func clientToken(t testing.TB, e *env, id, secret string) string {
	t.Helper()
	status, out, _ := oauthPost(t, e, id, secret, true, url.Values{"grant_type": {"client_credentials"}})
	tok, _ := out["access_token"].(string)
	if status != 200 || tok == "" || out["token_type"] != "Bearer" || out["expires_in"] != float64(900) {
		t.Fatalf("token for %s: %d %v", id, status, out)
	}
	return tok
}

func addClient(t testing.TB, e *env, unitCode string, rate int, ops ...string) (id, secret string) {
	t.Helper()
	ctx := context.Background()
	u, err := e.app.Units.ByCode(ctx, unitCode)
	if err != nil {
		t.Fatal(err)
	}
	id, secret, err = e.app.Auth.AddClientAsOperator(ctx, auth.NewClient{Name: "Cổng dịch vụ công tỉnh", Ops: ops, RatePerMinute: rate,
		Rights: []auth.ClientRight{{UnitID: u.ID, Right: auth.ReadDossier}}})
	if err != nil {
		t.Fatal(err)
	}
	return id, secret
}

// The token endpoint answers as RFC 6749 says: §4.4 for a good request,
// §5.2's error shapes otherwise.
func TestOAuthTokenEndpoint(t *testing.T) {
	storetest.Engines(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		id, secret := addClient(t, e, demo.GiaLamCode, 0, auth.OpDossiersRead)
		cc := url.Values{"grant_type": {"client_credentials"}}
		for _, c := range []struct {
			name         string
			id, secret   string
			basic        bool
			form         url.Values
			status       int
			code         string
			wwwAuthBasic bool
		}{
			{"no grant type", id, secret, true, url.Values{}, 400, "invalid_request", false},
			{"password grant", id, secret, true, url.Values{"grant_type": {"password"}}, 400, "unsupported_grant_type", false},
			{"wrong secret (basic)", id, secret + "x", true, cc, 401, "invalid_client", true},
			{"unknown client (form)", "mc-khong-co", secret, false, url.Values{"grant_type": {"client_credentials"}}, 401, "invalid_client", true},
			{"no credentials", "", "", false, url.Values{"grant_type": {"client_credentials"}}, 401, "invalid_client", true},
			{"scope beyond", id, secret, true, url.Values{"grant_type": {"client_credentials"}, "scope": {"payments:write"}}, 400, "invalid_scope", false},
			{"basic and form secret", id, secret, true, url.Values{"grant_type": {"client_credentials"}, "client_secret": {secret}}, 400, "invalid_request", false},
			{"form credentials", id, secret, false, url.Values{"grant_type": {"client_credentials"}}, 200, "", false},
			{"basic", id, secret, true, cc, 200, "", false},
		} {
			status, out, h := oauthPost(t, e, c.id, c.secret, c.basic, c.form)
			if status != c.status || c.code != "" && out["error"] != c.code || c.status == 200 && out["scope"] != "dossiers:read" ||
				c.wwwAuthBasic != strings.HasPrefix(h.Get("WWW-Authenticate"), "Basic") || h.Get("Cache-Control") != "no-store" {
				t.Errorf("%s: %d %v %v", c.name, status, out, h)
			}
		}
	})
}

// A system account reads its commune's dossiers and no other's, reaches
// only the routes of its operations, is on record as the actor of what it
// does, is throttled on its own and stops at once when revoked.
func TestSystemAccountAPI(t *testing.T) {
	storetest.Engines(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		ctx := context.Background()
		here := e.submit("1.013978", demo.GiaLamCode)
		there := e.submit("1.012786", demo.DistrictCode)
		id, secret := addClient(t, e, demo.GiaLamCode, 0, auth.OpDossiersRead)
		e.tokens[id] = clientToken(t, e, id, secret)
		e.must(e.call(id, "GET", "/api/v1/dossiers/"+here.Code, nil, nil), 200)
		if r := e.call(id, "GET", "/api/v1/dossiers/"+there.Code, nil, nil); r.status != 404 && r.status != 403 {
			t.Fatalf("the district's dossier: %d %s", r.status, r.body)
		}
		r := e.must(e.call(id, "GET", "/api/v1/dossiers", nil, nil), 200)
		if strings.Contains(string(r.body), there.Code) || !strings.Contains(string(r.body), here.Code) {
			t.Fatalf("list %s", r.body)
		}
		// Beyond its operations: 403 with a stable code, whatever its unit right.
		for _, c := range []struct{ method, path string }{
			{"POST", "/api/v1/dossiers/" + here.Code + "/payment-requests"},
			{"GET", "/api/v1/dossiers/" + here.Code + "/payments"},
			{"GET", "/api/v1/me"},
			{"GET", "/api/v1/audit"},
			{"POST", "/api/v1/dossiers/" + here.Code + "/actions/refuse"},
		} {
			r := e.call(id, c.method, c.path, map[string]any{}, nil)
			if r.status != 403 || !strings.Contains(string(r.body), `"code":"forbidden"`) {
				t.Errorf("%s %s: %d %s", c.method, c.path, r.status, r.body)
			}
		}
		e.must(e.call(id, "GET", "/api/v1/procedures/1.013978", nil, nil), 200)

		// Its read is on record with the client as the actor.
		sup := officer(auth.Supervisor, demo.DistrictCode)
		r = e.must(e.call(sup, "GET", "/api/v1/audit?action=dossier_read", nil, nil), 200)
		if !strings.Contains(string(r.body), "Cổng dịch vụ công tỉnh") {
			t.Errorf("the client's read is not in the audit log: %s", r.body)
		}

		// Revoked: its live token fails at once.
		if err := e.app.Auth.RevokeClientAsOperator(ctx, id); err != nil {
			t.Fatal(err)
		}
		e.must(e.call(id, "GET", "/api/v1/dossiers/"+here.Code, nil, nil), 401)

		// Its own rate: 3 a minute; the fourth request waits.
		slow, slowSecret := addClient(t, e, demo.GiaLamCode, 3, auth.OpDossiersRead)
		e.tokens[slow] = clientToken(t, e, slow, slowSecret) // one
		e.must(e.call(slow, "GET", "/api/v1/dossiers/"+here.Code, nil, nil), 200)
		e.must(e.call(slow, "GET", "/api/v1/dossiers/"+here.Code, nil, nil), 200)
		r = e.must(e.call(slow, "GET", "/api/v1/dossiers/"+here.Code, nil, nil), 429)
		if r.header.Get("Retry-After") == "" {
			t.Fatal("no Retry-After")
		}
		e.clock.Add(time.Minute)
		e.must(e.call(slow, "GET", "/api/v1/dossiers/"+here.Code, nil, nil), 200)
	})
}

// A system account holding dossier.file at a commune submits a dossier
// there (online, on the applicant's behalf) and reads it back; it may not
// file at another unit, nor without dossiers:write.
func TestSystemAccountFiles(t *testing.T) {
	storetest.Engines(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		ctx := context.Background()
		u, err := e.app.Units.ByCode(ctx, demo.GiaLamCode)
		if err != nil {
			t.Fatal(err)
		}
		add := func(ops ...string) string {
			id, secret, err := e.app.Auth.AddClientAsOperator(ctx, auth.NewClient{Name: "Ứng dụng công dân", Ops: ops,
				Rights: []auth.ClientRight{{UnitID: u.ID, Right: auth.FileDossier}}})
			if err != nil {
				t.Fatal(err)
			}
			e.tokens[id] = clientToken(t, e, id, secret)
			return id
		}
		filer, reader := add(auth.OpDossiersRead, auth.OpDossiersWrite), add(auth.OpDossiersRead)
		p := e.procedure("1.013978")
		var d dossierView
		e.must(e.call(filer, "POST", "/api/v1/dossiers", submission(p, demo.GiaLamCode), &d), 201)
		e.must(e.call(filer, "GET", "/api/v1/dossiers/"+d.Code, nil, nil), 200)
		if r := e.call(reader, "POST", "/api/v1/dossiers", submission(p, demo.GiaLamCode), nil); r.status != 403 {
			t.Fatalf("filed without dossiers:write: %d %s", r.status, r.body)
		}
		q := e.procedure("1.012786")
		if r := e.call(filer, "POST", "/api/v1/dossiers", submission(q, demo.DistrictCode), nil); r.status != 403 {
			t.Fatalf("filed at the district: %d %s", r.status, r.body)
		}
	})
}
