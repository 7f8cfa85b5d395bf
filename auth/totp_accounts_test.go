package auth_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/motcua/motcua/auth"
	"github.com/motcua/motcua/problem"
	"github.com/motcua/motcua/store"
	"github.com/motcua/motcua/store/storetest"
	"github.com/motcua/motcua/unit"
)

func enrol(t *testing.T, w *accountsWorld, userID int64) string {
	t.Helper()
	secret := auth.NewTOTPSecret()
	code, _ := auth.TOTPCode(secret, w.now)
	is(t, "enrol", w.svc.SetTOTP(context.Background(), userID, secret, code), nil)
	return secret
}

// Issue 8, finding 12: the same TOTP code worked twice.
func TestTOTPCodeWorksOnce(t *testing.T) {
	storetest.Engines(t, func(t *testing.T, db *store.DB) {
		w := newAccountsWorld(t, db)
		ctx := context.Background()
		secret := enrol(t, w, w.clerk.ID)
		code, _ := auth.TOTPCode(secret, w.now)
		_, _, err := w.svc.LoginTOTP(ctx, "xa1.vanthu", pw, code)
		is(t, "the enrolment code to log in", err, problem.ErrUnauthorized)

		w.now = w.now.Add(30 * time.Second)
		code, _ = auth.TOTPCode(secret, w.now)
		_, _, err = w.svc.LoginTOTP(ctx, "xa1.vanthu", pw, code)
		is(t, "a fresh code", err, nil)
		_, _, err = w.svc.LoginTOTP(ctx, "xa1.vanthu", pw, code)
		is(t, "the same code again", err, problem.ErrUnauthorized)

		// The next step's code (a phone clock slightly ahead) works; after
		// it, the current step's code, though still in the window, does not.
		ahead, _ := auth.TOTPCode(secret, w.now.Add(30*time.Second))
		_, _, err = w.svc.LoginTOTP(ctx, "xa1.vanthu", pw, ahead)
		is(t, "a code one step ahead", err, nil)
		w.now = w.now.Add(30 * time.Second)
		behind, _ := auth.TOTPCode(secret, w.now.Add(-30*time.Second))
		_, _, err = w.svc.LoginTOTP(ctx, "xa1.vanthu", pw, behind)
		is(t, "an older code after a newer one", err, problem.ErrUnauthorized)
	})
}

// Issue 8, finding 12: TOTP secrets were stored in plain text.
func TestTOTPSecretsSealed(t *testing.T) {
	storetest.Engines(t, func(t *testing.T, db *store.DB) {
		w := newAccountsWorld(t, db)
		ctx := context.Background()
		secret := enrol(t, w, w.clerk.ID)
		var stored string
		if err := db.QueryRowContext(ctx, `SELECT totp_secret FROM users WHERE id = ?`, w.clerk.ID).Scan(&stored); err != nil {
			t.Fatal(err)
		}
		if strings.Contains(stored, secret) || !strings.HasPrefix(stored, "v1:") {
			t.Fatalf("stored secret %q is not sealed", stored)
		}

		// A secret stored by an older version in plain text is sealed at
		// start-up and keeps working.
		legacy := auth.NewTOTPSecret()
		if _, err := db.ExecContext(ctx, `UPDATE users SET totp_secret = ? WHERE id = ?`, legacy, w.leader.ID); err != nil {
			t.Fatal(err)
		}
		n, err := w.svc.EncryptTOTPSecrets(ctx)
		if err != nil || n != 1 {
			t.Fatalf("sealed %d, %v; want 1", n, err)
		}
		if err := db.QueryRowContext(ctx, `SELECT totp_secret FROM users WHERE id = ?`, w.leader.ID).Scan(&stored); err != nil || strings.Contains(stored, legacy) {
			t.Fatalf("legacy secret still plain: %q %v", stored, err)
		}
		if n, err := w.svc.EncryptTOTPSecrets(ctx); err != nil || n != 0 {
			t.Fatalf("second run sealed %d, %v", n, err)
		}
		w.now = w.now.Add(30 * time.Second)
		code, _ := auth.TOTPCode(legacy, w.now)
		if _, _, err := w.svc.LoginTOTP(ctx, "huyen.lanhdao", pw, code); err != nil {
			t.Fatalf("login with a migrated secret: %v", err)
		}

		// Another key does not open them, and says so at start-up.
		other := auth.NewService(db, auth.Config{Params: auth.Params{Time: 1, MemKiB: 1024, Threads: 1}, Units: unit.NewStore(db, nil),
			SecretKey: []byte("another-key-another-key-another!")})
		if _, err := other.EncryptTOTPSecrets(ctx); err == nil {
			t.Fatal("a wrong key was accepted at start-up")
		}
		code, _ = auth.TOTPCode(secret, w.now)
		if _, _, err := other.LoginTOTP(ctx, "xa1.vanthu", pw, code); err == nil {
			t.Fatal("a wrong key opened a secret")
		}
		// Without a configured key nothing is sealed with a throw-away one.
		tmp := auth.NewService(db, auth.Config{Params: auth.Params{Time: 1, MemKiB: 1024, Threads: 1}, Units: unit.NewStore(db, nil)})
		if _, err := tmp.EncryptTOTPSecrets(ctx); err == nil {
			t.Fatal("sealed with an ephemeral key")
		}
	})
}

// Issue 8, finding 12: API clients could not log in with TOTP (see also
// server/accounts_test.go for the HTTP side).
func TestTokenWithTOTP(t *testing.T) {
	storetest.Engines(t, func(t *testing.T, db *store.DB) {
		w := newAccountsWorld(t, db)
		ctx := context.Background()
		secret := enrol(t, w, w.clerk.ID)
		w.now = w.now.Add(30 * time.Second)
		_, _, err := w.svc.Token(ctx, "xa1.vanthu", pw, "")
		var pe *problem.Error
		if !errors.As(err, &pe) || pe.Code != "totp_required" {
			t.Fatalf("no code: %v", err)
		}
		code, _ := auth.TOTPCode(secret, w.now)
		tok, _, err := w.svc.Token(ctx, "xa1.vanthu", pw, code)
		if err != nil || !alive(w, tok) {
			t.Fatalf("token with a code: %v", err)
		}
	})
}

// A unit can require TOTP of its admins and leaders.
func TestTOTPPolicy(t *testing.T) {
	storetest.Engines(t, func(t *testing.T, db *store.DB) {
		w := newAccountsWorld(t, db)
		ctx := context.Background()
		is(t, "a commune admin on the district", w.acc.SetTOTPPolicy(ctx, w.c1Admin, w.district.ID, true), problem.ErrForbidden)
		is(t, "the district admin", w.acc.SetTOTPPolicy(ctx, w.districtAdmin, w.district.ID, true), nil)
		wantActions(t, w, "totp_policy_changed unit:000.00.07.H40")
		if on, err := w.svc.TOTPRequired(ctx, w.district.ID); !on || err != nil {
			t.Fatalf("required: %v %v", on, err)
		}

		// The leader has not enrolled: no API token, and a web session that
		// is marked for enrolment.
		_, _, err := w.svc.Token(ctx, "huyen.lanhdao", pw, "")
		var pe *problem.Error
		if !errors.As(err, &pe) || pe.Code != "totp_enrolment_required" || !errors.Is(err, problem.ErrForbidden) {
			t.Fatalf("token for an unenrolled leader: %v", err)
		}
		a, err := w.svc.Authenticate(ctx, login(t, w, "huyen.lanhdao", pw))
		if err != nil || !a.TOTPDue {
			t.Fatalf("web session of an unenrolled leader: %+v %v", a, err)
		}
		// A clerk of a commune is not concerned.
		if a, _ := w.svc.Authenticate(ctx, login(t, w, "xa1.vanthu", pw)); a.TOTPDue {
			t.Fatal("a commune clerk is asked to enrol")
		}

		secret := enrol(t, w, w.leader.ID)
		w.now = w.now.Add(30 * time.Second)
		code, _ := auth.TOTPCode(secret, w.now)
		tok, _, err := w.svc.Token(ctx, "huyen.lanhdao", pw, code)
		if err != nil {
			t.Fatalf("enrolled leader: %v", err)
		}
		if a, _ := w.svc.Authenticate(ctx, tok); a.TOTPDue {
			t.Fatal("still due after enrolment")
		}
		w.now = w.now.Add(30 * time.Second)
		code, _ = auth.TOTPCode(secret, w.now)
		is(t, "turn it off while required", w.svc.DisableTOTP(ctx, w.leader.ID, code), problem.ErrInvalid)
		is(t, "policy off", w.acc.SetTOTPPolicy(ctx, w.districtAdmin, w.district.ID, false), nil)
		is(t, "turn it off", w.svc.DisableTOTP(ctx, w.leader.ID, code), nil)
		wantActions(t, w, "totp_enabled user:huyen.lanhdao", "totp_policy_changed unit:000.00.07.H40", "totp_disabled user:huyen.lanhdao")
	})
}

// An admin clears the second factor of an officer who lost the phone.
func TestClearTOTP(t *testing.T) {
	storetest.Engines(t, func(t *testing.T, db *store.DB) {
		w := newAccountsWorld(t, db)
		ctx := context.Background()
		enrol(t, w, w.leader.ID)
		w.events = nil
		is(t, "commune admin on a district leader", w.acc.ClearTOTP(ctx, w.c1Admin, "huyen.lanhdao"), problem.ErrForbidden)
		is(t, "district admin", w.acc.ClearTOTP(ctx, w.districtAdmin, "huyen.lanhdao"), nil)
		if on, _ := w.svc.HasTOTP(ctx, w.leader.ID); on {
			t.Fatal("still on")
		}
		login(t, w, "huyen.lanhdao", pw)
		is(t, "operator", w.svc.ClearTOTPAsOperator(ctx, "huyen.lanhdao"), nil)
		evs := w.events
		wantActions(t, w, "totp_disabled user:huyen.lanhdao", "totp_disabled user:huyen.lanhdao")
		if evs[0].ActorID != w.districtAdmin.ID || evs[0].Details != "admin" || evs[1].ActorID != 0 {
			t.Fatalf("events %+v", evs)
		}
	})
}
