package e2e

import (
	"context"
	"strconv"
	"testing"
	"time"

	"github.com/motcua/motcua/civil"
	"github.com/motcua/motcua/demo"
)

// TestEvaluationCycleInBrowser (issue 16): Gia Lâm's leader opens the
// year's evaluation of the commune's officers, the specialist writes his
// self-assessment, the leader records the unit meeting's review and
// decides his level — through the pages in Chromium. The cycle page and
// the officer's evaluation page at each step are photographed and
// checked by axe. The flow runs on SQLite and on PostgreSQL (issue 16's
// "Done when"); the PostgreSQL run's screenshots carry "-postgres".
func TestEvaluationCycleInBrowser(t *testing.T) {
	browser := newBrowser(t)
	for _, engine := range []string{"sqlite", "postgres"} {
		t.Run(engine, func(t *testing.T) { evaluationCycleInBrowser(t, browser, engine) })
	}
}

func evaluationCycleInBrowser(t *testing.T, browser context.Context, engine string) {
	m := startMotcuaOn(t, engine, nil)
	shot := func(page string) string {
		if engine == "sqlite" {
			return page
		}
		return page + "-" + engine
	}
	if _, err := demo.LoadCivil(t.Context(), m.Auth, m.Civil); err != nil {
		t.Fatal(err)
	}
	// The year in Vietnam, as the pages count it.
	year := time.Now().In(time.FixedZone("ICT", 7*3600)).Year()
	cycle := civil.CyclePath(demo.GiaLamCode, year)
	lead := openTab(t, browser, m.URL, "gialam.lanhdao", false)
	lead.login(t)
	phase(t, "the leader opens the cycle", func(t *testing.T) {
		lead.visit(t, cycle)
		lead.wantText(t, "main", "Kỳ đánh giá năm này chưa được mở.")
		lead.button(t, "main", "Mở kỳ đánh giá", 200)
		lead.wantText(t, "main", "Vũ Đức Long", "Nguyễn Thị Mai", "Chờ tự đánh giá")
		lead.page(t, shot("civil-cycle"))
	})
	spec := openTab(t, browser, m.URL, "gialam.chuyenvien", false)
	spec.login(t)
	var page string
	phase(t, "the specialist assesses himself", func(t *testing.T) {
		spec.visit(t, "/can-bo/danh-gia")
		page = spec.follow(t, "main", "Năm "+strconv.Itoa(year))
		spec.wantText(t, "main", "Phiếu đánh giá của Vũ Đức Long", "Hồ sơ đã xử lý", "Chờ tự đánh giá")
		spec.page(t, shot("civil-evaluation-self"))
		spec.fillLabelled(t, "Báo cáo kết quả công tác", "Giải quyết đúng hạn toàn bộ hồ sơ hộ tịch được giao.")
		spec.choose(t, "Tự xếp loại mức", civil.Good)
		spec.button(t, "main", "Gửi bản tự đánh giá", 200)
		spec.wantText(t, "main", "Chờ tập thể nhận xét", "Giải quyết đúng hạn toàn bộ hồ sơ hộ tịch được giao.")
	})
	phase(t, "the leader records the meeting", func(t *testing.T) {
		lead.visit(t, page)
		lead.fillLabelled(t, "Ý kiến nhận xét tại cuộc họp", "Tập thể nhất trí đề nghị mức hoàn thành tốt.")
		lead.fillLabelled(t, "Hoàn thành tốt nhiệm vụ", "5")
		lead.button(t, "main", "Ghi nhận kết quả cuộc họp", 200)
		lead.wantText(t, "main", "Chờ lãnh đạo quyết định", "Hoàn thành tốt nhiệm vụ: 5 phiếu")
		lead.page(t, shot("civil-evaluation-review"))
	})
	phase(t, "the leader decides", func(t *testing.T) {
		lead.choose(t, "Mức xếp loại", civil.Good)
		lead.fillLabelled(t, "Ghi chú", "Đồng ý với đề nghị của tập thể.")
		lead.button(t, "main", "Quyết định xếp loại", 200)
		lead.wantText(t, "main", "Đã xếp loại", "Xếp loại: Hoàn thành tốt nhiệm vụ", "lưu tại thời điểm lãnh đạo quyết định")
		lead.page(t, shot("civil-evaluation"))
	})
	phase(t, "the officer reads his evaluation", func(t *testing.T) {
		spec.visit(t, page)
		spec.wantText(t, "main", "Đã xếp loại", "Hoàn thành tốt nhiệm vụ")
	})
}
