package e2e

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/motcua/motcua/demo"
)

// TestReorgPlanInBrowser: the district's admin uploads a reorganisation
// plan file from the plans page, reads the dry run — the commune that
// merges and the open dossier that moves with it — applies it (dated
// later, so it is scheduled) and cancels it from the plan's page.
func TestReorgPlanInBrowser(t *testing.T) {
	browser := newBrowser(t)
	m := startMotcua(t)
	code := m.submitDossier(t) // an open dossier at Gia Lâm
	plan := filepath.Join(t.TempDir(), "ke-hoach.json")
	err := os.WriteFile(plan, []byte(`{"id": "gia-lam-vao-gia-son", "title": "Sáp nhập xã Gia Lâm vào xã Gia Sơn",
		"effective": "2099-07-01", "basis": ["Nghị quyết thử nghiệm"],
		"merge": [{"into": "000.03.07.H40", "from": ["`+demo.GiaLamCode+`"]}]}`), 0o600)
	if err != nil {
		t.Fatal(err)
	}
	u := openTab(t, browser, m.URL, "huyen.quantri", false)
	u.login(t)

	phase(t, "upload and dry run", func(t *testing.T) {
		u.visit(t, "/quan-tri")
		u.follow(t, "main", "Sắp xếp đơn vị hành chính")
		sctx, cancel := step(u.ctx)
		fatalIf(t, chromedp.Do(sctx, chromedp.SetUploadFiles(chromedp.ID("plan-file"), []string{plan})), "choose the plan file")
		cancel()
		u.button(t, "main form", "Kiểm tra thử", 200)
		u.wantText(t, "main", "Kiểm tra thử: Sáp nhập xã Gia Lâm vào xã Gia Sơn", "Hợp nhất", "Hồ sơ đang giải quyết được chuyển: 1", code)
		u.page(t, "reorg-dry-run")
	})

	phase(t, "apply, then cancel", func(t *testing.T) {
		u.button(t, "main form", "Áp dụng", 200)
		u.wantText(t, "main", "Đã lên lịch kế hoạch")
		u.follow(t, "main", "Xem kế hoạch đã lưu")
		u.wantText(t, "main", "Đã lên lịch", "Nghị quyết thử nghiệm")
		u.page(t, "reorg-plan")
		path := u.button(t, "main form", "Hủy kế hoạch", 200)
		if path != "/quan-tri/sap-xep?ok=reverted" {
			t.Errorf("cancelling went to %s", path)
		}
		u.wantText(t, "main", "Đã hủy kế hoạch.", "Đã hủy")
		u.page(t, "reorg-plans")
	})
}
