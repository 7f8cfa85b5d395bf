package server_test

import (
	"bytes"
	"strings"
	"testing"

	"github.com/motcua/motcua/demo"
	"github.com/motcua/motcua/report"
	"github.com/motcua/motcua/store"
	"github.com/motcua/motcua/store/storetest"
)

// TestII06aAPI: GET /api/v1/reports/ii06a gives a unit's leaders and
// those above them the report in each format, and says in a stable code
// what is wrong with a request: a bad period, view or format, a unit that
// does not exist, one outside the caller's scope.
func TestII06aAPI(t *testing.T) {
	t.Parallel()
	storetest.Engines(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		// One dossier received at Gia Lâm and resolved, one received and open.
		done := e.submit("1.001193", demo.GiaLamCode)
		e.mustAct("gialam.tiepnhan", done.Code, "receive", nil)
		e.processToResult(done.Code)
		open := e.submit("1.001193", demo.GiaLamCode)
		e.mustAct("gialam.tiepnhan", open.Code, "receive", nil)

		path := func(unit, rest string) string {
			return "/api/v1/reports/ii06a?unit=" + unit + "&from=2026-03-01&to=2026-03-31" + rest
		}
		var rep report.II06a
		e.must(e.call("huyen.lanhdao", "GET", path(demo.DistrictCode, ""), nil, &rep), 200)
		if rep.Unit != demo.DistrictCode || rep.View != report.ViewUnit || len(rep.Rows) < 2 || rep.Rows[0].Code != demo.DistrictCode {
			t.Fatalf("the district's report: %+v", rep)
		}
		if tot := rep.Total; tot.Received != 2 || tot.NewOnline != 2 || tot.Resolved != 1 || tot.InProgress != 1 {
			t.Errorf("district total %+v, want 2 received online, 1 resolved, 1 in progress", tot)
		}
		var gl *report.II06aRow
		for i, r := range rep.Rows {
			if r.Code == demo.GiaLamCode {
				gl = &rep.Rows[i]
			}
		}
		if gl == nil || gl.Figures != rep.Total || gl.Depth != 1 {
			t.Errorf("Gia Lâm's row %+v, want the whole total one level down", gl)
		}
		// The commune's leader reads their own unit, by field.
		var own report.II06a
		e.must(e.call("gialam.lanhdao", "GET", path(demo.GiaLamCode, "&view=field"), nil, &own), 200)
		if own.View != report.ViewField || own.Total != rep.Total || len(own.Rows) != 1 {
			t.Errorf("Gia Lâm by field: %+v", own)
		}
		for _, f := range []struct{ format, ctype, magic string }{
			{"xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "PK"},
			{"pdf", "application/pdf", "%PDF-"},
		} {
			r := e.must(e.call("huyen.lanhdao", "GET", path(demo.DistrictCode, "&view=procedure&format="+f.format), nil, nil), 200)
			if r.header.Get("Content-Type") != f.ctype || !bytes.HasPrefix(r.body, []byte(f.magic)) ||
				!strings.Contains(r.header.Get("Content-Disposition"), `filename="II06a-`+demo.DistrictCode+`-20260301-20260331-procedure.`+f.format+`"`) {
				t.Errorf("%s: %s %q %.8q", f.format, r.header.Get("Content-Type"), r.header.Get("Content-Disposition"), r.body)
			}
		}

		for _, c := range []struct {
			name, user, path string
			status           int
			code             string
		}{
			{"anonymous", "", path(demo.DistrictCode, ""), 401, "unauthorized"},
			{"a citizen", "congdan", path(demo.GiaLamCode, ""), 403, "forbidden"},
			{"a commune's leader asking for the district", "gialam.lanhdao", path(demo.DistrictCode, ""), 403, "forbidden"},
			{"a reception officer", "gialam.tiepnhan", path(demo.GiaLamCode, ""), 403, "forbidden"},
			{"an unknown unit", "huyen.lanhdao", path("000.99.99.H40", ""), 404, "unit_not_found"},
			{"no unit", "huyen.lanhdao", "/api/v1/reports/ii06a?from=2026-03-01&to=2026-03-31", 422, "unit_required"},
			{"a malformed day", "huyen.lanhdao", "/api/v1/reports/ii06a?unit=" + demo.DistrictCode + "&from=2026-13-01&to=2026-03-31", 422, "invalid_period"},
			{"the end before the start", "huyen.lanhdao", "/api/v1/reports/ii06a?unit=" + demo.DistrictCode + "&from=2026-03-31&to=2026-03-01", 422, "invalid_period"},
			{"no end", "huyen.lanhdao", "/api/v1/reports/ii06a?unit=" + demo.DistrictCode + "&from=2026-03-01", 422, "invalid_period"},
			{"an unknown view", "huyen.lanhdao", path(demo.DistrictCode, "&view=month"), 422, "invalid_view"},
			{"an unknown format", "huyen.lanhdao", path(demo.DistrictCode, "&format=docx"), 422, "invalid_format"},
		} {
			t.Run(c.name, func(t *testing.T) {
				r := e.call(c.user, "GET", c.path, nil, nil)
				if r.status != c.status || r.errCode() != c.code || r.message() == "" {
					t.Errorf("%d %s %q, want %d %s", r.status, r.errCode(), r.message(), c.status, c.code)
				}
			})
		}
	})
}

// ii06aAt is the report of March 2026 at the target unit, for the scope matrix.
func ii06aAt(base string) func(*scopeTarget) string {
	return func(tg *scopeTarget) string { return base + "?unit=" + tg.unit + "&from=2026-03-01&to=2026-03-31" }
}
