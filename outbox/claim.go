package outbox

import (
	"context"
	"fmt"
	"time"

	"github.com/motcua/motcua/store"
)

// claimed is one leased row: what every row has, and the module's.
type claimed[R any] struct {
	Row
	v R
}

// due is the test of a row a worker may claim now, the row named o:
// pending or sending (a lease that ran out), due, not leased, and whatever
// the module adds. Arguments: now, now, then Spec.ReadyArgs.
func (w *Worker[R]) due() string {
	s := `o.status IN ('pending', 'sending') AND o.next_attempt_at <= ? AND o.locked_until <= ?`
	if w.spec.Ready != "" {
		s += ` AND (` + w.spec.Ready + `)`
	}
	return s
}

// claimSQL leases up to a batch of due rows in one statement. The only
// difference between the engines is here: PostgreSQL skips rows another
// worker's claim is locking at this moment (SKIP LOCKED), so two workers
// take different rows instead of queueing; SQLite has one writer, so
// claims are serialised anyway. The rows are picked in a materialised CTE:
// as a plain IN (subquery), PostgreSQL re-runs the subquery when a
// concurrent claim changed a row under it, and the re-run picks further
// rows, so one claim could take far more than a batch
// (TestConcurrentWorkersNeverSendOneRowTwice saw 120 for a batch of 7).
// The outer WHERE repeats the lease test so that a row re-read after a
// concurrent claim committed is not taken.
//
// Arguments: now, now, Spec.ReadyArgs, limit, worker id, lease end, now.
func (w *Worker[R]) claimSQL() string {
	with, lock := ``, ``
	if w.db.Dialect == store.Postgres {
		with, lock = ` MATERIALIZED`, ` FOR UPDATE SKIP LOCKED`
	}
	cols := `id, attempts, created_at`
	if w.spec.Columns != "" {
		cols += `, ` + w.spec.Columns
	}
	t := w.spec.Table
	return `WITH picked AS` + with + ` (SELECT o.id FROM ` + t + ` o WHERE ` + w.due() + `
			ORDER BY o.next_attempt_at, o.id LIMIT ?` + lock + `)
		UPDATE ` + t + ` SET status = 'sending', locked_by = ?, locked_until = ?, attempts = attempts + 1
		WHERE id IN (SELECT id FROM picked) AND status IN ('pending', 'sending') AND locked_until <= ?
		RETURNING ` + cols
}

// claim leases a batch and returns its rows and when their lease ends.
func (w *Worker[R]) claim(ctx context.Context) ([]claimed[R], time.Time, error) {
	now := w.cfg.Now().UnixMilli()
	end := now + w.cfg.Lease.Milliseconds()
	// Most polls find nothing: ask the read pool first, so an idle worker
	// does not take SQLite's single writer every few seconds.
	var n int
	err := w.db.QueryRowContext(ctx, `SELECT COUNT(*) FROM (SELECT 1 FROM `+w.spec.Table+` o WHERE `+w.due()+` LIMIT 1) due`,
		append([]any{now, now}, w.spec.ReadyArgs...)...).Scan(&n)
	if err != nil || n == 0 {
		return nil, time.UnixMilli(end), err
	}
	args := append([]any{now, now}, w.spec.ReadyArgs...)
	args = append(args, w.cfg.Batch, w.cfg.ID, end, now)
	var out []claimed[R]
	err = w.db.InTx(ctx, func(tx *store.Tx) error {
		out = out[:0]
		rows, err := tx.QueryContext(ctx, w.claimSQL(), args...)
		if err != nil {
			return err
		}
		for rows.Next() {
			var c claimed[R]
			c.v, err = w.spec.Scan(&c.Row, func(dest ...any) error {
				return rows.Scan(append([]any{&c.ID, &c.Attempts, &c.Created}, dest...)...)
			})
			if err != nil {
				rows.Close()
				return err
			}
			out = append(out, c)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return err
		}
		// Loaded once the claim's rows are closed: a transaction's
		// connection runs one statement at a time.
		for i := range out {
			if w.spec.Load != nil {
				if err := w.spec.Load(ctx, tx, &out[i].v); err != nil {
					return err
				}
			}
		}
		return nil
	})
	if err != nil {
		return nil, time.UnixMilli(end), fmt.Errorf("%s: claim: %w", w.spec.Name, err)
	}
	return out, time.UnixMilli(end), nil
}

// record stores a send's outcome, if this worker still holds the lease:
// sent; failed when the error is permanent, the attempts are spent or the
// row is older than RetryFor; else pending again after a backoff (at once
// when ctx ended meanwhile: the worker is stopping, not the receiver
// failing). It runs even when ctx was cancelled: the outcome is known and
// forgetting it would cause a repeat.
func (w *Worker[R]) record(ctx context.Context, r claimed[R], sendErr error) error {
	stopping := ctx.Err() != nil
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 10*time.Second)
	defer cancel()
	now := w.cfg.Now()
	t := w.spec.Table
	var q string
	var args []any
	switch {
	case sendErr == nil:
		q, args = `UPDATE `+t+` SET status = 'sent', sent_at = ?, last_error = '', locked_by = '', locked_until = 0
			WHERE id = ? AND locked_by = ? AND status = 'sending'`, []any{now.UnixMilli()}
	case w.spec.Permanent(sendErr) ||
		(w.cfg.MaxAttempts > 0 && r.Attempts >= w.cfg.MaxAttempts) ||
		(w.cfg.RetryFor > 0 && now.Sub(time.UnixMilli(r.Created)) >= w.cfg.RetryFor):
		q, args = `UPDATE `+t+` SET status = 'failed', last_error = ?, locked_by = '', locked_until = 0
			WHERE id = ? AND locked_by = ? AND status = 'sending'`, []any{Reason(sendErr)}
	default:
		next := now
		if !stopping {
			next = now.Add(backoff(r.Attempts, w.cfg.Backoff, w.cfg.MaxBackoff))
		}
		q, args = `UPDATE `+t+` SET status = 'pending', next_attempt_at = ?, last_error = ?, locked_by = '', locked_until = 0
			WHERE id = ? AND locked_by = ? AND status = 'sending'`, []any{next.UnixMilli(), Reason(sendErr)}
	}
	return w.db.InTx(ctx, func(tx *store.Tx) error {
		res, err := tx.ExecContext(ctx, q, append(args, r.ID, w.cfg.ID)...)
		if err != nil {
			return fmt.Errorf("%s: record %d: %w", w.spec.Name, r.ID, err)
		}
		attrs := []any{"id", r.ID, "attempt", r.Attempts}
		if w.spec.Attrs != nil {
			attrs = append(attrs, w.spec.Attrs(r.v)...)
		}
		if n, _ := res.RowsAffected(); n == 0 {
			w.cfg.Log.Warn(w.spec.Name+": lease lost before the outcome was recorded; the row may be sent again, with the same identity",
				append(attrs, "err", sendErr)...)
			return nil
		}
		if sendErr != nil {
			w.cfg.Log.Warn(w.spec.Name+": send failed", append(attrs, "err", sendErr)...)
		}
		if w.spec.Recorded != nil {
			return w.spec.Recorded(ctx, tx, r.v, sendErr)
		}
		return nil
	})
}

// release hands back rows claimed but not tried, due now, their attempt
// not counted.
func (w *Worker[R]) release(rs []claimed[R]) {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	for _, r := range rs {
		if _, err := w.db.ExecContext(ctx, `UPDATE `+w.spec.Table+` SET status = 'pending', attempts = attempts - 1, locked_by = '', locked_until = 0
			WHERE id = ? AND locked_by = ? AND status = 'sending'`, r.ID, w.cfg.ID); err != nil {
			w.cfg.Log.Error(w.spec.Name+": release", "id", r.ID, "err", err)
		}
	}
}
