package server_test

import (
	"bytes"
	"crypto/sha256"
	"crypto/x509"
	"encoding/hex"
	"github.com/motcua/motcua/sohoa"
	"net/http"
	"net/url"
	"os"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/motcua/motcua/audit"
	"github.com/motcua/motcua/demo"
	"github.com/motcua/motcua/esign/cscsim"
	"github.com/motcua/motcua/server"
	"github.com/motcua/motcua/sign"
	"github.com/motcua/motcua/sign/signtest"
	"github.com/motcua/motcua/store"
	"github.com/motcua/motcua/store/storetest"
)

// esignWorld is what in-app signing runs against in the tests: the CSC
// simulator mounted on the app at /_sim/csc (its CA publishes a CRL
// there), the organisation's seal on a SoftHSM token certified by a
// second CA that publishes its CRL and an OCSP responder over HTTP, and a
// time-stamp authority.
type esignWorld struct {
	sim   *cscsim.Sim
	ca    *signtest.CA
	trust *x509.CertPool
	seal  *sign.Key
	tsa   *signtest.TSA
	// cscURL is the simulator's CSC API base, as the app reaches it.
	cscURL string
	// cred is gialam.lanhdao's credential at the simulator.
	cred string
	// beforeSignHash, when set, runs once as the simulator receives a
	// signHash: a colleague acting while the leader signs.
	beforeSignHash atomic.Pointer[func()]
	// cscCalls counts the CSC API calls the simulator received (its
	// OAuth2 token endpoint aside).
	cscCalls atomic.Int64
}

func newESignWorld(t *testing.T) *esignWorld {
	t.Helper()
	ca := signtest.NewCA(t, "motcua Test Seal CA")
	// Like Vietnamese CAs, the seal's CA publishes a CRL and an OCSP
	// responder: B-LT holds its OCSP answer about the seal, and the CRL
	// of the signing service's CA about the leader.
	ca.PublishCRL(t)
	ca.PublishOCSP(t)
	tok := signtest.SoftHSM(t, "motcua-seal")
	key := signtest.RSAKey(t, 1)
	cert := ca.Issue(t, key.Public(), "UBND xã Gia Lâm", "UBND xã Gia Lâm", x509.ExtKeyUsageEmailProtection)
	tok.Import(t, key, cert, "seal", []byte{1})
	seal, err := sign.OpenPKCS11(sign.PKCS11Config{Module: tok.Module, TokenLabel: tok.Label, KeyLabel: "seal", PIN: tok.PIN, Certs: []*x509.Certificate{ca.Cert}})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { seal.Close() })
	return &esignWorld{ca: ca, seal: seal, tsa: signtest.NewTSA(t, ca)}
}

// configure wires signing into the server's Config: the simulator's base
// URL is the test server's own address.
func (w *esignWorld) configure(t *testing.T) func(*server.Config) {
	return func(cfg *server.Config) {
		sim, err := cscsim.New(cscsim.Config{ClientID: "motcua", ClientSecret: "bi-mat", BaseURL: cfg.PublicURL + server.CSCSimulatorPath, Now: cfg.Now})
		if err != nil {
			t.Fatal(err)
		}
		cred, err := sim.Enroll("gialam.lanhdao", "Đặng Văn Quân", "UBND xã Gia Lâm", "0912345678")
		if err != nil {
			t.Fatal(err)
		}
		w.sim, w.cred = sim, cred
		w.trust = x509.NewCertPool()
		w.trust.AddCert(sim.CA())
		w.trust.AddCert(w.ca.Cert)
		cfg.Trust = w.trust
		hooked := http.HandlerFunc(func(rw http.ResponseWriter, r *http.Request) {
			if strings.Contains(r.URL.Path, "/csc/v2/") {
				w.cscCalls.Add(1)
			}
			if strings.HasSuffix(r.URL.Path, "/signatures/signHash") {
				if f := w.beforeSignHash.Swap(nil); f != nil {
					(*f)()
				}
			}
			sim.ServeHTTP(rw, r)
		})
		cfg.ESign = server.ESignConfig{Seal: w.seal, TSA: w.tsa.Client(), Simulator: hooked}
		cfg.ESign.CSC.BaseURL = cfg.PublicURL + server.CSCSimulatorPath + "/csc/v2"
		cfg.ESign.CSC.ClientID, cfg.ESign.CSC.ClientSecret = "motcua", "bi-mat"
		w.cscURL = cfg.ESign.CSC.BaseURL
	}
}

// TestApproveAndSign: the leader approves a dossier's result on the
// approve-and-sign page: a wrong OTP changes nothing; the right one
// signs the result remotely (CSC simulator), seals it on the HSM, adds
// the CAs' CRLs (PAdES B-LT) and approves. The citizen downloads the
// e-result from their dossier page; pdfsig, trusting both CAs, validates
// both signatures; the public verification page shows them.
func TestApproveAndSign(t *testing.T) {
	w := newESignWorld(t) // SoftHSM sets SOFTHSM2_CONF: not parallel
	storetest.Engines(t, func(t *testing.T, db *store.DB) {
		e := newEnvWith(t, db, w.configure(t))
		reception, specialist, leader := "gialam.tiepnhan", "gialam.chuyenvien", "gialam.lanhdao"
		d := e.submit(certify, demo.GiaLamCode)
		e.mustAct(reception, d.Code, "receive", nil)
		e.advance(time.Hour)
		e.mustAct(specialist, d.Code, "forward", nil)
		e.advance(time.Hour)

		b := e.officeLogin(leader)
		_, page, _ := b.get("/can-bo/ho-so/" + d.Code)
		if !strings.Contains(page, "/can-bo/ho-so/"+d.Code+"/ky-so") {
			t.Fatal("the dossier page does not offer approve-and-sign")
		}
		status, page, _ := b.get("/can-bo/ho-so/" + d.Code + "/ky-so")
		if status != 200 || !strings.Contains(page, "Phê duyệt và ký số") || !strings.Contains(page, "Đặng Văn Quân") {
			t.Fatalf("sign page: %d\n%s", status, page)
		}
		if status, _, at := b.post("/can-bo/ho-so/"+d.Code+"/ky-so/otp", url.Values{}); status != 200 || !strings.Contains(at, "otp=1") {
			t.Fatalf("send OTP: %d at %s", status, at)
		}
		otp := w.sim.LastOTP(leader)
		if otp == "" {
			t.Fatal("the simulator sent no OTP")
		}
		// A second press at once sends nothing: one SMS a minute.
		if status, page, _ := b.post("/can-bo/ho-so/"+d.Code+"/ky-so/otp", url.Values{}); status != 429 || !strings.Contains(page, "Đề nghị chờ 60 giây") {
			t.Fatalf("second OTP at once: %d\n%s", status, page)
		}
		if n := len(w.sim.Sent()); n != 1 || w.sim.LastOTP(leader) != otp {
			t.Fatalf("%d OTPs sent, want 1", n)
		}
		wrong := "000000"
		if otp == wrong {
			wrong = "999999"
		}
		status, page, _ = b.post("/can-bo/ho-so/"+d.Code+"/ky-so", url.Values{"otp": {wrong}})
		if status != 422 || !strings.Contains(page, "Mã OTP không đúng") {
			t.Fatalf("wrong OTP: %d\n%s", status, page)
		}
		var now dossierView
		e.must(e.call(leader, "GET", "/api/v1/dossiers/"+d.Code, nil, &now), 200)
		if now.Status != "processing" {
			t.Fatalf("after a wrong OTP the dossier is %s", now.Status)
		}
		// The simulator's signing service fails once: nothing changes either.
		w.sim.Fail("signatures/signHash", 400, "invalid_request")
		if status, page, _ = b.post("/can-bo/ho-so/"+d.Code+"/ky-so", url.Values{"otp": {otp}}); status != 503 {
			t.Fatalf("service failing: %d\n%s", status, page)
		}
		e.must(e.call(leader, "GET", "/api/v1/dossiers/"+d.Code, nil, &now), 200)
		if now.Status != "processing" {
			t.Fatalf("after a failed signature the dossier is %s", now.Status)
		}
		// A colleague changes the dossier while the leader signs: the
		// signatures are made, but the approval finds another version and
		// fails, and nothing is issued.
		e.advance(time.Minute)
		b.post("/can-bo/ho-so/"+d.Code+"/ky-so/otp", url.Values{})
		colleague := func() {
			e.mustAct(leader, d.Code, "apologize", map[string]any{"note": "Họp đột xuất, hẹn lại", "new_due": e.workingLater(48 * time.Hour)})
		}
		w.beforeSignHash.Store(&colleague)
		if status, page, _ = b.post("/can-bo/ho-so/"+d.Code+"/ky-so", url.Values{"otp": {w.sim.LastOTP(leader)}}); status != 409 {
			t.Fatalf("approval after a concurrent change: %d\n%s", status, page)
		}
		e.must(e.call(leader, "GET", "/api/v1/dossiers/"+d.Code, nil, &now), 200)
		if has, err := e.app.ESign.Has(t.Context(), d.Code); now.Status != "processing" || has || err != nil {
			t.Fatalf("after the failed approval: %s, e-result issued %v %v", now.Status, has, err)
		}
		if r := e.call("congdan", "GET", "/api/v1/dossiers/"+d.Code, nil, nil); r.status != 200 {
			t.Fatal(r.status)
		}
		if p := e.portalVisitor(t, ""); true {
			p.login("congdan")
			if dl := p.get("/ho-so/" + d.Code + "/ket-qua-dien-tu"); dl.status != 409 {
				t.Fatalf("download before approval: %d", dl.status)
			}
		}
		// The leader asks for another OTP and signs again.
		e.advance(time.Minute)
		b.post("/can-bo/ho-so/"+d.Code+"/ky-so/otp", url.Values{})
		otp = w.sim.LastOTP(leader)
		status, _, at := b.post("/can-bo/ho-so/"+d.Code+"/ky-so", url.Values{"otp": {otp}, "note": {"Đồng ý"}})
		if status != 200 || at != "/can-bo/ho-so/"+d.Code {
			t.Fatalf("approve and sign: %d at %s", status, at)
		}
		e.must(e.call(leader, "GET", "/api/v1/dossiers/"+d.Code, nil, &now), 200)
		if now.Status != "result_ready" {
			t.Fatalf("after signing the dossier is %s", now.Status)
		}
		_, page, _ = b.get("/can-bo/ho-so/" + d.Code)
		if !strings.Contains(page, "/can-bo/ho-so/"+d.Code+"/ket-qua-dien-tu") {
			t.Error("the office's dossier page does not link the e-result")
		}
		_, officeCopy, _ := b.get("/can-bo/ho-so/" + d.Code + "/ket-qua-dien-tu")

		// The citizen finds it on their dossier page and downloads it.
		c := e.portalVisitor(t, "")
		c.login("congdan")
		if p := c.get("/ho-so/" + d.Code); !p.has("/ho-so/" + d.Code + "/ket-qua-dien-tu") {
			t.Fatal("the citizen's dossier page does not link the e-result")
		}
		dl := c.get("/ho-so/" + d.Code + "/ket-qua-dien-tu")
		if dl.status != 200 || !strings.HasPrefix(dl.body, "%PDF-") || dl.body != officeCopy {
			t.Fatalf("citizen download: %d %.20q", dl.status, dl.body)
		}
		pdf := []byte(dl.body)
		// The e-result is also the dossier's result file, with its result
		// code (package sohoa's listener, after esign's).
		sum0 := sha256.Sum256(pdf)
		var papers struct{ Papers []sohoa.Paper }
		e.must(e.call("congdan", "GET", "/api/v1/dossiers/"+d.Code+"/digitised", nil, &papers), 200)
		if len(papers.Papers) != 1 || papers.Papers[0].Kind != "result" || !strings.HasPrefix(papers.Papers[0].Code, "KQ.") ||
			papers.Papers[0].SHA256 != hex.EncodeToString(sum0[:]) {
			t.Errorf("the e-result as the dossier's coded result: %+v", papers.Papers)
		}
		// The issuance is on the audit log with the file's digest, and the
		// officer's download is a recorded read (the citizen's is not).
		var log audit.Page
		e.must(e.call("huyen.giamsat", "GET", "/api/v1/audit?action=result_signed", nil, &log), 200)
		sum := sha256.Sum256(pdf)
		if log.Total != 1 || log.Entries[0].Object != "dossier:"+d.Code || log.Entries[0].ActorID == 0 ||
			!strings.Contains(log.Entries[0].Details, hex.EncodeToString(sum[:])) {
			t.Errorf("audit of the issuance: %+v", log)
		}
		e.must(e.call("huyen.giamsat", "GET", "/api/v1/audit?action=file_downloaded", nil, &log), 200)
		if log.Total != 1 || !strings.Contains(log.Entries[0].Details, "ket-qua-dien-tu-"+d.Code) {
			t.Errorf("audit of the office's download: %+v", log)
		}
		if !bytes.Contains(pdf, []byte("/DSS")) || !bytes.Contains(pdf, []byte("/OCSPs")) || !bytes.Contains(pdf, []byte("/CRLs")) {
			t.Error("no document security store (B-LT) with the seal CA's OCSP answer and the signing service CA's CRL")
		}
		sigs, err := sign.Verify(pdf, w.trust)
		if err != nil || len(sigs) != 2 || !sign.AllValid(sigs) {
			t.Fatalf("verify: %v %+v", err, sigs)
		}
		if sigs[0].Signer != "Đặng Văn Quân" || sigs[1].Signer != "UBND xã Gia Lâm" {
			t.Errorf("signers %q, %q", sigs[0].Signer, sigs[1].Signer)
		}
		for _, s := range sigs {
			if s.Level != "PAdES B-LT" {
				t.Errorf("%s: %s, want PAdES B-LT", s.Signer, s.Level)
			}
		}
		if os.Getenv("ESIGN_OUT") != "" {
			os.WriteFile(os.Getenv("ESIGN_OUT"), pdf, 0o644)
		}
		out, code := signtest.PdfSig(t, pdf, "-nssdir", signtest.NSSDB(t, w.sim.CA(), w.ca.Cert))
		if code != 0 || strings.Count(out, "Signature Validation: Signature is Valid.") != 2 ||
			strings.Count(out, "Certificate Validation: Certificate is Trusted.") != 2 || !strings.Contains(out, "Đặng Văn Quân") {
			t.Errorf("pdfsig (exit %d):\n%s", code, out)
		}

		// The public verification page shows both signatures, valid.
		v := e.portalVisitor(t, "")
		form := v.get("/xac-thuc")
		res := v.upload(form.action(t, "/xac-thuc"), "ket-qua.pdf", pdf)
		for _, want := range []string{"Đặng Văn Quân", "UBND xã Gia Lâm", "PAdES B-LT", "hợp lệ"} {
			if !res.has(want) {
				t.Errorf("verification page lacks %q", want)
			}
		}
		if res.has("không hợp lệ") {
			t.Error("verification page says a signature is not valid")
		}
		// Once approved there is nothing left to sign.
		if status, _, _ := b.get("/can-bo/ho-so/" + d.Code + "/ky-so"); status != 409 {
			t.Errorf("sign page after approval: %d", status)
		}
	})
}
