package server_test

import (
	"html"
	"net/url"
	"regexp"
	"strings"
	"testing"

	qrcode "github.com/skip2/go-qrcode"

	"github.com/motcua/motcua/demo"
	"github.com/motcua/motcua/store"
	"github.com/motcua/motcua/store/storetest"
)

// signatureProc is the procedure the portal tests file: authentication of a
// signature at the commune (an e-form with text, ID number, number, select
// and phone fields, and two required documents).
const signatureProc = "2.000884"

// TestPortalSubmissionWizard walks a citizen through the online submission
// in a browser without JavaScript: each step saves the draft, a mistake is
// shown next to its field and loses nothing, the draft survives a lost
// connection, and a double submit files one dossier.
func TestPortalSubmissionWizard(t *testing.T) {
	t.Parallel()
	storetest.Engines(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		b := e.portalVisitor(t, "")

		// Not signed in: the wizard asks for a login and comes back.
		if p := b.get("/nop-ho-so/" + signatureProc); p.url.Path != "/dang-nhap" || p.url.Query().Get("next") != "/nop-ho-so/"+signatureProc {
			t.Fatalf("anonymous wizard: landed on %s", p.url)
		}
		b.login("congdan")

		// Step 1 is prefilled from the citizen's account, unit inferred from the address.
		p := b.get("/nop-ho-so/" + signatureProc)
		for _, want := range []string{`value="Nguyễn Văn An"`, `value="037085001234"`, `value="0912345678"`, `value="nguyenvanan@example.vn"`,
			`<option value="` + demo.GiaLamCode + `" selected>`, `aria-current="step"`} {
			if !p.has(want) {
				t.Errorf("step 1 lacks %s", want)
			}
		}
		p.wellFormed(t, "vi")
		// A POST without the CSRF token is refused before anything is saved.
		if r := b.post("/nop-ho-so/"+signatureProc, url.Values{"unit": {demo.GiaLamCode}, "name": {"X"}}); r.status != 403 {
			t.Fatalf("step 1 without CSRF: %d", r.status)
		}
		// Post delivery without an address: the problem shows at the address, the rest is kept.
		p = b.post("/nop-ho-so/"+signatureProc, p.formWith(t, "unit", demo.GiaLamCode, "name", "Nguyễn Văn Ân",
			"id_number", "037085001234", "phone", "0912345678", "email", "", "address", "", "delivery", "post"))
		if p.status != 422 || !p.has(`id="e-f-address"`) || !p.has("Nhận kết quả qua bưu chính cần địa chỉ nhận.") || !p.has(`value="Nguyễn Văn Ân"`) {
			t.Fatalf("step 1 with post and no address: %d\n%s", p.status, mainOf(p.body))
		}
		step1 := p.action(t, "/nguoi-nop")
		p = b.post(step1, p.formWith(t, "unit", demo.GiaLamCode, "name", "Nguyễn Văn Ân", "id_number", "037085001234",
			"phone", "0912345678", "email", "an@example.vn", "address", "Thôn Tân Lập, xã Gia Lâm", "delivery", "post"))
		m := regexp.MustCompile(`^/nop-ho-so/` + regexp.QuoteMeta(signatureProc) + `/(\d+)/to-khai$`).FindStringSubmatch(p.url.Path)
		if p.status != 200 || m == nil {
			t.Fatalf("step 1 → %d at %s", p.status, p.url)
		}
		draft := "/nop-ho-so/" + signatureProc + "/" + m[1]

		// Step 2: a wrong ID number is reported next to its field; what was typed stays.
		good := map[string]string{"ten_giay_to": "Giấy ủy quyền", "ho_ten_nguoi_ky": "Nguyễn Văn Ân", "so_dinh_danh": "037085001234",
			"so_nguoi_ky": "1", "hinh_thuc": "Điểm chỉ", "so_dien_thoai": ""}
		form := func(p citizenPage, over ...string) url.Values {
			v := p.formWith(t)
			for k, x := range good {
				v.Set(k, x)
			}
			for i := 0; i+1 < len(over); i += 2 {
				v.Set(over[i], over[i+1])
			}
			return v
		}
		p = b.post(draft+"/to-khai", form(p, "so_dinh_danh", "12ab"))
		fieldErr := regexp.MustCompile(`(?s)<input id="f-so_dinh_danh"[^>]*value="12ab"[^>]*aria-invalid="true" aria-describedby="e-f-so_dinh_danh">\s*<p class="field-error" id="e-f-so_dinh_danh">Số định danh cá nhân phải gồm 12 chữ số\.</p>`)
		if p.status != 422 || !fieldErr.MatchString(p.body) || !p.has(`role="alert"`) {
			t.Fatalf("invalid ID number: %d\n%s", p.status, mainOf(p.body))
		}
		if !p.has(`value="Giấy ủy quyền"`) || !p.has(`<option value="Điểm chỉ" selected>`) {
			t.Fatal("the other values typed were lost")
		}
		if !p.has(`maxlength="200"`) || !p.has(`inputmode="numeric"`) || !regexp.MustCompile(`id="f-so_nguoi_ky"[^>]*inputmode="numeric"`).MatchString(p.body) /* an integer */ || !p.has(`type="tel"`) {
			t.Error("e-form inputs lack their HTML hints")
		}
		// Step 1 still holds what was saved, not the account's prefill.
		if p := b.get(draft + "/nguoi-nop"); !p.has(`value="Nguyễn Văn Ân"`) || !p.has(`value="post" checked`) {
			t.Fatal("step 1 lost what was saved")
		}

		// The connection drops: a new browser, a new login; the draft resumes at the e-form, values intact.
		b = e.portalVisitor(t, "")
		b.login("congdan")
		p = b.get("/nop-ho-so/" + signatureProc)
		if p.url.Path != draft+"/to-khai" || !p.has(`value="12ab"`) || !p.has(`value="Giấy ủy quyền"`) {
			t.Fatalf("resume: at %s", p.url)
		}
		if mine := b.get("/ho-so-cua-toi"); !mine.has(draft+`"`) || !mine.has("Hồ sơ đang soạn") {
			t.Fatal("my dossiers does not list the draft")
		}
		p = b.post(draft+"/to-khai", form(p))
		if p.url.Path != draft+"/tai-lieu" {
			t.Fatalf("step 2 → %s\n%s", p.url, mainOf(p.body))
		}

		// Step 3: the required documents must be there before the review.
		if r := b.post(draft+"/tai-lieu", p.formWith(t)); r.status != 422 || !r.has("Chưa tải lên giấy tờ bắt buộc này.") {
			t.Fatalf("continue without documents: %d", r.status)
		}
		if r := b.get(draft + "/xem-lai"); r.url.Path != draft+"/tai-lieu" || !r.has("Chưa tải lên giấy tờ bắt buộc này.") {
			t.Fatalf("review without documents: at %s", r.url)
		}
		up := p.action(t, "/tai-lieu/giay_to_tuy_than?")
		if !strings.Contains(up, "?csrf=") || !p.has(`data-max="20971520"`) || !p.has("<progress hidden") {
			t.Fatalf("upload form: %s", up)
		}
		noToken, _, _ := strings.Cut(up, "?")
		if r := b.upload(noToken, "CCCD.pdf", samplePDF); r.status != 403 {
			t.Fatalf("upload without CSRF: %d", r.status)
		}
		if r := b.upload(up, "virus.pdf", []byte("MZ\x90\x00 not a scan")); !r.has("Chỉ nhận tệp PDF, JPG hoặc PNG.") || r.url.Query().Get("tep") != "giay_to_tuy_than" {
			t.Fatalf("wrong type: at %s", r.url)
		}
		for _, c := range []string{"giay_to_tuy_than", "giay_to_can_ky"} {
			p = b.upload(p.action(t, "/tai-lieu/"+c+"?"), "CCCD "+c+".pdf", samplePDF)
			if p.status != 200 || p.url.Path != draft+"/tai-lieu" || !p.has("CCCD "+c+".pdf") {
				t.Fatalf("upload %s: %d at %s", c, p.status, p.url)
			}
		}
		p = b.post(draft+"/tai-lieu", p.formWith(t))
		if p.url.Path != draft+"/xem-lai" {
			t.Fatalf("step 3 → %s", p.url)
		}

		// Step 4: everything to check, with sizes and fees.
		for _, want := range []string{"Nguyễn Văn Ân", "UBND xã Gia Lâm", "Giấy ủy quyền", "Điểm chỉ", "CCCD giay_to_can_ky.pdf", "(1 KB)",
			"10.000 đ", "Nhận qua dịch vụ bưu chính"} {
			if !p.has(want) {
				t.Errorf("review lacks %q", want)
			}
		}
		p.wellFormed(t, "vi")

		// A double click: two posts of the same draft, one dossier, its files attached once.
		submit := p.action(t, "/nop")
		first := b.post(submit, p.formWith(t))
		second := b.post(submit, p.formWith(t))
		rc := regexp.MustCompile(`^/ho-so/([0-9A-Z.]+-\d{6}-\d{4})/bien-nhan$`)
		m1, m2 := rc.FindStringSubmatch(first.url.Path), rc.FindStringSubmatch(second.url.Path)
		if m1 == nil || m2 == nil || m1[1] != m2[1] {
			t.Fatalf("double submit: %s and %s\n%s", first.url, second.url, mainOf(second.body))
		}
		code := m1[1]
		var list struct{ Dossiers []dossierView }
		e.must(e.call("congdan", "GET", "/api/v1/dossiers?procedure="+signatureProc, nil, &list), 200)
		if len(list.Dossiers) != 1 {
			t.Fatalf("%d dossiers after a double submit", len(list.Dossiers))
		}
		if d := e.get("congdan", code); len(d.Files) != 2 || d.Status != "submitted" {
			t.Fatalf("filed dossier: %s with %d files", d.Status, len(d.Files))
		}

		// The receipt: the code, and a QR code of the public tracking URL.
		// The QR code carries the tracking token: the code alone shows nothing (issue 8, finding 6).
		token := e.get("congdan", code).TrackToken
		trackURL := e.srv.URL + "/tra-cuu?ma=" + code + "&t=" + token
		for _, want := range []string{`<p class="code-big">` + code + `</p>`, `<svg`, `role="img"`, `aria-label="Mã QR tra cứu hồ sơ ` + code + `"`, html.EscapeString(trackURL), "Nguyễn Văn Ân"} {
			if !first.has(want) {
				t.Errorf("receipt lacks %s", want)
			}
		}
		first.wellFormed(t, "vi")
		if got := qrModules(t, first.body); !sameBitmap(got, qrBitmap(t, trackURL)) {
			t.Error("the receipt's QR code does not encode the tracking URL")
		}
		if r := b.get(strings.TrimPrefix(trackURL, e.srv.URL)); r.status != 200 || !r.has(code) {
			t.Fatalf("the QR link: %d", r.status)
		}
		// The draft is gone; the wizard starts afresh.
		if mine := b.get("/ho-so-cua-toi"); mine.has(draft+`"`) || !mine.has(code) {
			t.Fatal("my dossiers after submission")
		}
		if p := b.get("/nop-ho-so/" + signatureProc); p.url.Path != "/nop-ho-so/"+signatureProc || !p.has(`action="/nop-ho-so/`+signatureProc+`"`) {
			t.Fatalf("a new submission starts at %s", p.url)
		}
		// Another citizen cannot see or submit someone's draft.
		other := e.portalVisitor(t, "")
		e.addCitizen("binh")
		other.login("binh")
		if r := other.get(draft + "/nguoi-nop"); r.status != 404 {
			t.Fatalf("a stranger's draft: %d", r.status)
		}
	})
}

// unitSelectRE finds step 1's unit select (the page has other selects: the postal address).
var unitSelectRE = regexp.MustCompile(`(?s)<select id="unit".*?</select>`)

// TestPortalCommunityFiling: a community digital team member files for a
// citizen: empty applicant, their own unit only. An officer of another
// role is sent to the counter instead.
func TestPortalCommunityFiling(t *testing.T) {
	t.Parallel()
	e := newEnv(t, storetest.Open(t, "sqlite"))
	b := e.portalVisitor(t, "")
	b.login("gialam.congnghe")
	p := b.get("/nop-ho-so/" + signatureProc)
	if p.status != 200 || !p.has(`id="f-name" name="name" type="text" value=""`) || strings.Count(unitSelectRE.FindString(p.body), "<option value=\"000.") != 1 ||
		!p.has(`<option value="`+demo.GiaLamCode+`" selected>`) || !p.has("nộp thay công dân") {
		t.Fatalf("community step 1: %d\n%s", p.status, mainOf(p.body))
	}
	p = b.post("/nop-ho-so/"+signatureProc, p.formWith(t, "unit", "000.03.07.H40", "name", "Lê Thị Hoa", "delivery", "counter"))
	if p.status != 422 || !p.has(`id="e-unit"`) {
		t.Fatalf("community filing at another unit: %d", p.status)
	}
	clerk := e.portalVisitor(t, "")
	clerk.login("gialam.tiepnhan")
	if r := clerk.get("/nop-ho-so/" + signatureProc); r.status != 403 {
		t.Fatalf("reception officer in the wizard: %d", r.status)
	}
}

// addCitizen creates another citizen account (password demo.Password).
func (e *env) addCitizen(username string) {
	e.t.Helper()
	ctx := e.t.Context()
	if err := e.app.DB.InTx(ctx, func(tx *store.Tx) error {
		_, err := e.app.Auth.CreateUser(ctx, tx, newCitizen(username))
		return err
	}); err != nil {
		e.t.Fatal(err)
	}
}

// mainOf is a page's <main>, for failure messages.
func mainOf(body string) string {
	if i := strings.Index(body, "<main"); i >= 0 {
		body = body[i:]
	}
	if i := strings.Index(body, "</main>"); i >= 0 {
		body = body[:i]
	}
	return body
}

// qrModules reads the dark modules back from the receipt's SVG path
// ("M<x> <y>h<n>v1h-<n>z" per run of dark modules).
func qrModules(t *testing.T, body string) [][]bool {
	t.Helper()
	vb := regexp.MustCompile(`<svg[^>]*viewBox="0 0 (\d+) \d+"`).FindStringSubmatch(body)
	path := regexp.MustCompile(`<path fill="#000" d="([^"]*)"`).FindStringSubmatch(body)
	if vb == nil || path == nil {
		t.Fatal("no QR SVG")
	}
	n := atoi(vb[1])
	bm := make([][]bool, n)
	for i := range bm {
		bm[i] = make([]bool, n)
	}
	for _, run := range regexp.MustCompile(`M(\d+) (\d+)h(\d+)v1h-\d+z`).FindAllStringSubmatch(path[1], -1) {
		x, y, w := atoi(run[1]), atoi(run[2]), atoi(run[3])
		for i := x; i < x+w; i++ {
			bm[y][i] = true
		}
	}
	return bm
}

func qrBitmap(t *testing.T, content string) [][]bool {
	t.Helper()
	q, err := qrcode.New(content, qrcode.Medium)
	if err != nil {
		t.Fatal(err)
	}
	return q.Bitmap()
}

func sameBitmap(a, b [][]bool) bool {
	if len(a) != len(b) {
		return false
	}
	for y := range a {
		for x := range a[y] {
			if a[y][x] != b[y][x] {
				return false
			}
		}
	}
	return true
}

func atoi(s string) int {
	n := 0
	for _, c := range s {
		n = n*10 + int(c-'0')
	}
	return n
}
