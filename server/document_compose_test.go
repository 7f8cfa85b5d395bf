package server_test

import (
	"encoding/base64"
	"testing"

	"github.com/motcua/motcua/demo"
	"github.com/motcua/motcua/sign/signtest"
	"github.com/motcua/motcua/store"
	"github.com/motcua/motcua/store/storetest"
)

// TestComposeOverAPI: a draft and its next version composed as text over
// the API (compose instead of file); the version carries its text back, so
// a client edits the next version from it; a file and a text together, or
// a version of neither, are refused with their codes and sentences.
func TestComposeOverAPI(t *testing.T) {
	storetest.Engines(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		compose := map[string]any{"place": "Nho Quan", "body": []string{"Căn cứ Luật Tổ chức chính quyền địa phương;", "QUYẾT ĐỊNH:", "Điều 1. Thành lập Tổ công nghệ số cộng đồng."},
			"recipients": []string{"Như Điều 1"}, "filing": "VT", "competence": "TM. ỦY BAN NHÂN DÂN", "position": "CHỦ TỊCH", "signer_name": "Lê Trần Hương"}
		draft := map[string]any{"unit": demo.DistrictCode, "type": "QD", "subject": "Thành lập Tổ công nghệ số cộng đồng", "compose": compose}
		type version struct {
			N       int64
			Compose *struct {
				Place      string
				Body       []string
				SignerName string `json:"signer_name"`
			}
		}
		var d struct {
			docView
			Versions []version
		}
		e.must(e.call("huyen.chuyenvien", "POST", "/api/v1/documents/drafts", draft, &d), 201)
		path := "/api/v1/documents/" + itoa(d.ID)
		e.must(e.call("huyen.chuyenvien", "GET", path, nil, &d), 200)
		if d.State != "drafting" || len(d.Versions) != 1 || d.Versions[0].Compose == nil || d.Versions[0].Compose.SignerName != "Lê Trần Hương" || len(d.Versions[0].Compose.Body) != 3 {
			t.Fatalf("composed draft: %+v", d)
		}

		draft["file"] = map[string]any{"name": "du-thao.pdf", "content": base64.StdEncoding.EncodeToString(signtest.PDF(signtest.PDFOptions{}))}
		if r := e.call("huyen.chuyenvien", "POST", "/api/v1/documents/drafts", draft, nil); r.status != 422 || r.errCode() != "document_file_or_compose" || r.message() == "" {
			t.Fatalf("a file and a text: %d %s", r.status, r.body)
		}
		if r := e.call("huyen.chuyenvien", "POST", path+"/versions", map[string]any{"note": "trống"}, nil); r.status != 422 || r.errCode() != "document_file_required" {
			t.Fatalf("a version of nothing: %d %s", r.status, r.body)
		}
		compose["body"] = append(compose["body"].([]string), "Điều 2. Quyết định này có hiệu lực kể từ ngày ký.")
		e.must(e.call("huyen.chuyenvien", "POST", path+"/versions", map[string]any{"note": "Lần 2", "compose": compose}, &d), 200)
		e.must(e.call("huyen.chuyenvien", "GET", path, nil, &d), 200)
		if len(d.Versions) != 2 || d.Versions[1].Compose == nil || len(d.Versions[1].Compose.Body) != 4 {
			t.Fatalf("versions %+v", d.Versions)
		}
	})
}
