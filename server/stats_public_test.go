package server_test

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"io"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/motcua/motcua/demo"
	"github.com/motcua/motcua/unit"
)

// anonymous fetches path without signing in: status, Cache-Control and body.
func (e *env) anonymous(path string) (int, http.Header, string) {
	e.t.Helper()
	resp, err := http.Get(e.srv.URL + path)
	if err != nil {
		e.t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, resp.Header, string(b)
}

// TestTransparency: the public pages and the open data on both engines —
// the figures of a received dossier, cacheable for anonymous visitors,
// CSV that reads back as the JSON says, each bad input with its code, and
// no personal data anywhere.
func TestTransparency(t *testing.T) {
	t.Parallel()
	runOfficeScenarios(t, []officeScenario{{"public pages and open data", testTransparency}})
}

func testTransparency(t *testing.T, e *env) {
	p := communeOnly(t)
	received := e.submit(p.Code, demo.GiaLamCode).Code
	e.mustAct("gialam.tiepnhan", received, "receive", nil)
	waiting := e.submit(p.Code, demo.GiaLamCode).Code // submitted, not received: counted nowhere
	e.advance(time.Minute)                            // figures stop at now: the reception is a minute old
	today := e.clock.Now().In(unit.Vietnam)
	period := "from=" + today.Format("2006") + "-01-01&to=" + today.Format(time.DateOnly)

	// Everything a citizen and the officer who received the dossier left
	// in it, and their accounts' names.
	secrets := []string{received, waiting, "Nguyễn Văn An", "037085001234", "0912345678", "an@example.vn", "Thôn Tân Lập", "Nguyễn Thị Mai"}
	outputs := map[string]string{}
	for _, path := range []string{
		"/cong-khai", "/cong-khai/" + demo.GiaLamCode, "/cong-khai/" + demo.DistrictCode + "?" + period,
		"/api/v1/open/units/" + demo.DistrictCode + "/stats?" + period,
		"/api/v1/open/units/" + demo.DistrictCode + "/stats?format=csv&" + period,
		"/api/v1/open/units/" + demo.GiaLamCode + "/stats?format=csv&" + period,
		"/api/v1/open/procedures", "/api/v1/open/procedures?format=csv",
	} {
		status, h, body := e.anonymous(path)
		if status != 200 {
			t.Fatalf("%s: %d\n%s", path, status, body)
		}
		if cc := h.Get("Cache-Control"); cc != "public, max-age=300" {
			t.Errorf("%s: Cache-Control %q, want public, max-age=300", path, cc)
		}
		for _, s := range secrets {
			if strings.Contains(body, s) {
				t.Errorf("%s shows personal data %q", path, s)
			}
		}
		outputs[path] = body
	}

	t.Run("the pages' figures", func(t *testing.T) {
		home := outputs["/cong-khai"]
		if !strings.Contains(home, `href="/cong-khai/`+demo.GiaLamCode+`"`) || tile(t, home, "t-received") != "1" {
			t.Errorf("the overview lacks Gia Lâm's link or the received dossier")
		}
		commune := outputs["/cong-khai/"+demo.GiaLamCode]
		if tile(t, commune, "t-received") != "1" || tile(t, commune, "t-online") != "100,0%" {
			t.Errorf("Gia Lâm: received %s, online %s", tile(t, commune, "t-received"), tile(t, commune, "t-online"))
		}
		if !strings.Contains(commune, `<a href="/thu-tuc/`+p.Code+`">`) || !strings.Contains(commune, "Dịch vụ công trực tuyến") {
			t.Errorf("Gia Lâm's procedures do not list %s with its online level", p.Code)
		}
		// The scorecard of Decision 766: the online indicator (3.3) is
		// computed from the one online dossier, so is the national portal's
		// (1.4: not connected, nothing synchronised); the announcements'
		// (1.1) is listed as not computable, not scored zero.
		scores := commune[strings.Index(commune, `id="scores-766"`):]
		if !strings.Contains(scores, "Điểm đánh giá theo Quyết định 766") || !strings.Contains(scores, "điểm của các chỉ số tính được") {
			t.Error("the 766 section is missing or has no total")
		}
		if row := rowOf(scores, "3.3. "); !strings.Contains(row, "100") || strings.Contains(row, "Chưa có dữ liệu") {
			t.Errorf("indicator 3.3 is not computed from the online dossier: %q", row)
		}
		if row := rowOf(scores, "1.4. "); !strings.Contains(row, "0,00%") || !strings.Contains(row, "0,00/6") {
			t.Errorf("indicator 1.4 is not computed as nothing synchronised: %q", row)
		}
		if row := rowOf(scores, "1.1. "); !strings.Contains(row, "Chưa có dữ liệu để tính") {
			t.Errorf("indicator 1.1 is not listed as lacking data: %q", row)
		}
		if strings.Count(commune, `role="img"`) != 2 || strings.Count(commune, `<details class="chart-data">`) != 2 {
			t.Error("Gia Lâm's page has not its two charts with their tables")
		}
	})

	t.Run("CSV reads back what JSON says", func(t *testing.T) {
		var doc struct {
			Unit struct{ Code string }
			Rows []map[string]any
		}
		if err := json.Unmarshal([]byte(outputs["/api/v1/open/units/"+demo.DistrictCode+"/stats?"+period]), &doc); err != nil {
			t.Fatal(err)
		}
		if doc.Unit.Code != demo.DistrictCode || len(doc.Rows) < 3 || doc.Rows[0]["row"] != "total" || doc.Rows[0]["received"] != 1.0 {
			t.Fatalf("district figures: %+v", doc)
		}
		csvBody := strings.TrimPrefix(outputs["/api/v1/open/units/"+demo.DistrictCode+"/stats?format=csv&"+period], "\ufeff")
		records, err := csv.NewReader(strings.NewReader(csvBody)).ReadAll()
		if err != nil {
			t.Fatal(err)
		}
		if len(records) != len(doc.Rows)+1 {
			t.Fatalf("%d CSV records for %d JSON rows", len(records), len(doc.Rows))
		}
		header := records[0]
		for i, row := range doc.Rows {
			if len(row) != len(header) {
				t.Errorf("JSON row %d has %d fields, the CSV header %d", i, len(row), len(header))
			}
			for j, col := range header {
				var want string
				switch v := row[col].(type) {
				case nil:
				case string:
					want = v
				case float64:
					want = strconv.FormatFloat(v, 'f', -1, 64)
				default:
					t.Fatalf("column %s: %T", col, v)
				}
				if records[i+1][j] != want {
					t.Errorf("row %d %s: CSV %q, JSON %q", i, col, records[i+1][j], want)
				}
			}
		}
		procs := strings.TrimPrefix(outputs["/api/v1/open/procedures?format=csv"], "\ufeff")
		precs, err := csv.NewReader(strings.NewReader(procs)).ReadAll()
		if err != nil {
			t.Fatal(err)
		}
		var pj struct {
			Procedures []struct{ Code, Name, Online string }
		}
		json.NewDecoder(bytes.NewReader([]byte(outputs["/api/v1/open/procedures"]))).Decode(&pj)
		if len(pj.Procedures) == 0 || len(precs) != len(pj.Procedures)+1 {
			t.Fatalf("%d CSV procedures, %d JSON", len(precs)-1, len(pj.Procedures))
		}
		for i, pr := range pj.Procedures {
			if r := precs[i+1]; r[0] != pr.Code || r[1] != pr.Name || r[5] != pr.Online {
				t.Errorf("procedure %d: CSV %v, JSON %+v", i, r, pr)
			}
		}
	})

	t.Run("bad input has its code and sentence", func(t *testing.T) {
		base := "/api/v1/open/units/" + demo.DistrictCode + "/stats"
		cases := []struct{ path, code, field, text string }{
			{base + "?format=xml", "invalid_format", "format", "Định dạng xml không được hỗ trợ"},
			{"/api/v1/open/procedures?format=xlsx", "invalid_format", "format", "Định dạng xlsx không được hỗ trợ"},
			{base + "?from=2026-02-30", "invalid_date", "from", "phải có dạng YYYY-MM-DD"},
			{base + "?from=2026-03-01&to=2026-02-01", "invalid_period", "to", "ngày bắt đầu phải trước ngày kết thúc"},
			{base + "?from=2020-01-01&to=2026-01-01", "period_too_long", "to", "tối đa 36 tháng"},
			{"/api/v1/open/units/000.99.99.H99/stats", "unit_not_found", "", "Không tìm thấy đơn vị 000.99.99.H99"},
		}
		for _, c := range cases {
			status, h, body := e.anonymous(c.path)
			var b struct {
				Error struct{ Code, Message, Field string }
			}
			json.Unmarshal([]byte(body), &b)
			if status < 400 || b.Error.Code != c.code || b.Error.Field != c.field || !strings.Contains(b.Error.Message, c.text) {
				t.Errorf("%s: %d %+v, want %s (%s) %q", c.path, status, b.Error, c.code, c.field, c.text)
			}
			if strings.HasPrefix(h.Get("Cache-Control"), "public") {
				t.Errorf("%s: an error is cacheable", c.path)
			}
		}
		status, h, body := e.anonymous("/cong-khai?from=2026-13-01")
		if status != 422 || !strings.Contains(body, "Ngày bắt đầu phải có dạng YYYY-MM-DD") || h.Get("Cache-Control") != "no-store" {
			t.Errorf("a bad period on the public page: %d %q", status, h.Get("Cache-Control"))
		}
		if status, _, _ := e.anonymous("/cong-khai/000.99.99.H99"); status != 404 {
			t.Errorf("an unknown unit's public page: %d", status)
		}
	})

	t.Run("a signed-in visitor's page is not cached", func(t *testing.T) {
		b := e.officeLogin("huyen.lanhdao")
		req, _ := http.NewRequest("GET", e.srv.URL+"/cong-khai", nil)
		resp, err := b.c.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if cc := resp.Header.Get("Cache-Control"); resp.StatusCode != 200 || cc != "no-store" {
			t.Errorf("signed in: %d, Cache-Control %q", resp.StatusCode, cc)
		}
	})
}

// rowOf is the table row of html that holds needle, "" if none.
func rowOf(html, needle string) string {
	i := strings.Index(html, needle)
	if i < 0 {
		return ""
	}
	start := strings.LastIndex(html[:i], "<tr>")
	end := strings.Index(html[i:], "</tr>")
	if start < 0 || end < 0 {
		return ""
	}
	return html[start : i+end]
}
