package outbox_test

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/motcua/motcua/outbox"
	"github.com/motcua/motcua/store"
	"github.com/motcua/motcua/store/storetest"
)

// The tests run the worker on a table of their own, shaped as every
// module's outbox is, on both engines.

// clock is the time the tests move, to the millisecond (the columns').
type clock struct{ ms atomic.Int64 }

func (c *clock) Now() time.Time      { return time.UnixMilli(c.ms.Load()) }
func (c *clock) Add(d time.Duration) { c.ms.Add(d.Milliseconds()) }

var quiet = slog.New(slog.NewTextHandler(io.Discard, nil))

// msg is a row as the test's module sends it.
type msg struct {
	ID   int64
	Body string
}

func newTable(t *testing.T, db *store.DB) {
	t.Helper()
	id := `id INTEGER PRIMARY KEY`
	if db.Dialect == store.Postgres {
		id = `id BIGSERIAL PRIMARY KEY`
	}
	if _, err := db.ExecContext(context.Background(), `CREATE TABLE test_outbox (`+id+`,
		body TEXT NOT NULL, status TEXT NOT NULL, attempts BIGINT NOT NULL DEFAULT 0,
		next_attempt_at BIGINT NOT NULL, last_error TEXT NOT NULL DEFAULT '',
		locked_by TEXT NOT NULL DEFAULT '', locked_until BIGINT NOT NULL DEFAULT 0,
		created_at BIGINT NOT NULL, sent_at BIGINT)`); err != nil {
		t.Fatal(err)
	}
}

// setup makes the table and writes rows with the given bodies, due at
// the clock's start.
func setup(t *testing.T, db *store.DB, bodies ...string) *clock {
	t.Helper()
	newTable(t, db)
	c := &clock{}
	c.ms.Store(time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC).UnixMilli())
	add(t, db, c.Now(), bodies...)
	return c
}

func add(t *testing.T, db *store.DB, at time.Time, bodies ...string) {
	t.Helper()
	for _, b := range bodies {
		if _, err := db.ExecContext(context.Background(), `INSERT INTO test_outbox (body, status, next_attempt_at, created_at)
			VALUES (?, 'pending', ?, ?)`, b, at.UnixMilli(), at.UnixMilli()); err != nil {
			t.Fatal(err)
		}
	}
}

// state is one row as stored.
type state struct {
	Status, LockedBy, LastError string
	Attempts                    int
	Next                        int64
}

func rowOf(t *testing.T, db *store.DB, body string) state {
	t.Helper()
	var s state
	if err := db.QueryRowContext(context.Background(), `SELECT status, locked_by, last_error, attempts, next_attempt_at
		FROM test_outbox WHERE body = ?`, body).Scan(&s.Status, &s.LockedBy, &s.LastError, &s.Attempts, &s.Next); err != nil {
		t.Fatal(err)
	}
	return s
}

func worker(db *store.DB, id string, cfg outbox.Config, send func(context.Context, msg) error) *outbox.Worker[msg] {
	cfg.ID, cfg.Log = id, quiet
	cfg = cfg.Defaults(outbox.Config{Batch: 10, Poll: 10 * time.Millisecond, Lease: time.Minute,
		SendTimeout: 10 * time.Second, Backoff: time.Minute, MaxBackoff: time.Hour})
	return outbox.New(db, outbox.Spec[msg]{
		Name:    "test",
		Table:   "test_outbox",
		Columns: "body",
		Scan: func(r *outbox.Row, scan func(...any) error) (msg, error) {
			var m msg
			err := scan(&m.Body)
			m.ID = r.ID
			return m, err
		},
		Send: send,
	}, cfg)
}

func TestAnExpiredLeaseIsTakenByAnotherWorker(t *testing.T) {
	storetest.Engines(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		c := setup(t, db, "a")
		var got []string
		var mu sync.Mutex
		sent := func(who string) func(context.Context, msg) error {
			return func(_ context.Context, m msg) error {
				mu.Lock()
				got = append(got, who+":"+m.Body)
				mu.Unlock()
				return nil
			}
		}
		cfg := outbox.Config{Now: c.Now}

		// A claims the row and dies before sending it.
		a := worker(db, "A", cfg, sent("A"))
		a.Crash(func(stage string, _ msg) bool { return stage == "before-send" })
		if n, err := a.RunOnce(ctx); n != 1 || !errors.Is(err, outbox.ErrCrashed) {
			t.Fatalf("A: claimed %d, %v", n, err)
		}
		if s := rowOf(t, db, "a"); s.Status != "sending" || s.LockedBy != "A" || s.Attempts != 1 {
			t.Fatalf("after A's crash: %+v", s)
		}

		// While A's lease runs, B finds nothing to do.
		b := worker(db, "B", cfg, sent("B"))
		c.Add(59 * time.Second)
		if n, err := b.RunOnce(ctx); n != 0 || err != nil {
			t.Fatalf("B within A's lease: claimed %d, %v", n, err)
		}
		// Once it ran out, B takes the row and sends it.
		c.Add(time.Second)
		if n, err := b.RunOnce(ctx); n != 1 || err != nil {
			t.Fatalf("B after A's lease: claimed %d, %v", n, err)
		}
		if s := rowOf(t, db, "a"); s.Status != "sent" || s.LockedBy != "" || s.Attempts != 2 {
			t.Fatalf("after B: %+v", s)
		}
		if fmt.Sprint(got) != "[B:a]" {
			t.Fatalf("sends: %v", got)
		}
	})
}

// A worker stalled past its lease does not overwrite the outcome of the
// worker that took the row over.
func TestALostLeaseRecordsNothing(t *testing.T) {
	storetest.Engines(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		c := setup(t, db, "a")
		cfg := outbox.Config{Now: c.Now}
		b := worker(db, "B", cfg, func(context.Context, msg) error { return nil })
		a := worker(db, "A", cfg, func(ctx context.Context, m msg) error {
			// A stalls past its lease; B takes the row and sends it.
			c.Add(2 * time.Minute)
			if n, err := b.RunOnce(ctx); n != 1 || err != nil {
				t.Errorf("B: claimed %d, %v", n, err)
			}
			return errors.New("A's send failed late")
		})
		if n, err := a.RunOnce(ctx); n != 1 || err != nil {
			t.Fatalf("A: claimed %d, %v", n, err)
		}
		if s := rowOf(t, db, "a"); s.Status != "sent" || s.LastError != "" {
			t.Fatalf("A's late failure overwrote B's send: %+v", s)
		}
	})
}

func TestConcurrentWorkersNeverSendOneRowTwice(t *testing.T) {
	storetest.Engines(t, func(t *testing.T, db *store.DB) {
		newTable(t, db)
		const rows, workers, batch = 120, 4, 7
		now := time.Now()
		for i := range rows {
			add(t, db, now, fmt.Sprintf("m%03d", i))
		}
		var mu sync.Mutex
		sends := map[int64][]string{}
		var wg sync.WaitGroup
		for i := range workers {
			id := fmt.Sprintf("w%d", i)
			w := worker(db, id, outbox.Config{Batch: batch}, func(_ context.Context, m msg) error {
				mu.Lock()
				sends[m.ID] = append(sends[m.ID], id)
				mu.Unlock()
				time.Sleep(time.Millisecond) // let the others claim meanwhile
				return nil
			})
			wg.Add(1)
			go func() {
				defer wg.Done()
				for {
					n, err := w.RunOnce(context.Background())
					if n > batch {
						t.Errorf("%s claimed %d rows at once, more than a batch", id, n)
					}
					if err != nil {
						t.Errorf("%s: %v", id, err)
						return
					}
					if n == 0 {
						return
					}
				}
			}()
		}
		wg.Wait()
		by := map[string]int{}
		for id, who := range sends {
			if len(who) != 1 {
				t.Errorf("row %d sent %d times, by %v", id, len(who), who)
			}
			by[who[0]]++
		}
		if len(sends) != rows {
			t.Errorf("%d rows sent, want %d", len(sends), rows)
		}
		var left int
		if err := db.QueryRowContext(context.Background(), `SELECT COUNT(*) FROM test_outbox WHERE status <> 'sent'`).Scan(&left); err != nil {
			t.Fatal(err)
		}
		if left != 0 {
			t.Errorf("%d rows not marked sent", left)
		}
		t.Logf("rows sent per worker: %v", by)
	})
}

func TestRetriesBackOffThenGiveUp(t *testing.T) {
	storetest.Engines(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		c := setup(t, db, "flaky", "refused")
		w := worker(db, "w", outbox.Config{Now: c.Now, MaxAttempts: 4, Backoff: time.Minute, MaxBackoff: 3 * time.Minute},
			func(_ context.Context, m msg) error {
				if m.Body == "refused" {
					return outbox.Permanent(errors.New("no such address"))
				}
				return errors.New("relay down")
			})
		// Each delay is a random half-or-more of 1m, 2m, then the 3m cap.
		for i, full := range []time.Duration{time.Minute, 2 * time.Minute, 3 * time.Minute} {
			if _, err := w.RunOnce(ctx); err != nil {
				t.Fatal(err)
			}
			s := rowOf(t, db, "flaky")
			delay := time.Duration(s.Next-c.Now().UnixMilli()) * time.Millisecond
			if s.Status != "pending" || s.Attempts != i+1 || delay < full/2 || delay > full || s.LastError != "relay down" {
				t.Fatalf("after attempt %d: %+v, delay %v (want %v–%v)", i+1, s, delay, full/2, full)
			}
			if i == 0 {
				if r := rowOf(t, db, "refused"); r.Status != "failed" || r.Attempts != 1 || r.LastError != "no such address" {
					t.Fatalf("a permanent error is not retried: %+v", r)
				}
			}
			c.Add(full)
		}
		if _, err := w.RunOnce(ctx); err != nil {
			t.Fatal(err)
		}
		if s := rowOf(t, db, "flaky"); s.Status != "failed" || s.Attempts != 4 {
			t.Fatalf("after the last attempt: %+v", s)
		}
	})
}

// An ordered outbox's worker does not start a send its lease could not
// cover; the row goes back, its attempt not counted.
func TestWithinLeaseReleasesWhatTheLeaseCannotCover(t *testing.T) {
	storetest.Engines(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		c := setup(t, db, "first", "second")
		var sent []string
		w := worker(db, "w", outbox.Config{Now: c.Now, Lease: time.Minute, SendTimeout: 20 * time.Second, WithinLease: true},
			func(_ context.Context, m msg) error {
				sent = append(sent, m.Body)
				c.Add(45 * time.Second) // a slow send
				return nil
			})
		if n, err := w.RunOnce(ctx); n != 2 || err != nil {
			t.Fatalf("claimed %d, %v", n, err)
		}
		if fmt.Sprint(sent) != "[first]" {
			t.Fatalf("sent %v", sent)
		}
		if s := rowOf(t, db, "second"); s.Status != "pending" || s.Attempts != 0 || s.LockedBy != "" {
			t.Fatalf("the row not sent: %+v", s)
		}
	})
}

// A worker told to stop while a send is under way lets that send finish
// and records it as sent, then releases the rows it had not begun: had
// the send been cut off, the receiver might have taken it with the
// outcome unknown, and the next start would send it again.
func TestStoppingFinishesTheSendInFlight(t *testing.T) {
	storetest.Engines(t, func(t *testing.T, db *store.DB) {
		c := setup(t, db, "a", "b")
		ctx, stop := context.WithCancel(context.Background())
		began := make(chan struct{})
		var sendCtxErr error
		w := worker(db, "W", outbox.Config{Now: c.Now}, func(sctx context.Context, m msg) error {
			if m.Body != "a" {
				t.Errorf("sent %q after the stop", m.Body)
				return nil
			}
			close(began)
			stop() // the worker is told to stop now, mid-send
			time.Sleep(20 * time.Millisecond)
			sendCtxErr = sctx.Err()
			return nil
		})
		n, err := w.RunOnce(ctx)
		if n != 2 || !errors.Is(err, context.Canceled) {
			t.Fatalf("RunOnce: claimed %d, %v; want 2, canceled", n, err)
		}
		<-began
		if sendCtxErr != nil {
			t.Errorf("the send's context ended with the worker's: %v", sendCtxErr)
		}
		if s := rowOf(t, db, "a"); s.Status != "sent" || s.Attempts != 1 {
			t.Errorf("a (in flight at the stop): %+v, want sent after 1 attempt", s)
		}
		if s := rowOf(t, db, "b"); s.Status != "pending" || s.Attempts != 0 || s.LockedBy != "" {
			t.Errorf("b (not begun): %+v, want pending, attempt not counted, unleased", s)
		}
	})
}
