package server_test

import (
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/motcua/motcua/demo"
	"github.com/motcua/motcua/server"
	"github.com/motcua/motcua/sign"
	"github.com/motcua/motcua/sign/signtest"
	"github.com/motcua/motcua/store"
	"github.com/motcua/motcua/store/storetest"
)

// TestDocumentApprovedRemotely: with esign's CSC service (the simulator
// mounted on the app) and the seal on SoftHSM, Gia Lâm's leader — no key
// of their own, a credential at the service — approves a letter on the
// document page and over the API: the page's approve form asks for the
// OTP; approving without one (API) and with a wrong one (page) changes
// nothing, and the wrong one is on the audit log; a second OTP at once is
// refused on the page (429, one SMS a minute, the floor esign shares);
// the API's approval-otp sends a new one a minute later and approve with
// it signs; the clerk issues; the issued file carries the credential's
// signature and the seal, both valid against the trust list.
func TestDocumentApprovedRemotely(t *testing.T) {
	w := newESignWorld(t) // SoftHSM sets SOFTHSM2_CONF: not parallel
	storetest.Engines(t, func(t *testing.T, db *store.DB) {
		e := newEnvWith(t, db, func(cfg *server.Config) {
			w.configure(t)(cfg)
			cfg.Documents.Seal = w.seal
		})
		leader, drafter, clerk := "gialam.lanhdao", "gialam.chuyenvien", "gialam.vanthu"
		file := map[string]any{"name": "cong-van.pdf", "content": base64.StdEncoding.EncodeToString(signtest.PDF(signtest.PDFOptions{Text: "CONG VAN"}))}
		var d docView
		e.must(e.call(drafter, "POST", "/api/v1/documents/drafts", map[string]any{"unit": demo.GiaLamCode, "type": "CV",
			"subject": "V/v tổ chức Ngày Chuyển đổi số", "file": file}, &d), 201)
		path := "/api/v1/documents/" + itoa(d.ID)
		e.must(e.call(drafter, "POST", path+"/actions/submit", nil, &d), 200)
		// The leader is the drafting unit's head too: the review needs no OTP.
		if r := e.call(leader, "POST", path+"/approval-otp", nil, nil); r.status != 409 || r.errCode() != "document_no_remote_signing" {
			t.Fatalf("an OTP for the review: %d %s", r.status, r.body)
		}
		e.must(e.call(leader, "POST", path+"/actions/approve", nil, &d), 200)
		if d.State != "approving" {
			t.Fatalf("after the review: %s", d.State)
		}
		var before docView
		e.must(e.call(leader, "GET", path, nil, &before), 200)
		if r := e.call(leader, "POST", path+"/actions/approve", map[string]any{"version": d.Version}, nil); r.status != 422 || r.errCode() != "document_otp_required" {
			t.Fatalf("approve without an OTP: %d %s", r.status, r.body)
		}

		b := e.officeLogin(leader)
		page := "/can-bo/van-ban/" + itoa(d.ID)
		_, html, _ := b.get(page)
		if !strings.Contains(html, `formaction="`+page+`/otp"`) || !strings.Contains(html, `name="otp"`) || !strings.Contains(html, "Đặng Văn Quân") {
			t.Fatalf("the approve form does not ask for the OTP:\n%s", html)
		}
		form := url.Values{"version": {itoa(d.Version)}, "note": {"Đồng ý ban hành."}}
		status, html, _ := b.post(page+"/otp", form)
		if status != 200 || !strings.Contains(html, "Đã gửi mã OTP") || !strings.Contains(html, "Đồng ý ban hành.") {
			t.Fatalf("send the OTP: %d\n%s", status, html)
		}
		otp := w.sim.LastOTP(leader)
		if status, html, _ := b.post(page+"/otp", url.Values{"version": {itoa(d.Version)}}); status != 429 || !strings.Contains(html, "Đề nghị chờ 60 giây") {
			t.Fatalf("a second OTP at once: %d\n%s", status, html)
		}
		if n := len(w.sim.Sent()); n != 1 {
			t.Fatalf("%d OTPs sent, want 1", n)
		}
		wrong := "000000"
		if otp == wrong {
			wrong = "999999"
		}
		status, html, _ = b.post(page+"/thao-tac/approve", url.Values{"version": {itoa(d.Version)}, "otp": {wrong}})
		if status != 422 || !strings.Contains(html, "Mã OTP không đúng") {
			t.Fatalf("a wrong OTP: %d\n%s", status, html)
		}
		var now docView
		e.must(e.call(leader, "GET", path, nil, &now), 200)
		if now.State != "approving" || now.Version != before.Version || len(now.Files) != len(before.Files) || len(before.Files) != 1 {
			t.Fatalf("after a wrong OTP: %s v%d (was v%d), %d files", now.State, now.Version, d.Version, len(now.Files))
		}
		var log struct {
			Entries []struct{ Action, Object, Details string }
		}
		e.must(e.call("huyen.giamsat", "GET", "/api/v1/audit?action=document_sign_refused", nil, &log), 200)
		if len(log.Entries) != 1 || log.Entries[0].Object != "document:"+itoa(d.ID) {
			t.Fatalf("the refused OTP on the audit log: %+v", log.Entries)
		}

		// A minute on, a new OTP over the API, and the approval with it.
		e.advance(time.Minute)
		if r := e.call(leader, "POST", path+"/approval-otp", nil, nil); r.status != 204 {
			t.Fatalf("approval-otp: %d %s", r.status, r.body)
		}
		e.must(e.call(leader, "POST", path+"/actions/approve", map[string]any{"version": d.Version, "otp": w.sim.LastOTP(leader)}, &d), 200)
		if d.State != "approved" {
			t.Fatalf("approved: %+v", d)
		}
		e.must(e.call("huyen.giamsat", "GET", "/api/v1/audit?action=document_signed", nil, &log), 200)
		if len(log.Entries) != 1 || !strings.Contains(log.Entries[0].Details, "Đặng Văn Quân") {
			t.Fatalf("the signature on the audit log: %+v", log.Entries)
		}
		e.must(e.call(clerk, "POST", path+"/actions/issue", nil, &d), 200)
		e.must(e.call(clerk, "GET", path, nil, &d), 200)
		var issued int64
		for _, f := range d.Files {
			if f.Kind == "issued" {
				issued = f.ID
			}
		}
		r := e.must(e.call(clerk, "GET", path+"/files/"+itoa(issued), nil, nil), 200)
		sigs, err := sign.Verify(r.body, w.trust)
		if err != nil {
			t.Fatal(err)
		}
		cred := w.sim.Certificate(w.cred)
		if cred == nil {
			t.Fatal("no credential of the leader at the simulator")
		}
		sum := sha256.Sum256(cred.Raw)
		if len(sigs) != 2 || !sign.AllValid(sigs) || sigs[0].Chain[0].SHA256 != hex.EncodeToString(sum[:]) || sigs[1].Signer != "UBND xã Gia Lâm" {
			t.Fatalf("the issued file's signatures: %+v", sigs)
		}
	})
}
