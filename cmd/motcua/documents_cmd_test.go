package main

import (
	"bufio"
	"bytes"
	"context"
	"crypto/x509"
	"encoding/base64"
	"encoding/json"
	"flag"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/motcua/motcua/auth"
	"github.com/motcua/motcua/demo"
	"github.com/motcua/motcua/server"
	"github.com/motcua/motcua/sign"
	"github.com/motcua/motcua/sign/signtest"
	"github.com/motcua/motcua/store"
	"github.com/motcua/motcua/unit"
)

// TestServeSignsOutgoingDocuments starts motcua serve as an operator
// would: the organisation's seal on a SoftHSM token (the esign flags), a
// leader's personal key on the same module (--document-signer), the seal
// and signature images in a directory (--document-images). Over the API a
// specialist drafts a decision, the leader approves it twice (head of the
// drafting unit, then leader of the organ), the clerk issues it; the
// issued PDF carries two valid signatures, the leader's then the seal
// naming the number.
func TestServeSignsOutgoingDocuments(t *testing.T) {
	ca := signtest.NewCA(t, "Test CA")
	tok := signtest.SoftHSM(t, "motcua-seal") // sets SOFTHSM2_CONF: not parallel
	for i, k := range []struct{ label, cn string }{{"seal", "UBND huyện Nho Quan"}, {"leader", "Lê Trần Hương"}} {
		key := signtest.RSAKey(t, i)
		tok.Import(t, key, ca.Issue(t, key.Public(), k.cn, "UBND huyện Nho Quan", x509.ExtKeyUsageEmailProtection), k.label, []byte{byte(i + 1)})
	}
	dir := t.TempDir()
	pin, chain, images := filepath.Join(dir, "pin"), filepath.Join(dir, "ca.pem"), filepath.Join(dir, "images")
	for name, b := range map[string][]byte{pin: []byte(tok.PIN + "\n"), chain: ca.PEM()} {
		if err := os.WriteFile(name, b, 0o600); err != nil {
			t.Fatal(err)
		}
	}
	if err := os.Mkdir(images, 0o700); err != nil {
		t.Fatal(err)
	}
	for name, b := range map[string][]byte{"seal-" + demo.DistrictCode + ".png": signtest.SealImage(), "signature-huyen.lanhdao.png": signtest.SignatureImage()} {
		if err := os.WriteFile(filepath.Join(images, name), b, 0o600); err != nil {
			t.Fatal(err)
		}
	}
	// The district's officers, as an operator's accounts would be: the
	// demo's units and accounts without --demo (whose own documents are
	// not what this test is about).
	data := t.TempDir()
	t.Setenv("MOTCUA_DATA", data)
	db, err := store.Open(t.Context(), store.Config{Dir: data})
	if err != nil {
		t.Fatal(err)
	}
	if err := prepare(t.Context(), db); err != nil {
		t.Fatal(err)
	}
	units := unit.NewStore(db, nil)
	if _, err := demo.Load(t.Context(), db, units, auth.NewService(db, auth.Config{Params: auth.Params{Time: 1, MemKiB: 1024, Threads: 1}, Units: units})); err != nil {
		t.Fatal(err)
	}
	db.Close()
	ctx, cancel := context.WithCancel(context.Background())
	pr, pw := io.Pipe()
	done := make(chan error, 1)
	go func() {
		done <- run(ctx, []string{"serve", "--addr", "127.0.0.1:0", "--public-url", "http://127.0.0.1",
			"--seal-pkcs11-module", tok.Module, "--seal-token-label", tok.Label, "--seal-key-label", "seal", "--seal-cert", chain, "--seal-pin-file", pin,
			"--document-images", images, "--document-signer", "huyen.lanhdao=" + tok.Label + ":leader:" + pin}, nil, pw, io.Discard)
		pw.Close()
	}()
	defer func() {
		cancel()
		select {
		case err := <-done:
			if err != nil {
				t.Errorf("serve returned %v", err)
			}
		case <-time.After(30 * time.Second):
			t.Error("serve did not shut down")
		}
	}()
	sc := bufio.NewScanner(pr)
	var base, note string
	for sc.Scan() {
		if u, ok := strings.CutPrefix(sc.Text(), "motcua is serving at "); ok {
			base = strings.Fields(u)[0]
		}
		if n, ok := strings.CutPrefix(sc.Text(), "Outgoing documents: "); ok {
			note = n
			break
		}
	}
	go io.Copy(io.Discard, pr)
	if base == "" || !strings.Contains(note, "sealed with UBND huyện Nho Quan") || !strings.Contains(note, "huyen.lanhdao") {
		t.Fatalf("serve printed %q, %q", base, note)
	}
	call := func(token, method, path string, in any, out any) []byte {
		t.Helper()
		var body io.Reader
		if in != nil {
			b, _ := json.Marshal(in)
			body = bytes.NewReader(b)
		}
		req, _ := http.NewRequest(method, base+path, body)
		req.Header.Set("Content-Type", "application/json")
		if token != "" {
			req.Header.Set("Authorization", "Bearer "+token)
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		if resp.StatusCode >= 300 {
			t.Fatalf("%s %s: %d %s", method, path, resp.StatusCode, b)
		}
		if out != nil {
			if err := json.Unmarshal(b, out); err != nil {
				t.Fatal(err)
			}
		}
		return b
	}
	tokens := map[string]string{}
	for _, user := range []string{"huyen.chuyenvien", "huyen.lanhdao", "huyen.vanthu"} {
		var out struct{ Token string }
		call("", "POST", "/api/v1/auth/token", map[string]string{"username": user, "password": demo.Password}, &out)
		tokens[user] = out.Token
	}
	var d struct {
		ID           int64
		State        string
		NumberSymbol string `json:"number_symbol"`
		Files        []struct {
			ID   int64
			Kind string
		}
	}
	file := map[string]any{"name": "du-thao.pdf", "content": base64.StdEncoding.EncodeToString(signtest.PDF(signtest.PDFOptions{Text: "QUYET DINH"}))}
	call(tokens["huyen.chuyenvien"], "POST", "/api/v1/documents/drafts", map[string]any{"unit": demo.DistrictCode, "type": "QD",
		"subject": "Quyết định thành lập Tổ công nghệ số cộng đồng", "file": file}, &d)
	path := "/api/v1/documents/" + strconv.FormatInt(d.ID, 10)
	for _, c := range []struct{ user, action string }{{"huyen.chuyenvien", "submit"}, {"huyen.lanhdao", "approve"}, {"huyen.lanhdao", "approve"}, {"huyen.vanthu", "issue"}} {
		call(tokens[c.user], "POST", path+"/actions/"+c.action, map[string]any{}, &d)
	}
	if d.State != "issued" || d.NumberSymbol != "01/QĐ-UBND" {
		t.Fatalf("issued: %+v", d)
	}
	call(tokens["huyen.vanthu"], "GET", path, nil, &d)
	var issued int64
	for _, f := range d.Files {
		if f.Kind == "issued" {
			issued = f.ID
		}
	}
	pdf := call(tokens["huyen.vanthu"], "GET", path+"/files/"+strconv.FormatInt(issued, 10), nil, nil)
	sigs, err := sign.Verify(pdf, ca.Pool())
	if err != nil || len(sigs) != 2 || !sign.AllValid(sigs) || !strings.Contains(sigs[0].Signer, "Lê Trần Hương") ||
		!strings.Contains(sigs[1].Signer, "UBND huyện Nho Quan") || sigs[1].Reason != "Số: 01/QĐ-UBND" {
		t.Fatalf("signatures of the issued document: %v %+v", err, sigs)
	}
}

// TestDocumentFlags: without a seal on a token the documents are
// unsigned and a personal signer is refused; a malformed signer is
// refused; with the seal and no signer, the seal alone (seal-only mode).
func TestDocumentFlags(t *testing.T) {
	parseFlags := func(args ...string) *documentFlags {
		var f documentFlags
		fs := flag.NewFlagSet("serve", flag.ContinueOnError)
		fs.SetOutput(io.Discard)
		f.register(fs)
		if err := fs.Parse(args); err != nil {
			t.Fatal(err)
		}
		return &f
	}
	var cfg server.Config
	note, closeAll, err := parseFlags().configure(&cfg, "")
	closeAll()
	if err != nil || !strings.Contains(note, "unsigned") || cfg.Documents.Seal != nil {
		t.Fatalf("no seal: %q %v", note, err)
	}
	if _, _, err := parseFlags("--document-signer", "huyen.lanhdao=tok:key:/pin").configure(&cfg, ""); err == nil || !strings.Contains(err.Error(), "seal") {
		t.Fatalf("a signer without the seal: %v", err)
	}
	if _, _, err := parseFlags("--document-images", filepath.Join(t.TempDir(), "none")).configure(&cfg, ""); err == nil {
		t.Fatal("a missing image directory was accepted")
	}
	ca := signtest.NewCA(t, "Test CA")
	cfg = server.Config{}
	cfg.ESign.Seal = ca.Signer(t, 0, "UBND huyện Nho Quan", "UBND huyện Nho Quan")
	if _, _, err := parseFlags("--document-signer", "huyen.lanhdao=tok").configure(&cfg, "/some/module.so"); err == nil || !strings.Contains(err.Error(), "USERNAME=") {
		t.Fatalf("a malformed signer: %v", err)
	}
	note, closeAll, err = parseFlags().configure(&cfg, "/some/module.so")
	closeAll()
	if err != nil || cfg.Documents.Seal != cfg.ESign.Seal || len(cfg.Documents.Signers) != 0 || !strings.Contains(note, "seal only") {
		t.Fatalf("seal only: %q %v", note, err)
	}
}
