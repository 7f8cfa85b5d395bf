package server_test

import (
	"encoding/json"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/motcua/motcua/civil"
	"github.com/motcua/motcua/demo"
	"github.com/motcua/motcua/store"
	"github.com/motcua/motcua/store/storetest"
)

var evaluationLink = regexp.MustCompile(`/can-bo/danh-gia/phieu/(\d+)`)

// TestEvaluationPages (issue 16): Gia Lâm's admin keeps the commune's
// records and exports them; its leader opens the 2026 cycle, the
// specialist assesses himself, the leader records the meeting and
// decides — all through the pages, each seen only by whom it concerns;
// the figures the specialist's evaluation page shows equal a recount of
// the dossiers' history written apart here (issue 16's "Done when").
func TestEvaluationPages(t *testing.T) {
	t.Parallel()
	storetest.Engines(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		if _, err := demo.LoadCivil(t.Context(), e.app.Auth, e.app.Civil); err != nil {
			t.Fatal(err)
		}
		// The specialist's year: one dossier with its result on time, one
		// made after its deadline (the clock moves past it first).
		onTime := e.submit("1.001193", demo.GiaLamCode)
		e.mustAct("gialam.tiepnhan", onTime.Code, "receive", nil)
		e.processToResult(onTime.Code)
		late := e.submit("1.001193", demo.GiaLamCode)
		e.mustAct("gialam.tiepnhan", late.Code, "receive", nil)
		e.advance(60 * 24 * time.Hour)
		e.processToResult(late.Code)

		reg := "/quan-tri/can-bo-cong-chuc/" + demo.GiaLamCode
		adm := e.officeLogin("gialam.quantri")
		if st, body, _ := adm.get(reg); st != 200 || !strings.Contains(body, "Vũ Đức Long") {
			t.Fatalf("registry: %d", st)
		}
		st, body, final := adm.post(reg, url.Values{"ma": {"NB-GL-77"}, "full_name": {"Trịnh Thị Hạnh"}, "birth_date": {"1995-02-14"}, "gender": {"nu"},
			"position": {"CC_VHXH"}, "rank": {"01.004"}, "since": {"2024-09-01"}})
		if st != 200 || !strings.Contains(final, "ma=NB-GL-77") || !strings.Contains(body, "2024-09-01 – nay") {
			t.Fatalf("add a record: %d at %s", st, final)
		}
		if st, body, _ = adm.post(reg+"/bang-cap", url.Values{"ma": {"NB-GL-77"}, "kind": {"chuyen_mon"}, "level": {"dai_hoc"}, "field": {"Văn hóa học"}, "year": {"2017"}}); st != 200 || !strings.Contains(body, "Văn hóa học") {
			t.Fatalf("add a qualification: %d", st)
		}
		if st, _, _ := adm.post(reg, url.Values{"ma": {"NB-GL-77"}, "full_name": {"X"}, "position": {"CV"}, "rank": {"01.003"}, "since": {"2024-01-01"}}); st != 409 {
			t.Errorf("a second record with the same number: %d, want 409", st)
		}
		if st, _, _ := e.officeLogin("huyen.quantri").get("/quan-tri/can-bo-cong-chuc/" + demo.GiaLamCode + "/xuat.csv"); st != 200 {
			t.Errorf("the district's admin exports the commune: %d", st)
		}
		if st, _, _ := e.officeLogin("gialam.lanhdao").get(reg); st != 403 {
			t.Errorf("the leader keeps the registry: %d", st)
		}

		lead := e.officeLogin("gialam.lanhdao")
		cycle := "/can-bo/danh-gia/" + demo.GiaLamCode + "/2026"
		if st, body, _ := lead.get(cycle); st != 200 || !strings.Contains(body, "chưa được mở") {
			t.Fatalf("cycle before opening: %d", st)
		}
		if st, body, _ := lead.post(cycle, url.Values{}); st != 200 || strings.Count(body, "/can-bo/danh-gia/phieu/") != 6 {
			t.Fatalf("open: %d, %d evaluations listed", st, strings.Count(body, "/can-bo/danh-gia/phieu/"))
		}
		spec := e.officeLogin("gialam.chuyenvien")
		_, body, _ = spec.get("/can-bo/danh-gia")
		m := evaluationLink.FindStringSubmatch(body)
		if m == nil {
			t.Fatal("the specialist's index lists no evaluation")
		}
		page := m[0]
		if st, _, _ := e.officeLogin("gialam.tiepnhan").get(page); st != 404 {
			t.Errorf("a colleague reads the specialist's evaluation: %d", st)
		}
		if st, _, _ := spec.get(cycle); st != 200 {
			t.Errorf("the specialist's cycle page: %d", st)
		}
		// The page's figures are a recount of the dossiers' history.
		specAcc, err := e.app.Auth.UserByName(t.Context(), "gialam.chuyenvien")
		if err != nil {
			t.Fatal(err)
		}
		handled, ended, onTimeN := recountHandled(t, db, specAcc.ID, 2026)
		if handled != 2 || ended != 2 || onTimeN != 1 {
			t.Errorf("the recount: %d handled, %d ended, %d on time; want 2, 2, 1", handled, ended, onTimeN)
		}
		_, body, _ = spec.get(page)
		for _, want := range []string{"Hồ sơ đã xử lý</th><td>" + strconv.Itoa(handled) + "<", "Hồ sơ đã có kết quả</th><td>" + strconv.Itoa(ended) + "<",
			"Có kết quả đúng hạn</th><td>" + strconv.Itoa(onTimeN) + " ("} {
			if !strings.Contains(body, want) {
				t.Errorf("the evaluation page lacks %q", want)
			}
		}
		steps := []struct {
			b    *officeBrowser
			form url.Values
			want string
		}{
			{spec, url.Values{"act": {civil.ActSelf}, "text": {"Giải quyết đúng hạn toàn bộ hồ sơ hộ tịch."}, "level": {civil.Good}}, "Chờ tập thể nhận xét"},
			{lead, url.Values{"act": {civil.ActReview}, "text": {"Tập thể nhất trí."}, "votes_tot": {"5"}, "votes_hoan_thanh": {"1"}}, "Chờ lãnh đạo quyết định"},
			{lead, url.Values{"act": {civil.ActDecide}, "level": {civil.Good}, "text": {"Đồng ý."}}, "Đã xếp loại"},
		}
		for i, s := range steps {
			_, body, _ := s.b.get(page)
			v := regexp.MustCompile(`name="version" value="(\d+)"`).FindStringSubmatch(body)
			if v == nil {
				t.Fatalf("step %d: %s is offered no form", i, s.b.user)
			}
			s.form.Set("version", v[1])
			st, body, _ := s.b.post(page, s.form)
			if st != 200 || !strings.Contains(body, s.want) {
				t.Fatalf("step %d: %d, want %q", i, st, s.want)
			}
		}
		if _, body, _ := spec.get(page); !strings.Contains(body, "Hoàn thành tốt nhiệm vụ") || !strings.Contains(body, "lưu tại thời điểm lãnh đạo quyết định") {
			t.Error("the decided evaluation does not show its level and kept figures")
		}

		// The exports carry the decision.
		st, csvBody, _ := adm.get(reg + "/xuat.csv?nam=2026")
		if st != 200 || !strings.HasPrefix(csvBody, "\ufeffma_can_bo,ho_ten,") || !strings.Contains(csvBody, "NB-00009,Vũ Đức Long,1989-12-02,nam,"+demo.GiaLamCode) ||
			!strings.Contains(csvBody, ",CC_TPHT,Công chức Tư pháp – Hộ tịch,01.003,Chuyên viên,dai_hoc,trung_cap,,2014-06-01,2026,tot\r\n") {
			t.Errorf("CSV: %d\n%s", st, csvBody)
		}
		_, jsonBody, _ := adm.get(reg + "/xuat.json?nam=2026")
		var ex civil.Export
		if err := json.Unmarshal([]byte(jsonBody), &ex); err != nil || len(ex.People) != 6 || ex.Unit != demo.GiaLamCode {
			t.Fatalf("JSON: %v, %d people", err, len(ex.People))
		}
		// Reads of others' personal data are on record, one's own are not:
		// the leader read the specialist's evaluation four times (before
		// and after each of two steps), the specialist never counts; the
		// exports are three (the district's CSV, the commune's CSV and JSON).
		ctx := t.Context()
		evalID := strings.TrimPrefix(page, "/can-bo/danh-gia/phieu/")
		leadAcc, err := e.app.Auth.UserByName(ctx, "gialam.lanhdao")
		if err != nil {
			t.Fatal(err)
		}
		for _, c := range []struct {
			name, action, object string
			actor                int64 // 0: anyone
			want                 int
		}{
			{"the leader's reads of the evaluation", civil.ReadEvaluations, "civil_evaluation:" + evalID, leadAcc.ID, 4},
			{"the specialist's reads of his own", civil.ReadEvaluations, "civil_evaluation:" + evalID, specAcc.ID, 0},
			{"the exports", civil.ExportRegistry, "unit:" + demo.GiaLamCode, 0, 3},
			{"the admin's reads of the new record", civil.ReadPerson, "civil_person:NB-GL-77", 0, 2},
		} {
			var n int
			if err := db.QueryRowContext(ctx, `SELECT COUNT(*) FROM audit_entries WHERE action = ? AND object = ? AND (? = 0 OR actor_id = ?)`,
				c.action, c.object, c.actor, c.actor).Scan(&n); err != nil {
				t.Fatal(err)
			}
			if n != c.want {
				t.Errorf("%s: %d audited, want %d", c.name, n, c.want)
			}
		}
		_, rep, _ := adm.get(reg + "/bao-cao?nam=2026")
		for _, want := range []string{"6 người", "Hoàn thành tốt nhiệm vụ</th><td>1", "Chưa xếp loại</th><td>5", "01.003 Chuyên viên</th><td>2"} {
			if !strings.Contains(rep, want) {
				t.Errorf("report lacks %q", want)
			}
		}
	})
}

// recountHandled counts, from every event, the dossiers officer acted on
// in year (Vietnam's), those of them whose result was made in the year,
// and those made by the deadline in force (the last one an act set, an
// apology's and a partner agency's aside): docs/civil-service.md.
func recountHandled(t *testing.T, db *store.DB, officer int64, year int) (handled, ended, onTime int) {
	t.Helper()
	lo, hi := civil.YearBounds(year)
	rows, err := db.QueryContext(t.Context(), `SELECT dossier_id, at, COALESCE(actor_id, 0), action, to_status, COALESCE(due_at, 0) FROM dossier_events ORDER BY dossier_id, id`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	type state struct {
		acted        bool
		due, result  int64
		resultOnTime bool
	}
	by := map[int64]*state{}
	for rows.Next() {
		var d, at, actor, due int64
		var action, to string
		if err := rows.Scan(&d, &at, &actor, &action, &to, &due); err != nil {
			t.Fatal(err)
		}
		s := by[d]
		if s == nil {
			s = &state{}
			by[d] = s
		}
		if actor == officer && at >= lo.UnixMilli() && at < hi.UnixMilli() {
			s.acted = true
		}
		if s.result == 0 && to == "result_ready" && action != "refuse" {
			s.result, s.resultOnTime = at, s.due == 0 || at <= s.due
		}
		if due != 0 && action != "apologize" && action != "consult" && action != "record-answer" {
			s.due = due
		}
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	for _, s := range by {
		if !s.acted {
			continue
		}
		handled++
		if s.result >= lo.UnixMilli() && s.result < hi.UnixMilli() {
			ended++
			if s.resultOnTime {
				onTime++
			}
		}
	}
	return handled, ended, onTime
}
