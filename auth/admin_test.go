package auth_test

import (
	"context"
	"errors"
	"slices"
	"testing"
	"time"

	"github.com/motcua/motcua/auth"
	"github.com/motcua/motcua/event"
	"github.com/motcua/motcua/problem"
	"github.com/motcua/motcua/store"
	"github.com/motcua/motcua/store/storetest"
	"github.com/motcua/motcua/unit"
)

// accountsWorld: a district with two communes; an admin at the district,
// one at commune 1, a clerk at commune 1 and a leader at the district.
type accountsWorld struct {
	db                     *store.DB
	svc                    *auth.Service
	acc                    *auth.Accounts
	province               unit.Unit
	district, c1, c2       unit.Unit
	districtAdmin, c1Admin *auth.Actor
	provinceAdmin          *auth.Actor
	clerk, leader          *auth.Actor
	now                    time.Time
	// events are the security events published, recoveries the recovery
	// links issued (what package notify would send).
	events     []event.Security
	recoveries []auth.RecoveryRequested
}

const pw = "mat-khau-dai"

func newAccountsWorld(t *testing.T, db *store.DB) *accountsWorld {
	t.Helper()
	ctx := context.Background()
	w := &accountsWorld{db: db, now: time.Date(2026, 3, 2, 8, 0, 0, 0, time.UTC)}
	units := unit.NewStore(db, nil)
	bus := event.New()
	event.Subscribe(bus, "test", func(ctx context.Context, tx *store.Tx, e event.Security) error {
		// Sign-ins and tokens are login.go's events (login_test.go); these
		// tests are about account changes.
		if !slices.Contains([]string{"login", "login_failed", "token_issued", "token_revoked"}, e.Action) {
			w.events = append(w.events, e)
		}
		return nil
	})
	event.Subscribe(bus, "test", func(ctx context.Context, tx *store.Tx, e auth.RecoveryRequested) error {
		w.recoveries = append(w.recoveries, e)
		return nil
	})
	w.svc = auth.NewService(db, auth.Config{Params: auth.Params{Time: 1, MemKiB: 1024, Threads: 1}, Now: func() time.Time { return w.now },
		Units: units, Bus: bus, SecretKey: testKey})
	w.acc = auth.NewAccounts(w.svc, units)
	ids := map[string]int64{}
	err := db.InTx(ctx, func(tx *store.Tx) error {
		var err error
		if w.province, err = units.Create(ctx, tx, unit.Unit{Code: "000.00.00.H40", Name: "UBND tỉnh", Level: unit.Province}, ""); err != nil {
			return err
		}
		if w.district, err = units.Create(ctx, tx, unit.Unit{Code: "000.00.07.H40", Name: "UBND huyện", Level: unit.District}, w.province.Code); err != nil {
			return err
		}
		if w.c1, err = units.Create(ctx, tx, unit.Unit{Code: "000.01.07.H40", Name: "UBND xã Một", Level: unit.Commune}, w.district.Code); err != nil {
			return err
		}
		if w.c2, err = units.Create(ctx, tx, unit.Unit{Code: "000.02.07.H40", Name: "UBND xã Hai", Level: unit.Commune}, w.district.Code); err != nil {
			return err
		}
		for _, a := range []struct {
			name string
			unit int64
			role string
		}{{"huyen.quantri", w.district.ID, auth.Admin}, {"xa1.quantri", w.c1.ID, auth.Admin}, {"xa1.vanthu", w.c1.ID, auth.Clerk}, {"huyen.lanhdao", w.district.ID, auth.Leader}, {"tinh.quantri", w.province.ID, auth.Admin}} {
			u, err := w.svc.CreateUser(ctx, tx, auth.NewUser{User: auth.User{Username: a.name, Kind: "officer"}, Password: pw})
			if err != nil {
				return err
			}
			ids[a.name] = u.ID
			if err := w.svc.Grant(ctx, tx, u.ID, a.unit, a.role); err != nil {
				return err
			}
		}
		_, err = w.svc.CreateUser(ctx, tx, auth.NewUser{User: auth.User{Username: "congdan", Kind: "citizen", Email: "congdan@example.vn", Phone: "0912345678"}, Password: pw})
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	load := func(name string) *auth.Actor {
		a, err := w.svc.Actor(ctx, ids[name])
		if err != nil {
			t.Fatal(err)
		}
		return a
	}
	w.districtAdmin, w.c1Admin, w.clerk, w.leader = load("huyen.quantri"), load("xa1.quantri"), load("xa1.vanthu"), load("huyen.lanhdao")
	w.provinceAdmin = load("tinh.quantri")
	w.events = nil // the setup's own
	return w
}

func is(t *testing.T, what string, err, kind error) {
	t.Helper()
	if kind == nil && err != nil || kind != nil && !errors.Is(err, kind) {
		t.Fatalf("%s: error %v, want %v", what, err, kind)
	}
}

func TestAccountsScope(t *testing.T) {
	storetest.Engines(t, func(t *testing.T, db *store.DB) {
		w := newAccountsWorld(t, db)
		ctx := context.Background()
		list, err := w.acc.Officers(ctx, w.c1Admin)
		if err != nil || len(list) != 2 || list[0].Username != "xa1.quantri" || list[1].Username != "xa1.vanthu" {
			t.Fatalf("commune admin's officers: %+v %v", list, err)
		}
		list, err = w.acc.Officers(ctx, w.districtAdmin)
		if err != nil || len(list) != 4 {
			t.Fatalf("district admin's officers: %+v %v", list, err)
		}
		_, err = w.acc.Officers(ctx, w.clerk)
		is(t, "non-admin lists officers", err, problem.ErrForbidden)
		_, err = w.acc.Officer(ctx, w.c1Admin, "huyen.lanhdao")
		is(t, "commune admin looks at a district officer", err, problem.ErrNotFound)

		cases := []struct {
			name  string
			actor *auth.Actor
			nu    auth.NewUser
			unit  int64
			role  string
			kind  error
		}{
			{"short password", w.c1Admin, auth.NewUser{User: auth.User{Username: "xa1.moi", FullName: "Cán bộ Mới"}, Password: "ngan"}, w.c1.ID, auth.Clerk, problem.ErrInvalid},
			{"duplicate username", w.c1Admin, auth.NewUser{User: auth.User{Username: "xa1.vanthu", FullName: "Trùng"}, Password: pw}, w.c1.ID, auth.Clerk, problem.ErrConflict},
			{"no full name", w.c1Admin, auth.NewUser{User: auth.User{Username: "xa1.moi"}, Password: pw}, w.c1.ID, auth.Clerk, problem.ErrInvalid},
			{"citizen role", w.c1Admin, auth.NewUser{User: auth.User{Username: "xa1.moi", FullName: "Cán bộ Mới"}, Password: pw}, w.c1.ID, auth.Citizen, problem.ErrInvalid},
			{"another commune", w.c1Admin, auth.NewUser{User: auth.User{Username: "xa1.moi", FullName: "Cán bộ Mới"}, Password: pw}, w.c2.ID, auth.Clerk, problem.ErrForbidden},
			{"the district from a commune", w.c1Admin, auth.NewUser{User: auth.User{Username: "xa1.moi", FullName: "Cán bộ Mới"}, Password: pw}, w.district.ID, auth.Clerk, problem.ErrForbidden},
			{"non-admin", w.clerk, auth.NewUser{User: auth.User{Username: "xa1.moi", FullName: "Cán bộ Mới"}, Password: pw}, w.c1.ID, auth.Clerk, problem.ErrForbidden},
			{"district admin on a commune", w.districtAdmin, auth.NewUser{User: auth.User{Username: "xa2.tiepnhan", FullName: "Cán bộ Mới", Kind: "citizen"}, Password: pw}, w.c2.ID, auth.Reception, nil},
		}
		for _, c := range cases {
			t.Run(c.name, func(t *testing.T) {
				u, err := w.acc.CreateOfficer(ctx, c.actor, c.nu, c.unit, c.role)
				is(t, c.name, err, c.kind)
				if c.kind != nil {
					if _, err := w.svc.UserByName(ctx, "xa1.moi"); !errors.Is(err, problem.ErrNotFound) {
						t.Fatalf("a refused account was created: %v", err)
					}
					return
				}
				a, err := w.svc.Actor(ctx, u.ID)
				if err != nil || a.Kind != "officer" || !a.Has(auth.Reception, w.c2.ID) {
					t.Fatalf("created %+v %v", a, err)
				}
			})
		}
	})
}

func TestGrantAndRevoke(t *testing.T) {
	storetest.Engines(t, func(t *testing.T, db *store.DB) {
		w := newAccountsWorld(t, db)
		ctx := context.Background()
		is(t, "grant outside scope", w.acc.GrantRole(ctx, w.c1Admin, "xa1.vanthu", w.c2.ID, auth.Leader), problem.ErrForbidden)
		is(t, "grant to a citizen", w.acc.GrantRole(ctx, w.c1Admin, "congdan", w.c1.ID, auth.Leader), problem.ErrInvalid)
		is(t, "grant to nobody", w.acc.GrantRole(ctx, w.c1Admin, "khong.co", w.c1.ID, auth.Leader), problem.ErrInvalid)
		is(t, "grant a bad role", w.acc.GrantRole(ctx, w.c1Admin, "xa1.vanthu", w.c1.ID, "boss"), problem.ErrInvalid)
		is(t, "grant", w.acc.GrantRole(ctx, w.c1Admin, "XA1.VANTHU", w.c1.ID, auth.Leader), nil)
		a, _ := w.svc.UserByName(ctx, "xa1.vanthu")
		if !a.Has(auth.Leader, w.c1.ID) {
			t.Fatalf("grant missing: %+v", a.Grants)
		}
		is(t, "revoke own admin role", w.acc.RevokeRole(ctx, w.c1Admin, "xa1.quantri", w.c1.ID, auth.Admin), problem.ErrInvalid)
		is(t, "revoke outside scope", w.acc.RevokeRole(ctx, w.c1Admin, "huyen.lanhdao", w.district.ID, auth.Leader), problem.ErrForbidden)
		is(t, "revoke a role not held", w.acc.RevokeRole(ctx, w.c1Admin, "xa1.vanthu", w.c1.ID, auth.Supervisor), problem.ErrNotFound)
		is(t, "revoke", w.acc.RevokeRole(ctx, w.c1Admin, "xa1.vanthu", w.c1.ID, auth.Leader), nil)
		a, _ = w.svc.UserByName(ctx, "xa1.vanthu")
		if a.Has(auth.Leader, w.c1.ID) || !a.Has(auth.Clerk, w.c1.ID) {
			t.Fatalf("after revoke: %+v", a.Grants)
		}
	})
}

func TestDisableAndResetPassword(t *testing.T) {
	storetest.Engines(t, func(t *testing.T, db *store.DB) {
		w := newAccountsWorld(t, db)
		ctx := context.Background()
		session, _, err := w.svc.Login(ctx, "xa1.vanthu", pw)
		if err != nil {
			t.Fatal(err)
		}
		is(t, "disable oneself", w.acc.SetDisabled(ctx, w.c1Admin, "xa1.quantri", true), problem.ErrInvalid)
		is(t, "disable outside scope", w.acc.SetDisabled(ctx, w.c1Admin, "huyen.lanhdao", true), problem.ErrForbidden)
		// A commune admin who granted a role to the district admin still
		// cannot take over that account.
		is(t, "grant to the district admin", w.acc.GrantRole(ctx, w.c1Admin, "huyen.quantri", w.c1.ID, auth.Clerk), nil)
		is(t, "disable the district admin", w.acc.SetDisabled(ctx, w.c1Admin, "huyen.quantri", true), problem.ErrForbidden)
		is(t, "reset the district admin", w.acc.ResetPassword(ctx, w.c1Admin, "huyen.quantri", "chiem-quyen-123"), problem.ErrForbidden)

		is(t, "disable", w.acc.SetDisabled(ctx, w.c1Admin, "xa1.vanthu", true), nil)
		if _, err := w.svc.Authenticate(ctx, session); err == nil {
			t.Fatal("a disabled account's session still works")
		}
		if _, _, err := w.svc.Login(ctx, "xa1.vanthu", pw); err == nil {
			t.Fatal("a disabled account logs in")
		}
		if o, err := w.acc.Officer(ctx, w.c1Admin, "xa1.vanthu"); err != nil || !o.Disabled {
			t.Fatalf("listing does not show disabled: %+v %v", o, err)
		}
		is(t, "enable", w.acc.SetDisabled(ctx, w.c1Admin, "xa1.vanthu", false), nil)
		if _, _, err := w.svc.Login(ctx, "xa1.vanthu", pw); err != nil {
			t.Fatalf("re-enabled account: %v", err)
		}

		session, _, _ = w.svc.Login(ctx, "xa1.vanthu", pw)
		is(t, "short password", w.acc.ResetPassword(ctx, w.c1Admin, "xa1.vanthu", "1234567"), problem.ErrInvalid)
		is(t, "reset", w.acc.ResetPassword(ctx, w.districtAdmin, "xa1.vanthu", "mat-khau-moi-2026"), nil)
		if _, err := w.svc.Authenticate(ctx, session); err == nil {
			t.Fatal("session survives a password reset")
		}
		if _, _, err := w.svc.Login(ctx, "xa1.vanthu", pw); err == nil {
			t.Fatal("old password still works")
		}
		if _, _, err := w.svc.Login(ctx, "xa1.vanthu", "mat-khau-moi-2026"); err != nil {
			t.Fatalf("new password: %v", err)
		}
	})
}

func TestDisableTOTPNeedsACode(t *testing.T) {
	storetest.Engines(t, func(t *testing.T, db *store.DB) {
		w := newAccountsWorld(t, db)
		ctx := context.Background()
		secret := auth.NewTOTPSecret()
		code, _ := auth.TOTPCode(secret, w.now)
		is(t, "enable", w.svc.SetTOTP(ctx, w.clerk.ID, secret, code), nil)
		is(t, "disable with the code that enabled it", w.svc.DisableTOTP(ctx, w.clerk.ID, code), problem.ErrInvalid)
		w.now = w.now.Add(30 * time.Second)
		code, _ = auth.TOTPCode(secret, w.now)
		wrong := string('0'+('1'+code[0]-'0')%10) + code[1:]
		is(t, "disable with a wrong code", w.svc.DisableTOTP(ctx, w.clerk.ID, wrong), problem.ErrInvalid)
		if on, _ := w.svc.HasTOTP(ctx, w.clerk.ID); !on {
			t.Fatal("a wrong code turned TOTP off")
		}
		is(t, "disable", w.svc.DisableTOTP(ctx, w.clerk.ID, code), nil)
		if on, _ := w.svc.HasTOTP(ctx, w.clerk.ID); on {
			t.Fatal("TOTP still on")
		}
	})
}
