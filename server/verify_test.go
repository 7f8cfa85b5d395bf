package server_test

import (
	"bytes"
	"context"
	"crypto"
	"crypto/rand"
	"crypto/sha256"
	"crypto/x509"
	"encoding/json"
	"io"
	"log/slog"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/motcua/motcua/demo"
	"github.com/motcua/motcua/server"
	"github.com/motcua/motcua/server/servertest"
	"github.com/motcua/motcua/sign"
	"github.com/motcua/motcua/sign/signtest"
	"github.com/motcua/motcua/store/storetest"
)

// newVerifyEnv is motcua with a trust list (motcua serve --trust) and the
// demo accounts, on the real clock: certificates are judged at today's date.
func newVerifyEnv(t *testing.T, trust *x509.CertPool) *env {
	t.Helper()
	ctx := context.Background()
	db := storetest.Open(t, "sqlite")
	servertest.Prepare(t, db)
	srv, public := servertest.Listen(t)
	app, err := server.New(ctx, db, server.Config{
		DataDir: t.TempDir(), Log: slog.New(slog.NewTextHandler(io.Discard, nil)), AuthParams: testParams, Trust: trust,
		PublicURL: public,
	})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := demo.Load(ctx, db, app.Units, app.Auth); err != nil {
		t.Fatal(err)
	}
	servertest.Serve(t, srv, app.Handler)
	return &env{t: t, app: app, srv: srv, clock: &clock{t: time.Now()}, tokens: map[string]string{}}
}

// signedResult is a result document signed by the leader and sealed by
// the commune, plus the same file with one byte changed.
func signedResult(t *testing.T, ca *signtest.CA) (good, tampered []byte) {
	t.Helper()
	leader := ca.Signer(t, 0, "Đặng Văn Quân", "UBND xã Gia Lâm")
	seal := ca.Signer(t, 1, "UBND xã Gia Lâm", "UBND xã Gia Lâm")
	doc := signtest.PDF(signtest.PDFOptions{Text: "QUYET DINH so 15/QD-UBND"})
	doc, err := sign.Sign(t.Context(), doc, leader, sign.Options{Appearance: sign.Appearance{
		Kind: sign.Personal, Title: "CHỦ TỊCH", Name: "Đặng Văn Quân", Image: signtest.SignatureImage()}})
	if err != nil {
		t.Fatal(err)
	}
	if doc, err = sign.Sign(t.Context(), doc, seal, sign.Options{Appearance: sign.Appearance{Kind: sign.Seal, Image: signtest.SealImage()}}); err != nil {
		t.Fatal(err)
	}
	tampered = bytes.Clone(doc)
	i := bytes.Index(tampered, []byte("15/QD"))
	tampered[i+1] = '6'
	return doc, tampered
}

type verifyAnswer struct {
	Valid      bool                  `json:"valid"`
	TrustList  bool                  `json:"trust_list"`
	Signatures []sign.SignatureInfo  `json:"signatures"`
	Error      struct{ Code string } `json:"error"`
}

// TestVerifyAPI: POST /api/v1/verify takes a raw PDF or a multipart
// upload, anonymously, and answers who signed, whether the bytes are
// intact and whether the chain reaches the server's trust list.
func TestVerifyAPI(t *testing.T) {
	t.Parallel()
	ca := signtest.NewCA(t, "motcua Test Root CA")
	good, tampered := signedResult(t, ca)
	e := newVerifyEnv(t, ca.Pool())
	other := newVerifyEnv(t, signtest.NewCA(t, "Other CA").Pool())
	big := append(bytes.Clone(good), bytes.Repeat([]byte{' '}, 20<<20)...)

	post := func(base string, body []byte, multipartForm bool) (int, verifyAnswer) {
		t.Helper()
		ct := "application/pdf"
		if multipartForm {
			var buf bytes.Buffer
			mw := multipart.NewWriter(&buf)
			mw.WriteField("note", "ignored")
			fw, _ := mw.CreateFormFile("file", "ket-qua.pdf")
			fw.Write(body)
			mw.Close()
			body, ct = buf.Bytes(), mw.FormDataContentType()
		}
		resp, err := http.Post(base+"/api/v1/verify", ct, bytes.NewReader(body))
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		var a verifyAnswer
		if err := json.NewDecoder(resp.Body).Decode(&a); err != nil {
			t.Fatal(err)
		}
		return resp.StatusCode, a
	}
	cases := []struct {
		name      string
		base      string
		body      []byte
		multipart bool
		status    int
		valid     bool
		sigs      int
		check     func(t *testing.T, a verifyAnswer)
	}{
		{"raw body", e.srv.URL, good, false, 200, true, 2, func(t *testing.T, a verifyAnswer) {
			s := a.Signatures[0]
			if !a.TrustList || s.Signer != "Đặng Văn Quân" || !s.Trusted || s.Level != "PAdES B-B" || s.CoversDocument || len(s.Chain) != 2 {
				t.Errorf("%+v", a)
			}
			if !a.Signatures[1].CoversDocument || a.Signatures[1].Signer != "UBND xã Gia Lâm" {
				t.Errorf("%+v", a.Signatures[1])
			}
		}},
		{"multipart upload", e.srv.URL, good, true, 200, true, 2, nil},
		{"one byte changed", e.srv.URL, tampered, true, 200, false, 2, func(t *testing.T, a verifyAnswer) {
			for _, s := range a.Signatures {
				if s.Intact || s.Valid || !strings.Contains(strings.Join(s.Problems, ","), sign.ProblemDigest) {
					t.Errorf("%+v", s)
				}
			}
		}},
		{"unknown CA", other.srv.URL, good, false, 200, false, 2, func(t *testing.T, a verifyAnswer) {
			if s := a.Signatures[0]; !s.Intact || s.Trusted || !s.TrustChecked {
				t.Errorf("%+v", s)
			}
		}},
		{"unsigned", e.srv.URL, signtest.PDF(signtest.PDFOptions{}), false, 200, false, 0, nil},
		{"not a PDF", e.srv.URL, []byte("<html>không phải PDF</html>"), false, 422, false, 0, func(t *testing.T, a verifyAnswer) {
			if a.Error.Code != "not_pdf" {
				t.Errorf("code %q", a.Error.Code)
			}
		}},
		{"empty", e.srv.URL, nil, false, 422, false, 0, nil},
		{"over 20 MB", e.srv.URL, big, true, 413, false, 0, nil},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			status, a := post(c.base, c.body, c.multipart)
			if status != c.status || a.Valid != c.valid || len(a.Signatures) != c.sigs {
				t.Fatalf("status %d valid %v %d signatures, want %d %v %d: %+v", status, a.Valid, len(a.Signatures), c.status, c.valid, c.sigs, a)
			}
			if c.check != nil {
				c.check(t, a)
			}
		})
	}
}

// TestVerifyPage: the public page /xac-thuc works without JavaScript in
// both languages, for visitors and signed-in users (CSRF token in the
// action), and shows the verdict in words, not only colour.
func TestVerifyPage(t *testing.T) {
	t.Parallel()
	ca := signtest.NewCA(t, "motcua Test Root CA")
	good, tampered := signedResult(t, ca)
	e := newVerifyEnv(t, ca.Pool())

	vi := e.portalVisitor(t, "")
	form := vi.get("/xac-thuc")
	if form.status != 200 {
		t.Fatalf("GET /xac-thuc: %d", form.status)
	}
	form.wellFormed(t, "vi")
	for _, want := range []string{`<label for="file">`, `type="file" name="file"`, `enctype="multipart/form-data"`, "danh sách chứng thư tin cậy của hệ thống"} {
		if !form.has(want) {
			t.Errorf("form lacks %q", want)
		}
	}

	ok := vi.upload(form.action(t, "/xac-thuc"), "quyet-dinh.pdf", good)
	ok.wellFormed(t, "vi")
	for _, want := range []string{"Kết quả xác thực tệp quyet-dinh.pdf", "Mọi chữ ký đều hợp lệ", "Chữ ký 1: Đặng Văn Quân — hợp lệ",
		"Chữ ký 2: UBND xã Gia Lâm — hợp lệ", "PAdES B-B", "Nguyên vẹn", "Chuỗi chứng thư dẫn tới một chứng thư trong danh sách tin cậy", "CN=motcua Test Root CA"} {
		if !ok.has(want) {
			t.Errorf("result lacks %q", want)
		}
	}

	bad := vi.upload(form.action(t, "/xac-thuc"), "sua.pdf", tampered)
	for _, want := range []string{"Tài liệu KHÔNG hợp lệ", "không hợp lệ", "Nội dung được ký đã bị thay đổi."} {
		if !bad.has(want) {
			t.Errorf("tampered result lacks %q", want)
		}
	}
	junk := vi.upload(form.action(t, "/xac-thuc"), "anh.pdf", []byte("GIF89a"))
	if junk.status != 422 || !junk.has(`role="alert"`) || !junk.has("không phải là tệp PDF") || !junk.has(`aria-invalid="true"`) {
		t.Errorf("not a PDF: %d", junk.status)
	}

	en := e.portalVisitor(t, "en")
	enOK := en.upload("/xac-thuc", "decision.pdf", good)
	enOK.wellFormed(t, "en")
	for _, want := range []string{"Verify digital signatures", "Every signature is valid", "Signature 1: Đặng Văn Quân — valid", "The certificate chain reaches the trust list"} {
		if !enOK.has(want) {
			t.Errorf("English result lacks %q", want)
		}
	}

	// Signed in: the form carries the session's CSRF token.
	citizen := e.portalVisitor(t, "")
	citizen.login(demo.Citizen.Username)
	page := citizen.get("/xac-thuc")
	if action := page.action(t, "/xac-thuc"); !strings.Contains(action, "csrf=") || len(action) < len("/xac-thuc?csrf=")+10 {
		t.Fatalf("action %q has no token", action)
	}
	if r := citizen.upload(page.action(t, "/xac-thuc"), "kq.pdf", good); r.status != 200 || !r.has("Mọi chữ ký đều hợp lệ") {
		t.Errorf("signed-in upload: %d", r.status)
	}
	if r := citizen.upload("/xac-thuc", "kq.pdf", good); r.status != 403 {
		t.Errorf("signed-in upload without the token: %d, want 403", r.status)
	}

	// Every problem the verifier can report has its text in both languages.
	cat := e.app.Web.Catalog()
	for _, code := range sign.ProblemCodes() {
		for _, lang := range []string{"vi", "en"} {
			if !cat.Has(lang, "verify.problem."+code) {
				t.Errorf("no %s text for problem %q", lang, code)
			}
		}
	}

	// Without a trust list the page says trust is not judged.
	plain := newVerifyEnv(t, nil).portalVisitor(t, "")
	r := plain.upload("/xac-thuc", "kq.pdf", good)
	if !r.has("Hệ thống chưa cấu hình danh sách chứng thư tin cậy") || !r.has("Chưa đánh giá") || !r.has("Mọi chữ ký đều hợp lệ") {
		t.Errorf("no trust list page:\n%s", r.body)
	}
}

// BenchmarkSignReceipt: a receipt (form 01) generated through the API
// handler and signed by the organisation (text signature, software RSA-2048
// key), beside generating it alone, signing it alone, and the floor of
// signing: one SHA-256 over the receipt and one RSA-2048 signature.
//
//	go test -run '^$' -bench SignReceipt -benchtime 3s ./server/
func BenchmarkSignReceipt(b *testing.B) {
	e := newEnv(b, storetest.Open(b, "sqlite"))
	d := e.submit("2.000884", demo.GiaLamCode)
	e.mustAct("gialam.tiepnhan", d.Code, "receive", nil)
	token := e.token("gialam.tiepnhan")
	receipt := func(b *testing.B) []byte {
		req := httptest.NewRequest("GET", "/api/v1/dossiers/"+d.Code+"/forms/01", nil)
		req.Header.Set("Authorization", "Bearer "+token)
		w := httptest.NewRecorder()
		e.app.Handler.ServeHTTP(w, req)
		if w.Code != http.StatusOK {
			b.Fatalf("%d %s", w.Code, w.Body)
		}
		return w.Body.Bytes()
	}
	ca := signtest.NewCA(b, "bench CA")
	key := ca.Signer(b, 0, "UBND xã Gia Lâm", "UBND xã Gia Lâm")
	font, _ := os.ReadFile("../typeset/fonts/LiberationSerif-Regular.ttf")
	opt := sign.Options{Time: time.Now(), Appearance: sign.Appearance{Kind: sign.SealText, Lines: []string{"Số: 01/TNHS"}, Font: font}}
	doc := receipt(b)
	perSecond := func(b *testing.B) { b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "docs/s") }

	b.Run("generate", func(b *testing.B) {
		for b.Loop() {
			receipt(b)
		}
		perSecond(b)
	})
	b.Run("generate+sign", func(b *testing.B) {
		for b.Loop() {
			if _, err := sign.Sign(b.Context(), receipt(b), key, opt); err != nil {
				b.Fatal(err)
			}
		}
		perSecond(b)
	})
	b.Run("sign", func(b *testing.B) {
		b.SetBytes(int64(len(doc)))
		for b.Loop() {
			if _, err := sign.Sign(b.Context(), doc, key, opt); err != nil {
				b.Fatal(err)
			}
		}
		perSecond(b)
	})
	b.Run("baseline-sha256", func(b *testing.B) {
		b.SetBytes(int64(len(doc)))
		for b.Loop() {
			sha256.Sum256(doc)
		}
	})
	b.Run("baseline-rsa2048", func(b *testing.B) {
		sum := sha256.Sum256(doc)
		for b.Loop() {
			if _, err := key.Signer.Sign(rand.Reader, sum[:], crypto.SHA256); err != nil {
				b.Fatal(err)
			}
		}
	})
}
