package server_test

import (
	"flag"
	"html"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/motcua/motcua/demo"
	"github.com/motcua/motcua/forms/formstest"
	"github.com/motcua/motcua/store"
	"github.com/motcua/motcua/store/storetest"
)

// updateGolden rewrites testdata/lifecycle from what the code produces:
// go test ./server -run TestLifecycleGolden -update-golden. Read the diff
// before committing it — the files are the expected text, checked by eye
// against the law, not a snapshot of whatever the code did.
var updateGolden = flag.Bool("update-golden", false, "rewrite server/testdata/lifecycle")

// lifecyclePath is one way a dossier can go, from submission to its end.
type lifecyclePath struct {
	name string
	// run takes a dossier of procedure household, submitted by the demo
	// citizen at Gia Lâm at 08:00 on Monday 2 March 2026, along the path
	// and returns its code.
	run func(e *env, code string)
	// submit, when set, files the dossier instead (at the same moment)
	// and returns its code.
	submit func(e *env) string
}

// TestLifecycleGolden (issue 10) runs one dossier per lifecycle path and
// compares its form 06 (Phiếu kiểm soát quá trình giải quyết hồ sơ) and its
// public tracking page with the expected text in testdata/lifecycle. Both
// engines must produce the same text.
func TestLifecycleGolden(t *testing.T) {
	t.Parallel()
	formstest.Require(t)
	for _, p := range lifecyclePaths() {
		t.Run(p.name, func(t *testing.T) {
			t.Parallel()
			storetest.Engines(t, func(t *testing.T, db *store.DB) {
				e := newEnv(t, db)
				var code string
				if p.submit != nil {
					code = p.submit(e)
				} else {
					proc := household
					if x, ok := pathProcedure[p.name]; ok {
						proc = x
					}
					code = e.submit(proc, demo.GiaLamCode).Code
				}
				e.advance(30 * time.Minute)
				p.run(e, code)
				d := e.get("gialam.tiepnhan", code)
				golden(t, p.name+".form06.txt", e.form06(d.Code))
				golden(t, p.name+".tracking.txt", e.trackingText(d.Code, d.TrackToken))
			})
		})
	}
}

// pathProcedure is the procedure of the paths that need another than
// household: financial obligations are excluded from land procedures.
var pathProcedure = map[string]string{"paused-for-financial-obligations": landTransfer}

func lifecyclePaths() []lifecyclePath {
	note := func(s string) map[string]any { return map[string]any{"note": s} }
	const desk = "gialam.tiepnhan"
	return []lifecyclePath{
		{name: "refused-at-reception", run: func(e *env, code string) {
			e.mustAct(desk, code, "refuse", note("Hộ kinh doanh đã đăng ký tại xã khác; không thuộc thẩm quyền."))
		}},
		{name: "refused-in-processing", run: func(e *env, code string) {
			e.mustAct(desk, code, "receive", nil)
			e.advance(3 * time.Hour)
			e.mustAct(officer("specialist", demo.GiaLamCode), code, "forward", nil)
			e.advance(2 * time.Hour)
			e.mustAct(officer("leader", demo.GiaLamCode), code, "refuse", note("Ngành nghề đăng ký thuộc danh mục cấm kinh doanh."))
			e.advance(time.Hour)
			e.mustAct(desk, code, "deliver", nil)
		}},
		{name: "supplemented", run: func(e *env, code string) {
			e.mustAct(desk, code, "receive", nil)
			e.advance(2 * time.Hour)
			e.mustAct(officer("specialist", demo.GiaLamCode), code, "request-supplement", map[string]any{"note": "Bổ sung bản sao hợp đồng thuê địa điểm kinh doanh.",
				"items": []map[string]any{{"name": "Bản sao hợp đồng thuê địa điểm kinh doanh", "reason": "Chưa nộp kèm hồ sơ"}}})
			e.advance(24 * time.Hour)
			e.mustAct("congdan", code, "supplement", nil)
			e.advance(time.Hour)
			e.processToResult(code)
			e.advance(time.Hour)
			e.mustAct(desk, code, "deliver", nil)
		}},
		{name: "late-with-apology", run: func(e *env, code string) {
			d := e.mustAct(desk, code, "receive", nil)
			// Past the due moment: the apology is a late one, and its new
			// date is kept.
			e.clock.Set(d.DueAt.Add(24 * time.Hour))
			clear(e.tokens)
			e.mustAct(officer("leader", demo.GiaLamCode), code, "apologize", map[string]any{
				"note": "Chậm do phải xác minh địa điểm kinh doanh.", "new_due": time.Date(2026, 3, 10, 16, 0, 0, 0, ict)})
			e.advance(time.Hour)
			e.processToResult(code)
			e.advance(time.Hour)
			e.mustAct(desk, code, "deliver", nil)
		}},
		{name: "paused-for-financial-obligations", run: func(e *env, code string) {
			e.mustAct(desk, code, "receive", nil)
			d := e.toStep(e.get(desk, code), "specialist")
			who := officer("specialist", d.Unit)
			e.advance(2 * time.Hour)
			e.mustAct(who, code, "pause", map[string]any{"kind": "financial_obligation",
				"note": "Chờ người sử dụng đất nộp lệ phí trước bạ, thuế thu nhập cá nhân theo thông báo của cơ quan thuế."})
			e.advance(3 * 24 * time.Hour)
			e.mustAct(who, code, "resume", note("Đã nộp đủ nghĩa vụ tài chính."))
			e.advance(time.Hour)
			d = e.processToResult(code)
			// On the moved due day, before its moment: on time, no apology.
			e.clock.Set(d.DueAt.Add(-15 * time.Minute))
			clear(e.tokens)
			e.mustAct(desk, code, "deliver", nil)
		}},
		{name: "coordinated", run: func(e *env, code string) {
			// The step asks the tax office, which answers on its due day;
			// the dossier's own clock runs throughout.
			e.mustAct(desk, code, "receive", nil)
			e.advance(time.Hour)
			specialist := officer("specialist", demo.GiaLamCode)
			tax := e.agencies(specialist)["Thuế cơ sở 9 tỉnh Ninh Bình"]
			e.mustAct(specialist, code, "consult", map[string]any{"agency": tax.ID, "days": 1,
				"note": "Đề nghị cho biết tình trạng đăng ký thuế của hộ kinh doanh."})
			e.advance(23 * time.Hour)
			e.mustAct(specialist, code, "record-answer", map[string]any{"answered_by": "Đội trưởng Đội Thuế",
				"note": "Hộ kinh doanh chưa có mã số thuế; cấp mã khi đăng ký."})
			e.advance(time.Hour)
			e.processToResult(code)
			e.advance(time.Hour)
			e.mustAct(desk, code, "deliver", nil)
		}},
		{name: "transferred-from-another-commune", submit: submitForGiaThuy, run: func(e *env, code string) {
			// Gia Lâm's desk receives for Gia Thủy (phi địa giới),
			// transfers it, Gia Thủy decides, the result comes back.
			e.mustAct(desk, code, "receive", nil)
			e.advance(time.Hour)
			e.mustAct(desk, code, "transfer", nil)
			e.advance(2 * time.Hour)
			e.mustAct("giathuy.chuyenvien", code, "forward", nil)
			e.advance(2 * time.Hour)
			e.mustAct("giathuy.lanhdao", code, "approve", nil)
			e.advance(time.Hour)
			e.mustAct("giathuy.vanthu", code, "forward", nil)
			e.advance(time.Hour)
			e.mustAct(desk, code, "deliver", nil)
		}},
		{name: "withdrawn", run: func(e *env, code string) {
			e.mustAct(desk, code, "receive", nil)
			e.advance(4 * time.Hour)
			e.mustAct("congdan", code, "withdraw", note("Không còn nhu cầu đăng ký."))
			e.advance(time.Hour)
			e.mustAct(desk, code, "acknowledge-withdrawal", nil)
		}},
	}
}

// submitForGiaThuy files, as the demo citizen, a dossier for Gia Thủy at
// Gia Lâm's desk (phi địa giới), Gia Thủy staffed by withGiaThuy.
func submitForGiaThuy(e *env) string {
	withGiaThuy(e)
	p := e.procedure(household)
	in := submission(p, demo.GiaLamCode)
	in["competent_unit"] = giaThuyCode
	var d dossierView
	e.must(e.call("congdan", "POST", "/api/v1/dossiers", in, &d), 201)
	for _, c := range p.Components {
		if c.Required {
			e.upload("congdan", d.Code, c.Key, "scan.pdf", samplePDF)
		}
	}
	return d.Code
}

// form06 is the text of the dossier's form 06, or a line saying why there
// is none (a dossier refused at reception was never processed).
func (e *env) form06(code string) string {
	e.t.Helper()
	r := e.call("gialam.tiepnhan", "GET", "/api/v1/dossiers/"+code+"/forms/06", nil, nil)
	if r.status != 200 {
		return "(no form 06: " + r.errCode() + ")\n"
	}
	return e.anonymise(formstest.Text(e.t, r.body))
}

var tokenRE = regexp.MustCompile(`([?&]t=)[0-9a-f]{32}`)

// anonymise replaces what changes from run to run — the test server's
// address, the random tracking token — and normalises the text.
func (e *env) anonymise(s string) string {
	s = strings.ReplaceAll(s, e.srv.URL, "https://motcua.example")
	return normalise(tokenRE.ReplaceAllString(s, "${1}TOKEN"))
}

var (
	tagRE    = regexp.MustCompile(`<[^>]*>`)
	spacesRE = regexp.MustCompile(`[ \t\p{Zs}]+`)
)

// trackingText is the visible text of the public tracking page's dossier
// section, one line per element.
func (e *env) trackingText(code, token string) string {
	e.t.Helper()
	req, err := newGet(e.srv.URL + "/tra-cuu?ma=" + code + "&t=" + token)
	if err != nil {
		e.t.Fatal(err)
	}
	status, body := fetch(e.t, req)
	start, end := strings.Index(body, `<section aria-labelledby="hs">`), strings.Index(body, "</section>")
	if status != 200 || start < 0 || end < start {
		e.t.Fatalf("tracking page: %d\n%s", status, body)
	}
	s := body[start:end]
	s = regexp.MustCompile(`</(dd|li|h2|h3)>`).ReplaceAllString(s, "$0\n")
	return e.anonymise(html.UnescapeString(tagRE.ReplaceAllString(s, " ")))
}

// normalise keeps the words and their line order, not the layout: runs
// of spaces become one, lines are trimmed and blank ones dropped.
func normalise(s string) string {
	var out []string
	for _, line := range strings.Split(s, "\n") {
		if line = strings.TrimSpace(spacesRE.ReplaceAllString(line, " ")); line != "" {
			out = append(out, line)
		}
	}
	return strings.Join(out, "\n") + "\n"
}

// golden compares got with testdata/lifecycle/name, or rewrites it.
func golden(t *testing.T, name, got string) {
	t.Helper()
	path := filepath.Join("testdata", "lifecycle", name)
	if *updateGolden {
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run with -update-golden to create it, then read it)", err)
	}
	if got != string(want) {
		t.Errorf("%s differs from the expected text.\n--- want\n%s\n--- got\n%s", path, want, got)
	}
}
