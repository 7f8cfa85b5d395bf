package server_test

import (
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/motcua/motcua/demo"
	"github.com/motcua/motcua/store"
	"github.com/motcua/motcua/store/storetest"
)

var workFilePathRE = regexp.MustCompile(`^/can-bo/ho-so-cong-viec/(\d+)\?da=create`)

// TestWorkFilePages: the district's specialist opens a work file on the
// page, files a document, sees it listed with the totals and the export
// links, closes the file; a supervisor reads it with no forms; a refused
// act shows its sentence.
func TestWorkFilePages(t *testing.T) {
	storetest.Engines(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		var d docView
		e.must(e.call("huyen.vanthu", "POST", "/api/v1/documents/incoming", map[string]any{"unit": demo.DistrictCode, "medium": "paper",
			"sender": map[string]any{"organ_id": demo.ProvinceCode, "name": "UBND tỉnh Ninh Bình"}, "code_number": "88", "code_notation": "UBND-VX",
			"issued_date": "2026-01-05", "type": "CV", "subject": "V/v chỉnh lý tài liệu", "page_amount": 4}, &d), 201)
		sp := e.officeLogin("huyen.chuyenvien")
		status, body, _ := sp.get("/can-bo/ho-so-cong-viec")
		if status != 200 || !strings.Contains(body, `id="form-create"`) || !strings.Contains(body, `id="danh-sach-trong"`) {
			t.Fatalf("list: %d", status)
		}
		status, body, _ = sp.post("/can-bo/ho-so-cong-viec", url.Values{"don-vi": {demo.DistrictCode}, "notation": {"01 VP"}, "title": {"x"}, "maintenance": {"5 năm"}})
		if status != 422 || !strings.Contains(body, `id="form-error"`) || !strings.Contains(body, `value="01 VP"`) {
			t.Fatalf("a bad notation: %d", status)
		}
		status, body, final := sp.post("/can-bo/ho-so-cong-viec", url.Values{"don-vi": {demo.DistrictCode}, "notation": {"05.VP"},
			"title": {"Hồ sơ chỉnh lý tài liệu"}, "maintenance": {"Vĩnh viễn"}, "start_date": {"2026-01-02"}})
		m := workFilePathRE.FindStringSubmatch(final)
		if status != 200 || m == nil {
			t.Fatalf("create: %d at %s", status, final)
		}
		path := "/can-bo/ho-so-cong-viec/" + m[1]
		wantIn(t, "the new file", body, demo.DistrictCode+".2026.05.VP", `id="form-add"`, `id="van-ban-trong"`, path+"/xuat/pdf", path+"/xuat/xml")
		status, body, _ = sp.post(path+"/thao-tac/add", url.Values{"version": {versionRE.FindStringSubmatch(body)[1]}, "document": {itoa(d.ID)}})
		if status != 200 {
			t.Fatalf("add: %d", status)
		}
		wantIn(t, "the file with its document", body, "V/v chỉnh lý tài liệu", "88/UBND-VX", `id="ket-qua"`, "/thao-tac/remove")
		status, body, _ = sp.post(path+"/thao-tac/add", url.Values{"version": {versionRE.FindStringSubmatch(body)[1]}, "document": {itoa(d.ID)}})
		if status != 409 || !strings.Contains(body, `id="action-error"`) {
			t.Fatalf("the same document again: %d", status)
		}
		status, body, _ = sp.get(path + "/xuat/pdf")
		if status != 200 || !strings.HasPrefix(body, "%PDF-") {
			t.Fatalf("PDF export: %d", status)
		}
		_, body, _ = sp.get(path)
		status, body, _ = sp.post(path+"/thao-tac/close", url.Values{"version": {versionRE.FindStringSubmatch(body)[1]}})
		if status != 200 || !strings.Contains(body, `id="form-archive"`) {
			t.Fatalf("close: %d", status)
		}
		sup := e.officeLogin("huyen.giamsat")
		status, body, _ = sup.get(path)
		if status != 200 || strings.Contains(body, `id="form-archive"`) || !strings.Contains(body, "V/v chỉnh lý tài liệu") {
			t.Fatalf("the supervisor's view: %d", status)
		}
		other := e.officeLogin("gialam.lanhdao")
		if status, _, _ := other.get(path); status != 404 {
			t.Fatalf("another organ's leader: %d", status)
		}
	})
}
