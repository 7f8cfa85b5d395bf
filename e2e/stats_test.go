package e2e

import (
	"context"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/motcua/motcua/demo"
	"github.com/motcua/motcua/dossier"
)

// TestStatsInBrowser: a district leader finds the dashboard from the
// navigation and reads it; anyone reads the transparency pages without
// signing in. Each page is checked with axe and photographed at desktop
// and phone width: the charts scale, their tables open.
func TestStatsInBrowser(t *testing.T) {
	browser := newBrowser(t)
	m := startMotcua(t)
	code := m.submitDossier(t)
	ctx := context.Background()
	desk, err := m.Auth.UserByName(ctx, "gialam.tiepnhan")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := m.Dossiers.Act(ctx, desk, code, dossier.Action("receive"), dossier.ActInput{}); err != nil {
		t.Fatalf("receive %s: %v", code, err)
	}

	phase(t, "the leader's dashboard", func(t *testing.T) {
		u := openTab(t, browser, m.URL, "huyen.lanhdao", false)
		u.login(t)
		u.follow(t, "header nav", "Thống kê")
		u.follow(t, "main", "Bảng điều khiển: xu hướng theo tháng, tỉ lệ đúng hạn theo đơn vị, hồ sơ quá hạn, khâu chậm, trực tuyến, mức độ hài lòng")
		u.wantText(t, "main", "Bảng điều khiển thống kê", "Hồ sơ theo tháng", "Tỉ lệ đúng hạn theo đơn vị", "UBND xã Gia Lâm")
		if n := eval[int](t, u.ctx, `document.querySelectorAll('main svg[role=img]').length`); n < 3 {
			t.Errorf("%d charts on the dashboard, want at least 3", n)
		}
		if got := u.text(t, "#t-received"); got != "1" {
			t.Errorf("received %q, want 1", got)
		}
		// A chart's table opens from its summary.
		eval[bool](t, u.ctx, `(document.querySelector('main details.chart-data').open = true)`)
		u.page(t, "stats-dashboard")
		// A bad period: the form says so in Vietnamese, next to the field.
		sctx, cancel := step(u.ctx)
		resp, err := chromedp.Run(sctx, chromedp.NavigateResponse(m.URL+"/can-bo/thong-ke/tong-quan?from=2026-13-01"))
		cancel()
		fatalIf(t, err, "visit the dashboard with a bad period")
		if resp.Status != 422 {
			t.Errorf("a bad period answers %d, want 422", resp.Status)
		}
		u.wantText(t, "main", "Ngày bắt đầu phải có dạng YYYY-MM-DD")
		u.page(t, "stats-dashboard-error")
	})

	phase(t, "the public pages", func(t *testing.T) {
		u := openTab(t, browser, m.URL, "anonymous", false)
		u.visit(t, "/")
		u.follow(t, "header nav", "Công khai")
		u.wantText(t, "main", "Công khai kết quả giải quyết thủ tục hành chính", "Các đơn vị", "UBND xã Gia Lâm")
		u.page(t, "public-overview")
		u.visit(t, "/cong-khai/"+demo.GiaLamCode)
		u.wantText(t, "main", "Thủ tục hành chính đơn vị giải quyết", "Điểm đánh giá theo Quyết định 766")
		if got := u.text(t, "main"); strings.Contains(got, code) || strings.Contains(got, "Nguyễn Văn An") {
			t.Errorf("the public page shows the dossier or its applicant")
		}
		u.page(t, "public-unit")
	})
}
