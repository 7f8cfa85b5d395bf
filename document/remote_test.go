package document_test

import (
	"context"
	"crypto/sha256"
	"crypto/x509"
	"encoding/hex"
	"errors"
	"net/http"
	"net/http/httptest"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/motcua/motcua/demo"
	"github.com/motcua/motcua/document"
	"github.com/motcua/motcua/esign/csc"
	"github.com/motcua/motcua/esign/cscsim"
	"github.com/motcua/motcua/event"
	"github.com/motcua/motcua/problem"
	"github.com/motcua/motcua/sign"
	"github.com/motcua/motcua/sign/signtest"
	"github.com/motcua/motcua/store"
	"github.com/motcua/motcua/store/storetest"
)

// TestLeaderSignsRemotely: a district leader with no key of their own
// but a credential at the remote signing service (the CSC simulator,
// over real HTTP) approves a decision in two steps: the OTP sent, then
// the approval with it. Without an OTP, with a wrong one and with an
// expired one the draft is unchanged (state, version, files), each
// refusal with its code and the wrong one on the audit events; OTPs are
// sent at most once a minute. With the right OTP the signed version
// verifies, signed by the credential's certificate, the signature is an
// audit event of the approval; the clerk then seals it on SoftHSM and
// both signatures of the issued file are valid. Both engines.
func TestLeaderSignsRemotely(t *testing.T) {
	ca := signtest.NewCA(t, "Test Seal CA")
	tok := signtest.SoftHSM(t, "motcua-remote") // sets SOFTHSM2_CONF: not parallel
	sealKey := signtest.RSAKey(t, 1)
	tok.Import(t, sealKey, ca.Issue(t, sealKey.Public(), "UBND huyện Nho Quan", "UBND huyện Nho Quan", x509.ExtKeyUsageEmailProtection), "seal", []byte{1})
	seal, err := sign.OpenPKCS11(sign.PKCS11Config{Module: tok.Module, TokenLabel: tok.Label, KeyLabel: "seal", PIN: tok.PIN, Certs: []*x509.Certificate{ca.Cert}})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { seal.Close() })
	// The leaders have no token: keys answers "no key" for them.
	ks := keys{personal: map[string]*sign.Key{}, seal: seal}

	storetest.Engines(t, func(t *testing.T, db *store.DB) {
		ctx := t.Context()
		var now func() time.Time
		sim, err := cscsim.New(cscsim.Config{ClientID: "motcua", ClientSecret: "bi-mat", Now: func() time.Time { return now() }})
		if err != nil {
			t.Fatal(err)
		}
		cred, err := sim.Enroll("huyen.lanhdao", "Lê Trần Hương", "UBND huyện Nho Quan", "0912345678")
		if err != nil {
			t.Fatal(err)
		}
		srv := httptest.NewServer(sim)
		t.Cleanup(srv.Close)
		client, err := csc.New(csc.Config{BaseURL: srv.URL + "/csc/v2", ClientID: "motcua", ClientSecret: "bi-mat"})
		if err != nil {
			t.Fatal(err)
		}
		trust := x509.NewCertPool()
		trust.AddCert(sim.CA())
		trust.AddCert(ca.Cert)
		audit := &securityLog{}
		w := newWorld(t, db, func(c *document.Config) {
			now = c.Now
			c.Keys, c.CSC, c.Trust = ks, client, trust
			event.Subscribe(c.Bus, "test-audit", func(_ context.Context, _ *store.Tx, e event.Security) error { audit.add(e); return nil })
		})
		leader, clerk := w.actor(t, "huyen.lanhdao"), w.actor(t, "huyen.vanthu")
		d, err := w.docs.CreateDraft(ctx, w.actor(t, "vp.chuyenvien"), document.DraftInput{Unit: demo.DistrictCode, DraftingUnit: officeCode,
			Type: "QD", Subject: "Quyết định ban hành Quy chế làm việc", File: draftFile()})
		if err != nil {
			t.Fatal(err)
		}
		id := d.ID
		if _, err := w.docs.Submit(ctx, w.actor(t, "vp.chuyenvien"), id, document.NoteInput{}); err != nil {
			t.Fatal(err)
		}
		// The head's review signs nothing and needs no OTP.
		if err := w.docs.SendApprovalOTP(ctx, w.actor(t, "vp.truongphong"), id); code(err) != "document_no_remote_signing" {
			t.Fatalf("an OTP for the head's review: %v", err)
		}
		if ap, err := w.docs.ApprovalSigning(ctx, w.actor(t, "vp.truongphong"), id); err != nil || ap != nil {
			t.Fatalf("the head's review, how it signs: %+v %v", ap, err)
		}
		if _, err := w.docs.Approve(ctx, w.actor(t, "vp.truongphong"), id, document.NoteInput{}); err != nil {
			t.Fatal(err)
		}
		if ap, err := w.docs.ApprovalSigning(ctx, leader, id); err != nil || ap == nil || !ap.OTP || ap.Signer != "Lê Trần Hương" || ap.Refusal != nil {
			t.Fatalf("the leader's remote signer: %+v %v", ap, err)
		}
		if ap, err := w.docs.ApprovalSigning(ctx, clerk, id); err == nil || ap != nil {
			t.Fatalf("the clerk's remote signer: %+v %v", ap, err)
		}
		before, err := w.docs.Get(ctx, leader, id)
		if err != nil {
			t.Fatal(err)
		}
		unchanged := func(what string) {
			t.Helper()
			got, err := w.docs.Get(ctx, leader, id)
			if err != nil {
				t.Fatal(err)
			}
			if got.State != document.StateApproving || got.Version != before.Version || len(got.Files) != len(before.Files) || got.Signer.FullName != "" {
				t.Fatalf("after %s: state %s version %d (was %d), %d files (was %d), signer %+v", what, got.State, got.Version, before.Version,
					len(got.Files), len(before.Files), got.Signer)
			}
		}
		if _, err := w.docs.Approve(ctx, leader, id, document.NoteInput{Version: before.Version}); code(err) != "document_otp_required" || problem.Status(err) != http.StatusUnprocessableEntity {
			t.Fatalf("approve without an OTP: %v", err)
		}
		unchanged("no OTP")
		if err := w.docs.SendApprovalOTP(ctx, leader, id); err != nil {
			t.Fatal(err)
		}
		if err := w.docs.SendApprovalOTP(ctx, leader, id); code(err) != "document_otp_too_soon" || problem.Status(err) != http.StatusTooManyRequests {
			t.Fatalf("a second OTP at once: %v", err)
		}
		if n := len(sim.Sent()); n != 1 {
			t.Fatalf("%d OTPs sent, want 1", n)
		}
		otp := sim.LastOTP("huyen.lanhdao")
		wrong := "000000"
		if otp == wrong {
			wrong = "111111"
		}
		if _, err := w.docs.Approve(ctx, leader, id, document.NoteInput{Version: before.Version, OTP: wrong}); code(err) != "document_wrong_otp" || problem.Status(err) != http.StatusUnprocessableEntity {
			t.Fatalf("approve with a wrong OTP: %v", err)
		}
		unchanged("a wrong OTP")
		if !slices.Contains(audit.list(), document.DocumentSignRefused) {
			t.Fatalf("audit events after a wrong OTP: %v", audit.list())
		}
		// Six minutes on, the OTP has expired (the service's five), and
		// a new one may be sent.
		w.clock.Set(w.clock.Now().Add(6 * time.Minute))
		if _, err := w.docs.Approve(ctx, leader, id, document.NoteInput{Version: before.Version, OTP: otp}); code(err) != "document_wrong_otp" {
			t.Fatalf("approve with an expired OTP: %v", err)
		}
		unchanged("an expired OTP")
		if err := w.docs.SendApprovalOTP(ctx, leader, id); err != nil {
			t.Fatal(err)
		}
		if _, err := w.docs.Approve(ctx, clerk, id, document.NoteInput{Version: before.Version, OTP: sim.LastOTP("huyen.lanhdao")}); !errors.Is(err, problem.ErrNotPermitted) {
			t.Fatalf("the clerk approves with the leader's OTP: %v", err)
		}
		got, err := w.docs.Approve(ctx, leader, id, document.NoteInput{Version: before.Version, OTP: sim.LastOTP("huyen.lanhdao")})
		if err != nil {
			t.Fatal(err)
		}
		if got.State != document.StateApproved || got.Signer.FullName != leader.FullName {
			t.Fatalf("approved: %s %+v", got.State, got.Signer)
		}
		if !slices.Contains(audit.list(), document.DocumentSigned) {
			t.Fatalf("audit events after signing: %v", audit.list())
		}
		credCert := sim.Certificate(cred)
		credSum := sha256.Sum256(credCert.Raw)
		signed := fileOf(t, w, id, document.FileSigned)
		sigs, err := sign.Verify(signed, trust)
		if err != nil {
			t.Fatal(err)
		}
		if len(sigs) != 1 || !sign.AllValid(sigs) || sigs[0].Signer != "Lê Trần Hương" || sigs[0].Chain[0].SHA256 != hex.EncodeToString(credSum[:]) {
			t.Fatalf("the leader's signature: %+v", sigs)
		}
		if n := sim.Signatures(); n != 1 {
			t.Fatalf("the service signed %d hashes, want 1", n)
		}
		if _, err := w.docs.Issue(ctx, clerk, id, document.IssueInput{}); err != nil {
			t.Fatal(err)
		}
		sigs, err = sign.Verify(fileOf(t, w, id, document.FileIssued), trust)
		if err != nil {
			t.Fatal(err)
		}
		if len(sigs) != 2 || !sign.AllValid(sigs) || sigs[0].Chain[0].SHA256 != hex.EncodeToString(credSum[:]) || sigs[1].Signer != "UBND huyện Nho Quan" ||
			sigs[1].Reason != "Số: 01/QĐ-UBND" {
			t.Fatalf("the issued file's signatures: %+v", sigs)
		}
	})
}

// code is a problem's code, or the error's text.
func code(err error) string {
	var pe *problem.Error
	if errors.As(err, &pe) {
		return pe.Code
	}
	if err == nil {
		return ""
	}
	return err.Error()
}

// fileOf is the newest file of kind of document id, read by its clerk.
func fileOf(t *testing.T, w *world, id int64, kind string) []byte {
	t.Helper()
	d, err := w.docs.Get(t.Context(), w.actor(t, "huyen.vanthu"), id)
	if err != nil {
		t.Fatal(err)
	}
	var fid int64
	for _, f := range d.Files {
		if f.Kind == kind {
			fid = f.ID
		}
	}
	if fid == 0 {
		t.Fatalf("no %s file", kind)
	}
	_, content, err := w.docs.FileContent(t.Context(), w.actor(t, "huyen.vanthu"), id, fid)
	if err != nil {
		t.Fatal(err)
	}
	return content
}

// securityLog keeps the event.Security published.
type securityLog struct {
	mu     sync.Mutex
	events []event.Security
}

func (l *securityLog) add(e event.Security) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.events = append(l.events, e)
}

// list is the actions published, in order.
func (l *securityLog) list() []string {
	l.mu.Lock()
	defer l.mu.Unlock()
	var actions []string
	for _, e := range l.events {
		actions = append(actions, e.Action)
	}
	return actions
}

// of is the events of action published.
func (l *securityLog) of(action string) []event.Security {
	l.mu.Lock()
	defer l.mu.Unlock()
	var out []event.Security
	for _, e := range l.events {
		if e.Action == action {
			out = append(out, e)
		}
	}
	return out
}
