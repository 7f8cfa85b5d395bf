package server_test

import (
	"context"
	"errors"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/motcua/motcua/auth"
	"github.com/motcua/motcua/demo"
	"github.com/motcua/motcua/dossier"
	"github.com/motcua/motcua/esign"
	"github.com/motcua/motcua/esign/csc"
	"github.com/motcua/motcua/problem"
	"github.com/motcua/motcua/store"
	"github.com/motcua/motcua/store/storetest"
)

// hookedDossiers is the dossier service with Act replaceable: what
// happens, in a test, at the moment an approval is about to commit.
type hookedDossiers struct {
	esign.Dossiers
	act func(ctx context.Context, a *auth.Actor, code string, action dossier.Action, in dossier.ActInput) (*dossier.Dossier, error)
}

func (h *hookedDossiers) Act(ctx context.Context, a *auth.Actor, code string, action dossier.Action, in dossier.ActInput) (*dossier.Dossier, error) {
	if f := h.act; f != nil {
		return f(ctx, a, code, action, in)
	}
	return h.Dossiers.Act(ctx, a, code, action, in)
}

// TestApproveAndSignAttempts: an approval issues the file its own
// attempt signed, never another's. A signed copy left by an approval
// that failed is not issued by a later approval made without signing
// (the plain approve of the API); and when a second attempt signs the
// same version while the first approval is about to commit, and loses,
// the first approval issues the first attempt's file.
func TestApproveAndSignAttempts(t *testing.T) {
	w := newESignWorld(t) // SoftHSM sets SOFTHSM2_CONF: not parallel
	storetest.Engines(t, func(t *testing.T, db *store.DB) {
		e := newEnvWith(t, db, w.configure(t))
		ctx := t.Context()
		const leaderName = "gialam.lanhdao"
		leader, err := e.app.Auth.UserByName(ctx, leaderName)
		if err != nil {
			t.Fatal(err)
		}
		client, err := csc.New(csc.Config{BaseURL: w.cscURL, ClientID: "motcua", ClientSecret: "bi-mat"})
		if err != nil {
			t.Fatal(err)
		}
		hooked := &hookedDossiers{Dossiers: e.app.Dossiers}
		svc, err := esign.New(db, esign.Config{Dossiers: hooked, Results: e.app.Forms, CSC: client, Seal: w.seal,
			NoLongTerm: true, Trust: w.trust, Now: e.clock.Now})
		if err != nil {
			t.Fatal(err)
		}
		ready := func() string {
			d := e.submit(certify, demo.GiaLamCode)
			e.mustAct("gialam.tiepnhan", d.Code, "receive", nil)
			e.mustAct("gialam.chuyenvien", d.Code, "forward", nil)
			e.advance(time.Minute) // the leader's next OTP may be sent
			return d.Code
		}
		sign := func(code string) (*esign.Result, error) {
			if err := svc.SendOTP(ctx, leader, code); err != nil {
				t.Fatal(err)
			}
			return svc.ApproveAndSign(ctx, leader, code, esign.ApproveInput{OTP: w.sim.LastOTP(leaderName), Base: "https://motcua.example"})
		}

		// The approval fails after both signatures were made.
		code := ready()
		hooked.act = func(context.Context, *auth.Actor, string, dossier.Action, dossier.ActInput) (*dossier.Dossier, error) {
			return nil, errors.New("the database went away")
		}
		if _, err := sign(code); err == nil {
			t.Fatal("approve-and-sign succeeded though the approval failed")
		}
		hooked.act = nil
		e.mustAct(leaderName, code, "approve", nil)
		if has, err := e.app.ESign.Has(ctx, code); has || err != nil {
			t.Errorf("an approval made without signing issued the copy a failed attempt signed (%v)", err)
		}

		// Two attempts on one version.
		code = ready()
		first := e.clock.Now()
		var second error
		hooked.act = func(ctx context.Context, a *auth.Actor, code string, action dossier.Action, in dossier.ActInput) (*dossier.Dossier, error) {
			hooked.act = func(context.Context, *auth.Actor, string, dossier.Action, dossier.ActInput) (*dossier.Dossier, error) {
				return nil, problem.Conflict("version_conflict") // the first approval commits before it
			}
			e.advance(time.Minute)
			_, second = sign(code)
			hooked.act = nil
			return e.app.Dossiers.Act(ctx, a, code, action, in)
		}
		res, err := sign(code)
		if err != nil || second == nil {
			t.Fatalf("first attempt: %v; second attempt: %v", err, second)
		}
		if res.SignedAt.UnixMilli() != first.UnixMilli() {
			t.Errorf("the approval issued the file signed at %v, want its own of %v", res.SignedAt, first)
		}
		issued, err := e.app.ESign.Issued(ctx, code)
		if err != nil || issued.SHA256 != res.SHA256 {
			t.Fatalf("issued %v: %v", issued, err)
		}
	})
}

// TestApproveAndSignRevoked: the seal's CA has revoked the seal's
// certificate. Its OCSP responder, asked for B-LT, says so, the leader is told, and
// nothing is issued or approved.
func TestApproveAndSignRevoked(t *testing.T) {
	w := newESignWorld(t) // SoftHSM sets SOFTHSM2_CONF: not parallel
	w.ca.Revoke(w.seal.Chain[0])
	storetest.Engines(t, func(t *testing.T, db *store.DB) {
		e := newEnvWith(t, db, w.configure(t))
		const leader = "gialam.lanhdao"
		d := e.submit(certify, demo.GiaLamCode)
		e.mustAct("gialam.tiepnhan", d.Code, "receive", nil)
		e.mustAct("gialam.chuyenvien", d.Code, "forward", nil)
		b := e.officeLogin(leader)
		b.post("/can-bo/ho-so/"+d.Code+"/ky-so/otp", url.Values{})
		status, page, _ := b.post("/can-bo/ho-so/"+d.Code+"/ky-so", url.Values{"otp": {w.sim.LastOTP(leader)}})
		if status != 409 || !strings.Contains(page, "UBND xã Gia Lâm” đã bị thu hồi") {
			t.Fatalf("approve and sign with a revoked seal: %d\n%s", status, page)
		}
		var now dossierView
		e.must(e.call(leader, "GET", "/api/v1/dossiers/"+d.Code, nil, &now), 200)
		if has, err := e.app.ESign.Has(t.Context(), d.Code); now.Status != "processing" || has || err != nil {
			t.Fatalf("after the refusal: %s, e-result issued %v %v", now.Status, has, err)
		}
	})
}

// TestApproveAndSignScope: with signing on, only the leader holding the
// dossier at its last step may ask for an OTP or sign. The specialist of
// the same commune and the district's leader (who may read the commune's
// dossiers, and has a credential at the service) are refused before
// motcua calls the service: no OTP is sent, nothing is signed.
func TestApproveAndSignScope(t *testing.T) {
	w := newESignWorld(t) // SoftHSM sets SOFTHSM2_CONF: not parallel
	storetest.Engines(t, func(t *testing.T, db *store.DB) {
		e := newEnvWith(t, db, w.configure(t))
		if _, err := w.sim.Enroll("huyen.lanhdao", "Lê Trần Hương", "UBND huyện", "0900000000"); err != nil {
			t.Fatal(err)
		}
		d := e.submit(certify, demo.GiaLamCode)
		e.mustAct("gialam.tiepnhan", d.Code, "receive", nil)
		e.mustAct("gialam.chuyenvien", d.Code, "forward", nil)
		for _, who := range []string{"gialam.chuyenvien", "huyen.lanhdao"} {
			b := e.officeLogin(who)
			for _, path := range []string{"/ky-so/otp", "/ky-so"} {
				status, page, _ := b.post("/can-bo/ho-so/"+d.Code+path, url.Values{"otp": {"123456"}})
				if status != 404 && status != 409 {
					t.Errorf("%s POST %s: %d\n%s", who, path, status, page)
				}
			}
		}
		if n := len(w.sim.Sent()); n != 0 || w.sim.Signatures() != 0 {
			t.Errorf("%d OTPs sent, %d hashes signed for officers who may not approve", n, w.sim.Signatures())
		}
		var now dossierView
		e.must(e.call("gialam.lanhdao", "GET", "/api/v1/dossiers/"+d.Code, nil, &now), 200)
		if now.Status != "processing" {
			t.Fatalf("the dossier is %s", now.Status)
		}
	})
}
