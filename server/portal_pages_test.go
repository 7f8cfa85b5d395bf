package server_test

import (
	"net/url"
	"strings"
	"testing"

	"github.com/motcua/motcua/catalog"
	"github.com/motcua/motcua/demo"
	"github.com/motcua/motcua/store/storetest"
)

// TestPortalHome: browsing by field, level and unit, and the most used
// procedures (a fixed list until dossiers are filed, then by count).
func TestPortalHome(t *testing.T) {
	t.Parallel()
	e := newEnv(t, storetest.Open(t, "sqlite"))
	b := e.portalVisitor(t, "")
	birth, land := mustProc(t, "1.001193"), interLevel(t)

	popular := func(p citizenPage) string {
		i := strings.Index(p.body, `id="popular"`)
		if i < 0 {
			return ""
		}
		s := p.body[i:]
		return s[:strings.Index(s, "</section>")]
	}
	if got := popular(b.get("/")); !strings.Contains(got, birth.Name) {
		t.Fatalf("before any dossier, the fixed list: %s", got)
	}
	e.submit(signatureProc, demo.GiaLamCode)
	e.submit(signatureProc, demo.GiaLamCode)
	e.submit(land.Code, demo.GiaLamCode)
	got := popular(b.get("/"))
	sig, lnd := strings.Index(got, "/thu-tuc/"+signatureProc+`"`), strings.Index(got, "/thu-tuc/"+land.Code+`"`)
	if sig < 0 || lnd < sig || strings.Contains(got, birth.Name) {
		t.Fatalf("most used after 2+1 dossiers: %s", got)
	}

	cases := []struct {
		name, path string
		want, not  []string
	}{
		{"by level", "/?cap=district", []string{land.Name, `href="/?cap=district" aria-current="page"`}, []string{birth.Name, `id="popular"`}},
		{"by commune", "/?don-vi=" + demo.GiaLamCode, []string{"Thủ tục tiếp nhận tại UBND xã Gia Lâm", birth.Name, `<option value="` + demo.GiaLamCode + `" selected>`}, nil},
		{"by district", "/?don-vi=" + demo.DistrictCode, []string{"Thủ tục tiếp nhận tại UBND huyện Nho Quan", land.Name}, []string{birth.Name}},
		{"unknown unit is ignored", "/?don-vi=999.99.99.H99", []string{"Tất cả thủ tục", birth.Name}, nil},
		{"by field", "/?linh-vuc=" + birth.FieldCode, []string{birth.Name}, []string{land.Name}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			p := b.get(c.path)
			if p.status != 200 {
				t.Fatalf("status %d", p.status)
			}
			for _, w := range c.want {
				if !p.has(w) {
					t.Errorf("lacks %s", w)
				}
			}
			for _, n := range c.not {
				if strings.Contains(mainOf(p.body), n) {
					t.Errorf("shows %s", n)
				}
			}
			p.wellFormed(t, "vi")
		})
	}
}

// TestPortalFormTemplate: the printable blank form of a component.
func TestPortalFormTemplate(t *testing.T) {
	t.Parallel()
	e := newEnv(t, storetest.Open(t, "sqlite"))
	b := e.portalVisitor(t, "")
	birth := mustProc(t, "1.001193")
	var tpl catalog.Component
	for _, c := range birth.Components {
		if c.Template != "" && tpl.Key == "" {
			tpl = c
		}
	}
	proc := b.get("/thu-tuc/" + birth.Code)
	if !proc.has(`href="/thu-tuc/`+birth.Code+`/mau/`+tpl.Key+`"`) || !proc.has(`href="/nop-ho-so/`+birth.Code+`"`) {
		t.Fatal("procedure page lacks the template link or the online button")
	}
	p := b.get("/thu-tuc/" + birth.Code + "/mau/" + tpl.Key)
	want := []string{"CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc", "<title>" + tpl.Template, `<h1 id="tpl-title">` + tpl.Template,
		birth.Form[0].Label + ":", `class="line"`, "(Ký, ghi rõ họ tên)"}
	for _, f := range birth.Form {
		if f.Type == "select" {
			want = append(want, f.Options[0])
		}
	}
	for _, w := range want {
		if !p.has(w) {
			t.Errorf("blank form lacks %s", w)
		}
	}
	p.wellFormed(t, "vi")
	for _, key := range []string{"khong_co", birth.Components[1].Key} {
		if birth.Components[1].Template != "" {
			t.Fatal("test assumes the second component has no template")
		}
		if r := b.get("/thu-tuc/" + birth.Code + "/mau/" + key); r.status != 404 {
			t.Errorf("template %s: %d", key, r.status)
		}
	}
}

// TestPortalPagesInEnglish renders every portal page with lang=en: marked
// English, no raw key, no Vietnamese interface text (domain data such as
// procedure names and form labels stays Vietnamese, as stored).
func TestPortalPagesInEnglish(t *testing.T) {
	t.Parallel()
	e := newEnv(t, storetest.Open(t, "sqlite"))
	delivered := e.submit(signatureProc, demo.GiaLamCode)
	e.mustAct("gialam.tiepnhan", delivered.Code, "receive", nil)
	e.processToResult(delivered.Code)
	e.mustAct("gialam.tiepnhan", delivered.Code, "deliver", nil)
	returned := e.submit(signatureProc, demo.GiaLamCode)
	e.mustAct("gialam.tiepnhan", returned.Code, "request-supplement", map[string]any{"note": "Thiếu bản chụp", "items": []map[string]any{{"name": "Giấy tờ còn thiếu", "reason": "Thiếu bản chụp"}}})

	b := e.portalVisitor(t, "en")
	b.login("congdan")
	vietnamese := []string{"Lưu và tiếp tục", "(bắt buộc)", "Hồ sơ của tôi", "Việc bạn cần làm", ">Tải lên<", "Quét mã QR", "Đánh giá",
		"Rút hồ sơ", "Nộp hồ sơ", "Bước ", "Đơn vị tiếp nhận", "Thủ tục được sử dụng nhiều", "Chọn tệp", "Quay lại", "Xem lại"}
	check := func(p citizenPage, status int) {
		t.Helper()
		if p.status != status {
			t.Fatalf("%s: %d, want %d", p.url, p.status, status)
		}
		p.wellFormed(t, "en")
		for _, vi := range vietnamese {
			if p.has(vi) {
				t.Errorf("%s: Vietnamese interface text %q", p.url, vi)
			}
		}
	}
	for _, path := range []string{"/", "/?cap=commune", "/?don-vi=" + demo.GiaLamCode, "/thu-tuc/1.001193", "/thu-tuc/1.001193/mau/to_khai",
		"/nop-ho-so/" + signatureProc, "/ho-so-cua-toi", "/ho-so/" + returned.Code, "/ho-so/" + returned.Code + "/rut",
		"/ho-so/" + delivered.Code, "/ho-so/" + delivered.Code + "/danh-gia", "/ho-so/" + returned.Code + "/bien-nhan",
		"/ho-so/" + returned.Code + "?tep=giay_to_tuy_than&loi=file_type_not_allowed", "/kho-du-lieu"} {
		check(b.get(path), 200)
	}
	p := b.get("/nop-ho-so/" + signatureProc)
	p = b.post("/nop-ho-so/"+signatureProc, p.formWith(t, "unit", demo.GiaLamCode, "name", "", "delivery", "counter"))
	check(p, 422)
	if !p.has("Please enter the full name") {
		t.Error("step 1 error not in English")
	}
	draft := strings.TrimSuffix(p.action(t, "/nguoi-nop"), "/nguoi-nop")
	p = b.post(draft+"/to-khai", p.formWith(t, "so_dinh_danh", "12ab"))
	check(p, 422)
	if !p.has("The personal ID number has 12 digits.") || !p.has("Required.") {
		t.Error("e-form errors not in English")
	}
	for _, step := range []string{"/tai-lieu", "/tai-lieu?tep=giay_to_tuy_than&loi=file_too_large", "/xem-lai", "/nguoi-nop"} {
		check(b.get(draft+step), 200)
	}
	if p := b.get(draft + "/tai-lieu?tep=giay_to_tuy_than&loi=file_too_large"); !p.has("The file is larger than 20 MB.") {
		t.Error("upload error not in English")
	}
	check(b.post(draft+"/tai-lieu", url.Values{"csrf": {p.csrf(t)}}), 422)
}

func mustProc(t *testing.T, code string) catalog.Procedure {
	t.Helper()
	ps, err := catalog.Builtin()
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range ps {
		if p.Code == code {
			return p
		}
	}
	t.Fatalf("no built-in procedure %s", code)
	return catalog.Procedure{}
}
