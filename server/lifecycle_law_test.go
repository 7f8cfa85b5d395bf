package server_test

import (
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/motcua/motcua/demo"
	"github.com/motcua/motcua/forms/formstest"
	"github.com/motcua/motcua/store"
	"github.com/motcua/motcua/store/storetest"
)

// lawView is what these tests read of a dossier beyond dossierView.
type lawView struct {
	Status        string
	Apologized    bool
	ApologyLate   bool `json:"apology_late"`
	ResultRefused bool `json:"result_refused"`
}

func (e *env) law(user, code string) lawView {
	e.t.Helper()
	var v lawView
	e.must(e.call(user, "GET", "/api/v1/dossiers/"+code, nil, &v), 200)
	return v
}

// TestLifecycleDecree118 covers the lifecycle items of issue 10: refusal
// during processing, the apology once and before the due moment.
func TestLifecycleDecree118(t *testing.T) {
	t.Parallel()
	storetest.Engines(t, func(t *testing.T, db *store.DB) {
		t.Run("refusal during processing is a result", func(t *testing.T) { testRefuseInProcessing(t, newEnv(t, db)) })
		t.Run("one apology, late when past the due moment", func(t *testing.T) { testApologyOnce(t, newEnv(t, db)) })
	})
}

// The leader refuses a dossier in processing: it is not stopped (Mẫu 05)
// but gets a result, back at the desk, delivered like any other.
// On the old code "refuse" was not allowed in processing (409).
func testRefuseInProcessing(t *testing.T, e *env) {
	p := interLevel(t)
	d := e.submit(p.Code, demo.GiaLamCode)
	d = e.mustAct("gialam.tiepnhan", d.Code, "receive", nil)
	leader := officer("leader", d.Unit)
	if !slices.Contains(e.get(leader, d.Code).Actions, "refuse") {
		t.Fatalf("refuse not offered to the leader in processing: %v", e.get(leader, d.Code).Actions)
	}
	// In processing the button refuses the request, not the reception.
	if _, body, _ := e.officeLogin(leader).get("/can-bo/ho-so/" + d.Code); !strings.Contains(body, ">Từ chối giải quyết</button>") ||
		strings.Contains(body, "Từ chối tiếp nhận") {
		t.Fatalf("the leader's refusal is not labelled “Từ chối giải quyết”:\n%s", body)
	}
	if _, r := e.act(leader, d.Code, "refuse", map[string]any{}); r.status != 422 {
		t.Fatalf("refusal without reasons: %d %s", r.status, r.body)
	}
	if _, r := e.act(officer("specialist", d.Unit), d.Code, "refuse", map[string]any{"note": "x"}); r.errCode() != "action_not_permitted" {
		t.Fatalf("specialist refusing: %d %s", r.status, r.body)
	}
	d = e.mustAct(leader, d.Code, "refuse", map[string]any{"note": "Thửa đất không đủ điều kiện cấp giấy chứng nhận."})
	if d.Status != "result_ready" || d.Unit != demo.GiaLamCode {
		t.Fatalf("refused result should be ready at the receiving desk: %s at %s", d.Status, d.Unit)
	}
	if v := e.law("congdan", d.Code); !v.ResultRefused {
		t.Fatalf("result not marked as a refusal: %+v", v)
	}
	h := e.get("congdan", d.Code).History
	if last := h[len(h)-1]; last.Action != "refuse" || last.Note == "" {
		t.Fatalf("refusal reasons not in the history: %+v", last)
	}
	if last := h[len(h)-1]; last.ActionName != "Từ chối giải quyết" {
		t.Fatalf("the refusal in the history is named %q", last.ActionName)
	}
	req, err := newGet(e.srv.URL + "/tra-cuu?ma=" + d.Code + "&t=" + e.get("congdan", d.Code).TrackToken)
	if err != nil {
		t.Fatal(err)
	}
	if _, body := fetch(t, req); !strings.Contains(body, "Từ chối giải quyết") {
		t.Fatalf("tracking does not name the refusal of the request:\n%s", body)
	}
	// Its result document is the written refusal with the reasons, under
	// the unit's heading and signed by the leader, never the procedure's
	// own decision; Mẫu 03 (the desk's refusal at reception) does not apply.
	// On the old code the result was the procedure's template.
	refusal := formstest.Flat(t, e.pdf("congdan", "/api/v1/dossiers/"+d.Code+"/result.pdf"))
	for _, w := range []string{"ỦY BAN NHÂN DÂN", "XÃ GIA LÂM", "THÔNG BÁO", "Về việc từ chối giải quyết hồ sơ " + d.Code,
		"không giải quyết yêu cầu của Ông/Bà, lý do:", "Thửa đất không đủ điều kiện cấp giấy chứng nhận.", "TM. ỦY BAN NHÂN DÂN"} {
		if !strings.Contains(refusal, w) {
			t.Errorf("refusal result lacks %q:\n%s", w, refusal)
		}
	}
	if strings.Contains(refusal, "QUYẾT ĐỊNH") {
		t.Errorf("refusal result prints the procedure's decision:\n%s", refusal)
	}
	if r := e.call("congdan", "GET", "/api/v1/dossiers/"+d.Code+"/forms/03", nil, nil); r.status != 409 {
		t.Errorf("form 03 for a refusal during processing: %d %s", r.status, r.body)
	}
	d = e.mustAct("gialam.tiepnhan", d.Code, "deliver", nil)
	if d.Status != "delivered" || d.DeliveredAt == nil {
		t.Fatalf("refusal not delivered: %+v", d)
	}
}

// An apology before the due moment is on time; a second one is refused;
// one made after the due moment is recorded as late. On the old code a
// second apology was accepted and nothing told late from on time.
func testApologyOnce(t *testing.T, e *env) {
	p := interLevel(t)
	d := e.submit(p.Code, demo.GiaLamCode)
	d = e.mustAct("gialam.tiepnhan", d.Code, "receive", nil)
	leader := officer("leader", d.Unit)
	note := map[string]any{"note": "Cần xác minh nguồn gốc đất", "new_due": d.DueAt.Add(72 * time.Hour)}
	d = e.mustAct(leader, d.Code, "apologize", note)
	if v := e.law("congdan", d.Code); !v.Apologized || v.ApologyLate {
		t.Fatalf("apology before the due moment: %+v", v)
	}
	again := map[string]any{"note": "Lại chậm", "new_due": d.DueAt.Add(72 * time.Hour)}
	if _, r := e.act(leader, d.Code, "apologize", again); r.status != 409 || r.errCode() != "apology_limit" {
		t.Fatalf("second apology: %d %s", r.status, r.body)
	}

	// Past the due moment the apology still comes, recorded as late.
	b := e.submit(p.Code, demo.GiaLamCode)
	b = e.mustAct("gialam.tiepnhan", b.Code, "receive", nil)
	e.advance(60 * 24 * time.Hour)
	// A new appointment must be one the office can keep: not a Sunday,
	// not at night (the old code accepted both).
	for _, bad := range []time.Time{time.Date(2026, 5, 3, 10, 0, 0, 0, ict), time.Date(2026, 5, 5, 21, 0, 0, 0, ict)} {
		if _, r := e.act(leader, b.Code, "apologize", map[string]any{"note": "Chậm", "new_due": bad}); r.status != 422 || r.errCode() != "new_due_not_working_time" {
			t.Fatalf("new date %v: %d %s", bad, r.status, r.body)
		}
	}
	newDue := time.Date(2026, 5, 5, 10, 0, 0, 0, ict)
	e.mustAct(leader, b.Code, "apologize", map[string]any{"note": "Chậm do xác minh", "new_due": newDue})
	if v := e.law("congdan", b.Code); !v.Apologized || !v.ApologyLate {
		t.Fatalf("apology after the due moment not recorded as late: %+v", v)
	}
	// Mẫu 04 says so: the dossier is already late, not about to be.
	// On the old code both letters apologised for a delay to come.
	if late := formstest.Flat(t, e.pdf("congdan", "/api/v1/dossiers/"+b.Code+"/forms/04")); !strings.Contains(late, "đã quá hạn giải quyết") {
		t.Errorf("late apology's Mẫu 04 does not say the dossier is late:\n%s", late)
	}
	if early := formstest.Flat(t, e.pdf("congdan", "/api/v1/dossiers/"+d.Code+"/forms/04")); strings.Contains(early, "quá hạn") {
		t.Errorf("an apology before the due moment says the dossier is late:\n%s", early)
	}
}

// The notices of issue 10's lifecycle: a refusal during processing tells
// the applicant the request is not granted (not "not accepted"), and the
// desk's acknowledgement of a withdrawal tells the applicant it is done.
func TestLifecycleDecree118Notices(t *testing.T) {
	t.Parallel()
	storetest.Engines(t, func(t *testing.T, db *store.DB) {
		e := newNotifyEnv(t, db)
		p := interLevel(t)
		d := e.submit(p.Code, demo.GiaLamCode)
		d = e.mustAct("gialam.tiepnhan", d.Code, "receive", nil)
		e.mustAct(officer("leader", d.Unit), d.Code, "refuse", map[string]any{"note": "Không đủ điều kiện."})
		if e.inApp("congdan", "not_granted") != 1 || e.inApp("congdan", "refused") != 0 {
			t.Fatalf("refusal in processing: not_granted %d, refused %d", e.inApp("congdan", "not_granted"), e.inApp("congdan", "refused"))
		}
		w := e.submit(p.Code, demo.GiaLamCode)
		e.mustAct("congdan", w.Code, "withdraw", nil)
		if n := e.inApp("congdan", "withdrawn"); n != 0 {
			t.Fatalf("withdrawn notice before the desk acknowledged: %d", n)
		}
		e.mustAct("gialam.tiepnhan", w.Code, "acknowledge-withdrawal", nil)
		if n := e.inApp("congdan", "withdrawn"); n != 1 {
			t.Fatalf("withdrawn notices after acknowledgement: %d", n)
		}
	})
}
