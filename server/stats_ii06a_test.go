package server_test

import (
	"html"
	"net/http"
	"strings"
	"testing"

	"github.com/motcua/motcua/demo"
	"github.com/motcua/motcua/store"
	"github.com/motcua/motcua/store/storetest"
)

// TestII06aPage: a district leader opens the statistics, follows the link
// to II.06a, reads the form's table for March with Gia Lâm's dossiers
// under the district, downloads it as .xlsx and .pdf, and is told in
// Vietnamese what is wrong with a bad period, view, an unknown unit or
// one outside their reach.
func TestII06aPage(t *testing.T) {
	t.Parallel()
	storetest.Engines(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		d := e.submit("1.001193", demo.GiaLamCode)
		e.mustAct("gialam.tiepnhan", d.Code, "receive", nil)
		e.processToResult(d.Code)

		b := e.officeLogin("huyen.lanhdao")
		status, body, _ := b.get("/can-bo/thong-ke")
		if status != 200 || !strings.Contains(body, `href="/can-bo/thong-ke/ii06a"`) {
			t.Fatalf("the statistics index: %d, no link to II.06a", status)
		}
		// Opened bare: the leader's first unit, from the first of the year to today.
		status, body, _ = b.get("/can-bo/thong-ke/ii06a")
		body = html.UnescapeString(body)
		for _, want := range []string{`<option value="` + demo.DistrictCode + `" selected>`, `value="2026-01-01"`, `value="2026-03-02"`,
			"Số hồ sơ nhận giải quyết", "Kết quả giải quyết", "Từ kỳ trước chuyển qua", "(13)", "UBND xã Gia Lâm", "Tải về Excel (.xlsx)"} {
			if status != 200 || !strings.Contains(body, want) {
				t.Errorf("the bare page (%d) lacks %q", status, want)
			}
		}
		if strings.Contains(body, `value="`+demo.ProvinceCode+`"`) {
			t.Error("a district leader is offered the province")
		}
		status, body, _ = b.get("/can-bo/thong-ke/ii06a?unit=" + demo.GiaLamCode + "&from=2026-03-01&to=2026-03-31&view=field")
		body = html.UnescapeString(body)
		if status != 200 || !strings.Contains(body, "Tổng cộng") || !strings.Contains(body, "Lĩnh vực giải quyết") ||
			!strings.Contains(body, `<td class="num">1</td>`) {
			t.Errorf("Gia Lâm by field: %d\n%s", status, body)
		}
		for format, ctype := range map[string]string{"xlsx": "spreadsheetml", "pdf": "application/pdf"} {
			req, _ := http.NewRequest("GET", e.srv.URL+"/can-bo/thong-ke/ii06a?unit="+demo.DistrictCode+"&from=2026-03-01&to=2026-03-31&format="+format, nil)
			resp, err := b.c.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			resp.Body.Close()
			if resp.StatusCode != 200 || !strings.Contains(resp.Header.Get("Content-Type"), ctype) ||
				!strings.HasPrefix(resp.Header.Get("Content-Disposition"), "attachment") {
				t.Errorf("%s: %d %s %s", format, resp.StatusCode, resp.Header.Get("Content-Type"), resp.Header.Get("Content-Disposition"))
			}
		}

		commune := e.officeLogin("gialam.lanhdao")
		for _, c := range []struct {
			name    string
			b       *officeBrowser
			query   string
			status  int
			text    string
			invalid string
		}{
			{"a malformed day", b, "unit=" + demo.DistrictCode + "&from=2026-13-01&to=2026-03-31", 422, "Ngày 2026-13-01 của kỳ báo cáo không hợp lệ", "ii06a-from"},
			{"the end before the start", b, "unit=" + demo.DistrictCode + "&from=2026-03-31&to=2026-03-01", 422, "Kỳ báo cáo không hợp lệ", "ii06a-to"},
			{"no start", b, "unit=" + demo.DistrictCode + "&from=&to=2026-03-01", 422, "Hãy nhập đủ ngày bắt đầu và ngày kết thúc", "ii06a-from"},
			{"an unknown view", b, "unit=" + demo.DistrictCode + "&from=2026-03-01&to=2026-03-31&view=thang", 422, "Không có cách trình bày", "ii06a-view"},
			{"an unknown format", b, "unit=" + demo.DistrictCode + "&from=2026-03-01&to=2026-03-31&format=docx", 422, "Không có định dạng", ""},
			{"an unknown unit", b, "unit=000.99.99.H40&from=2026-03-01&to=2026-03-31", 404, "Không tìm thấy đơn vị 000.99.99.H40", "ii06a-unit"},
			{"the district asked by a commune", commune, "unit=" + demo.DistrictCode + "&from=2026-03-01&to=2026-03-31", 403,
				"Bạn không có quyền xem báo cáo của đơn vị " + demo.DistrictCode, "ii06a-unit"},
		} {
			t.Run(c.name, func(t *testing.T) {
				status, body, _ := c.b.get("/can-bo/thong-ke/ii06a?" + c.query)
				body = html.UnescapeString(body)
				if status != c.status || !strings.Contains(body, `role="alert"`) || !strings.Contains(body, c.text) {
					t.Errorf("%d, want %d with %q:\n%s", status, c.status, c.text, body)
				}
				if c.invalid != "" && !strings.Contains(body, `id="`+c.invalid+`" name=`) {
					t.Errorf("no field %s", c.invalid)
				}
				if c.invalid != "" && !markedInvalid(body, c.invalid) {
					t.Errorf("field %s is not marked invalid", c.invalid)
				}
				if strings.Contains(body, "<table class=\"ii06a\">") {
					t.Error("a refused request shows a table")
				}
			})
		}
	})
}

// markedInvalid reports whether the element with id is marked aria-invalid.
func markedInvalid(body, id string) bool {
	i := strings.Index(body, `id="`+id+`"`)
	if i < 0 {
		return false
	}
	end := strings.Index(body[i:], ">")
	return end > 0 && strings.Contains(body[i:i+end], `aria-invalid="true"`)
}
