package server_test

import (
	"fmt"
	"testing"
	"time"

	"github.com/motcua/motcua/demo"
	"github.com/motcua/motcua/report"
	"github.com/motcua/motcua/store"
	"github.com/motcua/motcua/store/storetest"
)

// reports766World files two dossiers through the real services at Gia
// Lâm on Monday 2 March 2026: one decided across levels, one received and
// left in progress. Both are online and on time.
func reports766World(t *testing.T, e *env) (done, open string) {
	t.Helper()
	p := interLevel(t)
	d := e.submit(p.Code, demo.GiaLamCode)
	o := e.submit(p.Code, demo.GiaLamCode)
	e.advance(time.Hour)
	d = e.mustAct("gialam.tiepnhan", d.Code, "receive", nil)
	e.mustAct("gialam.tiepnhan", o.Code, "receive", nil)
	for d.Status == "processing" {
		action := map[bool]string{true: "approve", false: "forward"}[d.StepRole == "leader"]
		e.advance(30 * time.Minute)
		d = e.mustAct(officer(d.StepRole, d.Unit), d.Code, action, nil)
	}
	return d.Code, o.Code
}

// TestReports766API: the scorecard, its drill-down and the analytics of
// dossiers made through the real services, and every refusal with its
// stable code.
func TestReports766API(t *testing.T) {
	t.Parallel()
	storetest.Engines(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		done, open := reports766World(t, e)
		// A period ending today: the open dossier is judged as of today
		// (the end of the period, as in II.06a).
		const period = "&from=2026-03-01&to=2026-03-02"
		var sc report.Scorecard
		e.must(e.call("huyen.lanhdao", "GET", "/api/v1/reports/766?unit="+demo.DistrictCode+period, nil, &sc), 200)
		ind := map[string]report.Indicator{}
		for _, g := range sc.Groups {
			for _, in := range g.Indicators {
				ind[in.Key] = in
			}
		}
		// One resolved early, one in progress within its time: 2/2 on time; both online.
		if in := ind["2.1"]; !in.Computable || in.Numerator != 2 || in.Denominator != 2 || in.Score != 20 {
			t.Errorf("2.1: %+v", in)
		}
		if in := ind["3.3"]; in.Numerator != 2 || in.Denominator != 2 || in.Score != 4 {
			t.Errorf("3.3: %+v", in)
		}
		// Not connected to the national portal: both received, neither
		// synchronised (package dvcqg keeps their calls waiting).
		if in := ind["1.4"]; !in.Computable || in.Numerator != 0 || in.Denominator != 2 || in.Score != 0 {
			t.Errorf("1.4: %+v", in)
		}
		var page report.ScoreDossierPage
		e.must(e.call("huyen.lanhdao", "GET", "/api/v1/reports/766/2.1/dossiers?unit="+demo.DistrictCode+period, nil, &page), 200)
		if len(page.Dossiers) != 2 || page.Numerator != 2 || page.Dossiers[0].Code != done || page.Dossiers[1].Code != open ||
			page.Dossiers[0].Finished == nil || page.Dossiers[1].Finished != nil || !page.Dossiers[0].Counted {
			t.Errorf("2.1's dossiers: %+v", page)
		}
		e.must(e.call("huyen.lanhdao", "GET", "/api/v1/reports/766/2.1/dossiers?counted=1&limit=1&offset=1&unit="+demo.DistrictCode+period, nil, &page), 200)
		if len(page.Dossiers) != 1 || page.Dossiers[0].Code != open {
			t.Errorf("the second counted dossier: %+v", page)
		}
		// The commune's leader reads the commune's own scorecard.
		e.must(e.call("gialam.lanhdao", "GET", "/api/v1/reports/766?unit="+demo.GiaLamCode+period, nil, &sc), 200)
		var pr report.Processing
		e.must(e.call("huyen.giamsat", "GET", "/api/v1/reports/processing?unit="+demo.DistrictCode+period, nil, &pr), 200)
		steps, officers := 0, 0
		for _, s := range pr.Steps {
			steps += s.Count
			if s.Name == "" || s.Min > s.Median || s.Median > s.P90 || s.Min != 0.5 {
				t.Errorf("step %+v: each stay lasted 30 working minutes", s)
			}
		}
		for _, o := range pr.Officers {
			officers += o.Count
		}
		if steps == 0 || steps != officers || len(pr.Late) != 0 {
			t.Errorf("analytics: %d stays by step, %d by officer, %d late", steps, officers, len(pr.Late))
		}

		for _, c := range []struct {
			name, user, path string
			status           int
			code             string
		}{
			{"anonymous", "", "/api/v1/reports/766?unit=" + demo.DistrictCode + period, 401, "unauthorized"},
			{"a citizen", "congdan", "/api/v1/reports/766?unit=" + demo.GiaLamCode + period, 403, "forbidden"},
			{"a specialist", "gialam.chuyenvien", "/api/v1/reports/766?unit=" + demo.GiaLamCode + period, 403, "forbidden"},
			{"the commune's leader at the district", "gialam.lanhdao", "/api/v1/reports/processing?unit=" + demo.DistrictCode + period, 403, "forbidden"},
			{"no unit", "huyen.lanhdao", "/api/v1/reports/766?from=2026-03-01&to=2026-03-31", 422, "unit_required"},
			{"an unknown unit", "huyen.lanhdao", "/api/v1/reports/766?unit=000.99.99.H99" + period, 404, "unit_not_found"},
			{"a bad day", "huyen.lanhdao", "/api/v1/reports/766?unit=" + demo.DistrictCode + "&from=2026-3-1&to=2026-03-31", 422, "invalid_date"},
			{"no period", "huyen.lanhdao", "/api/v1/reports/processing?unit=" + demo.DistrictCode, 422, "invalid_date"},
			{"a period ending before it starts", "huyen.lanhdao", "/api/v1/reports/766?unit=" + demo.DistrictCode + "&from=2026-03-31&to=2026-03-01", 422, "invalid_period"},
			{"an unknown indicator", "huyen.lanhdao", "/api/v1/reports/766/9.9/dossiers?unit=" + demo.DistrictCode + period, 404, "indicator_not_found"},
			{"an indicator over procedures", "huyen.lanhdao", "/api/v1/reports/766/3.1/dossiers?unit=" + demo.DistrictCode + period, 422, "indicator_no_dossiers"},
			{"an indicator motcua cannot compute", "huyen.lanhdao", "/api/v1/reports/766/4.5/dossiers?unit=" + demo.DistrictCode + period, 422, "indicator_no_dossiers"},
			{"a bad limit", "huyen.lanhdao", "/api/v1/reports/766/2.1/dossiers?limit=-1&unit=" + demo.DistrictCode + period, 422, "invalid_limit"},
			{"a bad filter", "huyen.lanhdao", "/api/v1/reports/766/2.1/dossiers?counted=yes&unit=" + demo.DistrictCode + period, 422, "invalid_filter"},
		} {
			t.Run(c.name, func(t *testing.T) {
				r := e.call(c.user, "GET", c.path, nil, nil)
				if r.status != c.status || r.errCode() != c.code || r.message() == "" {
					t.Errorf("%d %s %q, want %d %s", r.status, r.errCode(), r.message(), c.status, c.code)
				}
				if r.status == 422 && r.message() == fmt.Sprintf("err.%s", c.code) {
					t.Errorf("no sentence for %s", c.code)
				}
			})
		}
	})
}
