package server_test

import (
	"bytes"
	"mime/multipart"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/motcua/motcua/demo"
	"github.com/motcua/motcua/store"
	"github.com/motcua/motcua/store/storetest"
)

// multipart posts a form with one file (name "" sends none) as the
// document forms do, the CSRF token in the query string.
func (b *officeBrowser) multipart(path string, form url.Values, file string, data []byte) (int, string, string) {
	b.t.Helper()
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	for k, vs := range form {
		for _, v := range vs {
			mw.WriteField(k, v)
		}
	}
	if file != "" {
		fw, _ := mw.CreateFormFile("file", file)
		fw.Write(data)
	}
	mw.Close()
	req, _ := http.NewRequest("POST", b.e.srv.URL+path+"?csrf="+url.QueryEscape(b.csrf), &buf)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	return b.do(req)
}

var (
	docFormRE = regexp.MustCompile(`action="/can-bo/van-ban/\d+/thao-tac/([a-z_]+)`)
	docPathRE = regexp.MustCompile(`^/can-bo/van-ban/(\d+)\?da=`)
)

// docOffered opens a document page and lists the acts it has a form for.
func (b *officeBrowser) docOffered(id string) ([]string, string) {
	b.t.Helper()
	status, body, _ := b.get("/can-bo/van-ban/" + id)
	if status != 200 {
		b.t.Fatalf("%s opening document %s: %d", b.user, id, status)
	}
	var out []string
	for _, m := range docFormRE.FindAllStringSubmatch(body, -1) {
		out = append(out, m[1])
	}
	return out, body
}

// docAct opens the document page, checks that it offers action, and posts
// its form with the version shown.
func (b *officeBrowser) docAct(id, action string, form url.Values) (int, string, string) {
	b.t.Helper()
	offered, body := b.docOffered(id)
	if !slices.Contains(offered, action) {
		b.t.Fatalf("%s: document %s offers %v, not %s", b.user, id, offered, action)
	}
	form.Set("version", versionRE.FindStringSubmatch(body)[1])
	return b.post("/can-bo/van-ban/"+id+"/thao-tac/"+action, form)
}

func wantIn(t *testing.T, what, body string, wants ...string) {
	t.Helper()
	for _, w := range wants {
		if !strings.Contains(body, w) {
			t.Fatalf("%s: %q not on the page", what, w)
		}
	}
}

// TestDocumentPages drives both document paths through the officers'
// pages on both engines: the clerk registers a paper document with its
// scan (a missing subject and then a duplicate are refused with the typed
// values kept; the duplicate is confirmed), the leader assigns it (an
// empty instruction refused first) and names the specialist, who
// completes it; a specialist drafts a letter, submits it, the leader
// approves twice (a return without reason refused), the clerk issues it;
// the registers, the queue, the printable register, the file download
// and the English pages show the result.
func TestDocumentPages(t *testing.T) {
	storetest.Engines(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		clerk := e.officeLogin("huyen.vanthu")
		if s, body, _ := clerk.get("/can-bo/van-ban-den/vao-so"); s != 200 || !strings.Contains(body, `id="form-vao-so"`) {
			t.Fatalf("register form: %d", s)
		}
		in := url.Values{"unit": {demo.DistrictCode}, "medium": {"paper"}, "sender_name": {"UBND tỉnh Ninh Bình"}, "sender_organ_id": {demo.ProvinceCode},
			"code_number": {"25"}, "code_notation": {"UBND-VX"}, "type": {"CV"}, "priority": {"1"}, "secrecy": {"0"}, "issued_date": {"2026-03-02"}}
		s, body, _ := clerk.multipart("/can-bo/van-ban-den/vao-so", in, "scan.pdf", samplePDF)
		if s != 422 {
			t.Fatalf("no subject: %d", s)
		}
		wantIn(t, "no subject", body, `role="alert"`, `value="UBND tỉnh Ninh Bình"`, `value="UBND-VX"`, `<option value="1" selected>`)
		in.Set("subject", "V/v triển khai chuyển đổi số năm 2026")
		s, body, final := clerk.multipart("/can-bo/van-ban-den/vao-so", in, "scan.pdf", samplePDF)
		m := docPathRE.FindStringSubmatch(final)
		if s != 200 || m == nil {
			t.Fatalf("register: %d at %s", s, final)
		}
		id := m[1]
		wantIn(t, "registered", body, "Đã vào sổ văn bản.", `id="so-den">1<`, "25/UBND-VX", "scan.pdf", "Văn bản giấy")
		s, body, _ = clerk.multipart("/can-bo/van-ban-den/vao-so", in, "scan.pdf", samplePDF)
		if s != 409 {
			t.Fatalf("duplicate: %d", s)
		}
		wantIn(t, "duplicate", body, `name="allow_duplicate"`, "số đến 1", "V/v triển khai chuyển đổi số năm 2026")
		in.Set("allow_duplicate", "1")
		if s, _, final = clerk.multipart("/can-bo/van-ban-den/vao-so", in, "", nil); s != 200 || docPathRE.FindStringSubmatch(final) == nil {
			t.Fatalf("confirmed duplicate: %d at %s", s, final)
		}
		// An electronic document needs its PDF; its signatures are checked
		// and the result shown (this one carries none).
		el := url.Values{"unit": {demo.DistrictCode}, "medium": {"electronic"}, "sender_name": {"Sở Nội vụ"}, "code_number": {"7"},
			"code_notation": {"SNV-TCBM"}, "type": {"CV"}, "subject": {"V/v tuyển dụng công chức"}}
		if s, body, _ = clerk.multipart("/can-bo/van-ban-den/vao-so", el, "", nil); s != 422 {
			t.Fatalf("electronic without its file: %d", s)
		}
		wantIn(t, "electronic refused", body, `role="alert"`, `value="electronic" checked`, "V/v tuyển dụng công chức")
		if s, body, final = clerk.multipart("/can-bo/van-ban-den/vao-so", el, "goc.pdf", samplePDF); s != 200 || docPathRE.FindStringSubmatch(final) == nil {
			t.Fatalf("electronic: %d at %s", s, final)
		}
		wantIn(t, "electronic registered", body, `id="kiem-tra-chu-ky"`, "Không có chữ ký số", "bản điện tử gốc")
		_, body, _ = clerk.get("/can-bo/van-ban-den")
		wantIn(t, "incoming register", body, "<caption>", "V/v triển khai chuyển đổi số năm 2026", "UBND tỉnh Ninh Bình", "Đã vào sổ")

		leader := e.officeLogin("huyen.lanhdao")
		_, body, _ = leader.get("/can-bo/van-ban")
		wantIn(t, "leader's queue", body, `href="/can-bo/van-ban/`+id+`"`)
		s, body, _ = leader.docAct(id, "assign", url.Values{"lead_unit": {demo.DistrictCode}, "deadline": {"2026-03-20"}})
		if s != 422 {
			t.Fatalf("assign without instruction: %d", s)
		}
		wantIn(t, "assign refused", body, `role="alert"`, `value="2026-03-20"`)
		if s, body, _ = leader.docAct(id, "assign", url.Values{"instruction": {"Giao Văn phòng chủ trì."}, "lead_unit": {demo.DistrictCode}, "deadline": {"2026-03-20"}}); s != 200 {
			t.Fatalf("assign: %d", s)
		}
		wantIn(t, "assigned", body, "Giao Văn phòng chủ trì.", "20/03/2026", "Đã phân công")
		_, body = leader.docOffered(id)
		wantIn(t, "specialist select", body, `<select id="specialist"`, `<option value="huyen.chuyenvien">`)
		if s, body, _ = leader.docAct(id, "assign_specialist", url.Values{"specialist": {"huyen.chuyenvien"}}); s != 200 {
			t.Fatalf("name the specialist: %d", s)
		}
		wantIn(t, "specialist named", body, "Đang xử lý")
		spec := e.officeLogin("huyen.chuyenvien")
		_, body, _ = spec.get("/can-bo/van-ban")
		wantIn(t, "specialist's queue", body, `href="/can-bo/van-ban/`+id+`"`)
		if s, body, _ = spec.docAct(id, "complete", url.Values{"note": {"Đã báo cáo."}}); s != 200 {
			t.Fatalf("complete: %d", s)
		}
		wantIn(t, "completed", body, "Đã xử lý xong", "Đã báo cáo.")
		if offered, _ := spec.docOffered(id); len(offered) != 0 {
			t.Fatalf("a completed document offers %v", offered)
		}

		// The outgoing path.
		if s, _, _ := spec.get("/can-bo/van-ban/du-thao-moi"); s != 200 {
			t.Fatalf("draft form: %d", s)
		}
		draft := url.Values{"unit": {demo.DistrictCode}, "type": {"CV"}, "field": {"VX"}, "priority": {"0"}, "secrecy": {"0"},
			"recipients": {demo.GiaLamCode + "\n000.00.00.H45 | Sở Thông tin và Truyền thông"}}
		s, body, _ = spec.multipart("/can-bo/van-ban/du-thao-moi", draft, "du-thao.pdf", samplePDF)
		if s != 422 {
			t.Fatalf("draft without subject: %d", s)
		}
		wantIn(t, "draft refused", body, `role="alert"`, "Sở Thông tin và Truyền thông", `value="VX"`)
		draft.Set("subject", "V/v báo cáo kết quả chuyển đổi số")
		s, body, final = spec.multipart("/can-bo/van-ban/du-thao-moi", draft, "du-thao.pdf", samplePDF)
		m = docPathRE.FindStringSubmatch(final)
		if s != 200 || m == nil {
			t.Fatalf("draft: %d at %s", s, final)
		}
		did := m[1]
		offered, _ := spec.docOffered(did)
		if !sameSet(offered, []string{"add_version", "comment", "submit"}) {
			t.Fatalf("the drafter is offered %v", offered)
		}
		_, body = spec.docOffered(did)
		v := versionRE.FindStringSubmatch(body)[1]
		if s, body, _ = spec.multipart("/can-bo/van-ban/"+did+"/thao-tac/add_version", url.Values{"version": {v}, "note": {"Sửa theo góp ý"}}, "", nil); s != 422 {
			t.Fatalf("a version without its file: %d", s)
		}
		wantIn(t, "version refused", body, `role="alert"`, "Sửa theo góp ý")
		if s, body, _ = spec.multipart("/can-bo/van-ban/"+did+"/thao-tac/add_version", url.Values{"version": {v}, "note": {"Sửa theo góp ý"}}, "du-thao-2.pdf", samplePDF); s != 200 {
			t.Fatalf("add a version: %d", s)
		}
		wantIn(t, "version added", body, "Phiên bản 2", "Sửa theo góp ý")
		if s, body, _ = spec.docAct(did, "comment", url.Values{"body": {"Đề nghị bổ sung số liệu quý I."}}); s != 200 {
			t.Fatalf("comment: %d", s)
		}
		wantIn(t, "commented", body, "Đề nghị bổ sung số liệu quý I.")
		if s, _, _ = spec.docAct(did, "submit", url.Values{}); s != 200 {
			t.Fatalf("submit: %d", s)
		}
		_, body, _ = leader.get("/can-bo/van-ban/cho-duyet")
		wantIn(t, "drafts to approve", body, `href="/can-bo/van-ban/`+did+`"`)
		if s, body, _ = leader.docAct(did, "return", url.Values{}); s != 422 {
			t.Fatalf("return without reason: %d", s)
		}
		wantIn(t, "return refused", body, `role="alert"`)
		for range 2 {
			if s, _, _ = leader.docAct(did, "approve", url.Values{"note": {"Đồng ý."}}); s != 200 {
				t.Fatalf("approve: %d", s)
			}
		}
		if s, body, _ = clerk.docAct(did, "issue", url.Values{}); s != 200 {
			t.Fatalf("issue: %d", s)
		}
		wantIn(t, "issued", body, "Đã ban hành", "01/UBND-VX", "Phiên bản 1", "Đồng ý.")
		_, body, _ = clerk.get("/can-bo/van-ban-di")
		wantIn(t, "outgoing register", body, "01/UBND-VX", "V/v báo cáo kết quả chuyển đổi số", "Sở Thông tin và Truyền thông")
		_, body, _ = clerk.get("/can-bo/van-ban/in-so?so=di")
		wantIn(t, "printed outgoing register", body, "Sổ đăng ký văn bản đi", "01/UBND-VX")
		_, body, _ = clerk.get("/can-bo/van-ban/in-so?so=den&tu=2000-01-01&den=2099-12-31")
		wantIn(t, "printed incoming register", body, "Sổ đăng ký văn bản đến", "25/UBND-VX", "Ký nhận")

		// The scan downloads as it was uploaded.
		_, body = clerk.docOffered(id)
		fm := regexp.MustCompile(`href="(/can-bo/van-ban/` + id + `/tep/\d+)\?tai=1"`).FindStringSubmatch(body)
		if fm == nil {
			t.Fatal("no download link")
		}
		if s, got, _ := clerk.get(fm[1] + "?tai=1"); s != 200 || got != string(samplePDF) {
			t.Fatalf("download: %d", s)
		}
		// Someone who may not read it finds nothing.
		other := e.officeLogin("gialam.lanhdao")
		if s, _, _ := other.get("/can-bo/van-ban/" + id); s != 404 {
			t.Fatalf("another unit's leader: %d", s)
		}
		en := e.officeLogin("huyen.vanthu", "en")
		_, body, _ = en.get("/can-bo/van-ban-den")
		wantIn(t, "English register", body, "Incoming register", "Arrival no.")
	})
}
