package dvcqg

import (
	"context"
	"encoding/json"
	"log/slog"
	"time"

	"github.com/motcua/motcua/outbox"
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
	Data json.RawMessage
}

// Pusher sends one call to the portal. An error wrapped with Permanent is
// not retried; any other is, with backoff.
type Pusher interface {
	Push(ctx context.Context, c Call) error
}

// Permanent marks err as one that retrying cannot fix (the portal refused
// the content).
func Permanent(err error) error { return outbox.Permanent(err) }

// IsPermanent reports whether err was marked with Permanent.
func IsPermanent(err error) bool { return outbox.IsPermanent(err) }

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
// sent. Several workers (instances) may run: rows are leased (package
// outbox), and a lease left by a killed process expires.
type Worker struct {
	q *outbox.Worker[Call]
}

// NewWorker returns a worker sending with push.
func NewWorker(db *store.DB, push Pusher, cfg WorkerConfig) *Worker {
	oc := outbox.Config{ID: cfg.ID, Batch: cfg.Batch, Poll: cfg.Poll, Lease: cfg.Lease, SendTimeout: cfg.SendTimeout,
		MaxAttempts: cfg.MaxAttempts, Backoff: cfg.Backoff, MaxBackoff: cfg.MaxBackoff, Now: cfg.Now, Log: cfg.Log,
		WithinLease: true}
	oc = oc.Defaults(outbox.Config{Batch: 10, Poll: 2 * time.Second, Lease: 10 * time.Minute, SendTimeout: 30 * time.Second,
		MaxAttempts: 30, Backoff: 30 * time.Second, MaxBackoff: time.Hour})
	return &Worker{q: outbox.New(db, outbox.Spec[Call]{
		Name:  "dvcqg",
		Table: "dvcqg_outbox",
		// The next unsent call of its dossier: a row being sent, or
		// failed, holds back its dossier's later rows.
		Ready:   `NOT EXISTS (SELECT 1 FROM dvcqg_outbox p WHERE p.dossier_id = o.dossier_id AND p.seq < o.seq AND p.status <> 'sent')`,
		Columns: `dossier_id, seq, service, dedupe_key, payload`,
		Scan: func(r *outbox.Row, scan func(...any) error) (Call, error) {
			var c Call
			var data string
			err := scan(&c.DossierID, &c.Seq, &c.Service, &c.Key, &data)
			c.ID, c.Data = r.ID, json.RawMessage(data)
			return c, err
		},
		Send: push.Push,
		Recorded: func(ctx context.Context, tx *store.Tx, c Call, sendErr error) error {
			return recorded(ctx, tx, c, sendErr, oc.Now())
		},
		Attrs: func(c Call) []any { return []any{"key", c.Key, "service", c.Service} },
	}, oc)}
}

// Run sends until ctx ends.
func (w *Worker) Run(ctx context.Context) { w.q.Run(ctx) }

// RunOnce claims one batch of due calls (at most one per dossier, the
// next of each), sends them and records each outcome. It returns how many
// it claimed.
func (w *Worker) RunOnce(ctx context.Context) (int, error) { return w.q.RunOnce(ctx) }

// recorded keeps the dossier's sync state with a call's outcome, in its
// transaction.
func recorded(ctx context.Context, tx *store.Tx, c Call, sendErr error, at time.Time) error {
	now := at.UnixMilli()
	if sendErr != nil {
		_, err := tx.ExecContext(ctx, `UPDATE dvcqg_sync SET last_error = ?, updated_at = ? WHERE dossier_id = ?`, outbox.Reason(sendErr), now, c.DossierID)
		return err
	}
	// Synchronised when nothing of the dossier is left to send.
	_, err := tx.ExecContext(ctx, `UPDATE dvcqg_sync SET last_error = '', updated_at = ?,
		synced = CASE WHEN EXISTS (SELECT 1 FROM dvcqg_outbox WHERE dossier_id = ? AND status <> 'sent') THEN 0 ELSE 1 END,
		synced_at = ? WHERE dossier_id = ?`, now, c.DossierID, now, c.DossierID)
	return err
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
