package auth

import (
	"context"
	"errors"
	"net/netip"
	"strings"
	"testing"
	"time"

	"github.com/motcua/motcua/clientip"
	"github.com/motcua/motcua/problem"
	"github.com/motcua/motcua/store"
	"github.com/motcua/motcua/store/storetest"
)

// Issue 8, finding 3: beyond the memory budget a check waits at most
// HashWait, then the request gets 503 busy with a Retry-After, and the
// attempt is not counted against the client (nothing was tried).
func TestHashingBusy(t *testing.T) {
	storetest.Engines(t, func(t *testing.T, db *store.DB) {
		s := NewService(db, Config{Params: Params{Time: 1, MemKiB: 64, Threads: 1},
			Login: LoginLimits{HashMemory: 128 << 10, HashWait: 20 * time.Millisecond, AccountBurst: 1}})
		err := db.InTx(t.Context(), func(tx *store.Tx) error {
			_, err := s.CreateUser(t.Context(), tx, NewUser{User: User{Username: "an.nguyen", Kind: "officer"}, Password: "mat-khau-dai"})
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
		ctx := clientip.With(context.Background(), netip.MustParseAddr("192.0.2.1"))
		// Two hashes in flight fill the budget (128 KiB = 2 × 64 KiB).
		if err := s.gate.sem.Acquire(ctx, s.gate.sizeKiB); err != nil {
			t.Fatal(err)
		}
		_, _, err = s.Login(ctx, "an.nguyen", "sai")
		wait, _ := problem.RetryAfter(err)
		if problem.Public(err).Code != "busy" || problem.Status(err) != 503 || wait != 20*time.Millisecond {
			t.Fatalf("login with the budget full: %v", err)
		}
		cancelled, cancel := context.WithCancel(ctx)
		cancel()
		if _, _, err := s.Login(cancelled, "an.nguyen", "sai"); !errors.Is(err, context.Canceled) {
			t.Fatalf("cancelled while waiting: %v", err)
		}
		s.gate.sem.Release(s.gate.sizeKiB)
		if n, _ := s.FailedLogins(t.Context(), "an.nguyen"); n != 0 {
			t.Fatalf("failed_logins = %d after refusals that checked nothing", n)
		}
		// The account's single token was given back: this one is checked.
		if _, _, err := s.Login(ctx, "an.nguyen", "sai"); problem.Status(err) != 401 {
			t.Fatalf("after the budget freed: %v", err)
		}
		if p := s.HashMemoryPeak(); p != 64<<10 {
			t.Fatalf("peak hash memory %d, want one 64 KiB hash", p)
		}
	})
}

func TestHashGateWeighsEachHash(t *testing.T) {
	g := newHashGate(4<<20, time.Second)
	// A hash bigger than the budget runs alone rather than never.
	if err := g.run(t.Context(), 8<<10, func() {}); err != nil {
		t.Fatal(err)
	}
	if err := g.sem.Acquire(t.Context(), 3<<10); err != nil {
		t.Fatal(err)
	}
	// 1 MiB left: a 1 MiB hash fits, a 2 MiB one waits.
	if err := g.run(t.Context(), 1<<10, func() {}); err != nil {
		t.Fatalf("1 MiB hash with 1 MiB free: %v", err)
	}
	g.wait = 10 * time.Millisecond
	if err := g.run(t.Context(), 2<<10, func() {}); !errors.Is(err, problem.ErrBusy) {
		t.Fatalf("2 MiB hash with 1 MiB free: %v", err)
	}
}

// Issue 8, finding 5 (timing): every login that is not throttled costs
// exactly one argon2 check, whether the username exists, the password is
// right, or the account is disabled (the old code skipped the check for
// a disabled account, which told an attacker it was disabled).
func TestEveryLoginPathChecksOnce(t *testing.T) {
	storetest.Engines(t, func(t *testing.T, db *store.DB) {
		s := NewService(db, Config{Params: Params{Time: 1, MemKiB: 64, Threads: 1}, Login: LoginLimits{AddrBurst: 100, AccountBurst: 100}})
		var totpUser User
		err := db.InTx(t.Context(), func(tx *store.Tx) error {
			for _, name := range []string{"an.nguyen", "da.khoa", "co.totp"} {
				u, err := s.CreateUser(t.Context(), tx, NewUser{User: User{Username: name, Kind: "officer"}, Password: "mat-khau-dai"})
				if err != nil {
					return err
				}
				totpUser = u
			}
			_, err := tx.ExecContext(t.Context(), `UPDATE users SET disabled = 1 WHERE username = 'da.khoa'`)
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
		secret := NewTOTPSecret()
		code, _ := TOTPCode(secret, time.Now())
		if err := s.SetTOTP(t.Context(), totpUser.ID, secret, code); err != nil {
			t.Fatal(err)
		}
		ctx := clientip.With(context.Background(), netip.MustParseAddr("192.0.2.1"))
		for _, c := range []struct{ what, user, password string }{
			{"unknown user", "khong.co", "mat-khau-dai"},
			{"wrong password", "an.nguyen", "sai"},
			{"right password", "an.nguyen", "mat-khau-dai"},
			{"disabled, right password", "da.khoa", "mat-khau-dai"},
			{"disabled, wrong password", "da.khoa", "sai"},
			{"TOTP account, no code", "co.totp", "mat-khau-dai"},
			{"a name too long to exist", strings.Repeat("a", 500), "sai"},
		} {
			before := s.gate.runs.Load()
			s.Login(ctx, c.user, c.password)
			if n := s.gate.runs.Load() - before; n != 1 {
				t.Errorf("%s: %d argon2 checks, want 1", c.what, n)
			}
		}
	})
}
