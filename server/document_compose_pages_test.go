package server_test

import (
	"html"
	"net/url"
	"strings"
	"testing"

	"github.com/motcua/motcua/demo"
	"github.com/motcua/motcua/store"
	"github.com/motcua/motcua/store/storetest"
)

// TestComposePages: a specialist composes a decision on the new-draft
// page (the "Soạn văn bản mới" link opens it in compose mode); a text
// without its body, or with a PDF as well, comes back with the message and
// what was typed; the draft's page offers the next version with the
// first's text filled in, and the edited text becomes version 2, which the
// form then offers in turn. In English too.
func TestComposePages(t *testing.T) {
	storetest.Engines(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		spec := e.officeLogin("huyen.chuyenvien")
		_, body, _ := spec.get("/can-bo/van-ban")
		wantIn(t, "queue", body, `href="/can-bo/van-ban/du-thao-moi?soan=1"`, "Soạn văn bản mới")
		s, body, _ := spec.get("/can-bo/van-ban/du-thao-moi?soan=1")
		if s != 200 {
			t.Fatalf("compose form: %d", s)
		}
		wantIn(t, "compose form", body, `value="compose" checked`, `name="compose_body"`, `name="compose_signer"`, "Nơi nhận (mỗi dòng một nơi)")

		form := url.Values{"unit": {demo.DistrictCode}, "type": {"QD"}, "priority": {"0"}, "secrecy": {"0"},
			"subject": {"Thành lập Tổ công nghệ số cộng đồng"}, "compose_mode": {"compose"}, "compose_place": {"Nho Quan"},
			"compose_recipients": {"Như Điều 2\nUBND tỉnh (để b/c)"}, "compose_filing": {"VT, VP"},
			"compose_competence": {"TM. ỦY BAN NHÂN DÂN\nKT. CHỦ TỊCH"}, "compose_position": {"PHÓ CHỦ TỊCH"}, "compose_signer": {"Lê Trần Hương"}}
		s, body, _ = spec.multipart("/can-bo/van-ban/du-thao-moi", form, "", nil)
		if s != 422 {
			t.Fatalf("a text without body: %d", s)
		}
		wantIn(t, "no body", body, `role="alert"`, "Nhập nội dung văn bản", `href="#compose.body"`, `value="compose" checked`,
			`value="Nho Quan"`, "UBND tỉnh (để b/c)", `value="Lê Trần Hương"`)
		form.Set("compose_body", "Căn cứ Luật Tổ chức chính quyền địa phương;\n\nQUYẾT ĐỊNH:\nĐiều 1. Thành lập Tổ công nghệ số cộng đồng.")
		if s, body, _ = spec.multipart("/can-bo/van-ban/du-thao-moi", form, "du-thao.pdf", samplePDF); s != 422 {
			t.Fatalf("a text and a file: %d", s)
		}
		wantIn(t, "text and file", body, "Chọn một trong hai")
		s, body, final := spec.multipart("/can-bo/van-ban/du-thao-moi", form, "", nil)
		m := docPathRE.FindStringSubmatch(final)
		if s != 200 || m == nil {
			t.Fatalf("composed draft: %d at %s", s, final)
		}
		id := m[1]
		// The next version starts from the text: three paragraphs, one a
		// line each, the blank line gone.
		wantIn(t, "draft page", body, "Phiên bản 1", "Đã điền sẵn nội dung của phiên bản trước",
			html.EscapeString("Căn cứ Luật Tổ chức chính quyền địa phương;\nQUYẾT ĐỊNH:\nĐiều 1. Thành lập Tổ công nghệ số cộng đồng.")+"</textarea>",
			"TM. ỦY BAN NHÂN DÂN\nKT. CHỦ TỊCH</textarea>", `name="compose_signer" value="Lê Trần Hương"`)

		_, body = spec.docOffered(id)
		v := versionRE.FindStringSubmatch(body)[1]
		next := url.Values{"version": {v}, "note": {"Bổ sung Điều 2"}}
		for _, k := range []string{"compose_mode", "compose_place", "compose_recipients", "compose_filing", "compose_competence", "compose_position", "compose_signer"} {
			next.Set(k, form.Get(k))
		}
		next.Set("compose_body", form.Get("compose_body")+"\nĐiều 2. Quyết định này có hiệu lực kể từ ngày ký.")
		if s, body, _ = spec.multipart("/can-bo/van-ban/"+id+"/thao-tac/add_version", next, "", nil); s != 200 {
			t.Fatalf("composed version: %d", s)
		}
		wantIn(t, "version 2", body, "Phiên bản 2", "Bổ sung Điều 2", "Điều 2. Quyết định này có hiệu lực kể từ ngày ký.</textarea>")
		next.Set("version", versionRE.FindStringSubmatch(body)[1])
		next.Set("compose_signer", " ")
		if s, body, _ = spec.multipart("/can-bo/van-ban/"+id+"/thao-tac/add_version", next, "", nil); s != 422 {
			t.Fatalf("a version without signer: %d", s)
		}
		wantIn(t, "version refused", body, `role="alert"`, "Nhập chức vụ và họ tên người ký", "Bổ sung Điều 2")
		if strings.Contains(body, "Phiên bản 3") {
			t.Error("a refused version was kept")
		}

		en := e.officeLogin("huyen.chuyenvien", "en")
		_, body, _ = en.get("/can-bo/van-ban/du-thao-moi?soan=1")
		wantIn(t, "English form", body, "Compose the text", "Signer&#39;s full name")
	})
}
