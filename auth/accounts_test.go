package auth_test

import (
	"context"
	"fmt"
	"net/netip"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/motcua/motcua/auth"
	"github.com/motcua/motcua/clientip"
	"github.com/motcua/motcua/problem"
	"github.com/motcua/motcua/store"
	"github.com/motcua/motcua/store/storetest"
)

// testKey seals TOTP secrets in these tests.
var testKey = []byte("0123456789abcdef0123456789abcdef")

// actions lists the actions of the events published since the last call.
func (w *accountsWorld) actions() []string {
	var out []string
	for _, e := range w.events {
		out = append(out, e.Action+" "+e.Object)
	}
	w.events = nil
	return out
}

func wantActions(t *testing.T, w *accountsWorld, want ...string) {
	t.Helper()
	if got := w.actions(); !slices.Equal(got, want) {
		t.Fatalf("security events %q, want %q", got, want)
	}
}

func login(t *testing.T, w *accountsWorld, user, password string) string {
	t.Helper()
	tok, _, err := w.svc.Login(context.Background(), user, password)
	if err != nil {
		t.Fatalf("login %s: %v", user, err)
	}
	return tok
}

func alive(w *accountsWorld, token string) bool {
	_, err := w.svc.Authenticate(context.Background(), token)
	return err == nil
}

// Issue 8, finding 11: an account could not change its own password.
func TestChangePassword(t *testing.T) {
	storetest.Engines(t, func(t *testing.T, db *store.DB) {
		w := newAccountsWorld(t, db)
		ctx := context.Background()
		here, there := login(t, w, "congdan", pw), login(t, w, "congdan", pw)
		a, _ := w.svc.UserByName(ctx, "congdan")
		for _, c := range []struct {
			name, old, new string
			kind           error
		}{
			{"wrong old password", "khong-dung-1", "mat-khau-moi-2026", problem.ErrInvalid},
			{"too short", pw, "ngan", problem.ErrInvalid},
			{"unchanged", pw, pw, problem.ErrInvalid},
		} {
			is(t, c.name, w.svc.ChangePassword(ctx, a.ID, c.old, c.new, here), c.kind)
		}
		wantActions(t, w)
		is(t, "change", w.svc.ChangePassword(ctx, a.ID, pw, "mat-khau-moi-2026", here), nil)
		if !alive(w, here) || alive(w, there) {
			t.Fatalf("after a change the current session must live (%v) and the other end (%v)", alive(w, here), alive(w, there))
		}
		wantActions(t, w, "password_changed user:congdan")
		if _, _, err := w.svc.Login(ctx, "congdan", pw); err == nil {
			t.Fatal("the old password still works")
		}
		login(t, w, "congdan", "mat-khau-moi-2026")
	})
}

// Issue 8, finding 11: no recovery of a forgotten password.
func TestRecovery(t *testing.T) {
	storetest.Engines(t, func(t *testing.T, db *store.DB) {
		w := newAccountsWorld(t, db)
		ctx := context.Background()
		old := login(t, w, "congdan", pw)

		// Unknown and known logins get the same answer; only a known one gets a link.
		is(t, "unknown login", w.svc.RequestRecovery(ctx, "khong.ai@example.vn"), nil)
		if len(w.recoveries) != 0 {
			t.Fatalf("a link for nobody: %+v", w.recoveries)
		}
		is(t, "by e-mail", w.svc.RequestRecovery(ctx, "CongDan@example.vn"), nil)
		is(t, "again at once", w.svc.RequestRecovery(ctx, "congdan"), nil)
		if len(w.recoveries) != 1 || w.recoveries[0].Username != "congdan" {
			t.Fatalf("recoveries %+v, want one for congdan", w.recoveries)
		}
		first := w.recoveries[0].Token
		var stored int
		if err := db.QueryRowContext(ctx, `SELECT COUNT(*) FROM password_resets WHERE token_hash = ?`, first).Scan(&stored); err != nil || stored != 0 {
			t.Fatalf("the token is stored as given (%d, %v)", stored, err)
		}
		w.now = w.now.Add(2 * time.Minute)
		is(t, "by phone", w.svc.RequestRecovery(ctx, "0912345678"), nil)
		second := w.recoveries[1].Token

		is(t, "bad token", w.svc.Recover(ctx, "nonsense", "mat-khau-moi-2026"), problem.ErrInvalid)
		is(t, "weak password", w.svc.Recover(ctx, first, "ngan"), problem.ErrInvalid)
		is(t, "check", w.svc.CheckRecovery(ctx, first), nil)
		is(t, "recover", w.svc.Recover(ctx, first, "mat-khau-moi-2026"), nil)
		is(t, "the same link twice", w.svc.Recover(ctx, first, "mat-khau-thu-ba"), problem.ErrInvalid)
		is(t, "the other link, voided", w.svc.Recover(ctx, second, "mat-khau-thu-ba"), problem.ErrInvalid)
		if alive(w, old) {
			t.Fatal("a session survived recovery")
		}
		login(t, w, "congdan", "mat-khau-moi-2026")
		got := w.actions()
		if !slices.Contains(got, "password_reset user:congdan") || !slices.Contains(got, "password_recovery_requested user:congdan") {
			t.Fatalf("events %q", got)
		}

		w.now = w.now.Add(2 * time.Minute)
		is(t, "another", w.svc.RequestRecovery(ctx, "congdan"), nil)
		late := w.recoveries[len(w.recoveries)-1].Token
		w.now = w.now.Add(31 * time.Minute)
		is(t, "an expired link", w.svc.Recover(ctx, late, "mat-khau-thu-tu"), problem.ErrInvalid)

		// A disabled account gets no link.
		is(t, "disable", w.svc.SetDisabledAsOperator(ctx, "congdan", true), nil)
		n := len(w.recoveries)
		is(t, "disabled", w.svc.RequestRecovery(ctx, "congdan"), nil)
		if len(w.recoveries) != n {
			t.Fatal("a disabled account got a recovery link")
		}
	})
}

// Issue 8, finding 11: a citizen account could not be disabled short of SQL.
func TestDisableCitizen(t *testing.T) {
	storetest.Engines(t, func(t *testing.T, db *store.DB) {
		w := newAccountsWorld(t, db)
		ctx := context.Background()
		session := login(t, w, "congdan", pw)
		is(t, "commune admin", w.acc.SetDisabled(ctx, w.c1Admin, "congdan", true), problem.ErrForbidden)
		is(t, "district admin", w.acc.SetDisabled(ctx, w.districtAdmin, "congdan", true), problem.ErrForbidden)
		is(t, "district admin resets", w.acc.ResetPassword(ctx, w.districtAdmin, "congdan", "chiem-quyen-123"), problem.ErrForbidden)
		wantActions(t, w)
		is(t, "province admin", w.acc.SetDisabled(ctx, w.provinceAdmin, "congdan", true), nil)
		if alive(w, session) {
			t.Fatal("a disabled citizen's session still works")
		}
		if _, _, err := w.svc.Login(ctx, "congdan", pw); err == nil {
			t.Fatal("a disabled citizen logs in")
		}
		is(t, "province admin enables", w.acc.SetDisabled(ctx, w.provinceAdmin, "congdan", false), nil)
		login(t, w, "congdan", pw)
		evs := w.events
		wantActions(t, w, "account_disabled user:congdan", "account_enabled user:congdan")
		if evs[0].ActorID != w.provinceAdmin.ID || evs[0].ActorName != "tinh.quantri" || evs[0].UnitID != 0 {
			t.Fatalf("event %+v", evs[0])
		}
		// The province admin manages officers below too.
		is(t, "province admin disables a clerk", w.acc.SetDisabled(ctx, w.provinceAdmin, "xa1.vanthu", true), nil)
		if e := w.events[0]; e.UnitID != w.c1.ID || e.Action != "account_disabled" {
			t.Fatalf("event %+v", e)
		}
	})
}

// The operator's command line (motcua user passwd|disable|enable) acts
// without scope; the events name no actor.
func TestOperatorAccounts(t *testing.T) {
	storetest.Engines(t, func(t *testing.T, db *store.DB) {
		w := newAccountsWorld(t, db)
		ctx := context.Background()
		session := login(t, w, "xa1.vanthu", pw)
		is(t, "unknown", w.svc.SetDisabledAsOperator(ctx, "khong.co", true), problem.ErrInvalid)
		is(t, "weak", w.svc.SetPasswordAsOperator(ctx, "xa1.vanthu", "ngan"), problem.ErrInvalid)
		is(t, "passwd", w.svc.SetPasswordAsOperator(ctx, "XA1.vanthu", "mat-khau-moi-2026"), nil)
		if alive(w, session) {
			t.Fatal("session survives passwd")
		}
		session = login(t, w, "xa1.vanthu", "mat-khau-moi-2026")
		is(t, "disable", w.svc.SetDisabledAsOperator(ctx, "xa1.vanthu", true), nil)
		if alive(w, session) {
			t.Fatal("session survives disable")
		}
		is(t, "enable", w.svc.SetDisabledAsOperator(ctx, "xa1.vanthu", false), nil)
		login(t, w, "xa1.vanthu", "mat-khau-moi-2026")
		for _, e := range w.events {
			if e.ActorID != 0 || e.ActorName != "" {
				t.Fatalf("operator event names an actor: %+v", e)
			}
		}
		wantActions(t, w, "password_reset user:xa1.vanthu", "account_disabled user:xa1.vanthu", "account_enabled user:xa1.vanthu")
	})
}

// Issue 8, finding 10 (the accounts part): admins' acts on accounts are
// published for the audit log.
func TestAccountEvents(t *testing.T) {
	storetest.Engines(t, func(t *testing.T, db *store.DB) {
		w := newAccountsWorld(t, db)
		ctx := context.Background()
		_, err := w.acc.CreateOfficer(ctx, w.c1Admin, auth.NewUser{User: auth.User{Username: "xa1.moi", FullName: "Cán bộ Mới"}, Password: pw}, w.c1.ID, auth.Clerk)
		is(t, "create", err, nil)
		is(t, "grant", w.acc.GrantRole(ctx, w.c1Admin, "xa1.moi", w.c1.ID, auth.Reception), nil)
		is(t, "revoke", w.acc.RevokeRole(ctx, w.c1Admin, "xa1.moi", w.c1.ID, auth.Reception), nil)
		is(t, "reset", w.acc.ResetPassword(ctx, w.c1Admin, "xa1.moi", "mat-khau-moi-2026"), nil)
		is(t, "disable", w.acc.SetDisabled(ctx, w.c1Admin, "xa1.moi", true), nil)
		is(t, "enable", w.acc.SetDisabled(ctx, w.c1Admin, "xa1.moi", false), nil)
		evs := w.events
		wantActions(t, w, "account_created user:xa1.moi", "role_granted user:xa1.moi", "role_granted user:xa1.moi", "role_revoked user:xa1.moi",
			"password_reset user:xa1.moi", "account_disabled user:xa1.moi", "account_enabled user:xa1.moi")
		for _, e := range evs {
			if e.ActorID != w.c1Admin.ID || e.ActorName != "xa1.quantri" || e.UnitID != w.c1.ID || e.At.IsZero() {
				t.Fatalf("event %+v", e)
			}
			if strings.Contains(e.Details, "mat-khau") {
				t.Fatalf("a password in an event: %+v", e)
			}
		}
		// A refused act publishes nothing.
		is(t, "refused", w.acc.RevokeRole(ctx, w.c1Admin, "xa1.moi", w.c1.ID, auth.Reception), problem.ErrNotFound)
		wantActions(t, w)
	})
}

func TestCitizensList(t *testing.T) {
	storetest.Engines(t, func(t *testing.T, db *store.DB) {
		w := newAccountsWorld(t, db)
		ctx := context.Background()
		_, err := w.acc.Citizens(ctx, w.districtAdmin, "")
		is(t, "district admin", err, problem.ErrForbidden)
		for _, q := range []string{"", "CONGDAN@", "091234", "cong"} {
			list, err := w.acc.Citizens(ctx, w.provinceAdmin, q)
			if err != nil || len(list) != 1 || list[0].Username != "congdan" {
				t.Fatalf("%q: %+v %v", q, list, err)
			}
		}
		if list, _ := w.acc.Citizens(ctx, w.provinceAdmin, "%"); len(list) != 0 {
			t.Fatalf("%% is a wildcard: %+v", list)
		}
		if list, _ := w.acc.Citizens(ctx, w.provinceAdmin, "xa1"); len(list) != 0 {
			t.Fatalf("officers listed as citizens: %+v", list)
		}
	})
}

// A stolen session cannot be used to guess the password by changing it,
// and the recovery form cannot flood inboxes from one address.
func TestAccountGuessesSlowed(t *testing.T) {
	storetest.Engines(t, func(t *testing.T, db *store.DB) {
		w := newAccountsWorld(t, db)
		ctx := context.Background()
		a, _ := w.svc.UserByName(ctx, "congdan")
		for i := range 5 {
			is(t, fmt.Sprintf("wrong old password %d", i+1), w.svc.ChangePassword(ctx, a.ID, "doan-mo-"+fmt.Sprint(i), "mat-khau-moi-2026", ""), problem.ErrInvalid)
		}
		is(t, "the right one, too soon", w.svc.ChangePassword(ctx, a.ID, pw, "mat-khau-moi-2026", ""), problem.ErrTooMany)
		w.now = w.now.Add(time.Minute)
		is(t, "a minute later", w.svc.ChangePassword(ctx, a.ID, pw, "mat-khau-moi-2026", ""), nil)

		ip := clientip.With(ctx, netip.MustParseAddr("203.0.113.7"))
		for i := range 5 {
			is(t, fmt.Sprintf("recovery %d", i+1), w.svc.RequestRecovery(ip, fmt.Sprintf("nguoi%d@example.vn", i)), nil)
		}
		is(t, "the sixth from one address", w.svc.RequestRecovery(ip, "congdan"), problem.ErrTooMany)
		is(t, "another address", w.svc.RequestRecovery(clientip.With(ctx, netip.MustParseAddr("203.0.113.8")), "congdan"), nil)
	})
}
