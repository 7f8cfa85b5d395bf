package server_test

import (
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/motcua/motcua/demo"
	"github.com/motcua/motcua/forms/formstest"
	"github.com/motcua/motcua/store"
	"github.com/motcua/motcua/store/storetest"
)

// A land transfer (1.013831) excludes the time the applicant takes to
// perform financial obligations (Decree 101/2024); the lost-certificate
// re-issue (1.012786) the 15 days of public posting (regulations §8,
// deadline items 7 and 9). On the old code there was no pause besides the
// supplement: "pause" was an unknown action.
const (
	landTransfer = "1.013831"
	lostCert     = "1.012786"
)

func TestClockPauses(t *testing.T) {
	t.Parallel()
	storetest.Engines(t, func(t *testing.T, db *store.DB) {
		t.Run("financial obligation moves the due moment", func(t *testing.T) { testFinancialPause(t, newEnv(t, db)) })
		t.Run("only the step holder pauses, only a declared kind", func(t *testing.T) { testPauseRefusals(t, newEnv(t, db)) })
		t.Run("posting counts no longer than the law allows", func(t *testing.T) { testPostingCap(t, newEnv(t, db)) })
	})
}

type pauseView struct {
	Kind     string
	KindName string `json:"kind_name"`
	Start    time.Time
	End      *time.Time
	Reason   string
	EndNote  string `json:"end_note"`
}

func (e *env) pauses(user, code string) []pauseView {
	e.t.Helper()
	var out struct{ Pauses []pauseView }
	e.must(e.call(user, "GET", "/api/v1/dossiers/"+code+"/pauses", nil, &out), 200)
	return out.Pauses
}

// toStep forwards a received dossier until its current step is role's.
func (e *env) toStep(d dossierView, role string) dossierView {
	e.t.Helper()
	for i := 0; d.StepRole != role; i++ {
		if i > 10 {
			e.t.Fatalf("no %s step", role)
		}
		d = e.mustAct(officer(d.StepRole, d.Unit), d.Code, "forward", nil)
	}
	return d
}

// A land dossier paused three working days for the applicant's financial
// obligations is delivered on time more than two working days after its
// original due moment, with no apology; form 06 says Đúng hạn; tracking
// shows the pause. The same dossier without the pause is late then.
func testFinancialPause(t *testing.T, e *env) {
	e.advance(2 * time.Hour) // received at 10:00
	d := e.submit(landTransfer, demo.GiaLamCode)
	control := e.submit(landTransfer, demo.GiaLamCode)
	d = e.mustAct("gialam.tiepnhan", d.Code, "receive", nil)
	e.mustAct("gialam.tiepnhan", control.Code, "receive", nil)
	original := *d.DueAt
	d = e.toStep(d, "specialist")
	who := officer("specialist", d.Unit)
	if !contains(e.get(who, d.Code).Actions, "pause") {
		t.Fatalf("pause not offered to the step holder: %v", e.get(who, d.Code).Actions)
	}

	note := "Chờ người sử dụng đất nộp lệ phí trước bạ, thuế thu nhập cá nhân theo thông báo của cơ quan thuế."
	d = e.mustAct(who, d.Code, "pause", map[string]any{"kind": "financial_obligation", "note": note})
	if d.Status != "processing" || d.PausedAt == nil {
		t.Fatalf("after pause: status %s, paused at %v", d.Status, d.PausedAt)
	}
	pausedAt := *d.PausedAt
	// While paused the work waits: resume, or ask a partner agency (the
	// tax office's notice may be what is awaited); no forwarding.
	if got := e.get(who, d.Code).Actions; !sameSet(got, []string{"resume", "consult"}) {
		t.Fatalf("actions while paused: %v, want [resume consult]", got)
	}
	if _, r := e.act(who, d.Code, "forward", nil); r.status != 409 || r.errCode() != "clock_paused" {
		t.Fatalf("forward while paused: %d %s", r.status, r.body)
	}
	if _, r := e.act(who, d.Code, "pause", map[string]any{"kind": "financial_obligation", "note": "lại"}); r.errCode() != "clock_paused" {
		t.Fatalf("second pause while paused: %d %s", r.status, r.body)
	}
	// The dashboard counts it as paused, not in a deadline band.
	if _, body, _ := e.officeLogin(who).get("/can-bo"); !strings.Contains(body, `id="n-paused">1<`) {
		t.Fatalf("dashboard does not count the paused dossier:\n%s", body)
	}

	e.advance(3 * 24 * time.Hour) // Monday to Thursday: three working days
	d = e.mustAct(who, d.Code, "resume", map[string]any{"note": "Đã nộp đủ nghĩa vụ tài chính (biên lai số 0012345)."})
	if d.PausedAt != nil || d.Status != "processing" {
		t.Fatalf("after resume: %+v", d)
	}
	cal := e.app.Calendar
	if want := cal.AddWorking(e.clock.Now(), cal.WorkingBetween(pausedAt, original)); !d.DueAt.Equal(want) {
		t.Fatalf("due after resume %v, want %v (original %v)", d.DueAt, want, original)
	}
	if got := cal.WorkingBetween(original, *d.DueAt); got != 3*8*time.Hour {
		t.Fatalf("due moved by %v of working time, want 3 working days", got)
	}
	// Resumed once: not again.
	if _, r := e.act(who, d.Code, "resume", map[string]any{"note": "lần hai"}); r.status != 409 || r.errCode() != "clock_not_paused" {
		t.Fatalf("second resume: %d %s", r.status, r.body)
	}
	ps := e.pauses(who, d.Code)
	if len(ps) != 1 || ps[0].Kind != "financial_obligation" || ps[0].End == nil || !ps[0].Start.Equal(pausedAt) ||
		ps[0].Reason != note || ps[0].EndNote == "" {
		t.Fatalf("stored pause: %+v", ps)
	}
	h := e.get(who, d.Code).History
	var acts []string
	for _, x := range h {
		acts = append(acts, x.Action)
	}
	if !strings.Contains(strings.Join(acts, ","), "pause,resume") {
		t.Fatalf("history lacks the pause and resume: %v", acts)
	}

	d = e.processToResult(d.Code)
	// On the new due day, an hour before the due moment: more than two
	// working days after the original due moment.
	e.clock.Set(d.DueAt.Add(-time.Hour))
	if cal.WorkingBetween(original, e.clock.Now()) <= 2*8*time.Hour {
		t.Fatalf("delivery at %v is not more than two working days after %v", e.clock.Now(), original)
	}
	clear(e.tokens)
	d = e.mustAct("gialam.tiepnhan", d.Code, "deliver", nil)
	if d.Overdue {
		t.Fatal("delivered within the paused-for time limit, yet overdue")
	}
	// The control dossier, never paused, is late at the same moment.
	control = e.processToResult(control.Code)
	if _, r := e.act("gialam.tiepnhan", control.Code, "deliver", nil); r.errCode() != "apology_required" {
		t.Fatalf("unpaused control dossier: %d %s", r.status, r.body)
	}

	pdf := e.pdf("gialam.tiepnhan", "/api/v1/dossiers/"+d.Code+"/forms/06")
	slip := formstest.Text(t, pdf)
	// No row is late, and the last, the hand-over to the applicant, is on time.
	var rows []string
	for _, line := range strings.Split(slip, "\n") {
		if strings.Contains(line, "Giao:") {
			rows = append(rows, line)
		}
	}
	if len(rows) == 0 || !strings.Contains(rows[len(rows)-1], "Đúng hạn") || strings.Contains(strings.Join(rows, "\n"), "Quá hạn") {
		t.Fatalf("form 06 should judge the dossier on time:\n%s", slip)
	}
	if raw := formstest.Raw(t, pdf); !strings.Contains(raw, "Tạm dừng tính thời gian: thực hiện nghĩa vụ tài chính") {
		t.Fatalf("form 06 does not note the pause:\n%s", slip)
	}

	var tr struct {
		Pauses []struct {
			Kind, Note string
			End        *time.Time
		}
	}
	e.must(e.call("", "GET", "/api/v1/track/"+d.Code+"?phone_last4=5678", nil, &tr), 200)
	if len(tr.Pauses) != 1 || tr.Pauses[0].Kind != "financial_obligation" || tr.Pauses[0].End == nil || tr.Pauses[0].Note != note {
		t.Fatalf("tracking pauses: %+v %s", tr.Pauses, e.call("", "GET", "/api/v1/track/"+d.Code+"?phone_last4=5678", nil, nil).body)
	}
	req, err := newGet(e.srv.URL + "/tra-cuu?ma=" + url.QueryEscape(d.Code) + "&t=" + e.get("congdan", d.Code).TrackToken)
	if err != nil {
		t.Fatal(err)
	}
	_, body := fetch(t, req)
	start := pausedAt.In(ict).Format("15:04 02/01/2006")
	if want := "Tạm dừng tính thời gian: thực hiện nghĩa vụ tài chính, từ " + start + " đến "; !strings.Contains(body, want) || !strings.Contains(body, "lệ phí trước bạ") {
		t.Fatalf("tracking page lacks %q and the note:\n%s", want, body)
	}
}

// Only the officer holding the current step pauses, with a note, for a
// kind the procedure declares.
func testPauseRefusals(t *testing.T, e *env) {
	d := e.submit(landTransfer, demo.GiaLamCode)
	d = e.mustAct("gialam.tiepnhan", d.Code, "receive", nil)
	d = e.toStep(d, "specialist")
	kind := map[string]any{"kind": "financial_obligation", "note": "Chờ nộp thuế."}
	for _, who := range []string{"gialam.tiepnhan", officer("leader", d.Unit), "congdan"} {
		if _, r := e.act(who, d.Code, "pause", kind); r.status < 400 || r.status == 404 && who != "congdan" {
			t.Fatalf("%s paused a step not theirs: %d %s", who, r.status, r.body)
		} else if who != "congdan" && r.errCode() != "action_not_permitted" {
			t.Fatalf("%s pausing: %d %s", who, r.status, r.body)
		}
	}
	who := officer("specialist", d.Unit)
	if _, r := e.act(who, d.Code, "pause", map[string]any{"kind": "posting", "note": "Niêm yết"}); r.status != 422 || r.errCode() != "pause_kind_not_declared" {
		t.Fatalf("undeclared kind: %d %s", r.status, r.body)
	}
	if _, r := e.act(who, d.Code, "pause", map[string]any{"note": "Không rõ"}); r.status != 422 || r.errCode() != "pause_kind_not_declared" {
		t.Fatalf("no kind: %d %s", r.status, r.body)
	}
	if _, r := e.act(who, d.Code, "pause", map[string]any{"kind": "financial_obligation"}); r.status != 422 || r.errCode() != "note_required" {
		t.Fatalf("pause without a note: %d %s", r.status, r.body)
	}
	if _, r := e.act(who, d.Code, "resume", map[string]any{"note": "x"}); r.status != 409 || r.errCode() != "clock_not_paused" {
		t.Fatalf("resume of a running clock: %d %s", r.status, r.body)
	}
	if got := e.pauses(who, d.Code); len(got) != 0 {
		t.Fatalf("refused pauses were stored: %+v", got)
	}
	// Through the office page: the form offers the procedure's kinds.
	b := e.officeLogin(who)
	offered, body := b.offered(d.Code)
	if !contains(offered, "pause") || !strings.Contains(body, "Tạm dừng tính thời gian") || !strings.Contains(body, `<option value="financial_obligation">thực hiện nghĩa vụ tài chính`) {
		t.Fatalf("office page does not offer the pause with its kinds (%v):\n%s", offered, body)
	}
	if status, body, _ := b.act(d.Code, "pause", url.Values{"kind": {"financial_obligation"}, "note": {"Chờ nộp thuế."}}); status != 200 ||
		!strings.Contains(body, "Đã thực hiện: Tạm dừng tính thời gian") {
		t.Fatalf("office pause: %d\n%s", status, body)
	}
	if v := e.get(who, d.Code); v.PausedAt == nil {
		t.Fatal("office pause did not stop the clock")
	}
	// A procedure that excludes no period offers no pause.
	p := interLevel(t)
	if len(p.Pauses) == 0 {
		o := e.submit(p.Code, demo.GiaLamCode)
		o = e.mustAct("gialam.tiepnhan", o.Code, "receive", nil)
		if contains(e.get(officer(o.StepRole, o.Unit), o.Code).Actions, "pause") {
			t.Fatalf("%s declares no pause, yet pause is offered", p.Code)
		}
	}
}

// Public posting of a lost certificate lasts 15 days: an officer who
// resumes after 30 has the interval cut at the 15th day, and what ran
// past it counts.
func testPostingCap(t *testing.T, e *env) {
	d := e.submit(lostCert, demo.GiaLamCode)
	d = e.mustAct("gialam.tiepnhan", d.Code, "receive", nil)
	d = e.toStep(d, "specialist")
	who := officer("specialist", d.Unit)
	d = e.mustAct(who, d.Code, "pause", map[string]any{"kind": "posting", "note": "Niêm yết thông báo mất Giấy chứng nhận tại trụ sở UBND xã."})
	start := *d.PausedAt
	e.advance(30 * 24 * time.Hour)
	// Paused past the original due moment: not overdue while paused (the
	// clock is judged at the pause), in the list as on the dossier.
	overdue := func() bool {
		var out struct{ Dossiers []dossierView }
		e.must(e.call(who, "GET", "/api/v1/dossiers?overdue=true", nil, &out), 200)
		for _, x := range out.Dossiers {
			if x.Code == d.Code {
				return true
			}
		}
		return false
	}
	if v := e.get(who, d.Code); v.Overdue || overdue() {
		t.Fatalf("a paused dossier is overdue: %v, in the overdue list %v", v.Overdue, overdue())
	}
	d = e.mustAct(who, d.Code, "resume", map[string]any{"note": "Hết thời gian niêm yết, không có tranh chấp."})
	// 15 days counted off, not 30: the ten working days ran out meanwhile.
	if !d.Overdue || !overdue() {
		t.Fatalf("resumed 15 days after the posting ended, yet not overdue (due %v, now %v)", d.DueAt, e.clock.Now())
	}
	ps := e.pauses(who, d.Code)
	if len(ps) != 1 || ps[0].End == nil || !ps[0].End.Equal(start.AddDate(0, 0, 15)) || ps[0].Kind != "posting" {
		t.Fatalf("posting pause %+v, want it to end 15 days after %v", ps, start)
	}
}
