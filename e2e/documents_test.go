package e2e

import (
	"testing"

	"github.com/chromedp/chromedp"
)

// TestDocumentRegisterInBrowser: the district's clerk goes from the
// navigation to the incoming register, fills the registration form by
// its labels with a scan chosen in the file input, and lands on the
// document page with its arrival number; the district's leader then finds
// the document in their queue (Văn bản của tôi) and opens it. Both pages
// are photographed and checked with axe.
func TestDocumentRegisterInBrowser(t *testing.T) {
	browser := newBrowser(t)
	m := startMotcua(t)
	scan := writePDF(t, t.TempDir(), "cong-van-25.pdf")
	const subject = "V/v triển khai chuyển đổi số năm 2026"

	phase(t, "register", func(t *testing.T) {
		clerk := openTab(t, browser, m.URL, "huyen.vanthu", false)
		clerk.login(t)
		clerk.follow(t, "header nav", "Sổ văn bản đến")
		clerk.follow(t, "main nav", "Vào sổ văn bản đến")
		clerk.fillLabelled(t, "Tên cơ quan ban hành", "UBND tỉnh Ninh Bình")
		clerk.fillLabelled(t, "Số văn bản", "25")
		clerk.fillLabelled(t, "Ký hiệu văn bản", "UBND-VX")
		clerk.fillLabelled(t, "Trích yếu nội dung", subject)
		sctx, cancel := step(clerk.ctx)
		fatalIf(t, chromedp.Do(sctx, chromedp.SetUploadFiles(chromedp.ID("file"), []string{scan})), "choose the scan")
		cancel()
		clerk.page(t, "document-register-form")
		clerk.button(t, "main form", "Vào sổ", 200)
		clerk.wantText(t, "main", "Đã vào sổ văn bản.", subject, "25/UBND-VX", "cong-van-25.pdf", "Đã vào sổ")
		if got := clerk.text(t, "#so-den"); got != "1" {
			t.Errorf("arrival number %q, want 1", got)
		}
		clerk.page(t, "document-registered")
		clerk.follow(t, "header nav", "Sổ văn bản đến")
		clerk.follow(t, "main", "In sổ")
		clerk.wantText(t, "h1", "Sổ đăng ký văn bản đến")
		clerk.wantText(t, "#so", subject, "UBND tỉnh Ninh Bình", "25/UBND-VX")
		clerk.page(t, "document-print")
	})

	phase(t, "queue", func(t *testing.T) {
		leader := openTab(t, browser, m.URL, "huyen.lanhdao", false)
		leader.login(t)
		leader.follow(t, "header nav", "Văn bản của tôi")
		leader.wantText(t, "#danh-sach", subject, "Đã vào sổ")
		leader.page(t, "document-queue")
		leader.follow(t, "#danh-sach", subject)
		if !leader.has(t, "#form-assign") {
			t.Fatalf("the leader is not offered the assignment form:\n%s", leader.mainText(t))
		}
		leader.fillLabelled(t, "Ý kiến chỉ đạo", "Giao Văn phòng chủ trì, báo cáo trước ngày 20.")
		leader.page(t, "document-assign")
		leader.button(t, "#form-assign", "Phân công xử lý", 200)
		leader.wantText(t, "main", "Đã phân công văn bản.", "Giao Văn phòng chủ trì, báo cáo trước ngày 20.")
	})
}
