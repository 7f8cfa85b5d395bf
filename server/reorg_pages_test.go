package server_test

import (
	"bytes"
	"mime/multipart"
	"net/http"
	"strings"
	"testing"

	"github.com/motcua/motcua/demo"
	"github.com/motcua/motcua/store"
	"github.com/motcua/motcua/store/storetest"
)

// postPlan sends a plan to a reorganisation page as the browser does: a
// multipart form with the CSRF token in the query, the plan as the
// uploaded "file" or as the pasted "plan" field.
func (b *admBrowser) postPlan(path, field, plan string) (int, string) {
	b.t.Helper()
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	if field == "file" {
		fw, _ := mw.CreateFormFile("file", "ke-hoach.json")
		fw.Write([]byte(plan))
	} else {
		mw.WriteField(field, plan)
	}
	mw.Close()
	req, _ := http.NewRequest("POST", b.base+path+"?csrf="+b.csrf, &body)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	return b.do(req)
}

const giaSonCode = "000.03.07.H40"

// mergePlan folds Gia Lâm into Gia Sơn on effective.
func mergePlan(id, effective string) string {
	return `{"id": "` + id + `", "title": "Sáp nhập xã Gia Lâm vào xã Gia Sơn", "effective": "` + effective + `",
		"basis": ["Nghị quyết thử nghiệm"], "merge": [{"into": "` + giaSonCode + `", "from": ["` + demo.GiaLamCode + `"]}]}`
}

// TestReorgPages: an admin uploads a plan, reads the dry run (which
// changes nothing), applies it, and cancels a scheduled one; a plan that
// names a unit the admin does not administer is refused with the plan
// kept in the form; a malformed plan is explained, not lost.
func TestReorgPages(t *testing.T) {
	t.Parallel()
	storetest.Engines(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		ctx := t.Context()
		open := e.submit(interLevel(t).Code, demo.GiaLamCode)
		e.mustAct("gialam.tiepnhan", open.Code, "receive", nil)
		plan := mergePlan("gia-lam-vao-gia-son", "2026-03-02")

		commune := e.admSignIn(t, "gialam.quantri")
		commune.get("/quan-tri/sap-xep")
		status, body := commune.postPlan("/quan-tri/sap-xep", "file", plan)
		if status != 403 || !strings.Contains(body, `role="alert"`) || !strings.Contains(body, "gia-lam-vao-gia-son") {
			t.Fatalf("a commune admin's plan naming another commune: %d %s", status, snippet(body))
		}

		district := e.admSignIn(t, "huyen.quantri")
		if status, body := district.get("/quan-tri/sap-xep"); status != 200 || !strings.Contains(body, "Chưa có kế hoạch nào") {
			t.Fatalf("plans page: %d", status)
		}
		status, body = district.postPlan("/quan-tri/sap-xep", "plan", `{"id": "x", "title": `)
		if status != 422 || !strings.Contains(body, "không đúng định dạng JSON") || !strings.Contains(body, `{&#34;id&#34;: &#34;x&#34;, &#34;title&#34;:</textarea>`) {
			t.Fatalf("a malformed plan: %d %s", status, snippet(body))
		}
		status, body = district.postPlan("/quan-tri/sap-xep", "plan", "")
		if status != 422 || !strings.Contains(body, "Hãy chọn tệp kế hoạch") {
			t.Fatalf("no plan: %d %s", status, snippet(body))
		}

		// The dry run shows the merger and the open dossier that moves, and changes nothing.
		status, body = district.postPlan("/quan-tri/sap-xep", "file", plan)
		if status != 200 {
			t.Fatalf("dry run: %d %s", status, snippet(body))
		}
		for _, want := range []string{"Kiểm tra thử: Sáp nhập xã Gia Lâm vào xã Gia Sơn", "Hợp nhất", open.Code, "Hồ sơ đang giải quyết được chuyển: 1", ">Áp dụng</button>"} {
			if !strings.Contains(body, want) {
				t.Errorf("the dry run lacks %q", want)
			}
		}
		if u, _ := e.app.Units.ByCode(ctx, demo.GiaLamCode); !u.Active {
			t.Fatal("the dry run merged the commune")
		}
		if recs, _ := e.app.Reorg.List(ctx); len(recs) != 0 {
			t.Fatalf("the dry run stored %d plans", len(recs))
		}

		// Áp dụng sends back the plan the page holds.
		status, body = district.postPlan("/quan-tri/sap-xep/ap-dung", "plan", plan)
		if status != 200 || !strings.Contains(body, "Đã áp dụng kế hoạch.") {
			t.Fatalf("apply: %d %s", status, snippet(body))
		}
		if u, _ := e.app.Units.ByCode(ctx, demo.GiaLamCode); u.Active || u.MergedInto != giaSonCode {
			t.Fatalf("after apply Gia Lâm is %+v", u)
		}
		if d := e.get("gialam.tiepnhan", open.Code); d.Code != open.Code {
			t.Fatalf("the open dossier after the merger: %+v", d)
		}
		// Applying again changes nothing and says so.
		if status, body = district.postPlan("/quan-tri/sap-xep/ap-dung", "plan", plan); status != 200 || !strings.Contains(body, "không có gì thay đổi") {
			t.Fatalf("apply twice: %d %s", status, snippet(body))
		}
		if status, body = district.get("/quan-tri/sap-xep"); !strings.Contains(body, "Đã áp dụng") || !strings.Contains(body, `href="/quan-tri/sap-xep/gia-lam-vao-gia-son"`) {
			t.Fatalf("the list lacks the applied plan: %d", status)
		}
		if status, body = district.get("/quan-tri/sap-xep/gia-lam-vao-gia-son"); status != 200 || !strings.Contains(body, open.Code) || strings.Contains(body, "Hủy kế hoạch") {
			t.Fatalf("the applied plan's page: %d %s", status, snippet(body))
		}

		// A plan dated later is scheduled and can be cancelled until then,
		// by the admins of its units only.
		later := `{"id": "doi-ten-gia-son", "title": "Đổi tên xã Gia Sơn", "effective": "2026-04-01", "basis": ["Nghị quyết thử nghiệm"],
			"rename": [{"unit": "` + giaSonCode + `", "name": "UBND xã Gia Sơn mới"}]}`
		if status, body = district.postPlan("/quan-tri/sap-xep/ap-dung", "plan", later); status != 200 || !strings.Contains(body, "Đã lên lịch kế hoạch") {
			t.Fatalf("schedule: %d %s", status, snippet(body))
		}
		province := e.admSignIn(t, "tinh.quantri")
		if status, body = province.get("/quan-tri/sap-xep/doi-ten-gia-son"); status != 200 || !strings.Contains(body, ">Hủy kế hoạch</button>") {
			t.Fatalf("the province admin's view of the scheduled plan: %d %s", status, snippet(body))
		}
		e.newOfficer("giathuy.quantri", "admin", "000.02.07.H40")
		other := e.admSignIn(t, "giathuy.quantri")
		if status, _ = other.get("/quan-tri/sap-xep/doi-ten-gia-son"); status != 403 {
			t.Errorf("another commune's admin reads the plan: %d", status)
		}
		other.get("/quan-tri/sap-xep")
		if status, _ = other.post("/quan-tri/sap-xep/doi-ten-gia-son/huy", nil); status != 403 {
			t.Errorf("another commune's admin cancels the plan: %d", status)
		}
		status, body = district.post("/quan-tri/sap-xep/doi-ten-gia-son/huy", nil)
		if status != 200 || !strings.Contains(body, "Đã hủy kế hoạch.") {
			t.Fatalf("cancel: %d %s", status, snippet(body))
		}
		status, body = district.post("/quan-tri/sap-xep/doi-ten-gia-son/huy", nil)
		if status != 409 || !strings.Contains(body, "không thể hủy") {
			t.Fatalf("cancel twice: %d %s", status, snippet(body))
		}
		if u, _ := e.app.Units.ByCode(ctx, giaSonCode); u.Name == "UBND xã Gia Sơn mới" {
			t.Fatal("the cancelled plan renamed the commune")
		}
	})
}
