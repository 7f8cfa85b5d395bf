package server_test

import (
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"testing"

	"github.com/motcua/motcua/api"
	"github.com/motcua/motcua/demo"
	"github.com/motcua/motcua/store"
	"github.com/motcua/motcua/store/storetest"
	"github.com/motcua/motcua/unit"
)

func TestCatalogAndUnits(t *testing.T) {
	t.Parallel()
	storetest.Engines(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		var res struct {
			Procedures []struct{ Code, Name, Field string }
		}
		cases := []struct {
			q        string
			wantName string // a procedure whose name must be found
		}{
			{"tach thua dat", "tách thửa"},
			{"TÁCH THỬA", "tách thửa"},
			{"dat dai", ""},
		}
		for _, c := range cases {
			e.must(e.call("", "GET", "/api/v1/procedures?q="+urlq(c.q), nil, &res), 200)
			if len(res.Procedures) == 0 {
				t.Fatalf("%q found nothing", c.q)
			}
			if c.wantName != "" && !strings.Contains(strings.ToLower(res.Procedures[0].Name), c.wantName) {
				t.Fatalf("%q: first hit %q", c.q, res.Procedures[0].Name)
			}
		}
		e.must(e.call("", "GET", "/api/v1/procedures?q=khong+co+thu+tuc+nay+xyz", nil, &res), 200)
		if len(res.Procedures) != 0 {
			t.Fatalf("nonsense query found %d", len(res.Procedures))
		}
		// Filtering by unit keeps only procedures at that unit's level.
		var all, atProvince struct{ Procedures []struct{ Levels []string } }
		e.must(e.call("", "GET", "/api/v1/procedures", nil, &all), 200)
		e.must(e.call("", "GET", "/api/v1/procedures?unit="+demo.ProvinceCode, nil, &atProvince), 200)
		if len(all.Procedures) < 30 || len(atProvince.Procedures) >= len(all.Procedures) {
			t.Fatalf("catalog %d, at province %d", len(all.Procedures), len(atProvince.Procedures))
		}
		if r := e.call("", "GET", "/api/v1/procedures/9.999999", nil, nil); r.status != 404 || r.errCode() != "procedure_not_found" {
			t.Fatalf("missing procedure: %d %s", r.status, r.body)
		}
		var units struct{ Units []unit.Unit }
		e.must(e.call("", "GET", "/api/v1/units", nil, &units), 200)
		if len(units.Units) < 29 {
			t.Fatalf("%d demo units", len(units.Units))
		}
	})
}

func urlq(s string) string { return strings.ReplaceAll(s, " ", "+") }

func TestErrorsHaveOneShape(t *testing.T) {
	t.Parallel()
	e := newEnv(t, storetest.Open(t, "sqlite"))
	p := interLevel(t)
	good := submission(e.procedure(p.Code), demo.GiaLamCode)
	bad := func(mut func(m map[string]any)) map[string]any {
		b, _ := json.Marshal(good)
		var m map[string]any
		json.Unmarshal(b, &m)
		mut(m)
		return m
	}
	cases := []struct {
		name   string
		body   any
		status int
		code   string
	}{
		{"unknown procedure", bad(func(m map[string]any) { m["procedure"] = "0.000000" }), 404, "procedure_not_found"},
		{"unknown unit", bad(func(m map[string]any) { m["unit"] = "999.99.99.H99" }), 422, "unit_not_found"},
		{"no name", bad(func(m map[string]any) { m["applicant"].(map[string]any)["name"] = "  " }), 422, "applicant_name_required"},
		{"bad ID number", bad(func(m map[string]any) { m["applicant"].(map[string]any)["id_number"] = "12ab" }), 422, "invalid_id_number"},
		{"bad phone", bad(func(m map[string]any) { m["applicant"].(map[string]any)["phone"] = "12345" }), 422, "invalid_phone"},
		{"post without address", bad(func(m map[string]any) {
			m["delivery"] = "post"
			m["applicant"].(map[string]any)["address"] = ""
		}), 422, "address_required"},
		{"bad delivery", bad(func(m map[string]any) { m["delivery"] = "drone" }), 422, "invalid_delivery"},
		{"unknown form field", bad(func(m map[string]any) { m["form"].(map[string]any)["hacker"] = "x" }), 422, "unknown_form_field"},
		{"unknown body field", bad(func(m map[string]any) { m["colour"] = "red" }), 422, "invalid_json"},
		{"citizen at the counter", bad(func(m map[string]any) { m["channel"] = "counter" }), 422, "invalid_channel"},
	}
	for _, f := range p.Form {
		if f.Required {
			key := f.Key
			cases = append(cases, struct {
				name   string
				body   any
				status int
				code   string
			}{"missing " + key, bad(func(m map[string]any) { delete(m["form"].(map[string]any), key) }), 422, "form_field_required"})
			break
		}
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			r := e.call("congdan", "POST", "/api/v1/dossiers", c.body, nil)
			if r.status != c.status || r.errCode() != c.code {
				t.Fatalf("got %d %s, want %d %s", r.status, r.body, c.status, c.code)
			}
			var shape struct {
				Error struct{ Code, Message string }
			}
			json.Unmarshal(r.body, &shape)
			if shape.Error.Message == "" || !regexp.MustCompile(`[à-ỹđ]`).MatchString(strings.ToLower(shape.Error.Message)) {
				t.Fatalf("message should be Vietnamese: %q", shape.Error.Message)
			}
		})
	}
	// Nothing was saved by any of them.
	var n int
	if err := e.app.DB.QueryRowContext(t.Context(), `SELECT COUNT(*) FROM dossiers`).Scan(&n); err != nil || n != 0 {
		t.Fatalf("%d dossiers saved by bad requests", n)
	}
	if r := e.call("", "GET", "/api/v1/nope", nil, nil); r.status != 404 || r.errCode() != "no_route" {
		t.Fatalf("unknown route: %d %s", r.status, r.body)
	}
	if r := e.call("congdan", "POST", "/api/v1/dossiers/X/actions/dance", nil, nil); r.status != 404 || r.errCode() != "unknown_action" {
		t.Fatalf("unknown action: %d %s", r.status, r.body)
	}
	if r := e.call("", "POST", "/api/v1/auth/token", map[string]string{"username": "congdan", "password": "sai"}, nil); r.status != 401 || r.errCode() != "bad_credentials" {
		t.Fatalf("bad password: %d %s", r.status, r.body)
	}
}

// TestOpenAPIDescribesEveryRoute keeps the document honest.
func TestOpenAPIDescribesEveryRoute(t *testing.T) {
	t.Parallel()
	e := newEnv(t, storetest.Open(t, "sqlite"))
	var doc struct {
		OpenAPI string
		Paths   map[string]map[string]any
	}
	e.must(e.call("", "GET", "/api/v1/openapi.json", nil, &doc), 200)
	if !strings.HasPrefix(doc.OpenAPI, "3.") {
		t.Fatalf("openapi version %q", doc.OpenAPI)
	}
	for _, rt := range (&api.Server{}).Routes() {
		method, path, _ := strings.Cut(rt.Pattern, " ")
		if _, ok := doc.Paths[path][strings.ToLower(method)]; !ok {
			t.Errorf("route %s is not in openapi.json", rt.Pattern)
		}
	}
}

func TestHealthAndMetrics(t *testing.T) {
	t.Parallel()
	e := newEnv(t, storetest.Open(t, "sqlite"))
	p := interLevel(t)
	e.submit(p.Code, demo.GiaLamCode)
	resp, err := http.Get(e.srv.URL + "/healthz")
	if err != nil || resp.StatusCode != 200 {
		t.Fatalf("healthz: %v %v", resp, err)
	}
	resp.Body.Close()
	// The metrics have their own listener (motcua serve --metrics-addr).
	scrape := httptest.NewServer(e.app.Metrics)
	defer scrape.Close()
	resp, err = http.Get(scrape.URL + "/metrics")
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	for _, want := range []string{
		`motcua_dossiers{state="submitted"} 1`,
		`motcua_http_requests_total{code="201",method="POST",route="POST /api/v1/dossiers"} 1`,
		`motcua_http_request_duration_seconds_bucket{route="GET /api/v1/procedures/{code}"`,
		// The online submission notified the citizen in the app at once, by e-mail later.
		`motcua_notifications{channel="inapp",status="sent"} 1`,
		`motcua_notifications{channel="email",status="pending"} 1`,
	} {
		if !strings.Contains(string(b), want) {
			t.Errorf("metrics lack %s", want)
		}
	}
	// Draining (serve --drain): the load balancer's check fails, the rest
	// is still served.
	e.app.Drain()
	for path, want := range map[string]int{"/healthz": 503, "/api/v1/procedures": 200} {
		resp, err := http.Get(e.srv.URL + path)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != want {
			t.Errorf("%s while draining: %d, want %d", path, resp.StatusCode, want)
		}
	}
}

func TestUnitMergeKeepsHistory(t *testing.T) {
	t.Parallel()
	storetest.Engines(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		p := interLevel(t)
		open := e.submit(p.Code, demo.GiaLamCode)
		e.mustAct("gialam.tiepnhan", open.Code, "receive", nil)
		ctx := t.Context()
		const giaSon = "000.03.07.H40"
		// July 2025: Gia Lâm is merged into Gia Sơn, which is then renamed and recoded.
		err := db.InTx(ctx, func(tx *store.Tx) error {
			if err := e.app.Units.Merge(ctx, tx, demo.GiaLamCode, giaSon, "Nghị quyết sắp xếp đơn vị hành chính cấp xã 2025"); err != nil {
				return err
			}
			return e.app.Units.Rename(ctx, tx, giaSon, "000.01.40.H40", "UBND xã Gia Lâm (mới)", "Sắp xếp 2025")
		})
		if err != nil {
			t.Fatal(err)
		}
		old, err := e.app.Units.ByCode(ctx, demo.GiaLamCode)
		if err != nil || old.Active || old.MergedInto != "000.01.40.H40" {
			t.Fatalf("old code: %+v %v", old, err)
		}
		renamed, err := e.app.Units.ByCode(ctx, giaSon)
		if err != nil || renamed.Code != "000.01.40.H40" {
			t.Fatalf("old code of the renamed unit: %+v %v", renamed, err)
		}
		// The open dossier keeps its code and history and moves to the new unit.
		d := e.get("gialam.tiepnhan", open.Code)
		if d.Code != open.Code || len(d.History) != 2 {
			t.Fatalf("dossier after merge: %+v", d)
		}
		if d.ReceivingUnit != "000.01.40.H40" {
			t.Fatalf("open dossier's desk is %s, want the successor", d.ReceivingUnit)
		}
		if d.History[0].Unit != "UBND xã Gia Lâm" {
			t.Fatalf("history should still name the unit that received it: %q", d.History[0].Unit)
		}
		// New dossiers cannot be filed at the merged unit, with a message naming the successor.
		r := e.call("congdan", "POST", "/api/v1/dossiers", submission(e.procedure(p.Code), demo.GiaLamCode), nil)
		if r.status != 422 || r.errCode() != "unit_inactive" || !strings.Contains(string(r.body), "000.01.40.H40") {
			t.Fatalf("filing at a merged unit: %d %s", r.status, r.body)
		}
	})
}
