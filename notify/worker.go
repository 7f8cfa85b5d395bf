package notify

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	mrand "math/rand/v2"
	"os"
	"strings"
	"time"

	"github.com/motcua/motcua/calendar"
	"github.com/motcua/motcua/store"
)

// Message is one outbox row as a Sender delivers it.
type Message struct {
	ID      int64
	Kind    Kind
	Channel Channel
	To      string
	Subject string
	Body    string
	Created time.Time
	// Ref identifies the row for good ("outbox-<id>.<created ms>"): the same
	// row sent twice carries the same Ref, as its e-mail Message-ID and as
	// the SMS gateway's idempotency key, so the far side can drop a repeat.
	// The creation time keeps it unique if a database is ever restored
	// or recreated and ids start again.
	Ref      string
	attempts int
}

// Sender delivers messages of one channel. An error wrapped with Permanent
// is not retried; any other is, with backoff.
type Sender interface {
	Send(ctx context.Context, m Message) error
}

type permanent struct{ err error }

func (p permanent) Error() string { return p.err.Error() }
func (p permanent) Unwrap() error { return p.err }

// Permanent marks err as one that retrying cannot fix (a rejected address).
func Permanent(err error) error { return permanent{err} }

// IsPermanent reports whether err was marked with Permanent.
func IsPermanent(err error) bool { return errors.As(err, new(permanent)) }

// Senders are the configured channels; a nil one is not configured.
type Senders struct {
	Email Sender
	SMS   Sender
}

// WorkerConfig tunes a Worker; zero fields take the defaults shown.
type WorkerConfig struct {
	ID          string        // lease owner; default host-pid-random
	Batch       int           // rows per claim (20)
	Poll        time.Duration // between claims (2s)
	Lease       time.Duration // how long a claim holds its rows (5m); must exceed SendTimeout
	SendTimeout time.Duration // one send (1m)
	MaxAttempts int           // then the row fails (10)
	Backoff     time.Duration // first retry delay (1m), doubling, with jitter
	MaxBackoff  time.Duration // cap on the delay (6h)
	RemindEvery time.Duration // officers' reminders job (5m)
	Now         func() time.Time
	Log         *slog.Logger
}

// Worker sends the outbox's e-mail and SMS rows (see the package doc for
// the guarantee) and runs the officers' reminders.
type Worker struct {
	db      *store.DB
	svc     *Service
	senders map[Channel]Sender
	cfg     WorkerConfig
	// crash, in tests, simulates the process dying at a stage ("before-send",
	// "after-send"): when it returns true the worker stops on the spot.
	crash      func(stage string, m Message) bool
	lastRemind time.Time
}

// errCrashed is returned by RunOnce when a test simulated a crash.
var errCrashed = errors.New("notify: worker crashed (simulated)")

// NewWorker returns a worker for the configured senders.
func NewWorker(db *store.DB, svc *Service, s Senders, cfg WorkerConfig) *Worker {
	def := func(d *time.Duration, v time.Duration) {
		if *d == 0 {
			*d = v
		}
	}
	def(&cfg.Poll, 2*time.Second)
	def(&cfg.Lease, 5*time.Minute)
	def(&cfg.SendTimeout, time.Minute)
	def(&cfg.Backoff, time.Minute)
	def(&cfg.MaxBackoff, 6*time.Hour)
	def(&cfg.RemindEvery, 5*time.Minute)
	if cfg.Batch == 0 {
		cfg.Batch = 20
	}
	if cfg.MaxAttempts == 0 {
		cfg.MaxAttempts = 10
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
	senders := map[Channel]Sender{}
	if s.Email != nil {
		senders[Email] = s.Email
	}
	if s.SMS != nil {
		senders[SMS] = s.SMS
	}
	return &Worker{db: db, svc: svc, senders: senders, cfg: cfg}
}

// Run sends and reminds until ctx ends. A send in flight when it ends is
// given up and its row released for the next run (at most one repeat).
func (w *Worker) Run(ctx context.Context) {
	t := time.NewTicker(w.cfg.Poll)
	defer t.Stop()
	for {
		if now := w.cfg.Now(); w.lastRemind.IsZero() || now.Sub(w.lastRemind) >= w.cfg.RemindEvery {
			w.lastRemind = now
			if _, err := w.svc.Remind(ctx); err != nil && ctx.Err() == nil {
				w.cfg.Log.Error("notify: reminders", "err", err)
			}
		}
		for {
			n, err := w.RunOnce(ctx)
			if err != nil && ctx.Err() == nil {
				w.cfg.Log.Error("notify: send", "err", err)
			}
			if n < w.cfg.Batch || err != nil {
				break // drained; wait for the next tick
			}
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

// channelsUnconfigured explains why rows of a channel wait.
var channelsUnconfigured = map[Channel]string{
	Email: "e-mail is not configured on this server (--smtp-addr): waiting",
	SMS:   "SMS is not configured on this server (--sms-url): waiting",
}

// RunOnce claims one batch of due rows, sends them and records each
// outcome. It returns how many rows it claimed.
func (w *Worker) RunOnce(ctx context.Context) (int, error) {
	var chans []any
	for _, ch := range []Channel{Email, SMS} {
		if w.senders[ch] != nil {
			chans = append(chans, string(ch))
			continue
		}
		if err := w.noteWaiting(ctx, ch); err != nil {
			return 0, err
		}
	}
	if len(chans) == 0 {
		return 0, nil
	}
	msgs, err := w.claim(ctx, chans)
	if err != nil {
		return 0, err
	}
	for i, m := range msgs {
		if ctx.Err() != nil {
			w.release(msgs[i:])
			return len(msgs), ctx.Err()
		}
		if w.crash != nil && w.crash("before-send", m) {
			return len(msgs), errCrashed
		}
		var sendErr error
		if m.attempts > w.cfg.MaxAttempts {
			// Claimed again after a crash on its last attempt: do not loop forever.
			sendErr = Permanent(fmt.Errorf("gave up after %d attempts", w.cfg.MaxAttempts))
		} else {
			sctx, cancel := context.WithTimeout(ctx, w.cfg.SendTimeout)
			sendErr = w.senders[m.Channel].Send(sctx, m)
			cancel()
		}
		if w.crash != nil && w.crash("after-send", m) {
			return len(msgs), errCrashed
		}
		if err := w.record(ctx, m, sendErr); err != nil {
			return len(msgs), err
		}
	}
	return len(msgs), nil
}

// noteWaiting says on new rows of an unconfigured channel why they wait
// (read first: most polls have nothing to note).
func (w *Worker) noteWaiting(ctx context.Context, ch Channel) error {
	var n int
	err := w.db.QueryRowContext(ctx, `SELECT COUNT(*) FROM (SELECT 1 FROM notify_outbox
		WHERE status = 'pending' AND channel = ? AND last_error = '' LIMIT 1) fresh`, string(ch)).Scan(&n)
	if err != nil || n == 0 {
		return err
	}
	_, err = w.db.ExecContext(ctx, `UPDATE notify_outbox SET last_error = ? WHERE status = 'pending' AND channel = ? AND last_error = ''`,
		channelsUnconfigured[ch], string(ch))
	return err
}

func (w *Worker) claim(ctx context.Context, chans []any) ([]Message, error) {
	now := w.cfg.Now()
	// Most polls find nothing: ask the read pool first, so an idle worker
	// does not take SQLite's single writer every few seconds.
	var due int
	in := strings.TrimSuffix(strings.Repeat("?, ", len(chans)), ", ")
	err := w.db.QueryRowContext(ctx, `SELECT COUNT(*) FROM (SELECT 1 FROM notify_outbox WHERE status IN ('pending', 'sending')
		AND channel IN (`+in+`) AND next_attempt_at <= ? AND locked_until <= ? LIMIT 1) due`,
		append(append([]any{}, chans...), now.UnixMilli(), now.UnixMilli())...).Scan(&due)
	if err != nil || due == 0 {
		return nil, err
	}
	args := append([]any{w.cfg.ID, now.Add(w.cfg.Lease).UnixMilli()}, chans...)
	args = append(args, now.UnixMilli(), now.UnixMilli(), w.cfg.Batch, now.UnixMilli())
	var out []Message
	err = w.db.InTx(ctx, func(tx *store.Tx) error {
		out = out[:0]
		rows, err := tx.QueryContext(ctx, claimSQL(w.db.Dialect, len(chans)), args...)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var m Message
			var created int64
			if err := rows.Scan(&m.ID, &m.Kind, &m.Channel, &m.To, &m.Subject, &m.Body, &m.attempts, &created); err != nil {
				return err
			}
			m.Created = fromMs(created)
			m.Ref = fmt.Sprintf("outbox-%d.%d", m.ID, created)
			out = append(out, m)
		}
		return rows.Err()
	})
	if err != nil {
		return nil, fmt.Errorf("notify: claim: %w", err)
	}
	return out, nil
}

// record stores a send's outcome, if this worker still holds the lease.
// It runs even when ctx was cancelled meanwhile: the outcome is known and
// forgetting it would cause a repeat.
func (w *Worker) record(ctx context.Context, m Message, sendErr error) error {
	stopping := ctx.Err() != nil
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 10*time.Second)
	defer cancel()
	now := w.cfg.Now()
	var q string
	var args []any
	switch {
	case sendErr == nil:
		q, args = `UPDATE notify_outbox SET status = 'sent', sent_at = ?, last_error = '', locked_by = '', locked_until = 0
			WHERE id = ? AND locked_by = ? AND status = 'sending'`, []any{now.UnixMilli()}
	case IsPermanent(sendErr) || m.attempts >= w.cfg.MaxAttempts:
		q, args = `UPDATE notify_outbox SET status = 'failed', last_error = ?, locked_by = '', locked_until = 0
			WHERE id = ? AND locked_by = ? AND status = 'sending'`, []any{clip(sendErr.Error(), 500)}
	default:
		next := now
		if !stopping {
			next = now.Add(w.backoff(m.attempts))
		}
		q, args = `UPDATE notify_outbox SET status = 'pending', next_attempt_at = ?, last_error = ?, locked_by = '', locked_until = 0
			WHERE id = ? AND locked_by = ? AND status = 'sending'`, []any{next.UnixMilli(), clip(sendErr.Error(), 500)}
	}
	res, err := w.db.ExecContext(ctx, q, append(args, m.ID, w.cfg.ID)...)
	if err != nil {
		return fmt.Errorf("notify: record %d: %w", m.ID, err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		w.cfg.Log.Warn("notify: lease lost before the outcome was recorded; the message may be sent again with the same reference",
			"id", m.ID, "ref", m.Ref, "err", sendErr)
	}
	if sendErr != nil {
		w.cfg.Log.Warn("notify: send failed", "id", m.ID, "channel", m.Channel, "attempt", m.attempts, "err", sendErr)
	}
	return nil
}

// release hands back rows claimed but not tried (shutdown), due now.
func (w *Worker) release(ms []Message) {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	for _, m := range ms {
		if _, err := w.db.ExecContext(ctx, `UPDATE notify_outbox SET status = 'pending', attempts = attempts - 1, locked_by = '', locked_until = 0
			WHERE id = ? AND locked_by = ? AND status = 'sending'`, m.ID, w.cfg.ID); err != nil {
			w.cfg.Log.Error("notify: release", "id", m.ID, "err", err)
		}
	}
}

// backoff is the delay before attempt n+1: Backoff·2ⁿ⁻¹, capped, of which
// a random half is kept ("equal jitter"), so a relay that was down is not
// hit by every row at the same instant when it returns.
func (w *Worker) backoff(n int) time.Duration {
	d := w.cfg.Backoff
	for i := 1; i < n && d < w.cfg.MaxBackoff; i++ {
		d *= 2
	}
	d = min(d, w.cfg.MaxBackoff)
	return d/2 + time.Duration(mrand.Int64N(int64(d/2)+1))
}

func fromMs(ms int64) time.Time { return time.UnixMilli(ms).In(calendar.Zone) }
