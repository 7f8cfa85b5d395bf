package server_test

import (
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/motcua/motcua/auth"
	"github.com/motcua/motcua/demo"
	"github.com/motcua/motcua/store/storetest"
)

// TestOfficeOverview: the dashboard, the inbox and who may open what, on
// both engines.
func TestOfficeOverview(t *testing.T) {
	t.Parallel()
	runOfficeScenarios(t, []officeScenario{
		{"dashboard bands follow the working-time clock", testDashboardBands},
		{"inbox filters and accent-free search", testInbox},
		{"who may open the back office", testOfficeAccess},
	})
}

// dashboardCount reads one tile or state count off the dashboard.
func dashboardCount(t *testing.T, body, id string) string {
	t.Helper()
	m := regexp.MustCompile(`id="` + regexp.QuoteMeta(id) + `">(\d+)<`).FindStringSubmatch(body)
	if m == nil {
		t.Fatalf("dashboard has no count %s", id)
	}
	return m[1]
}

func testDashboardBands(t *testing.T, e *env) {
	p := communeOnly(t)
	code := e.submit(p.Code, demo.GiaLamCode).Code
	d := e.mustAct("gialam.tiepnhan", code, "receive", nil)
	specialist := officer("specialist", demo.GiaLamCode)
	if d.StepRole != auth.Specialist || d.DueAt == nil {
		t.Fatalf("after receive: %+v", d)
	}
	due := *d.DueAt
	// Received Monday 08:00 with ≥3 working days: on schedule. Then the
	// clock moves to an hour before the due time (less than a working day
	// left, due today), then an hour past it.
	cases := []struct {
		name             string
		at               time.Time
		band             string
		overdue, today   string
		lessThanOne, ok_ string
		text             string
	}{
		{"just received", e.clock.Now(), "ok", "0", "0", "0", "1", "còn 3 ngày làm việc"},
		{"an hour before due (before opening)", due.Add(-time.Hour), "day", "0", "1", "1", "0", "còn 30 phút làm việc"},
		{"an hour late", due.Add(time.Hour), "overdue", "1", "0", "0", "0", "đã quá hạn 1 giờ làm việc"},
	}
	if p.Time.Value != 3 {
		cases[0].text = "" // the first text depends on the procedure's time
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if delta := c.at.Sub(e.clock.Now()); delta > 0 {
				e.advance(delta)
			}
			b := e.officeLogin(specialist) // sessions may have expired while the clock moved
			status, body, _ := b.get("/can-bo")
			if status != 200 {
				t.Fatalf("dashboard: %d", status)
			}
			got := map[string]string{"n-overdue": c.overdue, "n-today": c.today, "n-day": c.lessThanOne, "n-ok": c.ok_, "s-processing": "1"}
			for id, want := range got {
				if n := dashboardCount(t, body, id); n != want {
					t.Errorf("%s = %s, want %s", id, n, want)
				}
			}
			// My queue lists the dossier with its colour class and the band in words.
			row := regexp.MustCompile(`(?s)<tr>\s*<td[^>]*><a href="/can-bo/ho-so/` + regexp.QuoteMeta(code) + `">.*?</tr>`).FindString(body)
			if row == "" {
				t.Fatalf("my queue does not list %s", code)
			}
			if !strings.Contains(row, `class="of-band of-band-`+c.band+`"`) || (c.text != "" && !strings.Contains(row, c.text)) {
				t.Fatalf("queue row, want band %s and %q: %s", c.band, c.text, row)
			}
		})
	}
	// Reception's queue holds what it must receive or hand over, not the specialist's work.
	other := e.submit(p.Code, demo.GiaLamCode).Code
	_, body, _ := e.officeLogin("gialam.tiepnhan").get("/can-bo")
	if !strings.Contains(body, other) || strings.Contains(body, `href="/can-bo/ho-so/`+code+`"`) {
		t.Fatal("reception's queue should list the new dossier only")
	}
}

func testInbox(t *testing.T, e *env) {
	p := interLevel(t)
	online := e.submit(p.Code, demo.GiaLamCode).Code // Nguyễn Văn An, 0912345678
	in := submission(p, demo.GiaLamCode)
	in["applicant"] = map[string]string{"name": "Trần Thị Bình", "phone": "0987654321", "id_number": "037190004321"}
	var counter dossierView
	e.must(e.call("gialam.tiepnhan", "POST", "/api/v1/dossiers", in, &counter), 201)
	e.mustAct("gialam.tiepnhan", online, "receive", nil)

	b := e.officeLogin("gialam.tiepnhan")
	cases := []struct {
		name, query string
		want, not   []string
	}{
		{"everything", "", []string{online, counter.Code}, nil},
		{"accent-free name", "?q=" + url.QueryEscape("nguyen van an"), []string{online}, []string{counter.Code}},
		{"name with accents", "?q=" + url.QueryEscape("Trần Thị Bình"), []string{counter.Code}, []string{online}},
		{"phone", "?q=0987654321", []string{counter.Code}, []string{online}},
		{"ID number", "?q=037190004321", []string{counter.Code}, []string{online}},
		{"code", "?q=" + url.QueryEscape(strings.ToLower(online)), []string{online}, []string{counter.Code}},
		{"state", "?trang-thai=submitted", []string{counter.Code}, []string{online}},
		{"channel", "?kenh=counter", []string{counter.Code}, []string{online}},
		{"procedure and unit", "?thu-tuc=" + p.Code + "&don-vi=" + demo.GiaLamCode, []string{online, counter.Code}, nil},
		{"overdue: none yet", "?qua-han=1", nil, []string{online, counter.Code}},
		{"assigned to me: none", "?cua-toi=1", nil, []string{online, counter.Code}},
		{"a tampered filter is ignored", "?trang-thai=hacked&don-vi=nowhere", []string{online, counter.Code}, nil},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			status, body, _ := b.get("/can-bo/ho-so" + c.query)
			if status != 200 {
				t.Fatalf("status %d", status)
			}
			for _, w := range c.want {
				if !strings.Contains(body, `href="/can-bo/ho-so/`+w+`"`) {
					t.Errorf("lacks %s", w)
				}
			}
			for _, n := range c.not {
				if strings.Contains(body, `href="/can-bo/ho-so/`+n+`"`) {
					t.Errorf("lists %s", n)
				}
			}
		})
	}
	// The received dossier's row says how much working time is left.
	_, body, _ := b.get("/can-bo/ho-so?q=" + url.QueryEscape("nguyen van an"))
	if !strings.Contains(body, "of-band-ok") || !strings.Contains(body, "làm việc") {
		t.Fatal("the inbox row has no deadline band")
	}

	// 23 dossiers make two pages of 20; the filter carries over.
	for range 21 {
		e.must(e.call("congdan", "POST", "/api/v1/dossiers", submission(p, demo.GiaLamCode), nil), 201)
	}
	rowRE := regexp.MustCompile(`<td data-label="[^"]*"><a href="/can-bo/ho-so/`)
	_, body, _ = b.get("/can-bo/ho-so?kenh=online")
	next := regexp.MustCompile(`href="([^"]+)" rel="next"`).FindStringSubmatch(body)
	if n := len(rowRE.FindAllString(body, -1)); n != 20 || next == nil {
		t.Fatalf("first page: %d rows, next %v", n, next)
	}
	_, body, _ = b.get(strings.ReplaceAll(next[1], "&amp;", "&"))
	if n := len(rowRE.FindAllString(body, -1)); n != 2 || !strings.Contains(body, `rel="prev"`) || strings.Contains(body, `rel="next"`) {
		t.Fatalf("second page: %d rows", n)
	}
	if strings.Contains(body, counter.Code) {
		t.Fatal("the channel filter was lost on the second page")
	}
}

func testOfficeAccess(t *testing.T, e *env) {
	p := interLevel(t)
	d := e.submit(p.Code, demo.GiaLamCode)
	full := e.get("congdan", d.Code)
	// An officer of another commune (Gia Thủy) holds a real role, but not here.
	e.newOfficer("giathuy.tiepnhan", auth.Reception, "000.02.07.H40")

	citizen := e.officeLogin("congdan")
	stranger := e.officeLogin("giathuy.tiepnhan")
	anon := e.officeLogin("gialam.tiepnhan")
	anon.post("/dang-xuat", url.Values{})
	cases := []struct {
		name   string
		b      *officeBrowser
		path   string
		status int
		want   string
	}{
		{"a citizen gets 403 on the dashboard", citizen, "/can-bo", 403, "Trang này dành cho cán bộ"},
		{"a citizen gets 403 on a dossier page", citizen, "/can-bo/ho-so/" + d.Code, 403, "Trang này dành cho cán bộ"},
		{"another commune's officer: no such dossier", stranger, "/can-bo/ho-so/" + d.Code, 404, "Không tìm thấy hồ sơ"},
		{"nor its files", stranger, "/can-bo/ho-so/" + d.Code + "/tep/" + itoa(full.Files[0].ID), 404, ""},
		{"nor a receipt", stranger, "/can-bo/ho-so/" + d.Code + "/bien-nhan", 404, ""},
		{"their inbox does not list it", stranger, "/can-bo/ho-so", 200, ""},
		{"their counter is their own commune", stranger, "/can-bo/tiep-nhan", 200, "UBND xã Gia Thủy"},
		{"a specialist has no counter", e.officeLogin("gialam.chuyenvien"), "/can-bo/tiep-nhan", 403, "Chỉ cán bộ có vai trò tiếp nhận"},
		{"signed out: sent to sign in", anon, "/can-bo/ho-so", 200, `action="/dang-nhap"`},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			status, body, _ := c.b.get(c.path)
			if status != c.status || !strings.Contains(body, c.want) {
				t.Fatalf("status %d, want %d with %q", status, c.status, c.want)
			}
			if c.b == stranger && (strings.Contains(body, "0912345678") || strings.Contains(body, `href="/can-bo/ho-so/`+d.Code+`"`)) {
				t.Fatal("the stranger's page shows the dossier")
			}
		})
	}
	// Nor may the stranger act on it.
	status, _, _ := stranger.post("/can-bo/ho-so/"+d.Code+"/thao-tac/receive", url.Values{"version": {"1"}})
	if status != 404 || e.get("congdan", d.Code).Status != "submitted" {
		t.Fatalf("stranger receiving: %d", status)
	}
}

// TestOfficePagesInEnglish renders every back-office page in English:
// marked as English, no raw message key, no Vietnamese interface text.
func TestOfficePagesInEnglish(t *testing.T) {
	t.Parallel()
	e := newEnv(t, storetest.Open(t, "sqlite"))
	p := interLevel(t)
	code := e.submit(p.Code, demo.GiaLamCode).Code
	received := e.submit(p.Code, demo.GiaLamCode).Code
	e.mustAct("gialam.tiepnhan", received, "receive", nil)
	e.mustAct(officer("specialist", demo.DistrictCode), received, "request-supplement", map[string]any{"note": "Bổ sung bản vẽ.", "items": []map[string]any{{"name": "Giấy tờ còn thiếu", "reason": "Thiếu bản vẽ"}}})

	pages := []struct {
		user, path string
		status     int
	}{
		{"gialam.tiepnhan", "/can-bo", 200},
		{"gialam.tiepnhan", "/can-bo/ho-so", 200},
		{"gialam.tiepnhan", "/can-bo/ho-so?q=zzz", 200},
		{"gialam.tiepnhan", "/can-bo/tiep-nhan", 200},
		{"gialam.tiepnhan", "/can-bo/tiep-nhan/" + p.Code, 200},
		{"gialam.tiepnhan", "/can-bo/ho-so/" + code, 200},
		{"gialam.tiepnhan", "/can-bo/ho-so/" + code + "?loi=file_type_not_allowed", 200},
		{"gialam.tiepnhan", "/can-bo/ho-so/" + received + "/bien-nhan?da=receive", 200},
		{"huyen.chuyenvien", "/can-bo/ho-so/" + received, 200},
		{"huyen.lanhdao", "/can-bo/ho-so/" + received, 200},
		{"huyen.giamsat", "/can-bo", 200},
		{"gialam.chuyenvien", "/can-bo/tiep-nhan", 403},
		{"congdan", "/can-bo", 403},
	}
	for _, pg := range pages {
		t.Run(pg.user+" "+pg.path, func(t *testing.T) {
			status, body, _ := e.officeLogin(pg.user, "en").get(pg.path)
			if status != pg.status {
				t.Fatalf("status %d, want %d", status, pg.status)
			}
			if !strings.Contains(body, `<html lang="en">`) {
				t.Error("not marked English")
			}
			if k := rawKeyRE.FindString(body); k != "" {
				t.Errorf("raw message key %s", k)
			}
			for _, vi := range []string{">Tổng quan<", ">Hồ sơ<", "Hạn trả kết quả", "Trạng thái", "Việc của tôi", "Xử lý hồ sơ", "bắt buộc", "làm việc"} {
				if strings.Contains(body, vi) {
					t.Errorf("Vietnamese interface text %q in the English page", vi)
				}
			}
		})
	}
}
