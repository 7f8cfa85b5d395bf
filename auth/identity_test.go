package auth_test

import (
	"strings"
	"testing"

	"github.com/motcua/motcua/auth"
	"github.com/motcua/motcua/problem"
	"github.com/motcua/motcua/store"
	"github.com/motcua/motcua/store/storetest"
)

// TestSignInIdentity: a verified identity signs in the account linked to
// it, else the account its owner signed in to with a password first, else
// a new one (named by the ID number, or another name when that one is
// taken). An account that only claims the ID number is never linked: the
// verified identity gets its own account, and the claimant's password
// does not reach it. An incomplete identity, a disabled linked account
// and a signed-in account already holding another identity are refused.
func TestSignInIdentity(t *testing.T) {
	storetest.Engines(t, func(t *testing.T, db *store.DB) {
		ctx := t.Context()
		w := newLoginWorld(t, db, auth.LoginLimits{})
		citizen := func(name, idn string) int64 {
			t.Helper()
			var uid int64
			err := db.InTx(ctx, func(tx *store.Tx) error {
				u, err := w.svc.CreateUser(ctx, tx, auth.NewUser{User: auth.User{Username: name, Kind: "citizen", IDNumber: idn, FullName: name}, Password: pw})
				uid = u.ID
				return err
			})
			if err != nil {
				t.Fatal(err)
			}
			return uid
		}
		// "mallory" registered with Lan's ID number, which no one checked.
		mallory := citizen("mallory", "037190000001")
		hai := citizen("hai", "037190000002")
		khoa := citizen("khoa", "037190000003")
		// An officer holds the username a new account would take.
		citizen("037190000004", "")
		id := func(sub, idn string) auth.Identity {
			return auth.Identity{Issuer: "https://sso.example", Subject: sub, IDNumber: idn, FullName: "Người " + sub, BirthDate: "1990-01-02"}
		}
		signIn := func(t *testing.T, x auth.Identity) (*auth.Actor, error) {
			t.Helper()
			tok, _, err := w.svc.SignInIdentity(ctx, x)
			if err != nil {
				return nil, err
			}
			return w.svc.Authenticate(ctx, tok)
		}

		lan, err := signIn(t, id("s1", "037190000001"))
		if err != nil || lan.ID == mallory || lan.Username != "037190000001" || lan.FullName != "Người s1" || lan.Verified == nil || lan.Verified.BirthDate != "1990-01-02" {
			t.Fatalf("Lan's first sign-in: %+v, %v (mallory is %d)", lan, err, mallory)
		}
		if m, _, err := w.svc.Login(ctx, "mallory", pw); err != nil {
			t.Fatal(err)
		} else if a, _ := w.svc.Authenticate(ctx, m); a.ID != mallory || a.Verified != nil {
			t.Fatalf("mallory's password now opens %+v", a)
		}
		// The link, not the ID number, decides next time.
		if a, err := signIn(t, id("s1", "037190000001")); err != nil || a.ID != lan.ID {
			t.Fatalf("again: %+v, %v", a, err)
		}
		// Hai signed in with his password first: his account joins the identity.
		x := id("s2", "037190000002")
		x.Owner = hai
		if a, err := signIn(t, x); err != nil || a.ID != hai || a.Verified == nil || a.Verified.IDNumber != "037190000002" {
			t.Fatalf("linked to the signed-in account: %+v, %v", a, err)
		}
		a, err := signIn(t, id("s4", "037190000004"))
		if err != nil || a.Username == "037190000004" || a.IDNumber != "037190000004" {
			t.Fatalf("new account beside a taken username: %+v, %v", a, err)
		}
		// Malformed birth dates are dropped, not kept as verified.
		bad := id("s7", "037190000007")
		bad.BirthDate = "02/01/1990"
		if a, err := signIn(t, bad); err != nil || a.Verified == nil || a.Verified.BirthDate != "" {
			t.Fatalf("malformed birth date: %+v, %v", a, err)
		}
		x = id("s3", "037190000003")
		x.Owner = khoa
		if _, err := signIn(t, x); err != nil {
			t.Fatal(err)
		}
		if err := w.svc.SetDisabledAsOperator(ctx, "khoa", true); err != nil {
			t.Fatal(err)
		}
		refusals := []struct {
			name string
			x    auth.Identity
			code string
		}{
			{"no ID number", id("s6", ""), "identity_incomplete"},
			{"not 12 digits", id("s6", "12345"), "identity_incomplete"},
			{"a newline in the name", auth.Identity{Issuer: "https://sso.example", Subject: "s6", IDNumber: "037190000006", FullName: "A\nB"}, "identity_incomplete"},
			{"a bidi override in the name", auth.Identity{Issuer: "https://sso.example", Subject: "s6", IDNumber: "037190000006", FullName: "A\u202eB"}, "identity_incomplete"},
			{"a name of 301 characters", auth.Identity{Issuer: "https://sso.example", Subject: "s6", IDNumber: "037190000006", FullName: strings.Repeat("ơ", 301)}, "identity_incomplete"},
			{"a disabled linked account", id("s3", "037190000003"), "forbidden"},
			{"a signed-in account with another identity", auth.Identity{Issuer: "https://sso.example", Subject: "s6", IDNumber: "037190000006", FullName: "Sáu", Owner: hai}, "identity_account_linked"},
		}
		for _, tt := range refusals {
			t.Run(tt.name, func(t *testing.T) {
				if _, err := signIn(t, tt.x); problem.Public(err).Code != tt.code {
					t.Fatalf("got %v, want %s", err, tt.code)
				}
				if _, err := w.svc.UserByName(ctx, "037190000006"); err == nil {
					t.Fatal("an account was created")
				}
			})
		}
		if n := len(w.actions("identity_linked")); n != 5 {
			t.Fatalf("%d identity_linked events, want 5", n)
		}
		if n := len(w.actions("account_created")); n != 3 {
			t.Fatalf("%d account_created events, want 3", n)
		}
	})
}
