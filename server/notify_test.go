package server_test

import (
	"context"
	"io"
	"log/slog"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/motcua/motcua/calendar"
	"github.com/motcua/motcua/demo"
	"github.com/motcua/motcua/notify"
	"github.com/motcua/motcua/notify/notifytest"
	"github.com/motcua/motcua/notify/smssim"
	"github.com/motcua/motcua/server"
	"github.com/motcua/motcua/server/servertest"
	"github.com/motcua/motcua/store"
	"github.com/motcua/motcua/store/storetest"
)

const site = "https://motcua.example.vn"

// notifyEnv is env with notifications wired as motcua serve wires them,
// to an SMTP server and an SMS gateway simulator inside the test.
type notifyEnv struct {
	*env
	smtp *notifytest.SMTPServer
	sms  *smssim.Gateway
}

func newNotifyEnv(t *testing.T, db *store.DB) *notifyEnv {
	t.Helper()
	ctx := context.Background()
	mail := notifytest.NewSMTP(t)
	sim := smssim.New(nil)
	gw := httptest.NewServer(sim)
	t.Cleanup(gw.Close)
	c := &clock{t: time.Date(2026, 3, 2, 8, 0, 0, 0, ict)}
	servertest.Prepare(t, db)
	app, err := server.New(ctx, db, server.Config{
		DataDir: t.TempDir(), Log: slog.New(slog.NewTextHandler(io.Discard, nil)), AuthParams: testParams, Now: c.Now,
		PublicURL: site, SMTP: notify.SMTPConfig{Addr: mail.Addr, From: "Một cửa điện tử <motcua@ninhbinh.example.vn>"}, SMSURL: gw.URL,
	})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := demo.Load(ctx, db, app.Units, app.Auth); err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(app.Handler)
	t.Cleanup(srv.Close)
	return &notifyEnv{env: &env{t: t, app: app, srv: srv, clock: c, tokens: map[string]string{}}, smtp: mail, sms: sim}
}

// flush runs the outbox worker until nothing is due.
func (e *notifyEnv) flush() {
	e.t.Helper()
	for {
		n, err := e.app.Notifier.RunOnce(context.Background())
		if err != nil {
			e.t.Fatal(err)
		}
		if n == 0 {
			return
		}
	}
}

// inApp counts a user's in-app notices of a kind.
func (e *notifyEnv) inApp(user, kind string) int {
	e.t.Helper()
	var n int
	err := e.app.DB.QueryRowContext(context.Background(), `SELECT COUNT(*) FROM notify_outbox o JOIN users u ON u.id = o.user_id
		WHERE u.username = ? AND o.channel = 'inapp' AND o.kind = ?`, user, kind).Scan(&n)
	if err != nil {
		e.t.Fatal(err)
	}
	return n
}

func vnTime(t *time.Time) string {
	if t == nil {
		return "(none)"
	}
	return t.In(calendar.Zone).Format("15:04 ngày 02/01/2006")
}

// TestCitizenNotifications follows one online dossier from submission to
// delivery. The citizen first chooses SMS besides e-mail on the portal;
// after each event that matters exactly one e-mail arrives at the SMTP
// server (checked as received: subject and body in Vietnamese, links),
// one SMS at the gateway and one in-app notice.
func TestCitizenNotifications(t *testing.T) {
	t.Parallel()
	storetest.Engines(t, func(t *testing.T, db *store.DB) {
		e := newNotifyEnv(t, db)
		b := e.portalVisitor(t, "")
		b.login("congdan")
		prefs := b.get("/tai-khoan/thong-bao")
		prefs.wellFormed(t, "vi")
		if p := b.post("/tai-khoan/thong-bao", prefs.formWith(t, "email", "1", "sms", "1", "lang", "vi")); !p.has("Đã lưu lựa chọn") {
			t.Fatalf("preferences not saved: %d %s", p.status, p.url)
		}

		p := interLevel(t)
		var code string
		var due *time.Time
		steps := []struct {
			name    string
			do      func()
			kind    string
			subject string
			body    []string
		}{
			{"online submission", func() { code = e.submit(p.Code, demo.GiaLamCode).Code }, "submitted", "Hồ sơ %s đã được nộp",
				[]string{"Kính gửi Nguyễn Văn An,", "đang chờ UBND xã Gia Lâm kiểm tra, tiếp nhận"}},
			{"reception, with the due date", func() { due = e.mustAct("gialam.tiepnhan", code, "receive", nil).DueAt }, "received",
				"Hồ sơ %s đã được tiếp nhận", []string{"Ngày hẹn trả kết quả: {due}.", "Theo dõi hồ sơ: " + site + "/ho-so/{code}"}},
			{"supplement requested, with the reason", func() {
				d := e.get("gialam.tiepnhan", code)
				for d.StepRole != "specialist" {
					d = e.mustAct(officer(d.StepRole, d.Unit), code, "forward", nil)
				}
				e.mustAct(officer("specialist", d.Unit), code, "request-supplement", map[string]any{"note": "Bổ sung bản sao giấy chứng nhận quyền sử dụng đất", "items": []map[string]any{{"name": "Giấy tờ còn thiếu", "reason": "Thiếu bản sao"}}})
			}, "supplement", "Hồ sơ %s cần bổ sung, hoàn thiện", []string{"Nội dung yêu cầu: Bổ sung bản sao giấy chứng nhận quyền sử dụng đất",
				"Bổ sung hồ sơ: " + site + "/ho-so/{code}"}},
			{"result ready, months late", func() {
				e.mustAct("congdan", code, "supplement", nil)
				e.advance(60 * 24 * time.Hour)
				e.processToResult(code)
			}, "result_ready", "Hồ sơ %s đã có kết quả", []string{"Mời Ông/Bà đến Bộ phận một cửa – UBND xã Gia Lâm để nhận kết quả"}},
			{"apology with a new date", func() {
				newDue := e.workingLater(16 * time.Hour)
				due = e.mustAct("gialam.tiepnhan", code, "apologize", map[string]any{"note": "Chậm do xác minh nguồn gốc đất", "new_due": newDue}).DueAt
			}, "apology", "Xin lỗi về việc trễ hẹn trả kết quả hồ sơ %s", []string{"UBND xã Gia Lâm trân trọng xin lỗi Ông/Bà và hẹn lại ngày trả kết quả: {due}.",
				"Lý do: Chậm do xác minh nguồn gốc đất"}},
			{"delivery, with the rating link", func() { e.mustAct("gialam.tiepnhan", code, "deliver", nil) }, "delivered",
				"Hồ sơ %s đã trả kết quả – mời Ông/Bà đánh giá", []string{"Đánh giá mức độ hài lòng: " + site + "/ho-so/{code}/danh-gia"}},
		}
		for i, s := range steps {
			t.Run(s.name, func(t *testing.T) {
				s.do()
				e.flush()
				mails := e.smtp.To(demo.Citizen.Email)
				if len(mails) != i+1 {
					t.Fatalf("%d e-mails so far, want %d", len(mails), i+1)
				}
				m := mails[i]
				if want := strings.ReplaceAll(s.subject, "%s", code); m.Subject != want {
					t.Errorf("subject %q, want %q", m.Subject, want)
				}
				for _, want := range s.body {
					want = strings.NewReplacer("{code}", code, "{due}", vnTime(due)).Replace(want)
					if !strings.Contains(m.Body, want) {
						t.Errorf("e-mail lacks %q:\n%s", want, m.Body)
					}
				}
				sms := e.sms.Delivered()
				if len(sms) != i+1 || sms[i].To != demo.Citizen.Phone || !strings.Contains(sms[i].Text, code) {
					t.Fatalf("SMS: %+v", sms)
				}
				if n := e.inApp("congdan", s.kind); n != 1 {
					t.Errorf("%d in-app %s notices, want 1", n, s.kind)
				}
			})
		}

		// The notices page lists them all, newest first, and links to rating.
		b.login("congdan") // the session expired while the dossier was late
		page := b.get("/thong-bao")
		page.wellFormed(t, "vi")
		if !page.has("6 thông báo mới") || !page.has(`href="/ho-so/`+code+`/danh-gia"`) ||
			strings.Index(page.body, "đã trả kết quả") > strings.Index(page.body, "đã được nộp") {
			t.Fatalf("notices page:\n%s", page.body)
		}
		if !b.get("/thong-bao").has("Không có thông báo mới") {
			t.Error("notices not marked read once shown")
		}
		if !b.get("/ho-so-cua-toi").has(`href="/thong-bao"`) {
			t.Error("Hồ sơ của tôi does not link to the notices")
		}
	})
}

// TestApplicantWithoutAccount: a dossier entered at the counter tells
// the applicant by the e-mail and phone they gave; a refusal carries its
// reason; an English-speaking citizen is written to in English.
func TestApplicantWithoutAccount(t *testing.T) {
	t.Parallel()
	storetest.Engines(t, func(t *testing.T, db *store.DB) {
		e := newNotifyEnv(t, db)
		p := interLevel(t)
		var d dossierView
		e.must(e.call("gialam.tiepnhan", "POST", "/api/v1/dossiers", submission(e.procedure(p.Code), demo.GiaLamCode), &d), 201)
		e.mustAct("gialam.tiepnhan", d.Code, "refuse", map[string]any{"note": "Thủ tục không thuộc thẩm quyền của xã"})
		e.flush()
		mails := e.smtp.To("an@example.vn")
		if len(mails) != 1 || mails[0].Subject != "Hồ sơ "+d.Code+" không được tiếp nhận" ||
			!strings.Contains(mails[0].Body, "Lý do: Thủ tục không thuộc thẩm quyền của xã") ||
			!strings.Contains(mails[0].Body, "Tra cứu hồ sơ: "+site+"/tra-cuu/"+d.Code) { // no account: the public page
			t.Fatalf("counter applicant's e-mail: %+v", mails)
		}
		if sms := e.sms.Delivered(); len(sms) != 1 || sms[0].To != "0912345678" {
			t.Fatalf("counter applicant's SMS: %+v", sms)
		}

		// The demo citizen switches to English, e-mail only.
		uid := e.userID("congdan")
		if err := e.app.Notify.SetPrefs(context.Background(), uid, notify.Prefs{Email: true, Lang: "en"}); err != nil {
			t.Fatal(err)
		}
		d = e.submit(p.Code, demo.GiaLamCode)
		e.mustAct("gialam.tiepnhan", d.Code, "receive", nil)
		e.flush()
		got := e.smtp.To(demo.Citizen.Email)
		if len(got) != 2 || got[1].Subject != "Dossier "+d.Code+" received" || !strings.HasPrefix(got[1].Body, "Dear Nguyễn Văn An,") {
			t.Fatalf("English e-mails: %+v", got)
		}
		if len(e.sms.Delivered()) != 1 {
			t.Fatal("an SMS went to a citizen who turned SMS off")
		}
	})
}

// handOff is the action that passes a dossier on from a step of role.
func handOff(role string) string {
	if role == "leader" {
		return "approve"
	}
	return "forward"
}

func (e *notifyEnv) userID(name string) int64 {
	e.t.Helper()
	a, err := e.app.Auth.UserByName(context.Background(), name)
	if err != nil {
		e.t.Fatal(err)
	}
	return a.ID
}

// TestOfficerNotices: an officer named at a hand-off is told in-app; the
// reminders job tells the officers of the current step once when less
// than a working day is left and once when it is overdue, however often
// it runs; a unit admin sees the e-mail that could not be delivered.
func TestOfficerNotices(t *testing.T) {
	t.Parallel()
	storetest.Engines(t, func(t *testing.T, db *store.DB) {
		e := newNotifyEnv(t, db)
		p := e.procedure(interLevel(t).Code)
		d := e.submit(p.Code, demo.GiaLamCode)
		d = e.mustAct("gialam.tiepnhan", d.Code, "receive", nil)
		due := *d.DueAt

		next := p.Steps[d.Step+1]
		unitCode := map[string]string{"commune": demo.GiaLamCode, "district": demo.DistrictCode}[next.Level]
		assignee := officer(next.Role, unitCode)
		d = e.mustAct(officer(d.StepRole, d.Unit), d.Code, handOff(d.StepRole), map[string]any{"assignee": assignee})
		if e.inApp(assignee, "assigned") != 1 {
			t.Fatalf("%s was not told of the assignment", assignee)
		}
		ob := e.officeLogin(assignee)
		if _, body, _ := ob.get("/can-bo/thong-bao"); !strings.Contains(body, "Hồ sơ "+d.Code+" được giao cho đồng chí xử lý") {
			t.Fatalf("officer's notices page:\n%s", body)
		}

		remind := func() int {
			n, err := e.app.Notify.Remind(context.Background())
			if err != nil {
				t.Fatal(err)
			}
			return n
		}
		if n := remind(); n != 0 {
			t.Fatalf("reminded %d officers days before the deadline", n)
		}
		e.clock.Set(due.Add(-2 * time.Hour))
		for range 3 {
			remind()
		}
		if e.inApp(assignee, "due_soon") != 1 || e.inApp(assignee, "overdue") != 0 {
			t.Fatalf("due soon: %d, overdue: %d; want 1 and 0", e.inApp(assignee, "due_soon"), e.inApp(assignee, "overdue"))
		}
		e.clock.Set(due.Add(time.Hour))
		for range 3 {
			remind()
		}
		if e.inApp(assignee, "due_soon") != 1 || e.inApp(assignee, "overdue") != 1 {
			t.Fatalf("after the deadline: due soon %d, overdue %d; want 1 and 1", e.inApp(assignee, "due_soon"), e.inApp(assignee, "overdue"))
		}

		// An e-mail the relay refuses shows up for the receiving unit's admin.
		e.smtp.FailNext(550)
		e.advance(0)
		e.mustAct(officer(d.StepRole, d.Unit), d.Code, handOff(d.StepRole), nil)
		d2 := e.submit(p.Code, demo.GiaLamCode)
		e.mustAct("gialam.tiepnhan", d2.Code, "refuse", map[string]any{"note": "Sai đơn vị"})
		e.flush()
		admin := e.officeLogin("gialam.quantri")
		_, body, _ := admin.get("/can-bo/thong-bao")
		if !strings.Contains(body, demo.Citizen.Email) || !strings.Contains(body, "550") {
			t.Fatalf("admin does not see the failed e-mail:\n%s", body)
		}
	})
}
