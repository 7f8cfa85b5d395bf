package e2e

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/motcua/motcua/demo"
)

// The helpers below drive the pages as a person does: they type into
// fields found by their labels, press buttons found by their visible text
// and follow links, and wait for what the next page shows. None of them
// calls the API or the services.

// tab is one signed-in person's tab, in a browser context of its own
// (cookies are not shared with anyone else's tab).
type tab struct {
	ctx  context.Context
	base string // the server's URL
	who  string // the username, for messages
}

// openTab opens a tab in a new browser context of the browser from
// newBrowser. With noJS, scripts of the pages do not run in it (as with
// JavaScript switched off in the browser's settings); the DevTools
// protocol still evaluates the test's own expressions.
func openTab(t *testing.T, browser context.Context, base, who string, noJS bool) *tab {
	t.Helper()
	ctx, cancel := chromedp.NewContext(browser, chromedp.WithNewBrowserContext())
	t.Cleanup(cancel) // registered after the browser's: runs before it
	// As in newBrowser, the first Run must not have a deadline (it binds
	// the tab's life to its context), so a timer bounds it instead.
	opened := make(chan error, 1)
	go func() { opened <- chromedp.Do(ctx) }()
	select {
	case err := <-opened:
		if err != nil {
			t.Fatalf("open a tab for %s: %v", who, err)
		}
	case <-time.After(stepTimeout):
		cancel()
		t.Fatalf("open a tab for %s: no answer within %s", who, stepTimeout)
	}
	u := &tab{ctx: ctx, base: base, who: who}
	if noJS {
		setScripts(t, ctx, false)
		// Prove it: a page whose script would change its title.
		sctx, cancel := step(ctx)
		defer cancel()
		_, err := chromedp.RunResponse(sctx, chromedp.Navigate(`data:text/html,<title>off</title><script>document.title="on"</script>`))
		fatalIf(t, err, "load the JavaScript probe")
		if title := eval[string](t, ctx, `document.title`); title != "off" {
			t.Fatalf("scripts still run in the tab with JavaScript disabled (title %q)", title)
		}
		u.ctx = context.WithValue(ctx, scriptsOff{}, true) // see emulate and checkA11y
	}
	return u
}

// js quotes s as a JavaScript string literal.
func js(s string) string {
	b, err := json.Marshal(s)
	if err != nil {
		panic(err)
	}
	return string(b)
}

// byText selects the elements matching css whose text, with white space
// collapsed, is exactly text. The expression runs again on every retry,
// so it finds the element on a page that is still loading.
func byText(css, text string) chromedp.JSPath {
	return chromedp.JSPath(fmt.Sprintf(
		`[...document.querySelectorAll(%s)].filter(e => e.textContent.replace(/\s+/g, ' ').trim() === %s)`, js(css), js(text)))
}

// q selects the first element matching css.
func q(css string) chromedp.JSPath {
	return chromedp.JSPath("document.querySelector(" + js(css) + ")")
}

// click clicks the element matching css, on a control that loads no page
// (a radio button's label, say).
func (u *tab) click(t *testing.T, css string) {
	t.Helper()
	sctx, cancel := step(u.ctx)
	defer cancel()
	fatalIf(t, chromedp.Do(sctx, chromedp.Click(q(css))), u.who+": click "+css)
}

// visit loads path on the server and fails unless it answers 200.
func (u *tab) visit(t *testing.T, path string) {
	t.Helper()
	visit(t, u.ctx, u.base+path)
}

// path is the path (and query) of the page the tab shows.
func (u *tab) path(t *testing.T) string {
	t.Helper()
	return eval[string](t, u.ctx, `location.pathname + location.search`)
}

// press clicks the element sel, which loads a page (a form's submit
// button, a link), and fails unless the page answers want. It returns the
// path the browser ended on, after any redirect.
func (u *tab) press(t *testing.T, sel chromedp.JSPath, want int64, what string) string {
	t.Helper()
	sctx, cancel := step(u.ctx)
	defer cancel()
	resp, err := chromedp.RunResponse(sctx, chromedp.Click(sel))
	fatalIf(t, err, u.who+": press "+what)
	if resp.Status != want {
		t.Fatalf("%s: press %s: %s answered %d, want %d\n%s", u.who, what, resp.URL, resp.Status, want, u.mainText(t))
	}
	return u.path(t)
}

// button presses the button in the element matched by scope whose text is label.
func (u *tab) button(t *testing.T, scope, label string, want int64) string {
	t.Helper()
	return u.press(t, byText(scope+" button", label), want, fmt.Sprintf("the button %q", label))
}

// follow clicks the link in the element matched by scope whose text is label.
func (u *tab) follow(t *testing.T, scope, label string) string {
	t.Helper()
	return u.press(t, byText(scope+" a", label), 200, fmt.Sprintf("the link %q", label))
}

// labelled returns the id of the control whose <label> text starts with
// label, failing if there is no such label or it names no control.
func (u *tab) labelled(t *testing.T, label string) string {
	t.Helper()
	id := eval[string](t, u.ctx, fmt.Sprintf(`(() => {
		const l = [...document.querySelectorAll('main label')].find(l => l.textContent.replace(/\s+/g, ' ').trim().startsWith(%s));
		return l && l.control ? l.control.id : '';
	})()`, js(label)))
	if id == "" {
		t.Fatalf("%s: no field labelled %q on %s", u.who, label, u.path(t))
	}
	return id
}

// fill types text into the field with the given id, replacing its value.
func (u *tab) fill(t *testing.T, id, text string) {
	t.Helper()
	// Emptied from the page (chromedp.SetValue refuses ""), then typed.
	if !eval[bool](t, u.ctx, fmt.Sprintf(`(e => !!e && (e.value = '', true))(document.getElementById(%s))`, js(id))) {
		t.Fatalf("%s: no field #%s on %s", u.who, id, u.path(t))
	}
	sctx, cancel := step(u.ctx)
	defer cancel()
	fatalIf(t, chromedp.Do(sctx, chromedp.SendKeys(chromedp.ID(id), text)), u.who+": type into #"+id)
	if got := u.value(t, id); got != text {
		t.Fatalf("%s: typed %q into #%s, it holds %q", u.who, text, id, got)
	}
}

// fillLabelled types text into the field labelled label and returns its id.
func (u *tab) fillLabelled(t *testing.T, label, text string) string {
	t.Helper()
	id := u.labelled(t, label)
	u.fill(t, id, text)
	return id
}

// choose picks option in the <select> labelled label.
func (u *tab) choose(t *testing.T, label, option string) string {
	t.Helper()
	id := u.labelled(t, label)
	sctx, cancel := step(u.ctx)
	defer cancel()
	fatalIf(t, chromedp.Do(sctx, chromedp.SetValue(chromedp.ID(id), option)), u.who+": choose in #"+id)
	if got := u.value(t, id); got != option {
		t.Fatalf("%s: #%s has no option %q (value %q)", u.who, id, option, got)
	}
	return id
}

// value is the current value of the control with the given id.
func (u *tab) value(t *testing.T, id string) string {
	t.Helper()
	sctx, cancel := step(u.ctx)
	defer cancel()
	v, err := chromedp.Run(sctx, chromedp.Value(chromedp.ID(id)))
	fatalIf(t, err, "value of #"+id)
	return v
}

// text is the rendered text of the first element matching css ("" if none).
func (u *tab) text(t *testing.T, css string) string {
	t.Helper()
	return eval[string](t, u.ctx, fmt.Sprintf(`(document.querySelector(%s) || {innerText: ''}).innerText`, js(css)))
}

// has reports whether an element matches css on the page now.
func (u *tab) has(t *testing.T, css string) bool {
	t.Helper()
	return eval[bool](t, u.ctx, fmt.Sprintf(`document.querySelector(%s) !== null`, js(css)))
}

// mainText is the text of the page's <main>, for failure messages.
func (u *tab) mainText(t *testing.T) string {
	t.Helper()
	return u.text(t, "main")
}

// wantText fails unless the element matching css shows every one of wants.
func (u *tab) wantText(t *testing.T, css string, wants ...string) {
	t.Helper()
	got := u.text(t, css)
	for _, w := range wants {
		if !strings.Contains(got, w) {
			t.Errorf("%s: %s on %s does not say %q; it says:\n%s", u.who, css, u.path(t), w, got)
		}
	}
}

// waitVisible waits until an element matching sel is visible.
func (u *tab) waitVisible(t *testing.T, sel chromedp.JSPath, what string) {
	t.Helper()
	sctx, cancel := step(u.ctx)
	defer cancel()
	fatalIf(t, chromedp.Do(sctx, chromedp.WaitVisible(sel)), u.who+": wait for "+what)
}

// login signs in through the login form, typing the username and the
// demo password and pressing the button, and returns the path it lands on.
func (u *tab) login(t *testing.T) string {
	t.Helper()
	u.visit(t, "/dang-nhap")
	u.fillLabelled(t, "Tên đăng nhập", u.who)
	u.fillLabelled(t, "Mật khẩu", demo.Password)
	path := u.button(t, "main form", "Đăng nhập", 200)
	if strings.HasPrefix(path, "/dang-nhap") {
		t.Fatalf("%s: sign-in failed:\n%s", u.who, u.mainText(t))
	}
	return path
}

// upload chooses file for the upload form of the component whose file
// input has the id file-<key> (the citizen's and the officers' pages both
// name it so), presses its button and waits for the page that lists the
// file. With JavaScript, site.js sends it with progress and then loads the
// page; without, the form posts and the server redirects.
func (u *tab) upload(t *testing.T, key, file string) {
	t.Helper()
	sctx, cancel := step(u.ctx)
	fatalIf(t, chromedp.Do(sctx, chromedp.SetUploadFiles(chromedp.ID("file-"+key), []string{file})), u.who+": choose "+file)
	cancel()
	sel := chromedp.JSPath(fmt.Sprintf(`document.getElementById(%s).form.querySelector('button[type=submit]')`, js("file-"+key)))
	u.press(t, sel, 200, "upload for "+key)
	// The page lists the file, or says why it did not take it.
	name := filepath.Base(file)
	const failed = ".error[role=alert], .of-error-box"
	listed := chromedp.JSPath(string(byText("main li a", name)) + fmt.Sprintf(`.concat([...document.querySelectorAll(%s)])`, js(failed)))
	u.waitVisible(t, listed, "the uploaded file "+name)
	if msg := u.text(t, failed); msg != "" {
		t.Fatalf("%s: uploading %s for %s: %s", u.who, name, key, msg)
	}
}

// writePDF writes a small, well-formed one-page PDF named name into dir
// and returns its path. Its text is its name, so each upload is distinct.
func writePDF(t *testing.T, dir, name string) string {
	t.Helper()
	content := fmt.Sprintf("BT /F1 14 Tf 24 60 Td (%s) Tj ET", strings.NewReplacer("(", "", ")", "", `\`, "").Replace(name))
	objects := []string{
		"<< /Type /Catalog /Pages 2 0 R >>",
		"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
		"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 300 144] /Contents 4 0 R /Resources << /Font << /F1 5 0 R >> >> >>",
		fmt.Sprintf("<< /Length %d >>\nstream\n%s\nendstream", len(content), content),
		"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
	}
	var b strings.Builder
	b.WriteString("%PDF-1.4\n")
	offsets := make([]int, len(objects))
	for i, o := range objects {
		offsets[i] = b.Len()
		fmt.Fprintf(&b, "%d 0 obj\n%s\nendobj\n", i+1, o)
	}
	xref := b.Len()
	fmt.Fprintf(&b, "xref\n0 %d\n0000000000 65535 f \n", len(objects)+1)
	for _, off := range offsets {
		fmt.Fprintf(&b, "%010d 00000 n \n", off)
	}
	fmt.Fprintf(&b, "trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n", len(objects)+1, xref)
	path := filepath.Join(dir, name)
	if err := os.WriteFile(path, []byte(b.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

// page photographs the current page at phone and desktop width and runs
// axe on it (see screenshots and checkA11y).
func (u *tab) page(t *testing.T, name string) {
	t.Helper()
	screenshots(t, u.ctx, name)
	checkA11y(t, u.ctx, name)
}

// phase runs one part of a flow as a subtest. Later parts need the earlier
// ones, so a part that stopped (t.Fatal) stops the test; one that only
// reported errors (t.Error, such as an axe violation) lets it go on, so a
// run shows every problem at once.
func phase(t *testing.T, name string, f func(t *testing.T)) {
	t.Helper()
	finished := false
	t.Run(name, func(t *testing.T) {
		f(t)
		finished = true
	})
	if !finished {
		t.FailNow()
	}
}

// The procedure the flows file: certifying a signature (chứng thực chữ
// ký), received and processed at the commune: specialist, then leader,
// then the one-stop desk returns the result. Two documents are required.
const (
	procCode   = "2.000884"
	procSearch = "chung thuc chu ky" // typed without accents
)

var procComponents = []string{"giay_to_tuy_than", "giay_to_can_ky"}

// The e-form's labels (catalog/procedures/2.000884.json) and what the
// citizen types.
const (
	labelDocName  = "Tên giấy tờ, văn bản cần chứng thực chữ ký"
	labelSigner   = "Họ, chữ đệm và tên người ký"
	labelSignerID = "Số định danh cá nhân của người ký"
	labelSigners  = "Số người ký trong giấy tờ"
	labelHow      = "Hình thức xác nhận"
)

// wizardOptions says how much of the wizard fileOnline checks.
type wizardOptions struct {
	// shots, when set, prefixes the names of screenshots taken (and axe
	// checks run) at each step; "" takes none.
	shots string
	// mistakes makes a validation error on the e-form and a missing
	// document first, and checks how the pages show them.
	mistakes bool
	// files is where the PDFs are written.
	files string
	// tag makes the uploaded files' names unique to this dossier.
	tag string
}

// fileOnline completes the online submission wizard of procCode, starting
// on its step 1, and returns the code on the receipt.
func fileOnline(t *testing.T, u *tab, o wizardOptions) string {
	t.Helper()
	shot := func(name string) {
		if o.shots != "" {
			u.page(t, o.shots+name)
		}
	}

	// Step 1: the receiving unit and the applicant, filled from the account.
	u.wantText(t, "main h1", "Nộp hồ sơ trực tuyến")
	u.wantText(t, "nav ol.steps [aria-current=step]", "Bước 1:")
	if unit := u.value(t, u.labelled(t, "Nơi nộp hồ sơ")); unit != demo.GiaLamCode {
		t.Errorf("step 1 proposes unit %q for a citizen of Gia Lâm, want %s", unit, demo.GiaLamCode)
	}
	if name := u.value(t, u.labelled(t, "Họ và tên")); name != demo.Citizen.FullName {
		t.Errorf("step 1: name %q, want the account's %q", name, demo.Citizen.FullName)
	}
	shot("wizard-1-applicant")
	path := u.button(t, "main form", "Lưu và tiếp tục", 200)
	if !strings.HasSuffix(path, "/to-khai") {
		t.Fatalf("step 1 went to %s, want the e-form (…/to-khai):\n%s", path, u.mainText(t))
	}

	// Step 2: the e-form.
	u.wantText(t, "nav ol.steps [aria-current=step]", "Bước 2:")
	u.fillLabelled(t, labelDocName, "Giấy ủy quyền "+o.tag)
	u.fillLabelled(t, labelSigner, "Nguyễn Văn An")
	idID := u.labelled(t, labelSignerID)
	u.fillLabelled(t, labelSigners, "1")
	u.choose(t, labelHow, "Ký")
	shot("wizard-2-form")
	if o.mistakes {
		// Eleven digits: the browser lets it through, the server does not.
		u.fill(t, idID, "03708500123")
		u.button(t, "main form", "Lưu và tiếp tục", 422)
		errID := "e-" + idID
		got := u.text(t, "#"+errID)
		if want := "Số định danh cá nhân phải gồm 12 chữ số."; got != want {
			t.Errorf("error shown for the identity number: %q, want %q", got, want)
		}
		// Next to the field: in its own block, and tied to the input.
		if !eval[bool](t, u.ctx, fmt.Sprintf(`(() => {
			const i = document.getElementById(%s), e = document.getElementById(%s);
			return !!i && !!e && i.closest('.field') === e.closest('.field') &&
				i.getAttribute('aria-invalid') === 'true' && i.getAttribute('aria-describedby') === %s;
		})()`, js(idID), js(errID), js(errID))) {
			t.Errorf("the error is not next to #%s (same .field, aria-invalid, aria-describedby=%s)", idID, errID)
		}
		u.wantText(t, ".error-summary[role=alert]", "Vui lòng kiểm tra lại các mục sau", labelSignerID)
		if !u.has(t, fmt.Sprintf(`.error-summary a[href="#%s"]`, idID)) {
			t.Errorf("the error summary does not link to #%s", idID)
		}
		// What was typed is kept, the wrong value included.
		for label, want := range map[string]string{labelDocName: "Giấy ủy quyền " + o.tag, labelSigner: "Nguyễn Văn An",
			labelSignerID: "03708500123", labelSigners: "1", labelHow: "Ký"} {
			if got := u.value(t, u.labelled(t, label)); got != want {
				t.Errorf("after the error, %q holds %q, want what was typed, %q", label, got, want)
			}
		}
		shot("wizard-2-form-error")
	}
	u.fill(t, idID, "037085001234")
	path = u.button(t, "main form", "Lưu và tiếp tục", 200)
	if !strings.HasSuffix(path, "/tai-lieu") {
		t.Fatalf("step 2 went to %s, want the documents (…/tai-lieu):\n%s", path, u.mainText(t))
	}

	// Step 3: one PDF per required document.
	u.wantText(t, "nav ol.steps [aria-current=step]", "Bước 3:")
	if o.mistakes {
		u.button(t, "main form.actions", "Lưu và tiếp tục", 422)
		for _, key := range procComponents {
			u.wantText(t, "#c-"+key, "Chưa tải lên giấy tờ bắt buộc này.")
		}
		shot("wizard-3-files-missing")
	}
	for _, key := range procComponents {
		u.upload(t, key, writePDF(t, o.files, o.tag+"-"+key+".pdf"))
	}
	shot("wizard-3-files")
	path = u.button(t, "main form.actions", "Lưu và tiếp tục", 200)
	if !strings.HasSuffix(path, "/xem-lai") {
		t.Fatalf("step 3 went to %s, want the review (…/xem-lai):\n%s", path, u.mainText(t))
	}

	// Step 4: review, then submit.
	u.wantText(t, "nav ol.steps [aria-current=step]", "Bước 4:")
	u.wantText(t, "main", "UBND xã Gia Lâm", "Giấy ủy quyền "+o.tag, "037085001234",
		o.tag+"-giay_to_tuy_than.pdf", o.tag+"-giay_to_can_ky.pdf")
	shot("wizard-4-review")
	path = u.button(t, "main form", "Nộp hồ sơ", 200)
	m := regexp.MustCompile(`^/ho-so/([^/]+)/bien-nhan$`).FindStringSubmatch(path)
	if m == nil {
		t.Fatalf("submitting went to %s, want the receipt /ho-so/{code}/bien-nhan:\n%s", path, u.mainText(t))
	}
	code := u.text(t, ".code-big")
	if code != m[1] || !regexp.MustCompile(`^`+regexp.QuoteMeta(demo.GiaLamCode)+`-\d{6}-\d{4}$`).MatchString(code) {
		t.Fatalf("receipt shows code %q at %s, want Gia Lâm's agency code, a date and a number", code, path)
	}
	return code
}

// officeStatus is the status line of the office dossier page:
// "Đang xử lý — <step> (<role>)".
func (u *tab) officeStatus(t *testing.T) string {
	t.Helper()
	return u.text(t, `section[aria-labelledby="h-status"] dd`)
}

// act takes an action on the office dossier page with its form
// (#form-<action>), writing note when given, and returns the path it
// lands on. It fails unless the action is offered.
func (u *tab) act(t *testing.T, code, action, note string) string {
	t.Helper()
	if !strings.HasPrefix(u.path(t), "/can-bo/ho-so/"+code) {
		u.visit(t, "/can-bo/ho-so/"+code)
	}
	form := "#form-" + action
	if !u.has(t, form) {
		t.Fatalf("%s may not %s dossier %s; the page offers:\n%s", u.who, action, code, u.text(t, "#thao-tac"))
	}
	if note != "" {
		u.fill(t, "note-"+action, note)
	}
	if action == "request-supplement" {
		// A request names what is missing (issue 10): one "other" line.
		u.fill(t, "other-name-1", "Giấy tờ còn thiếu")
		u.fill(t, "other-reason-1", note)
	}
	label := u.text(t, form+" button[type=submit]")
	return u.button(t, form, label, 200)
}

// roleOfficer maps the role the office page names for a step to the
// Gia Lâm account that holds it.
var roleOfficer = map[string]string{
	"Chuyên viên xử lý":        "gialam.chuyenvien",
	"Lãnh đạo":                 "gialam.lanhdao",
	"Văn thư":                  "gialam.vanthu",
	"Tiếp nhận và trả kết quả": "gialam.tiepnhan",
}

var roleInStatus = regexp.MustCompile(`\(([^()]+)\)\s*$`)

// nextOfficer reads on the dossier page who acts on the current step.
func (u *tab) nextOfficer(t *testing.T) (role, username string) {
	t.Helper()
	status := u.officeStatus(t)
	m := roleInStatus.FindStringSubmatch(status)
	if m == nil {
		t.Fatalf("the status %q names no role for the current step", status)
	}
	username, ok := roleOfficer[m[1]]
	if !ok {
		t.Fatalf("no Gia Lâm account for the role %q (status %q)", m[1], status)
	}
	return m[1], username
}
