package auth_test

import (
	"testing"

	"github.com/motcua/motcua/auth"
	"github.com/motcua/motcua/problem"
	"github.com/motcua/motcua/store"
	"github.com/motcua/motcua/store/storetest"
)

// TestSignInIdentity: a verified identity signs in the account linked to
// it, else the one citizen account with its ID number, else a new one
// (named by the ID number, or another name when that one is taken);
// an incomplete identity, a disabled account and two accounts with one ID
// number are refused with nothing created.
func TestSignInIdentity(t *testing.T) {
	storetest.Engines(t, func(t *testing.T, db *store.DB) {
		ctx := t.Context()
		w := newLoginWorld(t, db, auth.LoginLimits{})
		citizen := func(name, idn string) {
			t.Helper()
			err := db.InTx(ctx, func(tx *store.Tx) error {
				_, err := w.svc.CreateUser(ctx, tx, auth.NewUser{User: auth.User{Username: name, Kind: "citizen", IDNumber: idn, FullName: name}, Password: pw})
				return err
			})
			if err != nil {
				t.Fatal(err)
			}
		}
		citizen("lan", "037190000001")
		citizen("hai.a", "037190000002")
		citizen("hai.b", "037190000002")
		citizen("khoa", "037190000003")
		if err := w.svc.SetDisabledAsOperator(ctx, "khoa", true); err != nil {
			t.Fatal(err)
		}
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

		a, err := signIn(t, id("s1", "037190000001"))
		if err != nil || a.Username != "lan" || a.FullName != "Người s1" || a.Verified == nil || a.Verified.BirthDate != "1990-01-02" {
			t.Fatalf("linked by ID number: %+v, %v", a, err)
		}
		// The link, not the ID number, decides next time.
		if a, err := signIn(t, id("s1", "037190000001")); err != nil || a.Username != "lan" {
			t.Fatalf("again: %+v, %v", a, err)
		}
		a, err = signIn(t, id("s5", "037190000005"))
		if err != nil || a.Username != "037190000005" || !a.IsCitizen() || a.IDNumber != "037190000005" {
			t.Fatalf("new account: %+v, %v", a, err)
		}
		a, err = signIn(t, id("s4", "037190000004"))
		if err != nil || a.Username == "037190000004" || a.IDNumber != "037190000004" {
			t.Fatalf("new account beside a taken username: %+v, %v", a, err)
		}
		refusals := []struct {
			name string
			x    auth.Identity
			code string
		}{
			{"no ID number", id("s6", ""), "identity_incomplete"},
			{"not 12 digits", id("s6", "12345"), "identity_incomplete"},
			{"two accounts with the ID number", id("s2", "037190000002"), "identity_ambiguous"},
			{"a disabled account", id("s3", "037190000003"), "forbidden"},
		}
		for _, tt := range refusals {
			t.Run(tt.name, func(t *testing.T) {
				if _, err := signIn(t, tt.x); problem.Public(err).Code != tt.code {
					t.Fatalf("got %v, want %s", err, tt.code)
				}
				if _, err := w.svc.UserByName(ctx, tt.x.IDNumber); tt.x.IDNumber != "" && err == nil {
					t.Fatal("an account was created")
				}
			})
		}
		if n := len(w.actions("identity_linked")); n != 3 {
			t.Fatalf("%d identity_linked events, want 3", n)
		}
		if n := len(w.actions("account_created")); n != 2 {
			t.Fatalf("%d account_created events, want 2", n)
		}
	})
}
