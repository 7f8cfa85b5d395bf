package server_test

import (
	"encoding/base64"
	"testing"

	"github.com/motcua/motcua/demo"
	"github.com/motcua/motcua/server"
	"github.com/motcua/motcua/sign"
	"github.com/motcua/motcua/sign/signtest"
	"github.com/motcua/motcua/store/storetest"
)

// TestDocumentsSealOnly: with the organisation's seal and no personal
// signers (DocumentsConfig.Seal, as motcua serve sets it without
// --document-signer) the leader's approval goes on unsigned and the
// issued file carries the seal alone; an image directory without the
// organ's seal image gives the text form of the seal, not an error.
func TestDocumentsSealOnly(t *testing.T) {
	ca := signtest.NewCA(t, "Test CA")
	seal := ca.Signer(t, 1, "UBND huyện Nho Quan", "UBND huyện Nho Quan")
	e := newEnvWith(t, storetest.Open(t, "sqlite"), func(c *server.Config) {
		c.Documents.Seal, c.Documents.ImageDir = seal, t.TempDir()
	})
	file := map[string]any{"name": "du-thao.pdf", "content": base64.StdEncoding.EncodeToString(signtest.PDF(signtest.PDFOptions{}))}
	var d docView
	e.must(e.call("huyen.chuyenvien", "POST", "/api/v1/documents/drafts", map[string]any{"unit": demo.DistrictCode, "type": "CV", "field": "VX",
		"subject": "V/v triển khai chuyển đổi số", "file": file}, &d), 201)
	path := "/api/v1/documents/" + itoa(d.ID)
	for _, c := range []struct{ user, action string }{{"huyen.chuyenvien", "submit"}, {"huyen.lanhdao", "approve"}, {"huyen.lanhdao", "approve"}, {"huyen.vanthu", "issue"}} {
		e.must(e.call(c.user, "POST", path+"/actions/"+c.action, nil, &d), 200)
	}
	e.must(e.call("huyen.vanthu", "GET", path, nil, &d), 200)
	var issued int64
	for _, f := range d.Files {
		switch f.Kind {
		case "signed":
			t.Fatal("a personal signature in seal-only mode")
		case "issued":
			issued = f.ID
		}
	}
	r := e.must(e.call("huyen.vanthu", "GET", path+"/files/"+itoa(issued), nil, nil), 200)
	sigs, err := sign.Verify(r.body, ca.Pool())
	if err != nil || len(sigs) != 1 || !sign.AllValid(sigs) || sigs[0].Reason != "Số: 01/UBND-VX" {
		t.Fatalf("signatures: %v %+v", err, sigs)
	}
}
