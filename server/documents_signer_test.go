package server_test

import (
	"crypto/x509"
	"encoding/base64"
	"net/url"
	"strings"
	"testing"

	"github.com/motcua/motcua/demo"
	"github.com/motcua/motcua/server"
	"github.com/motcua/motcua/sign/signtest"
	"github.com/motcua/motcua/store"
	"github.com/motcua/motcua/store/storetest"
)

// approvalView is the approval of the API's document.
type approvalView struct {
	Approval *struct {
		NeedsOTP bool   `json:"needs_otp"`
		Signer   string `json:"signer"`
		Refusal  string `json:"refusal"`
	}
	State   string
	Version int64
	Files   []struct{ ID int64 }
}

// letterFile is a letter's draft PDF as the API takes it.
func letterFile() map[string]any {
	return map[string]any{"name": "cong-van.pdf", "content": base64.StdEncoding.EncodeToString(signtest.PDF(signtest.PDFOptions{Text: "CONG VAN"}))}
}

// draftAtApproval has Gia Lâm's specialist draft a letter and submit it,
// and its leader (the drafting unit's head too) pass the review: the
// draft waits for the leader's final approval. It returns its id.
func draftAtApproval(t *testing.T, e *env) int64 {
	t.Helper()
	var d docView
	e.must(e.call("gialam.chuyenvien", "POST", "/api/v1/documents/drafts", map[string]any{"unit": demo.GiaLamCode, "type": "CV",
		"subject": "V/v tổ chức Ngày Chuyển đổi số", "file": letterFile()}, &d), 201)
	path := "/api/v1/documents/" + itoa(d.ID)
	e.must(e.call("gialam.chuyenvien", "POST", path+"/actions/submit", nil, &d), 200)
	e.must(e.call("gialam.lanhdao", "POST", path+"/actions/approve", nil, &d), 200)
	if d.State != "approving" {
		t.Fatalf("after the review: %s", d.State)
	}
	return d.ID
}

// TestDocumentPageAsksSigningServiceOnce: the document page shows the
// leader who signs remotely the name on their certificate, asking the
// signing service (the CSC simulator, counted) once per view; the
// drafter's view and the leader's view of a draft still in review ask it
// nothing. The API's document tells the leader, and only them, that
// approving needs an OTP (approval), with one call too.
func TestDocumentPageAsksSigningServiceOnce(t *testing.T) {
	w := newESignWorld(t) // SoftHSM sets SOFTHSM2_CONF: not parallel
	storetest.Engines(t, func(t *testing.T, db *store.DB) {
		e := newEnvWith(t, db, func(cfg *server.Config) {
			w.configure(t)(cfg)
			cfg.Documents.Seal = w.seal
		})
		id := draftAtApproval(t, e)
		page := "/can-bo/van-ban/" + itoa(id)
		leader, drafter := e.officeLogin("gialam.lanhdao"), e.officeLogin("gialam.chuyenvien")
		calls := func(what string, want int64, view func()) {
			t.Helper()
			before := w.cscCalls.Load()
			view()
			if n := w.cscCalls.Load() - before; n != want {
				t.Fatalf("%s: %d calls to the signing service, want %d", what, n, want)
			}
		}
		for i := range 2 {
			calls("the leader's view "+itoa(int64(i+1)), 1, func() {
				status, html, _ := leader.get(page)
				if status != 200 || !strings.Contains(html, `id="remote-signer"`) || !strings.Contains(html, "Đặng Văn Quân") || !strings.Contains(html, `name="otp"`) {
					t.Fatalf("the leader's page: %d\n%s", status, html)
				}
			})
		}
		calls("the drafter's view", 0, func() {
			if status, html, _ := drafter.get(page); status != 200 || strings.Contains(html, `id="remote-signer"`) {
				t.Fatalf("the drafter's page: %d\n%s", status, html)
			}
		})
		path := "/api/v1/documents/" + itoa(id)
		calls("the leader's GET", 1, func() {
			var d approvalView
			e.must(e.call("gialam.lanhdao", "GET", path, nil, &d), 200)
			if d.Approval == nil || !d.Approval.NeedsOTP || d.Approval.Signer != "Đặng Văn Quân" || d.Approval.Refusal != "" {
				t.Fatalf("the leader's approval: %+v", d.Approval)
			}
		})
		calls("the drafter's GET", 0, func() {
			var d approvalView
			if r := e.must(e.call("gialam.chuyenvien", "GET", path, nil, &d), 200); d.Approval != nil || strings.Contains(string(r.body), `"approval"`) {
				t.Fatalf("the drafter is told how the leader signs: %s", r.body)
			}
		})
		// A draft in review: the leader's approve is the head's, unsigned.
		var d docView
		e.must(e.call("gialam.chuyenvien", "POST", "/api/v1/documents/drafts", map[string]any{"unit": demo.GiaLamCode, "type": "CV",
			"subject": "V/v báo cáo tháng", "file": letterFile()}, &d), 201)
		e.must(e.call("gialam.chuyenvien", "POST", "/api/v1/documents/"+itoa(d.ID)+"/actions/submit", nil, &d), 200)
		calls("the leader's view of a draft in review", 0, func() {
			if status, html, _ := leader.get("/can-bo/van-ban/" + itoa(d.ID)); status != 200 || strings.Contains(html, `name="otp"`) {
				t.Fatalf("the review asks for an OTP: %d\n%s", status, html)
			}
			var v approvalView
			e.must(e.call("gialam.lanhdao", "GET", "/api/v1/documents/"+itoa(d.ID), nil, &v), 200)
			if v.Approval != nil {
				t.Fatalf("the review's approval: %+v", v.Approval)
			}
		})
	})
}

// TestDocumentSignerUntrusted: the trust list lacks the signing
// service's CA. Gia Lâm's leader, whose certificate is there, reads on
// the document page, in Vietnamese and before any OTP, that their
// certificate is not trusted (no OTP field); approving on the page and
// over the API is refused 409 document_signer_untrusted with that
// sentence, the API's
// document says so (approval.refusal), no OTP is sent, the draft is
// unchanged, and each refused approval is a document_sign_refused row of
// the audit log.
func TestDocumentSignerUntrusted(t *testing.T) {
	w := newESignWorld(t) // SoftHSM sets SOFTHSM2_CONF: not parallel
	storetest.Engines(t, func(t *testing.T, db *store.DB) {
		e := newEnvWith(t, db, func(cfg *server.Config) {
			w.configure(t)(cfg)
			cfg.Documents.Seal = w.seal
			// The seal's CA alone: the signing service's is not trusted.
			cfg.Trust = x509.NewCertPool()
			cfg.Trust.AddCert(w.ca.Cert)
		})
		id := draftAtApproval(t, e)
		path, page := "/api/v1/documents/"+itoa(id), "/can-bo/van-ban/"+itoa(id)
		const vi = "Chứng thư số của ông/bà tại dịch vụ ký số từ xa không được tin cậy"
		var before approvalView
		e.must(e.call("gialam.lanhdao", "GET", path, nil, &before), 200)
		if before.Approval == nil || before.Approval.NeedsOTP || before.Approval.Refusal != "document_signer_untrusted" {
			t.Fatalf("the API's approval: %+v", before.Approval)
		}
		b := e.officeLogin("gialam.lanhdao")
		status, html, _ := b.get(page)
		if status != 200 || !strings.Contains(html, `id="sign-refusal"`) || !strings.Contains(html, vi) || strings.Contains(html, `name="otp"`) {
			t.Fatalf("the page does not say the certificate is untrusted: %d\n%s", status, html)
		}
		status, html, _ = b.post(page+"/thao-tac/approve", url.Values{"version": {itoa(before.Version)}, "otp": {"123456"}})
		if status != 409 || !strings.Contains(html, vi) {
			t.Fatalf("approve on the page: %d\n%s", status, html)
		}
		r := e.call("gialam.lanhdao", "POST", path+"/actions/approve", map[string]any{"version": before.Version, "otp": "123456"}, nil)
		if r.status != 409 || r.errCode() != "document_signer_untrusted" || !strings.Contains(string(r.body), vi) {
			t.Fatalf("approve over the API: %d %s", r.status, r.body)
		}
		if r := e.call("gialam.lanhdao", "POST", path+"/approval-otp", nil, nil); r.status != 409 || r.errCode() != "document_signer_untrusted" {
			t.Fatalf("approval-otp: %d %s", r.status, r.body)
		}
		if n := len(w.sim.Sent()); n != 0 || w.sim.Signatures() != 0 {
			t.Fatalf("%d OTPs sent, %d hashes signed", n, w.sim.Signatures())
		}
		var now approvalView
		e.must(e.call("gialam.lanhdao", "GET", path, nil, &now), 200)
		if now.State != "approving" || now.Version != before.Version || len(now.Files) != len(before.Files) {
			t.Fatalf("after the refusals: %s v%d (was v%d), %d files (was %d)", now.State, now.Version, before.Version, len(now.Files), len(before.Files))
		}
		var log struct {
			Entries []struct{ Action, Object, Details string }
		}
		e.must(e.call("huyen.giamsat", "GET", "/api/v1/audit?action=document_sign_refused", nil, &log), 200)
		if len(log.Entries) != 2 {
			t.Fatalf("document_sign_refused rows: %+v", log.Entries)
		}
		for _, en := range log.Entries {
			if en.Object != "document:"+itoa(id) || !strings.Contains(en.Details, "untrusted_certificate") || !strings.Contains(en.Details, "Đặng Văn Quân") {
				t.Fatalf("a refusal's row: %+v", en)
			}
		}
	})
}
