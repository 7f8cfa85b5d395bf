package document_test

import (
	"crypto/x509"
	"errors"
	"math"
	"strings"
	"testing"

	"github.com/motcua/motcua/demo"
	"github.com/motcua/motcua/document"
	"github.com/motcua/motcua/forms/formstest"
	"github.com/motcua/motcua/problem"
	"github.com/motcua/motcua/sign"
	"github.com/motcua/motcua/sign/signtest"
	"github.com/motcua/motcua/store"
	"github.com/motcua/motcua/store/storetest"
)

// hsmKeys are the district leader's key and the district's seal, each
// certified by ca, on a SoftHSM token (sets SOFTHSM2_CONF: not parallel).
func hsmKeys(t *testing.T, ca *signtest.CA, token string) keys {
	t.Helper()
	tok := signtest.SoftHSM(t, token)
	open := func(label string, i int, cn string, id byte) *sign.Key {
		k := signtest.RSAKey(t, i)
		cert := ca.Issue(t, k.Public(), cn, "UBND huyện Nho Quan", x509.ExtKeyUsageEmailProtection)
		tok.Import(t, k, cert, label, []byte{id})
		key, err := sign.OpenPKCS11(sign.PKCS11Config{Module: tok.Module, TokenLabel: tok.Label, KeyLabel: label, PIN: tok.PIN, Certs: []*x509.Certificate{ca.Cert}})
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { key.Close() })
		return key
	}
	return keys{personal: map[string]*sign.Key{"huyen.lanhdao": open("leader", 0, "Lê Trần Hương", 1)}, seal: open("seal", 1, "UBND huyện Nho Quan", 2)}
}

// decisionText is a decision of the district written as text, to be
// signed on behalf of the committee by signer.
func decisionText(signer string) *document.Compose {
	return &document.Compose{
		Place: "Nho Quan",
		Body: []string{
			"Căn cứ Luật Tổ chức chính quyền địa phương ngày 19 tháng 6 năm 2015;",
			"Theo đề nghị của Chánh Văn phòng HĐND và UBND huyện.",
			"QUYẾT ĐỊNH:",
			"Điều 1. Phê duyệt Kế hoạch chuyển đổi số năm 2026 của huyện Nho Quan.",
			"Điều 2. Quyết định này có hiệu lực kể từ ngày ký.",
		},
		Recipients: []string{"Như Điều 2", "UBND tỉnh (để b/c)"},
		Filing:     "VT, VP",
		Competence: "TM. Ủy ban nhân dân\nKT. Chủ tịch",
		Position:   "Phó Chủ tịch",
		SignerName: signer,
	}
}

// TestComposedPath: the office's specialist composes a decision as text
// instead of uploading a PDF; the layout sets it with the number and day
// blank. The first version names the wrong signer, so the leader cannot
// approve it and returns it; the second, edited from the first's kept
// text, is approved and signed by the leader (SoftHSM) in the blank the
// layout left between the position and the name, and the clerk numbers
// it 01/QĐ-UBND and seals it over the signature without rewriting the
// signed text. Both engines.
func TestComposedPath(t *testing.T) {
	formstest.Require(t)
	ca := signtest.NewCA(t, "Test CA")
	ks := hsmKeys(t, ca, "motcua-compose")
	storetest.Engines(t, func(t *testing.T, db *store.DB) {
		ctx := t.Context()
		w := newWorld(t, db, func(c *document.Config) { c.Keys, c.Images = ks, images{} })
		drafter := w.actor(t, "vp.chuyenvien")
		draft := func(c *document.Compose, f *document.FileInput) (*document.Document, error) {
			return w.docs.CreateDraft(ctx, drafter, document.DraftInput{Unit: demo.DistrictCode, DraftingUnit: officeCode, Type: "QD",
				Subject: "Phê duyệt Kế hoạch chuyển đổi số năm 2026", Note: "Dự thảo lần 1", Compose: c, File: f})
		}
		for name, c := range map[string]struct {
			compose func(*document.Compose)
			file    *document.FileInput
			want    string
		}{
			"a file and a text":  {func(*document.Compose) {}, draftFile(), "document_file_or_compose"},
			"no place":           {func(c *document.Compose) { c.Place = " " }, nil, "document_compose_place"},
			"no body":            {func(c *document.Compose) { c.Body = []string{"", "  "} }, nil, "document_compose_body"},
			"no signer":          {func(c *document.Compose) { c.SignerName = "" }, nil, "document_compose_signer"},
			"a book pasted in":   {func(c *document.Compose) { c.Body = []string{strings.Repeat("chữ ", 12501)} }, nil, "document_text_too_long"},
			"too many addresses": {func(c *document.Compose) { c.Recipients = strings.Split(strings.Repeat("UBND xã\n", 501), "\n") }, nil, "document_too_many"},
		} {
			in := decisionText("Lê Trần Hương")
			c.compose(in)
			if _, err := draft(in, c.file); !errors.Is(err, problem.ErrInvalid) || code(err) != c.want {
				t.Errorf("%s: %v; want 422 %s", name, err, c.want)
			}
		}

		d, err := draft(decisionText("Nguyễn Văn Sai"), nil)
		if err != nil {
			t.Fatal(err)
		}
		id := d.ID
		got, err := w.docs.Get(ctx, drafter, id)
		if err != nil {
			t.Fatal(err)
		}
		if len(got.Versions) != 1 || got.Versions[0].Compose == nil || got.Versions[0].Compose.Body[3] != decisionText("").Body[3] {
			t.Fatalf("versions %+v; want one keeping its text", got.Versions)
		}
		_, v1, err := w.docs.FileContent(ctx, drafter, id, got.Versions[0].FileID)
		if err != nil {
			t.Fatal(err)
		}
		inOrder(t, formstest.Flat(t, v1), "UBND HUYỆN NHO QUAN", "Số: ……/QĐ-UBND", "Nho Quan, ngày …… tháng …… năm 2026", "QUYẾT ĐỊNH",
			"Phê duyệt Kế hoạch chuyển đổi số năm 2026", "QUYẾT ĐỊNH:", "Điều 1. Phê duyệt Kế hoạch", "Nơi nhận:", "KT. CHỦ TỊCH",
			"PHÓ CHỦ TỊCH", "- Lưu: VT, VP.", "Nguyễn Văn Sai")

		act := func(who string, fn func() (*document.Document, error)) {
			t.Helper()
			if _, err := fn(); err != nil {
				t.Fatalf("%s: %v", who, err)
			}
		}
		note := document.NoteInput{}
		act("submit", func() (*document.Document, error) { return w.docs.Submit(ctx, drafter, id, note) })
		act("head", func() (*document.Document, error) { return w.docs.Approve(ctx, w.actor(t, "vp.truongphong"), id, note) })
		if _, err := w.docs.Approve(ctx, w.actor(t, "huyen.lanhdao"), id, note); !errors.Is(err, problem.ErrState) || code(err) != "document_signer_mismatch" {
			t.Fatalf("the leader approves a draft naming another signer: %v; want 409 document_signer_mismatch", err)
		}
		act("return", func() (*document.Document, error) {
			return w.docs.Return(ctx, w.actor(t, "huyen.lanhdao"), id, document.NoteInput{Note: "Sửa người ký."})
		})
		// The next version starts from the kept text.
		got, err = w.docs.Get(ctx, drafter, id)
		if err != nil {
			t.Fatal(err)
		}
		next := *got.Versions[0].Compose
		next.SignerName = "Lê Trần Hương"
		next.Body = append(next.Body[:len(next.Body):len(next.Body)], "Điều 3. Chánh Văn phòng chịu trách nhiệm thi hành Quyết định này.")
		if _, err := w.docs.AddVersion(ctx, drafter, id, document.VersionInput{Note: "Dự thảo lần 2"}); code(err) != "document_file_required" {
			t.Fatalf("a version of nothing: %v", err)
		}
		act("version 2", func() (*document.Document, error) {
			return w.docs.AddVersion(ctx, drafter, id, document.VersionInput{Note: "Dự thảo lần 2", Compose: &next})
		})
		act("submit", func() (*document.Document, error) { return w.docs.Submit(ctx, drafter, id, note) })
		act("head", func() (*document.Document, error) { return w.docs.Approve(ctx, w.actor(t, "vp.truongphong"), id, note) })
		act("leader", func() (*document.Document, error) { return w.docs.Approve(ctx, w.actor(t, "huyen.lanhdao"), id, note) })
		act("clerk", func() (*document.Document, error) {
			return w.docs.Issue(ctx, w.actor(t, "huyen.vanthu"), id, document.IssueInput{})
		})

		got, err = w.docs.Get(ctx, drafter, id)
		if err != nil {
			t.Fatal(err)
		}
		if got.NumberSymbol != "01/QĐ-UBND" || got.Signer != (document.Signer{Position: "Phó Chủ tịch", FullName: "Lê Trần Hương"}) || len(got.Versions) != 2 {
			t.Fatalf("issued %s, signer %+v, %d versions", got.NumberSymbol, got.Signer, len(got.Versions))
		}
		var issued int64
		for _, f := range got.Files {
			if f.Kind == document.FileIssued {
				issued = f.ID
			}
		}
		_, doc, err := w.docs.FileContent(ctx, drafter, id, issued)
		if err != nil {
			t.Fatal(err)
		}
		sigs, err := sign.Verify(doc, ca.Pool())
		if err != nil {
			t.Fatal(err)
		}
		if len(sigs) != 2 || !sign.AllValid(sigs) || sigs[0].Signer != "Lê Trần Hương" || sigs[1].Signer != "UBND huyện Nho Quan" || sigs[1].Reason != "Số: 01/QĐ-UBND" {
			t.Fatalf("signatures of the issued file: %+v", sigs)
		}
		text := formstest.Flat(t, doc)
		inOrder(t, text, "Số: ……/QĐ-UBND", "Điều 3. Chánh Văn phòng", "PHÓ CHỦ TỊCH", "Lê Trần Hương")
		if strings.Contains(text, "01/QĐ") || strings.Contains(text, "Nguyễn Văn Sai") {
			t.Errorf("the issued text was rewritten or is the first version's:\n%s", text)
		}

		// The leader's widget is the layout's blank; the seal is on that
		// page over the blank's left part, level with it.
		spot, err := w.docs.SignatureSpot(ctx, id)
		if err != nil || spot == nil {
			t.Fatalf("spot %v, %v", spot, err)
		}
		ws := signtest.Widgets(t, doc)
		if len(ws) != 2 {
			t.Fatalf("widgets %+v; want the leader's and the seal's", ws)
		}
		near := func(a, b float64) bool { return math.Abs(a-b) < 0.01 }
		if r := ws[0].Rect; ws[0].Page != spot.Page || !near(r.X, spot.X) || !near(r.Y, spot.Y) || !near(r.W, spot.W) || !near(r.H, spot.H) {
			t.Errorf("the leader's widget %+v on page %d; the layout's spot %+v", r, ws[0].Page, *spot)
		}
		seal := ws[1].Rect
		if c := seal.Y + seal.H/2; ws[1].Page != spot.Page || c < spot.Y || c > spot.Y+spot.H || seal.X > spot.X+spot.W/2 || seal.X+seal.W < spot.X {
			t.Errorf("the seal %+v on page %d is not over the left of the blank %+v", seal, ws[1].Page, *spot)
		}
	})
}
