package server_test

import (
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/motcua/motcua/demo"
)

// TestStatsDashboard: the leader's dashboard on both engines — figures of
// the units in the leader's scope, the overdue list, charts with their
// tables, the unit picker cut to the scope, and each bad input refused in
// Vietnamese.
func TestStatsDashboard(t *testing.T) {
	t.Parallel()
	runOfficeScenarios(t, []officeScenario{
		{"a district leader's figures", testDashboardFigures},
		{"the picker, the period and who sees the way in", testDashboardInputs},
	})
}

// tile reads one figure off the dashboard.
func tile(t *testing.T, body, id string) string {
	t.Helper()
	m := regexp.MustCompile(`id="` + regexp.QuoteMeta(id) + `">([^<]*)<`).FindStringSubmatch(body)
	if m == nil {
		t.Fatalf("dashboard has no figure %s", id)
	}
	return m[1]
}

func testDashboardFigures(t *testing.T, e *env) {
	p := communeOnly(t)
	online := e.submit(p.Code, demo.GiaLamCode).Code
	d := e.mustAct("gialam.tiepnhan", online, "receive", nil)
	// Past its appointment by a day: overdue in the list.
	e.advance(d.DueAt.Sub(e.clock.Now()) + 24*time.Hour)

	b := e.officeLogin("huyen.lanhdao")
	status, body, _ := b.get("/can-bo/thong-ke/tong-quan")
	if status != 200 {
		t.Fatalf("dashboard: %d\n%s", status, body)
	}
	if got := tile(t, body, "t-received"); got != "1" {
		t.Errorf("received %s, want the one dossier", got)
	}
	if got := tile(t, body, "t-online"); got != "100,0%" {
		t.Errorf("online share %s, want 100,0%% (submitted on the portal)", got)
	}
	if got := tile(t, body, "t-ontime"); got != "–" {
		t.Errorf("on-time rate %s with nothing resolved, want –", got)
	}
	overdue := regexp.MustCompile(`(?s)<table id="overdue-table">.*?</table>`).FindString(body)
	if !strings.Contains(overdue, online) || !strings.Contains(overdue, "UBND xã Gia Lâm") {
		t.Errorf("overdue list does not show %s at Gia Lâm:\n%s", online, overdue)
	}
	// The by-unit table has Gia Lâm, linked to its own dashboard.
	units := regexp.MustCompile(`(?s)<table id="by-unit-table">.*?</table>`).FindString(body)
	if !strings.Contains(units, `?unit=`+demo.GiaLamCode) {
		t.Errorf("by-unit table does not link Gia Lâm:\n%s", units)
	}
	// Three charts (the steps' waits for a dossier to leave one), each an
	// image with a table behind it; no script of their own.
	if n := strings.Count(body, `role="img"`); n != 3 {
		t.Errorf("%d chart images, want 3", n)
	}
	if n := strings.Count(body, `<details class="chart-data">`); n != 3 {
		t.Errorf("%d chart tables, want 3", n)
	}
	if strings.Count(body, "<script") != 1 {
		t.Error("the dashboard adds scripts of its own")
	}
	// The commune's leader sees the same dossier under their commune.
	status, body, _ = e.officeLogin("gialam.lanhdao").get("/can-bo/thong-ke/tong-quan")
	if status != 200 || tile(t, body, "t-received") != "1" || !strings.Contains(body, online) {
		t.Errorf("the commune's dashboard: %d, received %s", status, tile(t, body, "t-received"))
	}
}

func testDashboardInputs(t *testing.T, e *env) {
	options := regexp.MustCompile(`<option value="([^"]+)"`)
	picker := func(body string) []string {
		var out []string
		for _, m := range options.FindAllStringSubmatch(body, -1) {
			out = append(out, m[1])
		}
		return out
	}
	commune := e.officeLogin("gialam.lanhdao")
	_, body, _ := commune.get("/can-bo/thong-ke/tong-quan")
	if got := picker(body); len(got) != 1 || got[0] != demo.GiaLamCode {
		t.Errorf("a commune leader's picker offers %v, want Gia Lâm alone", got)
	}
	district := e.officeLogin("huyen.lanhdao")
	_, body, _ = district.get("/can-bo/thong-ke/tong-quan")
	got := picker(body)
	if len(got) < 2 || got[0] != demo.DistrictCode || !contains(got, demo.GiaLamCode) || contains(got, demo.ProvinceCode) {
		t.Errorf("a district leader's picker offers %v, want the district first, its communes, not the province", got)
	}

	cases := []struct {
		who    *officeBrowser
		query  url.Values
		status int
		text   string
	}{
		{commune, url.Values{"unit": {demo.DistrictCode}}, 403, "Bạn không có quyền xem số liệu của đơn vị " + demo.DistrictCode},
		{district, url.Values{"from": {"2026-13-01"}}, 422, "Ngày bắt đầu phải có dạng YYYY-MM-DD"},
		{district, url.Values{"to": {"hôm qua"}}, 422, "Ngày kết thúc phải có dạng YYYY-MM-DD"},
		{district, url.Values{"from": {"2026-03-01"}, "to": {"2026-02-01"}}, 422, "ngày bắt đầu phải trước ngày kết thúc"},
		{district, url.Values{"from": {"2020-01-01"}, "to": {"2026-01-01"}}, 422, "tối đa 36 tháng"},
	}
	for _, c := range cases {
		status, body, _ := c.who.get("/can-bo/thong-ke/tong-quan?" + c.query.Encode())
		alert := regexp.MustCompile(`<p class="error" role="alert" id="f-error">([^<]*)</p>`).FindStringSubmatch(body)
		if status != c.status || alert == nil || !strings.Contains(alert[1], c.text) {
			t.Errorf("%s ?%s: %d %v, want %d and %q", c.who.user, c.query.Encode(), status, alert, c.status, c.text)
		}
		if strings.Contains(body, `id="t-received"`) {
			t.Errorf("?%s: figures shown for a refused form", c.query.Encode())
		}
	}

	// The navigation leads leaders to the statistics, not the desk.
	_, home, _ := district.get("/can-bo")
	if !strings.Contains(home, `href="/can-bo/thong-ke"`) {
		t.Error("a leader's navigation has no link to the statistics")
	}
	_, home, _ = e.officeLogin("gialam.tiepnhan").get("/can-bo")
	if strings.Contains(home, `href="/can-bo/thong-ke"`) {
		t.Error("a reception officer's navigation links to the statistics")
	}
	_, index, _ := district.get("/can-bo/thong-ke")
	if !strings.Contains(index, `<li><a href="/can-bo/thong-ke/tong-quan">`) {
		t.Error("the statistics index does not list the dashboard")
	}
}
