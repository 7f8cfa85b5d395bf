package notify_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/motcua/motcua/notify"
	"github.com/motcua/motcua/store"
	"github.com/motcua/motcua/store/storetest"
)

// TestRetryWithBackoff: the relay answers 451 twice, then accepts. Each
// failure pushes the next attempt out (doubling, with jitter); the message
// arrives once, on the third attempt.
func TestRetryWithBackoff(t *testing.T) {
	storetest.Engines(t, func(t *testing.T, db *store.DB) {
		f := newFixture(t, db)
		f.send("retry", notify.Recipient{Email: "an@example.vn"})
		f.smtp.FailNext(451, 451)
		w := f.worker("w1")

		for attempt, wait := range []time.Duration{time.Minute, 2 * time.Minute} {
			start := f.clock.Now()
			if n := runOnce(t, w); n != 1 {
				t.Fatalf("attempt %d claimed %d rows", attempt+1, n)
			}
			r := f.row(notify.Email)
			if r.Status != "pending" || r.Attempts != attempt+1 || !strings.Contains(r.LastErr, "451") {
				t.Fatalf("after a 451: %+v", r)
			}
			// Equal jitter: between half the delay and the whole of it.
			if d := r.Next.Sub(start); d < wait/2 || d > wait {
				t.Fatalf("attempt %d: next try in %v, want %v–%v", attempt+1, d, wait/2, wait)
			}
			if n := runOnce(t, w); n != 0 {
				t.Fatalf("retried before its time: claimed %d", n)
			}
			f.clock.Add(wait)
		}
		if n := runOnce(t, w); n != 1 {
			t.Fatalf("third attempt claimed %d", n)
		}
		if r := f.row(notify.Email); r.Status != "sent" || r.Attempts != 3 || r.LastErr != "" {
			t.Fatalf("after acceptance: %+v", r)
		}
		if got := len(f.smtp.Mails()); got != 1 {
			t.Fatalf("the server accepted %d messages, want 1", got)
		}
	})
}

// TestCrashAfterSendBeforeMark kills the worker between the remote side
// accepting a message and the outbox recording it. A new worker resends
// it once the lease runs out: nothing is lost, and the repeat carries the
// same identity, so what the recipient sees is one message.
func TestCrashAfterSendBeforeMark(t *testing.T) {
	for _, ch := range []notify.Channel{notify.Email, notify.SMS} {
		t.Run(string(ch), func(t *testing.T) {
			storetest.Engines(t, func(t *testing.T, db *store.DB) {
				f := newFixture(t, db)
				f.send("crash", applicant) // one e-mail row, one SMS row
				dying := f.worker("dying")
				notify.CrashAt(dying, "after-send", func(m notify.Message) bool { return m.Channel == ch })
				if _, err := dying.RunOnce(context.Background()); !errors.Is(err, notify.ErrCrashed) {
					t.Fatalf("worker did not crash: %v", err)
				}
				if r := f.row(ch); r.Status != "sending" {
					t.Fatalf("crashed row: %+v, want still leased", r)
				}

				restarted := f.worker("restarted")
				if n := runOnce(t, restarted); n != 0 {
					t.Fatalf("took %d rows still leased to the dead worker", n)
				}
				f.clock.Add(5*time.Minute + time.Second) // the lease runs out
				runOnce(t, restarted)
				if f.count(`status <> 'sent'`) != 0 {
					t.Fatal("rows left unsent after the restart")
				}

				switch ch {
				case notify.Email:
					all, unique := f.smtp.Mails(), f.smtp.Unique()
					if len(all) != 2 || len(unique) != 1 {
						t.Fatalf("server received %d copies, %d distinct; want 2 copies of 1 message", len(all), len(unique))
					}
					if all[0].MessageID != all[1].MessageID || all[0].Header.Get("Date") != all[1].Header.Get("Date") {
						t.Fatalf("the repeat is not the same message: %q %q", all[0].MessageID, all[1].MessageID)
					}
					if !strings.HasPrefix(all[0].MessageID, "<outbox-") || !strings.HasSuffix(all[0].MessageID, "@gialam.example.vn>") {
						t.Fatalf("Message-ID %q", all[0].MessageID)
					}
					if n := len(f.sms.Delivered()); n != 1 {
						t.Fatalf("%d SMS delivered, want 1", n)
					}
				case notify.SMS:
					if f.sms.Requests() != 2 || len(f.sms.Delivered()) != 1 {
						t.Fatalf("gateway got %d requests and delivered %d; want 2 and 1", f.sms.Requests(), len(f.sms.Delivered()))
					}
					if n := len(f.smtp.Mails()); n != 1 {
						t.Fatalf("%d e-mails, want 1", n)
					}
				}
			})
		})
	}
}

// TestCrashBeforeSend kills the worker after it leased the rows and
// before it sent anything: after a restart everything goes out, once.
func TestCrashBeforeSend(t *testing.T) {
	storetest.Engines(t, func(t *testing.T, db *store.DB) {
		f := newFixture(t, db)
		f.send("crash-early", applicant)
		dying := f.worker("dying")
		notify.CrashAt(dying, "before-send", func(notify.Message) bool { return true })
		if _, err := dying.RunOnce(context.Background()); !errors.Is(err, notify.ErrCrashed) {
			t.Fatalf("worker did not crash: %v", err)
		}
		if len(f.smtp.Mails()) != 0 || f.sms.Requests() != 0 {
			t.Fatal("something was sent before the crash")
		}
		f.clock.Add(6 * time.Minute)
		if n := runOnce(t, f.worker("restarted")); n != 2 {
			t.Fatalf("restarted worker claimed %d rows, want 2", n)
		}
		if len(f.smtp.Mails()) != 1 || f.sms.Requests() != 1 || len(f.sms.Delivered()) != 1 {
			t.Fatalf("after restart: %d e-mails, %d SMS requests; want 1 and 1", len(f.smtp.Mails()), f.sms.Requests())
		}
		if f.count(`status = 'sent' AND attempts = 2`) != 2 {
			t.Fatal("rows not sent, or the crashed attempt not counted")
		}
	})
}

// countingSender records every send, to catch a row sent twice.
type countingSender struct {
	mu   sync.Mutex
	sent map[int64]int
}

func (c *countingSender) Send(_ context.Context, m notify.Message) error {
	time.Sleep(time.Millisecond) // long enough for the other workers to try the same rows
	c.mu.Lock()
	c.sent[m.ID]++
	c.mu.Unlock()
	return nil
}

// TestWorkersNeverShareARow: several workers drain one outbox at once;
// the leases (FOR UPDATE SKIP LOCKED on PostgreSQL) give each row to one.
func TestWorkersNeverShareARow(t *testing.T) {
	storetest.Engines(t, func(t *testing.T, db *store.DB) {
		f := newFixture(t, db)
		const rows = 120
		for i := range rows {
			f.send(fmt.Sprint("bulk-", i), notify.Recipient{Email: fmt.Sprintf("p%d@example.vn", i)})
		}
		sender := &countingSender{sent: map[int64]int{}}
		var wg sync.WaitGroup
		claimed := make([]int, 4)
		for i := range claimed {
			w := notify.NewWorker(db, f.svc, notify.Senders{Email: sender}, notify.WorkerConfig{
				ID: fmt.Sprint("w", i), Batch: 5, Now: f.clock.Now, Log: quiet})
			wg.Go(func() {
				for idle := 0; idle < 3; {
					n, err := w.RunOnce(context.Background())
					if err != nil {
						t.Error(err)
						return
					}
					claimed[i] += n
					if n == 0 {
						idle++
					}
				}
			})
		}
		wg.Wait()
		for id, n := range sender.sent {
			if n != 1 {
				t.Errorf("row %d sent %d times", id, n)
			}
		}
		if len(sender.sent) != rows || f.count(`status = 'sent'`) != rows {
			t.Fatalf("%d rows sent, %d marked sent; want %d", len(sender.sent), f.count(`status = 'sent'`), rows)
		}
		t.Logf("rows claimed per worker: %v", claimed)
	})
}

// TestFailures: a refused address is not retried; a relay that keeps
// failing is given up on after MaxAttempts. Both end as failed rows.
func TestFailures(t *testing.T) {
	storetest.Engines(t, func(t *testing.T, db *store.DB) {
		f := newFixture(t, db)
		w := f.worker("w", func(c *notify.WorkerConfig) { c.MaxAttempts = 2 })

		f.send("refused", notify.Recipient{Email: "nobody@example.vn"})
		f.smtp.FailNext(550)
		runOnce(t, w)
		if r := f.row(notify.Email); r.Status != "failed" || r.Attempts != 1 || !strings.Contains(r.LastErr, "550") {
			t.Fatalf("after 550: %+v", r)
		}

		f.send("flaky", notify.Recipient{Email: "an@example.vn"})
		f.smtp.FailNext(421, 421, 421)
		runOnce(t, w)
		f.clock.Add(time.Hour)
		runOnce(t, w)
		if r := f.row(notify.Email); r.Status != "failed" || r.Attempts != 2 || !strings.Contains(r.LastErr, "421") {
			t.Fatalf("after two 421s with MaxAttempts 2: %+v", r)
		}
		f.clock.Add(time.Hour)
		if n := runOnce(t, w); n != 0 {
			t.Fatalf("a failed row was claimed again (%d)", n)
		}
	})
}

// TestUnconfiguredChannelWaits: with no SMTP relay, e-mail is not dropped:
// it waits, saying why, and goes out from a worker that has a relay.
func TestUnconfiguredChannelWaits(t *testing.T) {
	storetest.Engines(t, func(t *testing.T, db *store.DB) {
		f := newFixture(t, db)
		f.send("wait", notify.Recipient{Email: "an@example.vn"})
		bare := notify.NewWorker(db, f.svc, notify.Senders{}, notify.WorkerConfig{Now: f.clock.Now, Log: quiet})
		if n := runOnce(t, bare); n != 0 {
			t.Fatalf("claimed %d rows without a sender", n)
		}
		if r := f.row(notify.Email); r.Status != "pending" || r.Attempts != 0 || !strings.Contains(r.LastErr, "--smtp-addr") {
			t.Fatalf("waiting e-mail: %+v", r)
		}
		runOnce(t, f.worker("with-smtp"))
		if r := f.row(notify.Email); r.Status != "sent" || len(f.smtp.Mails()) != 1 {
			t.Fatalf("e-mail not sent once a relay is there: %+v", r)
		}
	})
}

// TestSendIsIdempotent: the same event written twice (a retried job, two
// instances) is one row per channel.
func TestSendIsIdempotent(t *testing.T) {
	storetest.Engines(t, func(t *testing.T, db *store.DB) {
		f := newFixture(t, db)
		f.send("same", applicant)
		f.send("same", applicant)
		if n := f.count(`1 = 1`); n != 2 {
			t.Fatalf("%d rows, want 2 (e-mail and SMS)", n)
		}
	})
}

// TestRunSendsUntilStopped: Run, as motcua serve runs it, sends what
// arrives and returns when its context ends.
func TestRunSendsUntilStopped(t *testing.T) {
	f := newFixture(t, storetest.Open(t, "sqlite"))
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	w := f.worker("serve", func(c *notify.WorkerConfig) { c.Poll = 10 * time.Millisecond })
	go func() { w.Run(ctx); close(done) }()
	f.send("live", applicant)
	for deadline := time.Now().Add(5 * time.Second); f.count(`status = 'sent'`) < 2; {
		if time.Now().After(deadline) {
			t.Fatal("Run did not send within 5 s")
		}
		time.Sleep(10 * time.Millisecond)
	}
	cancel()
	select {
	case <-done:
	case <-time.After(5 * time.Second):
		t.Fatal("Run did not return after its context ended")
	}
}
