package e2e

import (
	"strconv"
	"testing"

	"github.com/chromedp/chromedp"
	"github.com/motcua/motcua/demo"
	"github.com/motcua/motcua/document"
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

// TestDocumentPagesInBrowser: the document pages TestDocumentRegisterInBrowser
// does not reach, with the demo's documents in every state loaded — the
// leader's drafts to approve, the outgoing register, a draft waiting for
// approval, the work files and one file — are checked with axe, in
// Vietnamese and then, after the header's «English», in English.
func TestDocumentPagesInBrowser(t *testing.T) {
	browser := newBrowser(t)
	m := startMotcua(t)
	ctx := t.Context()
	if _, err := demo.LoadDocuments(ctx, m.App.Documents, m.App.Auth, demo.World2022); err != nil {
		t.Fatal(err)
	}
	clerkActor, err := m.App.Auth.UserByName(ctx, "huyen.vanthu")
	if err != nil {
		t.Fatal(err)
	}
	all, err := m.App.Documents.List(ctx, clerkActor, document.Filter{Unit: demo.DistrictCode, Limit: 200})
	if err != nil {
		t.Fatal(err)
	}
	var issued, approving int64
	for _, d := range all.Documents {
		switch {
		case d.State == document.StateIssued && issued == 0:
			issued = d.ID
		case d.State == document.StateApproving:
			approving = d.ID
		}
	}
	if issued == 0 || approving == 0 {
		t.Fatalf("the demo has no issued or approving document at the district: %+v", all.Documents)
	}
	f, err := m.App.Documents.CreateFile(ctx, clerkActor, document.WorkFileInput{Unit: demo.DistrictCode, Notation: "01.VP",
		Title: "Hồ sơ văn bản chỉ đạo năm 2026", Maintenance: "10 năm"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := m.App.Documents.AddToFile(ctx, clerkActor, f.ID, f.Version, issued); err != nil {
		t.Fatal(err)
	}

	pages := []struct {
		who, path, name string
		vi, en          string // a text of the page's h1 in each language
	}{
		{"huyen.lanhdao", "/can-bo/van-ban/cho-duyet", "document-approve-queue", "Văn bản chờ duyệt", "Drafts to approve"},
		{"huyen.lanhdao", "/can-bo/van-ban/" + strconv.FormatInt(approving, 10), "document-approving", "", ""},
		{"huyen.vanthu", "/can-bo/van-ban-di", "document-outgoing", "Sổ văn bản đi", "Outgoing register"},
		{"huyen.vanthu", "/can-bo/ho-so-cong-viec", "work-files", "Hồ sơ công việc", "Work files"},
		{"huyen.vanthu", "/can-bo/ho-so-cong-viec/" + strconv.FormatInt(f.ID, 10), "work-file", "", ""},
	}
	// The tabs outlive the phases (a tab opened in one closes with it).
	tabs := map[string]*tab{}
	for _, who := range []string{"huyen.lanhdao", "huyen.vanthu"} {
		tabs[who] = openTab(t, browser, m.URL, who, false)
		tabs[who].login(t)
	}
	for _, lang := range []string{"vi", "en"} {
		phase(t, lang, func(t *testing.T) {
			for _, p := range pages {
				u := tabs[p.who]
				u.visit(t, p.path)
				if want := map[string]string{"vi": p.vi, "en": p.en}[lang]; want != "" {
					u.wantText(t, "h1", want)
				}
				u.page(t, p.name+"-"+lang)
			}
			if lang == "vi" {
				for _, u := range tabs {
					u.button(t, "header", "English", 200)
				}
			}
		})
	}
}
