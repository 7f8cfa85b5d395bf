package admin

import (
	"bytes"
	"context"
	"html"
	"io"
	"mime/multipart"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/motcua/motcua/auth"
	"github.com/motcua/motcua/problem"
	"github.com/motcua/motcua/reorg"
)

// fakeReorg records what the pages asked and answers with its fields.
type fakeReorg struct {
	asked     []string
	refuse    error
	report    reorg.Report
	records   []reorg.Record
	revertErr error
}

func (f *fakeReorg) DryRun(_ context.Context, a *auth.Actor, p reorg.Plan) (reorg.Report, error) {
	f.asked = append(f.asked, "dry-run "+a.Username+" "+p.ID)
	if f.refuse != nil {
		return reorg.Report{State: reorg.Refused}, f.refuse
	}
	rep := f.report
	rep.State = reorg.DryRun
	return rep, nil
}

func (f *fakeReorg) Apply(_ context.Context, a *auth.Actor, p reorg.Plan) (reorg.Report, error) {
	f.asked = append(f.asked, "apply "+a.Username+" "+p.ID)
	if f.refuse != nil {
		return reorg.Report{State: reorg.Refused}, f.refuse
	}
	return f.report, nil
}

func (f *fakeReorg) Revert(_ context.Context, a *auth.Actor, id string) error {
	f.asked = append(f.asked, "revert "+a.Username+" "+id)
	return f.revertErr
}

func (f *fakeReorg) List(context.Context) ([]reorg.Record, error) { return f.records, nil }

func (f *fakeReorg) Get(_ context.Context, id string) (reorg.Record, error) {
	for _, r := range f.records {
		if r.ID == id {
			return r, nil
		}
	}
	return reorg.Record{}, problem.NotFound("plan_not_found", id)
}

// A plan merging X02 into X01, both under the admin's district H01.
const testPlan = `{"id": "sap-xep-thu", "title": "Sáp nhập Gia Lâm vào Gia Thủy", "effective": "2099-07-01",
	"basis": ["Nghị quyết thử"], "merge": [{"into": "000.02.07.H40", "from": ["000.04.07.H40"]}]}`

func (w *world) postPlan(t *testing.T, path, field, plan string) (int, string) {
	t.Helper()
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	if field == "file" {
		fw, _ := mw.CreateFormFile("file", "plan.json")
		fw.Write([]byte(plan))
	} else {
		mw.WriteField(field, plan)
	}
	mw.Close()
	req, _ := http.NewRequest("POST", w.srv.URL+path, &body)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	resp, err := noRedirect.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, html.UnescapeString(string(b))
}

func TestPlanUpload(t *testing.T) {
	report := reorg.Report{Plan: "sap-xep-thu", Units: []reorg.UnitChange{{Op: "merge", Code: "X02", Name: "Xã Gia Lâm", To: "X01"}},
		Dossiers: []reorg.DossierMove{{Code: "000.04.07.H40-260302-0001", State: "processing", From: "X02", To: "X01", ReceivingFrom: "X02", ReceivingTo: "X01",
			Due: time.Date(2026, 3, 20, 17, 0, 0, 0, time.UTC)}},
		ByState:   map[string]int{"processing": 1},
		Roles:     []reorg.RoleMove{{Username: "mai", Role: auth.Reception, From: "X02", To: "X01"}},
		Registers: []reorg.Register{{Series: "HT", Year: 2026, Unit: "X01", ContinuesFrom: 41}},
		Payments:  2, Shipments: 1, Notifications: 3}
	cases := []struct {
		name, path, field, plan string
		refuse                  error
		status                  int
		asked                   string // what the service was asked, "" for nothing
		want                    []string
	}{
		{"the dry run shows what would move", "/quan-tri/sap-xep", "file", testPlan, nil, 200, "dry-run quantri sap-xep-thu",
			[]string{"Kiểm tra thử: Sáp nhập Gia Lâm vào Gia Thủy", "<td>Hợp nhất</td><td>X02</td><td>Xã Gia Lâm</td><td>X01</td>",
				"Hồ sơ đang giải quyết được chuyển: 1", "000.04.07.H40-260302-0001", "Đang xử lý: 1",
				"<td>mai</td><td>Tiếp nhận và trả kết quả</td>", "Sổ HT năm 2026 tại X01 tiếp tục từ số 41.",
				"2 khoản thanh toán đang chờ, 1 bưu gửi chưa hoàn tất, 3 thông báo chưa gửi",
				`action="/quan-tri/sap-xep/ap-dung?csrf=`, `<textarea name="plan" hidden>` + testPlan + `</textarea>`}},
		{"a pasted plan is the same as a file", "/quan-tri/sap-xep", "plan", testPlan, nil, 200, "dry-run quantri sap-xep-thu",
			[]string{">Áp dụng</button>"}},
		{"a refusal keeps the plan in the form", "/quan-tri/sap-xep", "file", testPlan, problem.Forbidden("not_your_unit"), 403, "dry-run quantri sap-xep-thu",
			[]string{`role="alert"`, `name="plan" rows="8" spellcheck="false" aria-invalid="true" aria-describedby="err-plan">` + testPlan + "</textarea>"}},
		{"a malformed plan is explained", "/quan-tri/sap-xep", "file", `{"id": "x"`, nil, 422, "",
			[]string{"không đúng định dạng JSON", `{"id": "x"</textarea>`}},
		{"an unknown field is explained", "/quan-tri/sap-xep", "file", `{"id": "x", "hop_nhat": []}`, nil, 422, "",
			[]string{"không đúng định dạng JSON", "hop_nhat"}},
		{"no plan", "/quan-tri/sap-xep", "file", "", nil, 422, "", []string{"Hãy chọn tệp kế hoạch sắp xếp"}},
		{"a plan over the limit", "/quan-tri/sap-xep", "file", strings.Repeat(" ", reorg.MaxPlanSize+1), nil, 413, "", []string{"vượt quá 1024 KiB"}},
		{"applying shows the result", "/quan-tri/sap-xep/ap-dung", "plan", testPlan, nil, 200, "apply quantri sap-xep-thu",
			[]string{"Đã lên lịch kế hoạch", "Xem kế hoạch đã lưu"}},
		{"a refused apply keeps the plan", "/quan-tri/sap-xep/ap-dung", "plan", testPlan, problem.Conflict("plan_changed", "sap-xep-thu"), 409, "apply quantri sap-xep-thu",
			[]string{"Kế hoạch sap-xep-thu đã được ghi nhận với nội dung khác", testPlan + "</textarea>"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			w := newWorld(t)
			w.as = admin
			w.reorg.refuse, w.reorg.report = c.refuse, report
			if strings.HasSuffix(c.path, "ap-dung") {
				w.reorg.report.State = reorg.Scheduled
			}
			status, body := w.postPlan(t, c.path, c.field, c.plan)
			if status != c.status {
				t.Fatalf("status %d, want %d: %s", status, c.status, body)
			}
			if got := strings.Join(w.reorg.asked, ","); got != c.asked {
				t.Errorf("the service was asked %q, want %q", got, c.asked)
			}
			for _, s := range c.want {
				if !strings.Contains(body, s) {
					t.Errorf("the page lacks %q", s)
				}
			}
		})
	}
	t.Run("only admins", func(t *testing.T) {
		w := newWorld(t)
		w.as = clerk
		if status, _ := w.postPlan(t, "/quan-tri/sap-xep", "file", testPlan); status != 403 || len(w.reorg.asked) != 0 {
			t.Errorf("a clerk's upload: %d, service asked %v", status, w.reorg.asked)
		}
	})
}

func TestPlanRecords(t *testing.T) {
	future := time.Now().AddDate(1, 0, 0)
	mine := reorg.Record{ID: "sap-xep-thu", Title: "Sáp nhập Gia Lâm vào Gia Thủy", State: reorg.Scheduled, Effective: future,
		Plan: reorg.Plan{ID: "sap-xep-thu", Effective: future.Format(time.DateOnly), Basis: []string{"Nghị quyết thử"},
			Merge: []reorg.Merge{{Into: "X01", From: []string{"X02"}}}}}
	theirs := reorg.Record{ID: "tinh-khac", Title: "Sắp xếp tỉnh khác", State: reorg.Applied, Effective: future,
		Plan: reorg.Plan{ID: "tinh-khac", Abolish: []reorg.Abolish{{Unit: "H99"}}}}
	w := newWorld(t)
	w.as = admin
	w.reorg.records = []reorg.Record{mine, theirs}

	_, _, body := w.do(t, "GET", "/quan-tri/sap-xep", nil)
	if !strings.Contains(body, `href="/quan-tri/sap-xep/sap-xep-thu"`) || !strings.Contains(body, "Đã lên lịch") {
		t.Error("the list lacks the admin's scheduled plan")
	}
	if strings.Contains(body, "tinh-khac") {
		t.Error("the list shows a plan naming no unit of the admin's")
	}
	code, _, body := w.do(t, "GET", "/quan-tri/sap-xep/sap-xep-thu", nil)
	if code != 200 || !strings.Contains(body, ">Hủy kế hoạch</button>") || !strings.Contains(body, "chưa có báo cáo") {
		t.Errorf("the scheduled plan's page: %d", code)
	}
	if code, _, _ := w.do(t, "GET", "/quan-tri/sap-xep/tinh-khac", nil); code != 403 {
		t.Errorf("a plan outside the admin's units: %d, want 403", code)
	}
	if code, _, _ := w.do(t, "GET", "/quan-tri/sap-xep/khong-co", nil); code != 404 {
		t.Errorf("no such plan: %d, want 404", code)
	}
	code, loc, _ := w.do(t, "POST", "/quan-tri/sap-xep/sap-xep-thu/huy", nil)
	if code != 303 || loc != "/quan-tri/sap-xep?ok=reverted" || w.reorg.asked[0] != "revert quantri sap-xep-thu" {
		t.Errorf("cancel: %d to %q, asked %v", code, loc, w.reorg.asked)
	}
	w.reorg.revertErr = problem.Conflict("reorg_not_revertible", "sap-xep-thu")
	code, _, body = w.do(t, "POST", "/quan-tri/sap-xep/sap-xep-thu/huy", nil)
	if code != 409 || !strings.Contains(body, "không thể hủy") {
		t.Errorf("cancel refused: %d", code)
	}
}
