package e2e

import (
	"testing"
)

// TestScorecardInBrowser: the district's leader opens the statistics,
// the Decision 766 scorecard with a dossier received today behind its
// on-time indicator, that indicator's dossiers, a bad period and the
// processing analytics; each page is photographed and checked by axe.
func TestScorecardInBrowser(t *testing.T) {
	browser := newBrowser(t)
	m := startMotcua(t)
	code := m.submitDossier(t)
	desk := openTab(t, browser, m.URL, "gialam.tiepnhan", false)
	desk.login(t)
	desk.visit(t, "/can-bo/ho-so/"+code)
	// The paper copies were checked at the desk.
	for desk.has(t, `#form-receive input[name="paper"]:not(:checked)`) {
		desk.click(t, `#form-receive input[name="paper"]:not(:checked)`)
	}
	desk.act(t, code, "receive", "")

	u := openTab(t, browser, m.URL, "huyen.lanhdao", false)
	u.login(t)
	phase(t, "the scorecard", func(t *testing.T) {
		u.visit(t, "/can-bo/thong-ke")
		u.follow(t, "main", "Bộ chỉ số 766")
		u.wantText(t, "main", "Bộ chỉ số phục vụ người dân, doanh nghiệp", "Tiến độ, kết quả giải quyết",
			"chưa tính được: hệ thống chưa lưu thời điểm công bố, công khai thủ tục")
		u.page(t, "scorecard-766")
	})
	phase(t, "the dossiers behind on time", func(t *testing.T) {
		u.follow(t, "#ind-2\\.1", "Xem hồ sơ")
		u.wantText(t, "main", code, "1 trên 1 hồ sơ được tính vào tử số.")
		u.page(t, "scorecard-766-dossiers")
	})
	phase(t, "a bad period", func(t *testing.T) {
		u.visit(t, "/can-bo/thong-ke/766")
		eval[any](t, u.ctx, `document.getElementById('tu').value = '2026-12-05', document.getElementById('den').value = '2026-12-01'`)
		u.button(t, "main form", "Xem", 422)
		u.wantText(t, "main", "Kỳ báo cáo không hợp lệ: ngày bắt đầu phải trước ngày kết thúc.")
		u.page(t, "scorecard-766-bad-period")
	})
	phase(t, "the II.06a form", func(t *testing.T) {
		u.visit(t, "/can-bo/thong-ke")
		u.follow(t, "main", "Báo cáo định kỳ Biểu II.06a/VPCP/KSTT")
		// The dossier just received is in progress within its deadline: a
		// period ending today is judged now, not at the end of the day.
		u.wantText(t, "main", "Biểu số II.06a/VPCP/KSTT", "Số hồ sơ đã giải quyết",
			"1\tUBND huyện Nho Quan\t1\t1\t0\t0\t0\t0\t0\t0\t1\t1\t0")
		u.page(t, "ii06a")
	})
	phase(t, "the processing analytics", func(t *testing.T) {
		u.visit(t, "/can-bo/thong-ke")
		u.follow(t, "main", "Phân tích xử lý hồ sơ")
		u.wantText(t, "main", "Thời gian xử lý theo bước", "Lý do yêu cầu bổ sung")
		u.page(t, "processing")
	})
}
