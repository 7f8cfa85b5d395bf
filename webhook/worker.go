package webhook

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"io"
	"log/slog"
	mrand "math/rand/v2"
	"net/http"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/motcua/motcua/store"
)

// WorkerConfig tunes a Worker; zero fields take the defaults shown.
type WorkerConfig struct {
	ID          string        // lease owner; default host-pid-random
	Batch       int           // deliveries per claim (20)
	Poll        time.Duration // between claims when idle (2s)
	Lease       time.Duration // how long a claim holds its rows (10m)
	SendTimeout time.Duration // one POST (15s)
	Backoff     time.Duration // first retry delay (30s), doubling, with jitter
	MaxBackoff  time.Duration // cap on the delay (1h)
	RetryFor    time.Duration // a delivery failing this long is marked failed (24h)
	Now         func() time.Time
	Log         *slog.Logger
	// HTTP sends; nil: the guard's client (Guard.Client).
	HTTP  *http.Client
	Guard *Guard
}

// Worker sends the deliveries: each subscription's events of a dossier in
// order, one at a time, an event only once the earlier ones were received
// (a 2xx answer). Several instances may run: rows are leased, and a
// killed process's lease expires.
type Worker struct {
	db  *store.DB
	cfg WorkerConfig
}

// NewWorker returns a worker.
func NewWorker(db *store.DB, cfg WorkerConfig) *Worker {
	def := func(d *time.Duration, v time.Duration) {
		if *d == 0 {
			*d = v
		}
	}
	def(&cfg.Poll, 2*time.Second)
	def(&cfg.Lease, 10*time.Minute)
	def(&cfg.SendTimeout, 15*time.Second)
	def(&cfg.Backoff, 30*time.Second)
	def(&cfg.MaxBackoff, time.Hour)
	def(&cfg.RetryFor, 24*time.Hour)
	if cfg.Batch == 0 {
		cfg.Batch = 20
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.Log == nil {
		cfg.Log = slog.Default()
	}
	if cfg.Guard == nil {
		cfg.Guard = &Guard{}
	}
	if cfg.HTTP == nil {
		cfg.HTTP = cfg.Guard.Client(cfg.SendTimeout)
	}
	if cfg.ID == "" {
		host, _ := os.Hostname()
		var b [4]byte
		rand.Read(b[:])
		cfg.ID = fmt.Sprintf("%s-%d-%s", host, os.Getpid(), hex.EncodeToString(b[:]))
	}
	return &Worker{db: db, cfg: cfg}
}

// Run sends until ctx ends.
func (w *Worker) Run(ctx context.Context) {
	t := time.NewTicker(w.cfg.Poll)
	defer t.Stop()
	for {
		for {
			n, err := w.RunOnce(ctx)
			if err != nil && ctx.Err() == nil {
				w.cfg.Log.Error("webhook: send", "err", err)
			}
			if n == 0 || err != nil {
				break
			}
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

type claimed struct {
	id, sub, event int64
	attempts       int
	created        int64
	url, secret    string
	oldSecret      string
	oldUntil       int64
	body           []byte
}

// RunOnce claims one batch of due deliveries (at most one per
// subscription and dossier, the next of each), sends them and records
// each outcome. It returns how many it claimed.
func (w *Worker) RunOnce(ctx context.Context) (int, error) {
	ds, leaseEnd, err := w.claim(ctx)
	if err != nil {
		return 0, err
	}
	for i, d := range ds {
		if ctx.Err() != nil {
			w.release(ds[i:])
			return len(ds), ctx.Err()
		}
		// Never send past the lease: another instance may then send it,
		// and the dossier's next event, while this one is on its way.
		if w.cfg.Now().Add(w.cfg.SendTimeout).After(leaseEnd) {
			w.release(ds[i:])
			return len(ds), nil
		}
		sendErr := w.send(ctx, d)
		if err := w.record(ctx, d, sendErr); err != nil {
			return len(ds), err
		}
	}
	return len(ds), nil
}

// claimSQL: as dvcqg's, ordered per subscription and dossier (NOT EXISTS
// an earlier event of the same subscription and dossier not yet sent).
// Arguments: worker id, lease end, now, now, limit, now.
func claimSQL(d store.Dialect) string {
	lock := ""
	if d == store.Postgres {
		lock = " FOR UPDATE SKIP LOCKED"
	}
	return `UPDATE webhook_deliveries SET status = 'sending', locked_by = ?, locked_until = ?, attempts = attempts + 1
		WHERE id IN (SELECT o.id FROM webhook_deliveries o
			WHERE o.status IN ('pending', 'sending') AND o.next_attempt_at <= ? AND o.locked_until <= ?
			AND NOT EXISTS (SELECT 1 FROM webhook_deliveries p WHERE p.subscription_id = o.subscription_id
				AND p.dossier_code = o.dossier_code AND p.event_id < o.event_id AND p.status <> 'sent')
			ORDER BY o.next_attempt_at, o.id LIMIT ?` + lock + `)
		AND status IN ('pending', 'sending') AND locked_until <= ?
		RETURNING id`
}

func (w *Worker) claim(ctx context.Context) ([]claimed, time.Time, error) {
	at := w.cfg.Now()
	now := at.UnixMilli()
	var due int
	err := w.db.QueryRowContext(ctx, `SELECT COUNT(*) FROM (SELECT 1 FROM webhook_deliveries WHERE status IN ('pending', 'sending')
		AND next_attempt_at <= ? AND locked_until <= ? LIMIT 1) due`, now, now).Scan(&due)
	if err != nil || due == 0 {
		return nil, at, err
	}
	var out []claimed
	err = w.db.InTx(ctx, func(tx *store.Tx) error {
		out = out[:0]
		rows, err := tx.QueryContext(ctx, claimSQL(w.db.Dialect), w.cfg.ID, now+w.cfg.Lease.Milliseconds(), now, now, w.cfg.Batch, now)
		if err != nil {
			return err
		}
		var ids []int64
		for rows.Next() {
			var id int64
			if err := rows.Scan(&id); err != nil {
				rows.Close()
				return err
			}
			ids = append(ids, id)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return err
		}
		for _, id := range ids {
			var c claimed
			var body string
			if err := tx.QueryRowContext(ctx, `SELECT d.id, d.subscription_id, d.event_id, d.attempts, d.created_at, s.url, s.secret, s.old_secret, s.old_secret_until, e.payload
				FROM webhook_deliveries d JOIN webhook_subscriptions s ON s.id = d.subscription_id JOIN webhook_events e ON e.id = d.event_id
				WHERE d.id = ?`, id).Scan(&c.id, &c.sub, &c.event, &c.attempts, &c.created, &c.url, &c.secret, &c.oldSecret, &c.oldUntil, &body); err != nil {
				return err
			}
			c.body = []byte(body)
			out = append(out, c)
		}
		return nil
	})
	if err != nil {
		return nil, at, fmt.Errorf("webhook: claim: %w", err)
	}
	return out, time.UnixMilli(now + w.cfg.Lease.Milliseconds()), nil
}

// send POSTs one delivery with the Standard Webhooks headers.
func (w *Worker) send(ctx context.Context, d claimed) error {
	id := EventID(d.event)
	now := w.cfg.Now()
	ts := now.Unix()
	// Within a rotation's grace, one signature per secret, space-separated
	// (Standard Webhooks): a receiver verifying with either accepts it.
	var sigs []string
	for _, secret := range secrets(d.secret, d.oldSecret, d.oldUntil, now) {
		sig, err := Sign(secret, id, ts, d.body)
		if err != nil {
			return err
		}
		sigs = append(sigs, sig)
	}
	sig := strings.Join(sigs, " ")
	ctx, cancel := context.WithTimeout(ctx, w.cfg.SendTimeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, d.url, bytes.NewReader(d.body))
	if err != nil {
		return err
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("User-Agent", "motcua-webhooks/1")
	req.Header.Set("webhook-id", id)
	req.Header.Set("webhook-timestamp", strconv.FormatInt(ts, 10))
	req.Header.Set("webhook-signature", sig)
	resp, err := w.cfg.HTTP.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	io.Copy(io.Discard, io.LimitReader(resp.Body, 64<<10))
	if resp.StatusCode/100 != 2 {
		return fmt.Errorf("webhook: receiver answered %s", resp.Status)
	}
	return nil
}

// record stores a delivery's outcome if this worker still holds the
// lease; it runs even when ctx was cancelled meanwhile (the outcome is
// known, and forgetting it would cause a repeat).
func (w *Worker) record(ctx context.Context, d claimed, sendErr error) error {
	stopping := ctx.Err() != nil
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 10*time.Second)
	defer cancel()
	now := w.cfg.Now()
	var q string
	var args []any
	switch {
	case sendErr == nil:
		q, args = `UPDATE webhook_deliveries SET status = 'sent', sent_at = ?, last_error = '', locked_by = '', locked_until = 0
			WHERE id = ? AND locked_by = ? AND status = 'sending'`, []any{now.UnixMilli()}
	case now.Sub(time.UnixMilli(d.created)) >= w.cfg.RetryFor:
		q, args = `UPDATE webhook_deliveries SET status = 'failed', last_error = ?, locked_by = '', locked_until = 0
			WHERE id = ? AND locked_by = ? AND status = 'sending'`, []any{clip(sendErr.Error(), 500)}
	default:
		next := now
		if !stopping {
			next = now.Add(w.backoff(d.attempts))
		}
		q, args = `UPDATE webhook_deliveries SET status = 'pending', next_attempt_at = ?, last_error = ?, locked_by = '', locked_until = 0
			WHERE id = ? AND locked_by = ? AND status = 'sending'`, []any{next.UnixMilli(), clip(sendErr.Error(), 500)}
	}
	res, err := w.db.ExecContext(ctx, q, append(args, d.id, w.cfg.ID)...)
	if err != nil {
		return fmt.Errorf("webhook: record %d: %w", d.id, err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		w.cfg.Log.Warn("webhook: lease lost before the outcome was recorded; the event may be sent again with the same id", "delivery", d.id)
	} else if sendErr != nil {
		w.cfg.Log.Warn("webhook: delivery failed", "delivery", d.id, "event", d.event, "attempt", d.attempts, "err", sendErr)
	}
	return nil
}

// release hands back rows claimed but not tried (shutdown), due now.
func (w *Worker) release(ds []claimed) {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	for _, d := range ds {
		if _, err := w.db.ExecContext(ctx, `UPDATE webhook_deliveries SET status = 'pending', attempts = attempts - 1, locked_by = '', locked_until = 0
			WHERE id = ? AND locked_by = ? AND status = 'sending'`, d.id, w.cfg.ID); err != nil {
			w.cfg.Log.Error("webhook: release", "id", d.id, "err", err)
		}
	}
}

// backoff is Backoff·2ⁿ⁻¹, capped, of which a random half is kept, so a
// receiver that was down is not hit by every delivery at once.
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
		n--
	}
	return s[:n]
}
