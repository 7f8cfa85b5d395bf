package server_test

import (
	"net/url"
	"regexp"
	"strconv"
	"testing"

	"github.com/motcua/motcua/demo"
	"github.com/motcua/motcua/store"
	"github.com/motcua/motcua/store/storetest"
)

// TestDigitisationPages: the same story in the pages, without JavaScript.
// The desk digitises a component from the dossier page and sees its code;
// the district finds the paper by code on the search page; the citizen
// sees it in "Kho dữ liệu của tôi", picks it in the wizard instead of an
// upload, files, and the store shows the reuse in the new dossier.
func TestDigitisationPages(t *testing.T) {
	t.Parallel()
	storetest.Engines(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		d := e.submit(signatureProc, demo.GiaLamCode)
		d = e.get("congdan", d.Code)
		first := d.Files[0]

		desk := e.officeLogin("gialam.tiepnhan")
		_, body, _ := desk.get("/can-bo/ho-so/" + d.Code)
		digitise := "/can-bo/ho-so/" + d.Code + "/so-hoa/" + strconv.FormatInt(first.ID, 10)
		if !regexp.MustCompile(`action="` + regexp.QuoteMeta(digitise) + `"`).MatchString(body) {
			t.Fatalf("the desk is not offered to digitise %d", first.ID)
		}
		status, body, final := desk.post(digitise, url.Values{})
		code := "TP." + demo.GiaLamCode + ".2026.000001"
		if status != 200 || !contains([]string{final}, "/can-bo/ho-so/"+d.Code+"?so-hoa=ok") || !regexp.MustCompile(`Mã số hóa: `+regexp.QuoteMeta(code)).MatchString(body) {
			t.Fatalf("digitise from the page: %d at %s", status, final)
		}
		spec := e.officeLogin("gialam.chuyenvien")
		if status, _, _ := spec.post(digitise, url.Values{}); status != 403 {
			t.Fatalf("a specialist digitised: %d", status)
		}
		if _, body, _ := desk.get("/can-bo/so-hoa?q=" + url.QueryEscape("Nguyễn Văn An")); !regexp.MustCompile(regexp.QuoteMeta(code)).MatchString(body) {
			t.Fatal("the desk's search by name does not find the paper")
		}

		b := e.portalVisitor(t, "")
		b.login("congdan")
		sp := b.get("/kho-du-lieu")
		if sp.status != 200 || !sp.has(code) || !sp.has("Chưa được dùng lại.") {
			t.Fatalf("store page: %d\n%s", sp.status, mainOf(sp.body))
		}
		sp.wellFormed(t, "vi")
		if dp := b.get("/ho-so/" + d.Code); !dp.has("mã số hóa " + code) {
			t.Fatalf("the citizen's dossier page does not show the code\n%s", mainOf(dp.body))
		}
		if sp := b.get("/kho-du-lieu?q=" + url.QueryEscape("khong co")); !sp.has("Không có giấy tờ nào khớp.") || sp.has(code) {
			t.Fatal("the store's search matched what it should not")
		}
		if sp := b.get("/kho-du-lieu?q=" + url.QueryEscape(code)); !sp.has(code) {
			t.Fatal("the store's search by code does not find the paper")
		}

		// The wizard: steps 1 and 2, then the paper from the store for the
		// first component and an upload for the others.
		p := b.get("/nop-ho-so/" + signatureProc)
		p = b.post("/nop-ho-so/"+signatureProc, p.formWith(t, "unit", demo.GiaLamCode, "name", "Nguyễn Văn An", "id_number", "037085001234",
			"phone", "0912345678", "email", "an@example.vn", "address", "Thôn Tân Lập, xã Gia Lâm", "delivery", "counter"))
		m := regexp.MustCompile(`^(/nop-ho-so/` + regexp.QuoteMeta(signatureProc) + `/\d+)/to-khai$`).FindStringSubmatch(p.url.Path)
		if m == nil {
			t.Fatalf("step 1 → %s\n%s", p.url, mainOf(p.body))
		}
		draft := m[1]
		p = b.post(draft+"/to-khai", p.formWith(t, "ten_giay_to", "Giấy ủy quyền", "ho_ten_nguoi_ky", "Nguyễn Văn An", "so_dinh_danh", "037085001234",
			"so_nguoi_ky", "1", "hinh_thuc", "Điểm chỉ", "so_dien_thoai", ""))
		if p.url.Path != draft+"/tai-lieu" {
			t.Fatalf("step 2 → %s\n%s", p.url, mainOf(p.body))
		}
		p.wellFormed(t, "vi")
		pick := draft + "/tai-lieu/" + first.Component + "/kho"
		if !p.has(`action="`+pick+`"`) || !p.has(`<option value="`+code+`">`) {
			t.Fatalf("the files step offers no paper from the store\n%s", mainOf(p.body))
		}
		if r := b.post(pick, p.formWith(t, "paper", "TP.khong-co")); !r.has("Không tìm thấy giấy tờ này trong kho dữ liệu của bạn.") {
			t.Fatalf("an unknown paper: %s\n%s", r.url, mainOf(r.body))
		}
		p = b.post(pick, p.formWith(t, "paper", code))
		for _, c := range e.procedure(signatureProc).Components {
			if c.Required && c.Key != first.Component {
				p = b.upload(p.action(t, "/tai-lieu/"+c.Key+"?"), c.Key+".pdf", pdfWith(c.Key))
			}
		}
		p = b.post(draft+"/tai-lieu", p.formWith(t))
		if p.url.Path != draft+"/xem-lai" {
			t.Fatalf("files step → %s\n%s", p.url, mainOf(p.body))
		}
		p = b.post(p.action(t, "/nop"), p.formWith(t))
		rc := regexp.MustCompile(`^/ho-so/([0-9A-Z.]+-\d{6}-\d{4})/bien-nhan$`).FindStringSubmatch(p.url.Path)
		if rc == nil {
			t.Fatalf("submit → %s\n%s", p.url, mainOf(p.body))
		}
		filed := e.get("congdan", rc[1])
		same := false
		for _, f := range filed.Files {
			same = same || f.Component == first.Component && f.SHA256 == first.SHA256
		}
		if !same {
			t.Fatalf("the filed dossier does not carry the stored paper: %+v", filed.Files)
		}
		if p := b.get("/kho-du-lieu"); !p.has("trong hồ sơ " + rc[1] + ", bởi") {
			t.Fatalf("the store page does not log the reuse in %s\n%s", rc[1], mainOf(p.body))
		}

		// From the store page: the same paper for another component of the
		// dossier just filed (its own dossier is not offered).
		sp = b.get("/kho-du-lieu")
		if sp.has(`<option value="`+d.Code+`|`) || !sp.has(`<option value="`+rc[1]+`|`) {
			t.Fatalf("store page targets\n%s", mainOf(sp.body))
		}
		var other string
		for _, c := range e.procedure(signatureProc).Components {
			if c.Key != first.Component {
				other = c.Key
			}
		}
		if r := b.post("/kho-du-lieu/dung-lai", sp.formWith(t, "paper", "TP.khong-co", "target", rc[1]+"|"+other)); !r.has("Không tìm thấy giấy tờ này trong kho dữ liệu của bạn.") {
			t.Fatalf("an unknown paper from the store page: %s\n%s", r.url, mainOf(r.body))
		}
		if r := b.post("/kho-du-lieu/dung-lai", sp.formWith(t, "paper", code, "target", rc[1]+"|"+other)); !r.has("Đã dùng lại giấy tờ cho hồ sơ " + rc[1] + ".") {
			t.Fatalf("reuse from the store page: %s\n%s", r.url, mainOf(r.body))
		}

		// At the counter: a new dossier for the same person; the desk is
		// offered the paper by its applicant's ID number and reuses it.
		in := submission(e.procedure(signatureProc), demo.GiaLamCode)
		in["channel"] = "counter"
		var c dossierView
		e.must(e.call("gialam.tiepnhan", "POST", "/api/v1/dossiers", in, &c), 201)
		_, body, _ = desk.get("/can-bo/ho-so/" + c.Code)
		reuse := "/can-bo/ho-so/" + c.Code + "/dung-lai/" + first.Component
		if !regexp.MustCompile(`action="`+regexp.QuoteMeta(reuse)+`"`).MatchString(body) || !regexp.MustCompile(`<option value="`+regexp.QuoteMeta(code)+`">`).MatchString(body) {
			t.Fatal("the counter dossier's page does not offer the applicant's digitised paper")
		}
		if _, body, final := desk.post(reuse, url.Values{"paper": {"TP.khong-co"}}); final != "/can-bo/ho-so/"+c.Code+"?loi=paper_not_found" || !regexp.MustCompile(`Không tìm thấy giấy tờ số hóa với mã này`).MatchString(body) {
			t.Fatalf("an unknown code at the counter: %s", final)
		}
		if _, _, final := desk.post(reuse, url.Values{"paper": {code}}); final != "/can-bo/ho-so/"+c.Code+"?dung-lai=ok" {
			t.Fatalf("reuse at the counter: %s", final)
		}
		var store papersView
		e.must(e.call("congdan", "GET", "/api/v1/me/data-store", nil, &store), 200)
		if rs := store.Papers[0].Reuses; len(rs) != 3 || rs[0].Dossier != rc[1] || rs[0].FileID == 0 ||
			rs[1].Dossier != rc[1] || rs[1].Component != other || rs[2].Dossier != c.Code || rs[2].By == "" {
			t.Fatalf("reuse log: %+v", store.Papers[0])
		}
	})
}
