package auth_test

import (
	"context"
	"errors"
	"fmt"
	"net/netip"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/motcua/motcua/auth"
	"github.com/motcua/motcua/clientip"
	"github.com/motcua/motcua/event"
	"github.com/motcua/motcua/problem"
	"github.com/motcua/motcua/store"
	"github.com/motcua/motcua/store/storetest"
	"github.com/motcua/motcua/unit"
)

// loginWorld is an auth service with two accounts, a settable clock and
// the security events it published.
type loginWorld struct {
	svc    *auth.Service
	mu     sync.Mutex
	now    time.Time
	events []event.Security
}

func (w *loginWorld) clock() time.Time { w.mu.Lock(); defer w.mu.Unlock(); return w.now }
func (w *loginWorld) advance(d time.Duration) {
	w.mu.Lock()
	w.now = w.now.Add(d)
	w.mu.Unlock()
}

func (w *loginWorld) actions(action string) []event.Security {
	w.mu.Lock()
	defer w.mu.Unlock()
	var out []event.Security
	for _, e := range w.events {
		if e.Action == action {
			out = append(out, e)
		}
	}
	return out
}

func newLoginWorld(t *testing.T, db *store.DB, limits auth.LoginLimits) *loginWorld {
	t.Helper()
	w := &loginWorld{now: time.Date(2026, 3, 2, 8, 0, 0, 0, time.UTC)}
	bus := event.New()
	event.Subscribe(bus, "test", func(_ context.Context, _ *store.Tx, e event.Security) error {
		w.mu.Lock()
		w.events = append(w.events, e)
		w.mu.Unlock()
		return nil
	})
	w.svc = auth.NewService(db, auth.Config{Params: auth.Params{Time: 1, MemKiB: 64, Threads: 1}, Login: limits,
		Now: w.clock, Units: unit.NewStore(db, nil), Bus: bus})
	err := db.InTx(t.Context(), func(tx *store.Tx) error {
		for _, name := range []string{"an.nguyen", "binh.tran"} {
			if _, err := w.svc.CreateUser(t.Context(), tx, auth.NewUser{User: auth.User{Username: name, Kind: "officer"}, Password: pw}); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return w
}

// from is a request context from client address addr.
func from(addr string) context.Context {
	return clientip.With(context.Background(), netip.MustParseAddr(addr))
}

// outcome is what a client sees of a login: status, code and Retry-After.
type outcome struct {
	status int
	code   string
	retry  time.Duration
}

func outcomeOf(err error) outcome {
	if err == nil {
		return outcome{status: 200}
	}
	var pe *problem.Error
	if !errors.As(err, &pe) {
		return outcome{status: 500, code: err.Error()}
	}
	wait, _ := problem.RetryAfter(err)
	return outcome{problem.Status(err), pe.Code, wait}
}

// parallel runs n logins at once and returns their outcomes, sorted.
func parallel(n int, login func(i int) error) []outcome {
	out := make([]outcome, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Go(func() { out[i] = outcomeOf(login(i)) })
	}
	wg.Wait()
	slices.SortFunc(out, func(a, b outcome) int {
		if a.status != b.status {
			return a.status - b.status
		}
		return int(a.retry - b.retry)
	})
	return out
}

func tally(os []outcome) map[int]int {
	m := map[int]int{}
	for _, o := range os {
		m[o.status]++
	}
	return m
}

// Issue 8, finding 2: failed_logins was read, incremented and written
// back outside a transaction, so 40 parallel wrong passwords counted 2.
func TestFailuresCountedAtomically(t *testing.T) {
	storetest.Engines(t, func(t *testing.T, db *store.DB) {
		w := newLoginWorld(t, db, auth.LoginLimits{AddrBurst: 1000, AccountBurst: 1000})
		got := parallel(40, func(int) error {
			_, _, err := w.svc.Login(from("203.0.113.9"), "an.nguyen", "sai-mat-khau")
			return err
		})
		if n := tally(got)[401]; n != 40 {
			t.Fatalf("%d of 40 wrong passwords answered 401: %v", n, got)
		}
		if n, err := w.svc.FailedLogins(t.Context(), "an.nguyen"); err != nil || n != 40 {
			t.Fatalf("failed_logins = %d (%v), want 40", n, err)
		}
		failed := w.actions("login_failed")
		if len(failed) != 40 || failed[0].ActorName != "an.nguyen" || failed[0].ActorID != 0 || failed[0].Details != "bad_password" {
			t.Fatalf("%d login_failed events, first %+v", len(failed), failed)
		}
		// A success clears the count and is recorded.
		if _, _, err := w.svc.Login(from("203.0.113.9"), "an.nguyen", pw); err != nil {
			t.Fatal(err)
		}
		if n, _ := w.svc.FailedLogins(t.Context(), "an.nguyen"); n != 0 {
			t.Fatalf("failed_logins = %d after a success", n)
		}
		if ok := w.actions("login"); len(ok) != 1 || ok[0].ActorName != "an.nguyen" || ok[0].ActorID == 0 {
			t.Fatalf("login events: %+v", ok)
		}
	})
}

// Issue 8, findings 2 and 5: parallel wrong passwords are throttled
// exactly (the account's bucket, 10), and an unknown username gets the
// very same answers as a known one (only known ones were ever locked).
func TestParallelGuessesThrottledExactlyKnownOrNot(t *testing.T) {
	storetest.Engines(t, func(t *testing.T, db *store.DB) {
		w := newLoginWorld(t, db, auth.LoginLimits{AddrBurst: 20, AddrPer: 15 * time.Second, AccountBurst: 10, AccountPer: time.Minute})
		known := parallel(40, func(int) error {
			_, _, err := w.svc.Login(from("203.0.113.9"), "an.nguyen", "sai-mat-khau")
			return err
		})
		unknown := parallel(40, func(int) error {
			_, _, err := w.svc.Login(from("198.51.100.7"), "khong.ton.tai", "sai-mat-khau")
			return err
		})
		// 20 pass the address's bucket, 10 of those the account's.
		want := map[int]int{401: 10, 429: 30}
		if got := tally(known); !equal(got, want) {
			t.Fatalf("known account: %v, want %v", got, want)
		}
		if !slices.Equal(known, unknown) {
			t.Fatalf("answers differ:\nknown   %v\nunknown %v", known, unknown)
		}
		for _, o := range known[10:] {
			if o.code != "login_throttled" || o.retry <= 0 {
				t.Fatalf("throttled answer %+v", o)
			}
		}
		if n, _ := w.svc.FailedLogins(t.Context(), "an.nguyen"); n != 10 {
			t.Fatalf("failed_logins = %d, want the 10 checked", n)
		}
		if n := len(w.actions("login_failed")); n != 20 {
			t.Fatalf("%d login_failed events, want 20", n)
		}
		// Even the right password waits: a throttled attempt is not checked.
		if _, _, err := w.svc.Login(from("192.0.2.50"), "an.nguyen", pw); outcomeOf(err).status != 429 {
			t.Fatalf("right password on a throttled account from a new address: %v", err)
		}
		// One token comes back per AccountPer.
		w.advance(time.Minute)
		if _, _, err := w.svc.Login(from("192.0.2.50"), "an.nguyen", pw); err != nil {
			t.Fatalf("a minute later: %v", err)
		}
	})
}

// Issue 8, finding 5: five wrong passwords used to lock a real account
// for 15 minutes, so anyone could lock out an officer. The owner signing
// in from an address they used before is not slowed by an attack from
// elsewhere.
func TestAttackDoesNotLockOutOwner(t *testing.T) {
	storetest.Engines(t, func(t *testing.T, db *store.DB) {
		w := newLoginWorld(t, db, auth.LoginLimits{})
		office := from("192.0.2.10")
		if _, _, err := w.svc.Login(office, "binh.tran", pw); err != nil {
			t.Fatal(err)
		}
		// An attacker from many addresses exhausts the account's bucket.
		got := parallel(100, func(i int) error {
			_, _, err := w.svc.Login(from(fmt.Sprintf("198.51.100.%d", i)), "binh.tran", "doan-mo")
			return err
		})
		if c := tally(got); c[401] != 10 || c[429] != 90 {
			t.Fatalf("attack: %v, want 10 checked, 90 throttled", c)
		}
		for range 3 {
			if _, _, err := w.svc.Login(office, "binh.tran", pw); err != nil {
				t.Fatalf("owner from the office during the attack: %v", err)
			}
		}
		// The owner's own typo from the office counts only against the
		// office's bucket for the account.
		if _, _, err := w.svc.Login(office, "binh.tran", "go-nham"); outcomeOf(err).status != 401 {
			t.Fatalf("owner's typo: %v", err)
		}
	})
}

// Issue 8: spraying one password over many accounts from one address is
// slowed by the address's bucket, whichever accounts exist.
func TestAddressBucket(t *testing.T) {
	storetest.Engines(t, func(t *testing.T, db *store.DB) {
		w := newLoginWorld(t, db, auth.LoginLimits{AddrBurst: 5, AddrPer: time.Minute})
		var got []outcome
		for i := range 8 {
			name := []string{"an.nguyen", "binh.tran"}[i%2]
			if i >= 4 {
				name = fmt.Sprint("nguoi", i)
			}
			_, _, err := w.svc.Login(from("2001:db8:1:2::7"), name, "123456")
			got = append(got, outcomeOf(err))
		}
		for i, o := range got {
			if want := map[bool]int{true: 401, false: 429}[i < 5]; o.status != want {
				t.Fatalf("attempt %d: %+v, want %d", i+1, o, want)
			}
		}
		// Another address of the same /64 is the same subscriber.
		if _, _, err := w.svc.Login(from("2001:db8:1:2::99"), "an.nguyen", pw); outcomeOf(err).status != 429 {
			t.Fatalf("same /64: %v", err)
		}
		if _, _, err := w.svc.Login(from("2001:db8:1:3::7"), "an.nguyen", pw); err != nil {
			t.Fatalf("another /64: %v", err)
		}
		// Successes do not use up the address: an office behind one NAT
		// signs everyone in.
		for range 20 {
			if _, _, err := w.svc.Login(from("192.0.2.1"), "binh.tran", pw); err != nil {
				t.Fatal(err)
			}
		}
	})
}

// Token issue and revoke are recorded in the audit log's event.
func TestTokenEvents(t *testing.T) {
	storetest.Engines(t, func(t *testing.T, db *store.DB) {
		w := newLoginWorld(t, db, auth.LoginLimits{})
		tok, _, err := w.svc.IssueToken(from("192.0.2.1"), "an.nguyen", pw, "")
		if err != nil {
			t.Fatal(err)
		}
		if e := w.actions("token_issued"); len(e) != 1 || e[0].ActorName != "an.nguyen" || e[0].Object != "user:an.nguyen" {
			t.Fatalf("token_issued: %+v", e)
		}
		if err := w.svc.Revoke(t.Context(), tok); err != nil {
			t.Fatal(err)
		}
		if err := w.svc.Revoke(t.Context(), tok); err != nil { // already revoked: nothing more to record
			t.Fatal(err)
		}
		if e := w.actions("token_revoked"); len(e) != 1 || e[0].ActorName != "an.nguyen" || e[0].ActorID == 0 {
			t.Fatalf("token_revoked: %+v", e)
		}
		if _, err := w.svc.Authenticate(t.Context(), tok); err == nil {
			t.Fatal("revoked token still works")
		}
	})
}

func equal(a, b map[int]int) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		if b[k] != v {
			return false
		}
	}
	return true
}
