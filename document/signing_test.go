package document_test

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"maps"
	"net/http"
	"net/http/httptest"
	"slices"
	"strconv"
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

// signedFields are the details of every document_signed audit row, by
// whichever key the leader signed.
var signedFields = []string{"issuer", "serial", "sha256", "signer", "via"}

// TestLeaderTokenSignatureAudited: the district leader approves a
// decision and signs it with their key on a SoftHSM token; the approval
// writes the same audit row as a remote signature (document_signed:
// the signed file's SHA-256, the certificate's subject, issuer and
// serial, via own_key), in its transaction. The head's review signs
// nothing and writes none. Both engines.
func TestLeaderTokenSignatureAudited(t *testing.T) {
	ca := signtest.NewCA(t, "Test Token CA")
	ks := hsmKeys(t, ca, "motcua-audited")
	storetest.Engines(t, func(t *testing.T, db *store.DB) {
		ctx := t.Context()
		audit := &securityLog{}
		w := newWorld(t, db, func(c *document.Config) {
			c.Keys, c.Images, c.Trust = ks, images{}, ca.Pool()
			event.Subscribe(c.Bus, "test-audit", func(_ context.Context, _ *store.Tx, e event.Security) error { audit.add(e); return nil })
		})
		d, err := w.docs.CreateDraft(ctx, w.actor(t, "vp.chuyenvien"), document.DraftInput{Unit: demo.DistrictCode, DraftingUnit: officeCode,
			Type: "QD", Subject: "Quyết định thành lập Tổ công nghệ số cộng đồng", File: draftFile()})
		if err != nil {
			t.Fatal(err)
		}
		id := d.ID
		if _, err := w.docs.Submit(ctx, w.actor(t, "vp.chuyenvien"), id, document.NoteInput{}); err != nil {
			t.Fatal(err)
		}
		if _, err := w.docs.Approve(ctx, w.actor(t, "vp.truongphong"), id, document.NoteInput{}); err != nil {
			t.Fatal(err)
		}
		if got := audit.of(document.DocumentSigned); len(got) != 0 {
			t.Fatalf("the head's review was signed: %+v", got)
		}
		leader := w.actor(t, "huyen.lanhdao")
		if ap, err := w.docs.ApprovalSigning(ctx, leader, id); err != nil || ap == nil || ap.OTP || ap.Refusal != nil {
			t.Fatalf("a leader with a token needs no OTP: %+v %v", ap, err)
		}
		if _, err := w.docs.Approve(ctx, leader, id, document.NoteInput{}); err != nil {
			t.Fatal(err)
		}
		got := audit.of(document.DocumentSigned)
		if len(got) != 1 {
			t.Fatalf("document_signed rows: %+v (all: %v)", got, audit.list())
		}
		e := got[0]
		if e.Object != "document:"+strconv.FormatInt(id, 10) || e.ActorName != "huyen.lanhdao" || e.ActorRole != "leader" || e.ActorID != leader.ID {
			t.Fatalf("the row: %+v", e)
		}
		var details map[string]string
		if err := json.Unmarshal([]byte(e.Details), &details); err != nil {
			t.Fatal(err)
		}
		if keys := slices.Sorted(maps.Keys(details)); !slices.Equal(keys, signedFields) {
			t.Fatalf("fields %v, want those of a remote signature %v", keys, signedFields)
		}
		cert := ks.personal["huyen.lanhdao"].Chain[0]
		sum := sha256.Sum256(fileOf(t, w, id, document.FileSigned))
		want := map[string]string{"sha256": hex.EncodeToString(sum[:]), "signer": "Lê Trần Hương", "issuer": "Test Token CA",
			"serial": cert.SerialNumber.Text(16), "via": "own_key"}
		if !maps.Equal(details, want) {
			t.Fatalf("details %v, want %v", details, want)
		}
	})
}

// TestUntrustedRemoteCertificateRefused: a leader whose credential at
// the remote signing service does not verify up to the trust list — its
// CA not in it, or the certificate expired — is refused
// document_signer_untrusted (409) before any OTP is spent: the page's
// question, the OTP and the approval, with or without an OTP (one sent
// behind motcua's back). The draft is unchanged, the service signed
// nothing, and each refused approval is a document_sign_refused row
// (untrusted_certificate); no document_signed. Both engines.
func TestUntrustedRemoteCertificateRefused(t *testing.T) {
	otherCA := signtest.NewCA(t, "Another CA")
	for _, c := range []struct {
		name     string
		trustSim bool          // the simulator's CA is on the trust list
		later    time.Duration // the clock moved on by
	}{
		{"CA not trusted", false, 0},
		{"certificate expired", true, 3 * 366 * 24 * time.Hour},
	} {
		t.Run(c.name, func(t *testing.T) {
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
				trust := otherCA.Pool()
				if c.trustSim {
					trust.AddCert(sim.CA())
				}
				audit := &securityLog{}
				w := newWorld(t, db, func(cfg *document.Config) {
					now = cfg.Now
					cfg.Keys, cfg.CSC, cfg.Trust = keys{personal: map[string]*sign.Key{}}, client, trust
					event.Subscribe(cfg.Bus, "test-audit", func(_ context.Context, _ *store.Tx, e event.Security) error { audit.add(e); return nil })
				})
				d, err := w.docs.CreateDraft(ctx, w.actor(t, "vp.chuyenvien"), document.DraftInput{Unit: demo.DistrictCode, DraftingUnit: officeCode,
					Type: "QD", Subject: "Quyết định ban hành Quy chế làm việc", File: draftFile()})
				if err != nil {
					t.Fatal(err)
				}
				id := d.ID
				if _, err := w.docs.Submit(ctx, w.actor(t, "vp.chuyenvien"), id, document.NoteInput{}); err != nil {
					t.Fatal(err)
				}
				if _, err := w.docs.Approve(ctx, w.actor(t, "vp.truongphong"), id, document.NoteInput{}); err != nil {
					t.Fatal(err)
				}
				w.clock.Set(w.clock.Now().Add(c.later))
				leader := w.actor(t, "huyen.lanhdao")
				before, err := w.docs.Get(ctx, leader, id)
				if err != nil {
					t.Fatal(err)
				}
				refused := func(what string, err error) {
					t.Helper()
					if code(err) != "document_signer_untrusted" || problem.Status(err) != http.StatusConflict {
						t.Fatalf("%s: %v (status %d)", what, err, problem.Status(err))
					}
				}
				ap, err := w.docs.ApprovalSigning(ctx, leader, id)
				if err != nil || ap == nil || ap.OTP || ap.Refusal == nil {
					t.Fatalf("how the leader signs: %+v %v", ap, err)
				}
				refused("the page's question", ap.Refusal)
				refused("send the OTP", w.docs.SendApprovalOTP(ctx, leader, id))
				if n := len(sim.Sent()); n != 0 {
					t.Fatalf("%d OTPs sent to an untrusted certificate", n)
				}
				_, err = w.docs.Approve(ctx, leader, id, document.NoteInput{Version: before.Version})
				refused("approve without an OTP", err)
				// An OTP the leader got anyway (the service's own app).
				if err := client.SendOTP(ctx, cred); err != nil {
					t.Fatal(err)
				}
				_, err = w.docs.Approve(ctx, leader, id, document.NoteInput{Version: before.Version, OTP: sim.LastOTP("huyen.lanhdao")})
				refused("approve with the OTP", err)
				if n := sim.Signatures(); n != 0 {
					t.Fatalf("the service signed %d hashes", n)
				}
				got, err := w.docs.Get(ctx, leader, id)
				if err != nil {
					t.Fatal(err)
				}
				if got.State != document.StateApproving || got.Version != before.Version || len(got.Files) != len(before.Files) || got.Signer.FullName != "" {
					t.Fatalf("after the refusals: %s v%d (was v%d), %d files (was %d), signer %+v", got.State, got.Version, before.Version,
						len(got.Files), len(before.Files), got.Signer)
				}
				rows := audit.of(document.DocumentSignRefused)
				if len(rows) != 2 || len(audit.of(document.DocumentSigned)) != 0 {
					t.Fatalf("audit: %v", audit.list())
				}
				for _, r := range rows {
					var details map[string]string
					if err := json.Unmarshal([]byte(r.Details), &details); err != nil {
						t.Fatal(err)
					}
					if r.Object != "document:"+strconv.FormatInt(id, 10) || details["reason"] != "untrusted_certificate" || details["credential"] != cred ||
						details["issuer"] != sim.CA().Subject.CommonName || details["signer"] != "Lê Trần Hương" {
						t.Fatalf("the refusal's row: %+v %v", r, details)
					}
				}
			})
		})
	}
}
