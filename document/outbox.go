package document

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"log/slog"
	mrand "math/rand/v2"
	"net/http"
	"os"
	"time"

	"github.com/motcua/motcua/document/edxml"
	"github.com/motcua/motcua/problem"
	"github.com/motcua/motcua/store"
)

// WorkerConfig tunes an ExchangeWorker; zero fields take the defaults shown.
type WorkerConfig struct {
	ID          string        // lease owner; default host-pid-random
	Batch       int           // rows per claim (10)
	Poll        time.Duration // between claims when idle (5s)
	Lease       time.Duration // how long a claim holds its rows (10m)
	SendTimeout time.Duration // one POST (60s: a document carries its PDF)
	Backoff     time.Duration // first retry delay (1m), doubling, with jitter
	MaxBackoff  time.Duration // cap on the delay (1h)
	RetryFor    time.Duration // a row failing this long is marked failed (72h)
	Log         *slog.Logger
	// HTTP sends; nil: a client with SendTimeout.
	HTTP *http.Client
}

// ExchangeWorker sends the edXML outbox (document_outbox): documents to
// the outside agencies they are addressed to, statuses to the agencies
// that sent documents here. Like the webhook and portal workers it leases
// rows, so several instances may run and a killed one's rows come back.
type ExchangeWorker struct {
	s   *Service
	cfg WorkerConfig
}

// NewWorker returns the exchange's worker.
func (s *Service) NewWorker(cfg WorkerConfig) *ExchangeWorker {
	def := func(d *time.Duration, v time.Duration) {
		if *d == 0 {
			*d = v
		}
	}
	def(&cfg.Poll, 5*time.Second)
	def(&cfg.Lease, 10*time.Minute)
	def(&cfg.SendTimeout, time.Minute)
	def(&cfg.Backoff, time.Minute)
	def(&cfg.MaxBackoff, time.Hour)
	def(&cfg.RetryFor, 72*time.Hour)
	if cfg.Batch == 0 {
		cfg.Batch = 10
	}
	if cfg.Log == nil {
		cfg.Log = slog.Default()
	}
	if cfg.HTTP == nil {
		cfg.HTTP = &http.Client{Timeout: cfg.SendTimeout}
	}
	if cfg.ID == "" {
		host, _ := os.Hostname()
		var b [4]byte
		_, _ = rand.Read(b[:])
		cfg.ID = fmt.Sprintf("%s-%d-%s", host, os.Getpid(), hex.EncodeToString(b[:]))
	}
	return &ExchangeWorker{s: s, cfg: cfg}
}

// Run sends until ctx ends.
func (w *ExchangeWorker) Run(ctx context.Context) {
	t := time.NewTicker(w.cfg.Poll)
	defer t.Stop()
	for {
		for {
			n, err := w.RunOnce(ctx)
			if err != nil && ctx.Err() == nil {
				w.cfg.Log.Error("edxml: send", "err", err)
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

type outRow struct {
	id, document int64
	kind, organ  string
	payload      string
	attempts     int
	created      int64
}

// RunOnce claims a batch of due rows (the next of each document and
// addressee), sends them and records each outcome; it returns how many
// it claimed.
func (w *ExchangeWorker) RunOnce(ctx context.Context) (int, error) {
	rows, leaseEnd, err := w.claim(ctx)
	if err != nil {
		return 0, err
	}
	for i, r := range rows {
		if ctx.Err() != nil || w.s.cfg.Now().Add(w.cfg.SendTimeout).After(leaseEnd) {
			w.release(rows[i:])
			return len(rows), ctx.Err()
		}
		if err := w.record(ctx, r, w.send(ctx, r)); err != nil {
			return len(rows), err
		}
	}
	return len(rows), nil
}

// claimSQL leases due rows whose earlier rows for the same document and
// addressee are all done. Arguments: worker id, lease end, now, now, limit, now.
func claimSQL(d store.Dialect) string {
	lock := ""
	if d == store.Postgres {
		lock = " FOR UPDATE SKIP LOCKED"
	}
	return `UPDATE document_outbox SET status = 'sending', locked_by = ?, locked_until = ?, attempts = attempts + 1
		WHERE id IN (SELECT o.id FROM document_outbox o
			WHERE o.status IN ('pending', 'sending') AND o.next_attempt_at <= ? AND o.locked_until <= ?
			AND NOT EXISTS (SELECT 1 FROM document_outbox p WHERE p.document_id = o.document_id AND p.organ_id = o.organ_id
				AND p.id < o.id AND p.status IN ('pending', 'sending'))
			ORDER BY o.next_attempt_at, o.id LIMIT ?` + lock + `)
		AND status IN ('pending', 'sending') AND locked_until <= ?
		RETURNING id`
}

func (w *ExchangeWorker) claim(ctx context.Context) ([]outRow, time.Time, error) {
	now := w.s.cfg.Now().UnixMilli()
	end := now + w.cfg.Lease.Milliseconds()
	var out []outRow
	err := w.s.db.InTx(ctx, func(tx *store.Tx) error {
		out = out[:0]
		ids, err := store.Int64s(ctx, tx, claimSQL(w.s.db.Dialect), w.cfg.ID, end, now, now, w.cfg.Batch, now)
		if err != nil {
			return err
		}
		for _, id := range ids {
			var r outRow
			if err := tx.QueryRowContext(ctx, `SELECT id, document_id, kind, organ_id, payload, attempts, created_at FROM document_outbox WHERE id = ?`, id).
				Scan(&r.id, &r.document, &r.kind, &r.organ, &r.payload, &r.attempts, &r.created); err != nil {
				return err
			}
			out = append(out, r)
		}
		return nil
	})
	if err != nil {
		return nil, time.Time{}, fmt.Errorf("edxml: claim: %w", err)
	}
	return out, time.UnixMilli(end), nil
}

// send posts one row to its addressee's endpoint.
func (w *ExchangeWorker) send(ctx context.Context, r outRow) error {
	peer, ok := w.s.cfg.Exchange.Peers[r.organ]
	if !ok {
		return problem.New(problem.ErrInvalid, "edxml_no_peer", r.organ)
	}
	c := &edxml.Client{HTTP: w.cfg.HTTP, SystemID: peer.SystemID, SecretKey: peer.SecretKey}
	ctx, cancel := context.WithTimeout(ctx, w.cfg.SendTimeout)
	defer cancel()
	if r.kind == outStatus {
		var st edxml.Status
		if err := json.Unmarshal([]byte(r.payload), &st); err != nil {
			return err
		}
		return c.SendStatus(ctx, peer.Endpoint, &st)
	}
	d, err := w.s.load(ctx, w.s.db, r.document)
	if err != nil {
		return err
	}
	m, err := w.s.message(ctx, w.s.db, d, r.organ)
	if err != nil {
		return err
	}
	return c.Send(ctx, peer.Endpoint, m)
}

// record stores a row's outcome while this worker holds the lease: sent;
// failed when refused (not retryable) or retried past RetryFor; else
// pending again after a backoff.
func (w *ExchangeWorker) record(ctx context.Context, r outRow, sendErr error) error {
	stopping := ctx.Err() != nil
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 10*time.Second)
	defer cancel()
	now := w.s.cfg.Now()
	var q string
	var args []any
	switch {
	case sendErr == nil:
		q, args = `UPDATE document_outbox SET status = 'sent', sent_at = ?, last_error = '', locked_by = '', locked_until = 0
			WHERE id = ? AND locked_by = ? AND status = 'sending'`, []any{now.UnixMilli()}
	case !edxml.IsRetryable(sendErr) || now.Sub(time.UnixMilli(r.created)) >= w.cfg.RetryFor:
		q, args = `UPDATE document_outbox SET status = 'failed', last_error = ?, locked_by = '', locked_until = 0
			WHERE id = ? AND locked_by = ? AND status = 'sending'`, []any{reason(sendErr)}
	default:
		next := now
		if !stopping {
			next = now.Add(w.backoff(r.attempts))
		}
		q, args = `UPDATE document_outbox SET status = 'pending', next_attempt_at = ?, last_error = ?, locked_by = '', locked_until = 0
			WHERE id = ? AND locked_by = ? AND status = 'sending'`, []any{next.UnixMilli(), reason(sendErr)}
	}
	res, err := w.s.db.ExecContext(ctx, q, append(args, r.id, w.cfg.ID)...)
	if err != nil {
		return fmt.Errorf("edxml: record %d: %w", r.id, err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		w.cfg.Log.Warn("edxml: lease lost before the outcome was recorded; the message may be sent again", "outbox", r.id)
	} else if sendErr != nil {
		w.cfg.Log.Warn("edxml: send failed", "outbox", r.id, "document", r.document, "to", r.organ, "attempt", r.attempts, "err", sendErr)
	}
	return nil
}

// reason is the outcome as shown on the recipient: the problem's code and
// parameters (edxml_refused 422 edxml_missing_element…).
func reason(err error) string { return clip(err.Error(), 500) }

// release hands back rows claimed but not tried (shutdown), due now.
func (w *ExchangeWorker) release(rs []outRow) {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	for _, r := range rs {
		if _, err := w.s.db.ExecContext(ctx, `UPDATE document_outbox SET status = 'pending', attempts = attempts - 1, locked_by = '', locked_until = 0
			WHERE id = ? AND locked_by = ? AND status = 'sending'`, r.id, w.cfg.ID); err != nil {
			w.cfg.Log.Error("edxml: release", "id", r.id, "err", err)
		}
	}
}

// backoff is Backoff·2ⁿ⁻¹, capped, of which a random half is kept.
func (w *ExchangeWorker) backoff(n int) time.Duration {
	d := w.cfg.Backoff
	for i := 1; i < n && d < w.cfg.MaxBackoff; i++ {
		d *= 2
	}
	d = min(d, w.cfg.MaxBackoff)
	return d/2 + time.Duration(mrand.Int64N(int64(d/2)+1))
}
