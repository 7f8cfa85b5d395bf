package server_test

import (
	"strings"
	"testing"

	"github.com/motcua/motcua/demo"
	"github.com/motcua/motcua/store"
	"github.com/motcua/motcua/store/storetest"
)

// TestScorecardPages: the leaders' scorecard, its drill-down and the
// analytics pages over dossiers made through the real services, the
// period picker's Vietnamese errors, and who is turned away.
func TestScorecardPages(t *testing.T) {
	t.Parallel()
	storetest.Engines(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		done, open := reports766World(t, e)
		b := e.officeLogin("huyen.lanhdao")
		q := "?don-vi=" + demo.DistrictCode + "&tu=2026-03-01&den=2026-03-02"
		cases := []struct {
			name, path string
			status     int
			want       []string
		}{
			{"the index links the pages", "/can-bo/thong-ke", 200,
				[]string{`href="/can-bo/thong-ke/766"`, `href="/can-bo/thong-ke/xu-ly"`}},
			{"the scorecard", "/can-bo/thong-ke/766" + q, 200, []string{
				`id="ind-2.1"`, "100,00%", "20,00/20", "(2/2)",
				"chưa tính được: hệ thống chưa lưu thời điểm công bố, công khai thủ tục",
				`href="/can-bo/thong-ke/766/2.1?den=2026-03-02&amp;don-vi=` + demo.DistrictCode + `&amp;tu=2026-03-01"`,
				// No fee was paid: 5.2 is not computable; the digitisation
				// indicators 4.2–4.4 are (none digitised: 0/2, 0/2, 0/1), and
				// 1.4 (none synchronised to the national portal: 0/2), so
				// 44 + 12 + 6 = 62 of the 100 points are.
				"điểm trên 62 điểm của các chỉ số tính được (tối đa 100 điểm)", "(0/2)", "(0/1)"}},
			{"this month to today by default", "/can-bo/thong-ke/766", 200,
				[]string{`name="tu" value="2026-03-01"`, `name="den" value="2026-03-02"`, `id="ind-6.2"`}},
			{"a day that is no day", "/can-bo/thong-ke/766?tu=2026-13-01&den=2026-03-02", 422,
				[]string{`role="alert"`, "Từ ngày: ngày không hợp lệ (định dạng YYYY-MM-DD)."}},
			{"a period ending before it starts", "/can-bo/thong-ke/xu-ly?tu=2026-03-05&den=2026-03-01", 422,
				[]string{`role="alert"`, "Kỳ báo cáo không hợp lệ: ngày bắt đầu phải trước ngày kết thúc."}},
			{"the dossiers behind 2.1", "/can-bo/thong-ke/766/2.1" + q, 200,
				[]string{done, open, "2 trên 2 hồ sơ được tính vào tử số.", "đang giải quyết"}},
			{"an indicator over procedures has no dossiers", "/can-bo/thong-ke/766/3.1" + q, 422, []string{"không tính trên hồ sơ"}},
			{"an indicator with none in the period", "/can-bo/thong-ke/766/5.2" + q, 200, []string{"0 trên 0 hồ sơ", "Không có hồ sơ nào trong kỳ."}},
			{"an unknown indicator", "/can-bo/thong-ke/766/9.9" + q, 404, []string{"không có chỉ số 9.9"}},
			{"the analytics", "/can-bo/thong-ke/xu-ly" + q, 200,
				[]string{`id="steps"`, `id="officers"`, "Không có hồ sơ quá hạn trong kỳ."}},
		}
		for _, c := range cases {
			t.Run(c.name, func(t *testing.T) {
				status, body, _ := b.get(c.path)
				if status != c.status {
					t.Errorf("status %d, want %d: %s", status, c.status, snippet(body))
				}
				for _, w := range c.want {
					if !strings.Contains(body, w) {
						t.Errorf("page lacks %q", w)
					}
				}
			})
		}
		for _, c := range []struct{ user, path string }{
			{"gialam.lanhdao", "/can-bo/thong-ke/766" + q},
			{"gialam.lanhdao", "/can-bo/thong-ke/xu-ly" + q},
			{"gialam.chuyenvien", "/can-bo/thong-ke/766"},
		} {
			if status, _, _ := e.officeLogin(c.user).get(c.path); status != 403 {
				t.Errorf("%s at %s: %d, want 403", c.user, c.path, status)
			}
		}
		// In English, the same page in English words.
		status, body, _ := e.officeLogin("huyen.lanhdao", "en").get("/can-bo/thong-ke/766" + q)
		if status != 200 || !strings.Contains(body, "not computable: the system does not record when procedures were announced") {
			t.Errorf("English scorecard: %d %s", status, snippet(body))
		}
	})
}
