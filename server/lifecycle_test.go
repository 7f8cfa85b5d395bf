package server_test

import (
	"testing"
	"time"

	"github.com/motcua/motcua/catalog"
	"github.com/motcua/motcua/demo"
	"github.com/motcua/motcua/store"
	"github.com/motcua/motcua/store/storetest"
)

// interLevel finds a built-in procedure a commune receives and a higher
// level decides (liên thông), e.g. a land parcel split.
func interLevel(t testing.TB) catalog.Procedure {
	ps, err := catalog.Builtin()
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range ps {
		for _, st := range p.Steps {
			if st.Level == "district" && contains(p.Levels, "commune") {
				return p
			}
		}
	}
	t.Fatal("no built-in procedure is received at commune and decided at district")
	return catalog.Procedure{}
}

// TestLifecycle drives whole dossiers through HTTP, on SQLite and PostgreSQL.
func TestLifecycle(t *testing.T) {
	t.Parallel()
	storetest.Engines(t, func(t *testing.T, db *store.DB) {
		t.Run("online submission to delivery across levels", func(t *testing.T) { testHappyPath(t, newEnv(t, db)) })
		t.Run("supplement during processing pauses the clock", func(t *testing.T) { testSupplement(t, newEnv(t, db)) })
		t.Run("refusal and return for completion at reception", func(t *testing.T) { testRefusal(t, newEnv(t, db)) })
		t.Run("withdrawal and stop", func(t *testing.T) { testWithdrawStop(t, newEnv(t, db)) })
		t.Run("late result needs an apology with a new date", func(t *testing.T) { testLate(t, newEnv(t, db)) })
		t.Run("who may see and act", func(t *testing.T) { testAccess(t, newEnv(t, db)) })
		t.Run("send back to the previous step", func(t *testing.T) { testSendBack(t, newEnv(t, db)) })
	})
}

func testHappyPath(t *testing.T, e *env) {
	p := interLevel(t)
	d := e.submit(p.Code, demo.GiaLamCode)
	if d.Status != "submitted" || d.Code[:13] != demo.GiaLamCode {
		t.Fatalf("new dossier: status %s code %s", d.Status, d.Code)
	}
	// Receipt at 09:00: the due time is the statutory working days later.
	e.advance(time.Hour)
	d = e.mustAct("gialam.tiepnhan", d.Code, "receive", nil)
	if d.Status != "processing" || d.DueAt == nil || d.ReceivedAt == nil {
		t.Fatalf("after receive: %+v", d)
	}
	want, err := e.app.Calendar.Due(*d.ReceivedAt, p.Time.Unit, p.Time.Value)
	if err != nil || !d.DueAt.Equal(want) {
		t.Fatalf("due %v, want %v (%v)", d.DueAt, want, err)
	}
	sawDistrict := false
	for d.Status == "processing" {
		sawDistrict = sawDistrict || d.Unit == demo.DistrictCode
		who := officer(d.StepRole, d.Unit)
		action := map[bool]string{true: "approve", false: "forward"}[d.StepRole == "leader"]
		e.advance(30 * time.Minute)
		d = e.mustAct(who, d.Code, action, nil)
	}
	if !sawDistrict {
		t.Fatal("inter-level procedure never reached the district")
	}
	if d.Status != "result_ready" || d.Unit != demo.GiaLamCode {
		t.Fatalf("result should be back at the commune desk: %s at %s", d.Status, d.Unit)
	}
	d = e.mustAct("gialam.tiepnhan", d.Code, "deliver", nil)
	if d.Status != "delivered" || d.DeliveredAt == nil {
		t.Fatalf("after deliver: %+v", d)
	}
	// Every transition left one event, in order, ending in delivery.
	full := e.get("congdan", d.Code)
	if n := len(full.History); n < 4 || full.History[0].Action != "submit" || full.History[n-1].Action != "deliver" {
		t.Fatalf("history: %+v", full.History)
	}
	for i := 1; i < len(full.History); i++ {
		if full.History[i].From != full.History[i-1].To {
			t.Fatalf("history breaks between %d and %d: %+v", i-1, i, full.History)
		}
	}
	// Public tracking: status and masked name, no contact details.
	var tr struct {
		Status, Applicant string
		Steps             []struct{ Action string }
	}
	e.must(e.call("", "GET", "/api/v1/track/"+d.Code, nil, nil), 404) // the code alone: issue 8, finding 6
	r := e.must(e.call("", "GET", "/api/v1/track/"+d.Code+"?phone_last4=5678", nil, &tr), 200)
	if tr.Status != "delivered" || tr.Applicant != "Nguyễn V. A." || len(tr.Steps) != len(full.History) {
		t.Fatalf("tracking: %+v", tr)
	}
	for _, secret := range []string{"0912345678", "037085001234", "an@example.vn", "Tân Lập"} {
		if containsBytes(r.body, secret) {
			t.Fatalf("tracking leaks %q: %s", secret, r.body)
		}
	}
	// Nothing more can happen to a delivered dossier.
	if _, r := e.act("gialam.tiepnhan", d.Code, "deliver", nil); r.status != 409 || r.errCode() != "invalid_transition" {
		t.Fatalf("second delivery: %d %s", r.status, r.body)
	}
}

func testSupplement(t *testing.T, e *env) {
	p := interLevel(t)
	d := e.submit(p.Code, demo.GiaLamCode)
	d = e.mustAct("gialam.tiepnhan", d.Code, "receive", nil)
	due := *d.DueAt
	// Find the specialist step and ask for a supplement there.
	for d.StepRole != "specialist" {
		d = e.mustAct(officer(d.StepRole, d.Unit), d.Code, "forward", nil)
	}
	who := officer("specialist", d.Unit)
	if _, r := e.act(who, d.Code, "request-supplement", nil); r.status != 422 || r.errCode() != "note_required" {
		t.Fatalf("request without a written reason: %d %s", r.status, r.body)
	}
	// The request names what is missing (issue 10): a list, checked.
	for _, c := range []struct {
		items any
		code  string
	}{
		{nil, "supplement_items_required"},
		{[]map[string]any{{"component": "khong_co", "reason": "Thiếu"}}, "supplement_component_unknown"},
		{[]map[string]any{{"name": "Bản vẽ", "reason": "Thiếu"}, {"name": "bản vẽ", "reason": "Mờ"}}, "supplement_item_duplicate"},
		{[]map[string]any{{"name": "Bản vẽ", "reason": ""}}, "supplement_reason_required"},
	} {
		if _, r := e.act(who, d.Code, "request-supplement", map[string]any{"note": "Bổ sung.", "items": c.items}); r.status != 422 || r.errCode() != c.code {
			t.Errorf("items %v: %d %s, want 422 %s", c.items, r.status, r.body, c.code)
		}
	}
	e.advance(2 * time.Hour)
	d = e.mustAct(who, d.Code, "request-supplement", map[string]any{"note": "Bổ sung bản vẽ tách thửa có xác nhận.", "items": []map[string]any{{"name": "Giấy tờ còn thiếu", "reason": "Thiếu bản vẽ"}}})
	if d.Status != "supplement_requested" || d.PausedAt == nil {
		t.Fatalf("after request: %+v", d)
	}
	var pauses struct{ Pauses []struct{ End *time.Time } }
	e.must(e.call(who, "GET", "/api/v1/dossiers/"+d.Code+"/pauses", nil, &pauses), 200)
	if len(pauses.Pauses) != 1 || pauses.Pauses[0].End != nil {
		t.Fatalf("open pause expected: %+v", pauses)
	}
	// The applicant takes a week; that week does not count.
	e.advance(7 * 24 * time.Hour)
	e.upload("congdan", d.Code, p.Components[0].Key, "bo-sung.pdf", samplePDF)
	d = e.mustAct("congdan", d.Code, "supplement", nil)
	if d.Status != "processing" || d.PausedAt != nil {
		t.Fatalf("after supplement: %+v", d)
	}
	if !d.DueAt.After(due) {
		t.Fatalf("due %v did not move past %v after a paused week", d.DueAt, due)
	}
	// Working time left is the same before the pause and after the resume.
	cal := e.app.Calendar
	pausedAt := e.clock.Now().Add(-7 * 24 * time.Hour)
	if before, after := cal.WorkingBetween(pausedAt, due), cal.WorkingBetween(e.clock.Now(), *d.DueAt); before != after {
		t.Fatalf("working time left changed across the pause: %v before, %v after", before, after)
	}
	e.must(e.call(who, "GET", "/api/v1/dossiers/"+d.Code+"/pauses", nil, &pauses), 200)
	if len(pauses.Pauses) != 1 || pauses.Pauses[0].End == nil {
		t.Fatalf("closed pause expected: %+v", pauses)
	}
	// The law allows the request once: it is no longer offered, and refused if tried.
	if contains(e.get(who, d.Code).Actions, "request-supplement") {
		t.Fatal("a second supplement request is still offered")
	}
	if _, r := e.act(who, d.Code, "request-supplement", map[string]any{"note": "Lần hai", "items": []map[string]any{{"name": "Giấy tờ còn thiếu", "reason": "Lần hai"}}}); r.status != 409 || r.errCode() != "supplement_limit" {
		t.Fatalf("second request: %d %s", r.status, r.body)
	}
}

func testRefusal(t *testing.T, e *env) {
	p := interLevel(t)
	d := e.submit(p.Code, demo.GiaLamCode)
	d = e.mustAct("gialam.tiepnhan", d.Code, "request-supplement", map[string]any{"note": "Thiếu bản sao giấy chứng nhận.", "items": []map[string]any{{"name": "Giấy tờ còn thiếu", "reason": "Thiếu bản sao"}}})
	if d.Status != "returned" {
		t.Fatalf("returned for completion: %s", d.Status)
	}
	d = e.mustAct("congdan", d.Code, "supplement", nil)
	if d.Status != "submitted" {
		t.Fatalf("resubmitted: %s", d.Status)
	}
	if _, r := e.act("gialam.tiepnhan", d.Code, "refuse", map[string]any{}); r.status != 422 {
		t.Fatalf("refusal without a reason: %d", r.status)
	}
	d = e.mustAct("gialam.tiepnhan", d.Code, "refuse", map[string]any{"note": "Thửa đất đang có tranh chấp."})
	if d.Status != "refused" {
		t.Fatalf("refused: %s", d.Status)
	}
	if _, r := e.act("gialam.tiepnhan", d.Code, "receive", nil); r.status != 409 {
		t.Fatalf("receive after refusal: %d", r.status)
	}
}

func testWithdrawStop(t *testing.T, e *env) {
	p := interLevel(t)
	a := e.submit(p.Code, demo.GiaLamCode)
	e.mustAct("gialam.tiepnhan", a.Code, "receive", nil)
	// The applicant's withdrawal is a request (issue 10): still open until
	// the receiving desk acknowledges it, which withdraws it with a notice.
	if d := e.mustAct("congdan", a.Code, "withdraw", nil); d.Status != "withdrawal_requested" {
		t.Fatalf("withdrawal requested: %s", d.Status)
	}
	if _, r := e.act(officer("leader", e.get("gialam.tiepnhan", a.Code).Unit), a.Code, "acknowledge-withdrawal", nil); r.status == 200 {
		t.Fatal("a leader acknowledged a withdrawal: the desk's act")
	}
	if d := e.mustAct("gialam.tiepnhan", a.Code, "acknowledge-withdrawal", nil); d.Status != "withdrawn" {
		t.Fatalf("withdrawn: %s", d.Status)
	}
	b := e.submit(p.Code, demo.GiaLamCode)
	d := e.mustAct("gialam.tiepnhan", b.Code, "receive", nil)
	leader := officer("leader", d.Unit)
	if _, r := e.act(leader, b.Code, "stop", nil); r.status != 422 {
		t.Fatalf("stop without reason: %d", r.status)
	}
	if d := e.mustAct(leader, b.Code, "stop", map[string]any{"note": "Người nộp đề nghị dừng do đã chết."}); d.Status != "stopped" {
		t.Fatalf("stopped: %s", d.Status)
	}
}

func testLate(t *testing.T, e *env) {
	p := interLevel(t)
	d := e.submit(p.Code, demo.GiaLamCode)
	d = e.mustAct("gialam.tiepnhan", d.Code, "receive", nil)
	// Processing drags on 60 calendar days past the receipt.
	e.advance(60 * 24 * time.Hour)
	d = e.processToResult(d.Code)
	if _, r := e.act("gialam.tiepnhan", d.Code, "deliver", nil); r.status != 409 || r.errCode() != "apology_required" {
		t.Fatalf("late delivery without apology: %d %s", r.status, r.body)
	}
	newDue := e.workingLater(16 * time.Hour)
	if _, r := e.act("gialam.tiepnhan", d.Code, "apologize", map[string]any{"note": "Chậm do xác minh nguồn gốc đất", "new_due": d.DueAt}); r.status != 422 {
		t.Fatalf("apology with the old date: %d", r.status)
	}
	d = e.mustAct("gialam.tiepnhan", d.Code, "apologize", map[string]any{"note": "Chậm do xác minh nguồn gốc đất", "new_due": newDue})
	if !d.DueAt.Equal(newDue.Truncate(time.Millisecond)) {
		t.Fatalf("new due %v, want %v", d.DueAt, newDue)
	}
	d = e.mustAct("gialam.tiepnhan", d.Code, "deliver", nil)
	h := e.get("gialam.tiepnhan", d.Code).History
	if h[len(h)-2].Action != "apologize" || h[len(h)-1].Action != "deliver" {
		t.Fatalf("apology must be recorded before the late delivery: %+v", h)
	}
}

func testAccess(t *testing.T, e *env) {
	p := interLevel(t)
	d := e.submit(p.Code, demo.GiaLamCode)
	// A specialist cannot receive: the table gives that to reception.
	if _, r := e.act("gialam.chuyenvien", d.Code, "receive", nil); r.status != 422 || r.errCode() != "action_not_permitted" {
		t.Fatalf("specialist receiving: %d %s", r.status, r.body)
	}
	// Another citizen does not learn the dossier exists.
	ctx := t.Context()
	err := e.app.DB.InTx(ctx, func(tx *store.Tx) error {
		_, err := e.app.Auth.CreateUser(ctx, tx, newCitizen("hangxom"))
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	if r := e.call("hangxom", "GET", "/api/v1/dossiers/"+d.Code, nil, nil); r.status != 404 {
		t.Fatalf("other citizen: %d", r.status)
	}
	if _, r := e.act("hangxom", d.Code, "withdraw", nil); r.status != 404 {
		t.Fatalf("other citizen withdrawing: %d", r.status)
	}
	var list struct{ Dossiers []dossierView }
	e.must(e.call("hangxom", "GET", "/api/v1/dossiers", nil, &list), 200)
	if len(list.Dossiers) != 0 {
		t.Fatalf("other citizen lists %d dossiers", len(list.Dossiers))
	}
	// The district supervisor oversees the commune; the district clerk too (read-only by the table).
	e.get("huyen.giamsat", d.Code)
	if _, r := e.act("huyen.giamsat", d.Code, "receive", nil); r.status != 422 {
		t.Fatalf("supervisor acting: %d", r.status)
	}
	// Without a token: 401 with the error shape.
	if r := e.call("", "GET", "/api/v1/dossiers/"+d.Code, nil, nil); r.status != 401 || r.errCode() != "unauthorized" {
		t.Fatalf("anonymous: %d %s", r.status, r.body)
	}
	// The inbox shows it to Gia Lâm's reception, filtered by state and by accent-free name.
	e.must(e.call("gialam.tiepnhan", "GET", "/api/v1/dossiers?status=submitted&q=nguyen+van+an", nil, &list), 200)
	if len(list.Dossiers) != 1 || list.Dossiers[0].Code != d.Code {
		t.Fatalf("inbox: %+v", list.Dossiers)
	}
	// A revoked token stops working.
	e.must(e.call("congdan", "DELETE", "/api/v1/auth/token", nil, nil), 204)
	if r := e.call("congdan", "GET", "/api/v1/me", nil, nil); r.status != 401 {
		t.Fatalf("revoked token: %d", r.status)
	}
}

func testSendBack(t *testing.T, e *env) {
	p := interLevel(t)
	d := e.submit(p.Code, demo.GiaLamCode)
	d = e.mustAct("gialam.tiepnhan", d.Code, "receive", nil)
	for d.StepRole != "leader" {
		d = e.mustAct(officer(d.StepRole, d.Unit), d.Code, "forward", nil)
	}
	step, leader := d.Step, officer("leader", d.Unit)
	d = e.mustAct(leader, d.Code, "send-back", map[string]any{"note": "Kiểm tra lại diện tích thửa đất."})
	if d.Step != step-1 || d.Status != "processing" {
		t.Fatalf("send-back: step %d → %d", step, d.Step)
	}
}
