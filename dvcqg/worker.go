package dvcqg

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	mrand "math/rand/v2"
	"os"
	"time"

	"github.com/motcua/motcua/store"
)

// Call is one outbox row as the portal receives it.
type Call struct {
	ID        int64
	DossierID int64
	Seq       int64
	Service   string
	// Key is the dedupe key (IdDongBo, "<MaHoSo>/<seq>"): the same call
	// sent twice carries the same key and the portal keeps it once.
	Key string
	// Data is the one item of the request's data list.
	Data     json.RawMessage
	attempts int
}

// Pusher sends one call to the portal. An error wrapped with Permanent is
// not retried; any other is, with backoff.
type Pusher interface {
	Push(ctx context.Context, c Call) error
}

type permanent struct{ err error }

func (p permanent) Error() string { return p.err.Error() }
func (p permanent) Unwrap() error { return p.err }

// Permanent marks err as one that retrying cannot fix (the portal refused
// the content).
func Permanent(err error) error { return permanent{err} }

// IsPermanent reports whether err was marked with Permanent.
func IsPermanent(err error) bool { return errors.As(err, new(permanent)) }

// WorkerConfig tunes a Worker; zero fields take the defaults shown.
type WorkerConfig struct {
	ID          string        // lease owner; default host-pid-random
	Batch       int           // rows per claim (10)
	Poll        time.Duration // between claims when idle (2s)
	Lease       time.Duration // how long a claim holds its rows (10m); a call that could outlast it goes back unsent
	SendTimeout time.Duration // one call (30s)
	MaxAttempts int           // then the row fails and waits for reconcile (30)
	Backoff     time.Duration // first retry delay (30s), doubling, with jitter
	MaxBackoff  time.Duration // cap on the delay (1h)
	Now         func() time.Time
	Log         *slog.Logger
}

// Worker sends the outbox to the portal: each dossier's calls in order,
// one at a time, a call only after every earlier call of its dossier was
// sent. Several workers (instances) may run: rows are leased, and a lease
// left by a killed process expires.
type Worker struct {
	db   *store.DB
	push Pusher
	cfg  WorkerConfig
}

// NewWorker returns a worker sending with push.
func NewWorker(db *store.DB, push Pusher, cfg WorkerConfig) *Worker {
	def := func(d *time.Duration, v time.Duration) {
		if *d == 0 {
			*d = v
		}
	}
	def(&cfg.Poll, 2*time.Second)
	def(&cfg.Lease, 10*time.Minute)
	def(&cfg.SendTimeout, 30*time.Second)
	def(&cfg.Backoff, 30*time.Second)
	def(&cfg.MaxBackoff, time.Hour)
	if cfg.Batch == 0 {
		cfg.Batch = 10
	}
	if cfg.MaxAttempts == 0 {
		cfg.MaxAttempts = 30
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.Log == nil {
		cfg.Log = slog.Default()
	}
	if cfg.ID == "" {
		host, _ := os.Hostname()
		var b [4]byte
		rand.Read(b[:])
		cfg.ID = fmt.Sprintf("%s-%d-%s", host, os.Getpid(), hex.EncodeToString(b[:]))
	}
	return &Worker{db: db, push: push, cfg: cfg}
}

// Run sends until ctx ends.
func (w *Worker) Run(ctx context.Context) {
	t := time.NewTicker(w.cfg.Poll)
	defer t.Stop()
	for {
		for {
			n, err := w.RunOnce(ctx)
			if err != nil && ctx.Err() == nil {
				w.cfg.Log.Error("dvcqg: send", "err", err)
			}
			if n == 0 || err != nil {
				break // nothing due; wait for the next tick
			}
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

// RunOnce claims one batch of due calls (at most one per dossier, the
// next of each), sends them and records each outcome. It returns how many
// it claimed.
func (w *Worker) RunOnce(ctx context.Context) (int, error) {
	calls, leaseEnd, err := w.claim(ctx)
	if err != nil {
		return 0, err
	}
	for i, c := range calls {
		if ctx.Err() != nil {
			w.release(calls[i:])
			return len(calls), ctx.Err()
		}
		// A call whose lease could end before its answer is not sent: once
		// the lease ends another instance may send it, and then the
		// dossier's next call, while this one is still on its way.
		if w.cfg.Now().Add(w.cfg.SendTimeout).After(leaseEnd) {
			w.release(calls[i:])
			return len(calls), nil
		}
		var sendErr error
		if c.attempts > w.cfg.MaxAttempts {
			sendErr = Permanent(fmt.Errorf("gave up after %d attempts", w.cfg.MaxAttempts))
		} else {
			sctx, cancel := context.WithTimeout(ctx, w.cfg.SendTimeout)
			sendErr = w.push.Push(sctx, c)
			cancel()
		}
		if err := w.record(ctx, c, sendErr); err != nil {
			return len(calls), err
		}
	}
	return len(calls), nil
}

// claimSQL leases up to n due rows, each the next unsent call of its
// dossier (NOT EXISTS an earlier row not yet sent: a row being sent, or
// failed, holds back its dossier's later rows). PostgreSQL skips rows
// another worker's claim is locking (SKIP LOCKED); SQLite serialises
// claims anyway. The outer WHERE repeats the lease test so a row re-read
// after a concurrent claim committed is not taken twice.
//
// Arguments: worker id, lease end, now, now, limit, now.
func claimSQL(d store.Dialect) string {
	lock := ""
	if d == store.Postgres {
		lock = " FOR UPDATE SKIP LOCKED"
	}
	return `UPDATE dvcqg_outbox SET status = 'sending', locked_by = ?, locked_until = ?, attempts = attempts + 1
		WHERE id IN (SELECT o.id FROM dvcqg_outbox o
			WHERE o.status IN ('pending', 'sending') AND o.next_attempt_at <= ? AND o.locked_until <= ?
			AND NOT EXISTS (SELECT 1 FROM dvcqg_outbox p WHERE p.dossier_id = o.dossier_id AND p.seq < o.seq AND p.status <> 'sent')
			ORDER BY o.next_attempt_at, o.id LIMIT ?` + lock + `)
		AND status IN ('pending', 'sending') AND locked_until <= ?
		RETURNING id, dossier_id, seq, service, dedupe_key, payload, attempts`
}

// claim returns the calls claimed and when their lease ends.
func (w *Worker) claim(ctx context.Context) ([]Call, time.Time, error) {
	at := w.cfg.Now()
	now := at.UnixMilli()
	// Most polls find nothing: ask the read pool first, so an idle worker
	// does not take SQLite's single writer every few seconds.
	var due int
	err := w.db.QueryRowContext(ctx, `SELECT COUNT(*) FROM (SELECT 1 FROM dvcqg_outbox WHERE status IN ('pending', 'sending')
		AND next_attempt_at <= ? AND locked_until <= ? LIMIT 1) due`, now, now).Scan(&due)
	if err != nil || due == 0 {
		return nil, at, err
	}
	var out []Call
	err = w.db.InTx(ctx, func(tx *store.Tx) error {
		out = out[:0]
		rows, err := tx.QueryContext(ctx, claimSQL(w.db.Dialect), w.cfg.ID, now+w.cfg.Lease.Milliseconds(), now, now, w.cfg.Batch, now)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var c Call
			var data string
			if err := rows.Scan(&c.ID, &c.DossierID, &c.Seq, &c.Service, &c.Key, &data, &c.attempts); err != nil {
				return err
			}
			c.Data = json.RawMessage(data)
			out = append(out, c)
		}
		return rows.Err()
	})
	if err != nil {
		return nil, at, fmt.Errorf("dvcqg: claim: %w", err)
	}
	return out, time.UnixMilli(now + w.cfg.Lease.Milliseconds()), nil
}

// record stores a call's outcome, if this worker still holds the lease,
// and the dossier's sync state with it. It runs even when ctx was
// cancelled meanwhile: the outcome is known and forgetting it would cause
// a repeat.
func (w *Worker) record(ctx context.Context, c Call, sendErr error) error {
	stopping := ctx.Err() != nil
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 10*time.Second)
	defer cancel()
	now := w.cfg.Now()
	msg := ""
	if sendErr != nil {
		msg = clip(sendErr.Error(), 500)
	}
	return w.db.InTx(ctx, func(tx *store.Tx) error {
		var q string
		var args []any
		switch {
		case sendErr == nil:
			q, args = `UPDATE dvcqg_outbox SET status = 'sent', sent_at = ?, last_error = '', locked_by = '', locked_until = 0
				WHERE id = ? AND locked_by = ? AND status = 'sending'`, []any{now.UnixMilli()}
		case IsPermanent(sendErr) || c.attempts >= w.cfg.MaxAttempts:
			q, args = `UPDATE dvcqg_outbox SET status = 'failed', last_error = ?, locked_by = '', locked_until = 0
				WHERE id = ? AND locked_by = ? AND status = 'sending'`, []any{msg}
		default:
			next := now
			if !stopping {
				next = now.Add(w.backoff(c.attempts))
			}
			q, args = `UPDATE dvcqg_outbox SET status = 'pending', next_attempt_at = ?, last_error = ?, locked_by = '', locked_until = 0
				WHERE id = ? AND locked_by = ? AND status = 'sending'`, []any{next.UnixMilli(), msg}
		}
		res, err := tx.ExecContext(ctx, q, append(args, c.ID, w.cfg.ID)...)
		if err != nil {
			return fmt.Errorf("dvcqg: record %d: %w", c.ID, err)
		}
		if n, _ := res.RowsAffected(); n == 0 {
			w.cfg.Log.Warn("dvcqg: lease lost before the outcome was recorded; the call may be sent again with the same key",
				"id", c.ID, "key", c.Key, "err", sendErr)
			return nil
		}
		if sendErr != nil {
			w.cfg.Log.Warn("dvcqg: call failed", "key", c.Key, "service", c.Service, "attempt", c.attempts, "err", sendErr)
			_, err = tx.ExecContext(ctx, `UPDATE dvcqg_sync SET last_error = ?, updated_at = ? WHERE dossier_id = ?`, msg, now.UnixMilli(), c.DossierID)
			return err
		}
		// Synchronised when nothing of the dossier is left to send.
		_, err = tx.ExecContext(ctx, `UPDATE dvcqg_sync SET last_error = '', updated_at = ?,
			synced = CASE WHEN EXISTS (SELECT 1 FROM dvcqg_outbox WHERE dossier_id = ? AND status <> 'sent') THEN 0 ELSE 1 END,
			synced_at = ? WHERE dossier_id = ?`, now.UnixMilli(), c.DossierID, now.UnixMilli(), c.DossierID)
		return err
	})
}

// release hands back rows claimed but not tried (shutdown), due now.
func (w *Worker) release(cs []Call) {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	for _, c := range cs {
		if _, err := w.db.ExecContext(ctx, `UPDATE dvcqg_outbox SET status = 'pending', attempts = attempts - 1, locked_by = '', locked_until = 0
			WHERE id = ? AND locked_by = ? AND status = 'sending'`, c.ID, w.cfg.ID); err != nil {
			w.cfg.Log.Error("dvcqg: release", "id", c.ID, "err", err)
		}
	}
}

// backoff is the delay before attempt n+1: Backoff·2ⁿ⁻¹, capped, of which
// a random half is kept, so a portal that was down is not hit by every
// row at the same instant when it returns.
func (w *Worker) backoff(n int) time.Duration {
	d := w.cfg.Backoff
	for i := 1; i < n && d < w.cfg.MaxBackoff; i++ {
		d *= 2
	}
	d = min(d, w.cfg.MaxBackoff)
	return d/2 + time.Duration(mrand.Int64N(int64(d/2)+1))
}

func clip(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && s[n]&0xC0 == 0x80 {
		n-- // do not cut a UTF-8 sequence
	}
	return s[:n]
}
