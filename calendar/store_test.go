package calendar_test

import (
	"bytes"
	"context"
	"errors"
	"log/slog"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/motcua/motcua/auth"
	"github.com/motcua/motcua/calendar"
	"github.com/motcua/motcua/event"
	"github.com/motcua/motcua/problem"
	"github.com/motcua/motcua/store"
	"github.com/motcua/motcua/store/storetest"
)

// storm is an admin's day off for a storm: Tuesday 3 March 2026 is
// otherwise an ordinary working day.
var storm = calendar.Announcement{Date: "2026-03-03", Kind: calendar.AnnounceOff, Name: "Nghỉ do bão (UBND tỉnh)"}

var stormDay = time.Date(2026, 3, 3, 9, 0, 0, 0, calendar.Zone)

// province lets the actors it names announce, as unit.Store.AtProvince
// does for the province's admins.
type province map[string]bool

func (p province) AtProvince(ctx context.Context, a *auth.Actor, r auth.Right) error {
	if r == auth.Announce && p[a.Username] {
		return nil
	}
	return problem.Forbidden("province_admin_only")
}

// Provinces: the tests' tree has one province, id 1.
func (p province) Provinces(ctx context.Context) ([]int64, error) { return []int64{1}, nil }

var (
	tinh   = &auth.Actor{User: auth.User{ID: 1, Username: "tinh.quantri"}}
	xa     = &auth.Actor{User: auth.User{ID: 2, Username: "xa.quantri"}}
	anyone = province{"tinh.quantri": true}
)

// TestStoreAddTakesEffectAtOnce: the instance where an admin adds a day
// off uses it for the next deadline; another instance picks it up on its
// next refresh, and until then keeps answering from memory.
func TestStoreAddTakesEffectAtOnce(t *testing.T) {
	storetest.Engines(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		stamp := time.Date(2026, 3, 2, 8, 0, 0, 0, calendar.Zone)
		here, err := calendar.NewStore(ctx, db, calendar.StoreConfig{Now: func() time.Time { return stamp }, Province: anyone})
		if err != nil {
			t.Fatal(err)
		}
		there, err := calendar.NewStore(ctx, db, calendar.StoreConfig{})
		if err != nil {
			t.Fatal(err)
		}
		if !here.Current().IsWorkingDay(stormDay) {
			t.Fatal("3 March 2026 is off before any announcement")
		}

		if err := here.Add(ctx, tinh, calendar.Announcement{Date: storm.Date, Kind: "nope", Name: "x"}); !errors.Is(err, problem.ErrInvalid) {
			t.Fatalf("invalid kind: got %v, want an invalid problem", err)
		}
		if err := here.Add(ctx, tinh, storm); err != nil {
			t.Fatal(err)
		}
		if here.Current().IsWorkingDay(stormDay) {
			t.Fatal("the instance that added the day off does not use it")
		}
		if got := here.AddWorking(stamp, 8*time.Hour); got.Day() != 4 {
			t.Fatalf("one working day from Monday 08:00: %v, want Wednesday 4 March", got)
		}
		as, err := here.Announcements(ctx)
		if err != nil || len(as) != 1 || as[0].Name != storm.Name {
			t.Fatalf("stored: %+v, %v", as, err)
		}
		var at int64
		if err := db.QueryRowContext(ctx, `SELECT created_at FROM calendar_announcements`).Scan(&at); err != nil || at != stamp.UnixMilli() {
			t.Fatalf("created_at %d (%v), want the injected clock's %d", at, err, stamp.UnixMilli())
		}

		if !there.Current().IsWorkingDay(stormDay) {
			t.Fatal("the other instance read the database during a lookup")
		}
		if err := there.Refresh(ctx); err != nil {
			t.Fatal(err)
		}
		if there.Current().IsWorkingDay(stormDay) {
			t.Fatal("the other instance does not see the day off after a refresh")
		}
	})
}

// TestStoreWithdraw: only the province announces (issue 8, finding 1: a
// commune admin declared a province-wide day off); a withdrawn
// announcement stops counting at once, as an added one starts at once,
// and both acts reach the audit log as event.Security.
func TestStoreWithdraw(t *testing.T) {
	storetest.Engines(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		bus := event.New()
		var seen []event.Security
		event.Subscribe(bus, "test", func(ctx context.Context, tx *store.Tx, e event.Security) error {
			seen = append(seen, e)
			return nil
		})
		s, err := calendar.NewStore(ctx, db, calendar.StoreConfig{Province: anyone, Bus: bus})
		if err != nil {
			t.Fatal(err)
		}
		if err := s.Add(ctx, xa, storm); !errors.Is(err, problem.ErrForbidden) {
			t.Fatalf("a commune admin announced: %v", err)
		}
		if err := s.Add(ctx, tinh, storm); err != nil {
			t.Fatal(err)
		}
		if err := s.Withdraw(ctx, xa, storm.Date); !errors.Is(err, problem.ErrForbidden) {
			t.Fatalf("a commune admin withdrew: %v", err)
		}
		if err := s.Withdraw(ctx, tinh, "2026-03-04"); !errors.Is(err, problem.ErrNotFound) {
			t.Fatalf("withdrawing nothing: %v", err)
		}
		if err := s.Withdraw(ctx, tinh, storm.Date); err != nil {
			t.Fatal(err)
		}
		if !s.Current().IsWorkingDay(stormDay) {
			t.Fatal("the withdrawn day off still counts")
		}
		if as, _ := s.Announcements(ctx); len(as) != 0 {
			t.Fatalf("left after withdrawal: %+v", as)
		}
		if len(seen) != 2 || seen[0].Action != "announcement_added" || seen[1].Action != "announcement_withdrawn" ||
			seen[1].Object != "announcement:2026-03-03" || seen[1].ActorID != tinh.ID {
			t.Fatalf("security events: %+v", seen)
		}
		none, err := calendar.NewStore(ctx, db, calendar.StoreConfig{})
		if err != nil {
			t.Fatal(err)
		}
		if err := none.Add(ctx, tinh, storm); !errors.Is(err, problem.ErrForbidden) {
			t.Fatalf("a store without a province check announced: %v", err)
		}
	})
}

// TestStoreRefreshFailureKeepsLastGood: when the database cannot be read,
// the periodic refresh logs it and deadlines keep the calendar in force.
func TestStoreRefreshFailureKeepsLastGood(t *testing.T) {
	storetest.Engines(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		var log syncBuffer
		s, err := calendar.NewStore(ctx, db, calendar.StoreConfig{
			Log: slog.New(slog.NewTextHandler(&log, nil)), Refresh: 5 * time.Millisecond, Province: anyone,
		})
		if err != nil {
			t.Fatal(err)
		}
		if err := s.Add(ctx, tinh, storm); err != nil {
			t.Fatal(err)
		}
		// The table going away stands for any read failure.
		if _, err := db.ExecContext(ctx, `DROP TABLE calendar_announcements`); err != nil {
			t.Fatal(err)
		}
		if err := s.Refresh(ctx); err == nil {
			t.Fatal("refresh without the table succeeded")
		}
		if s.Current().IsWorkingDay(stormDay) {
			t.Fatal("a failed refresh dropped the stored day off")
		}

		runCtx, stop := context.WithCancel(ctx)
		done := make(chan struct{})
		go func() { s.Run(runCtx); close(done) }()
		deadline := time.Now().Add(10 * time.Second)
		for !strings.Contains(log.String(), "calendar refresh failed") {
			if time.Now().After(deadline) {
				stop()
				t.Fatalf("no refresh failure logged; log: %q", log.String())
			}
			time.Sleep(5 * time.Millisecond)
		}
		stop()
		<-done
		if s.Current().IsWorkingDay(stormDay) {
			t.Fatal("the refresher dropped the last good calendar")
		}
	})
}

// TestNewStoreFailsWithoutItsTable: at start-up there is no last good
// calendar to keep, so a read failure stops the server instead.
func TestNewStoreFailsWithoutItsTable(t *testing.T) {
	db := storetest.Open(t, "sqlite")
	ctx := context.Background()
	if _, err := db.ExecContext(ctx, `DROP TABLE calendar_announcements`); err != nil {
		t.Fatal(err)
	}
	if _, err := calendar.NewStore(ctx, db, calendar.StoreConfig{}); err == nil {
		t.Fatal("NewStore without its table succeeded")
	}
}

// syncBuffer is a log destination the refresher and the test share.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// TestStoreLatenessRuleOfServedProvince (issue 10): the rule in force is
// the one of the province the deployment serves; a rule for any other
// province is refused instead of stored to no effect (before, the last
// rule set for any province won), and with the end-of-day rule a
// deadline in days is the close of its last working day, so form 01
// shows the moment after which the dossier is late.
func TestStoreLatenessRuleOfServedProvince(t *testing.T) {
	storetest.Engines(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		s, err := calendar.NewStore(ctx, db, calendar.StoreConfig{Province: anyone})
		if err != nil {
			t.Fatal(err)
		}
		admin := &auth.Actor{User: tinh.User, Grants: []auth.Grant{{UnitID: 1, Role: auth.Admin}, {UnitID: 2, Role: auth.Admin}}}
		if err := s.SetDueEndOfDay(ctx, admin, 2, true); !errors.Is(err, problem.ErrState) {
			t.Fatalf("a rule for a province not served: %v", err)
		}
		if s.DueEndOfDay() {
			t.Fatal("the refused rule is in force")
		}
		if err := s.SetDueEndOfDay(ctx, admin, 1, true); err != nil {
			t.Fatal(err)
		}
		if !s.DueEndOfDay() || s.Served() != 1 {
			t.Fatalf("rule in force %v for province %d", s.DueEndOfDay(), s.Served())
		}
		received := time.Date(2026, 3, 2, 10, 0, 0, 0, calendar.Zone) // Monday
		due, err := s.Due(received, calendar.UnitDay, 3)
		if want := time.Date(2026, 3, 5, 17, 0, 0, 0, calendar.Zone); err != nil || !due.Equal(want) {
			t.Fatalf("3 days from Monday 10:00 under the end-of-day rule: %v %v, want %v", due, err, want)
		}
		other, err := calendar.NewStore(ctx, db, calendar.StoreConfig{Province: anyone})
		if err != nil || !other.DueEndOfDay() {
			t.Fatalf("another instance reads the rule: %v %v", other.DueEndOfDay(), err)
		}
		if err := s.SetDueEndOfDay(ctx, admin, 1, false); err != nil {
			t.Fatal(err)
		}
		if due, _ := s.Due(received, calendar.UnitDay, 3); !due.Equal(time.Date(2026, 3, 5, 10, 0, 0, 0, calendar.Zone)) {
			t.Fatalf("to the minute: %v", due)
		}
	})
}
