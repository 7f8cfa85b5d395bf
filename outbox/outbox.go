// Package outbox sends the rows of a module's transactional outbox: the
// leasing, retrying and giving up that notify, dvcqg, webhook and document
// share. It owns no table. A module owns its outbox table, writes the rows
// in its own transactions, and hands a Worker the table's name, the SQL
// that orders or filters its rows (Spec.Ready), and how to read and send a
// row; the worker builds the claim and outcome statements around them.
//
// Every outbox table has the columns id, status ('pending', 'sending',
// 'sent', 'failed'), attempts, next_attempt_at, last_error, locked_by,
// locked_until, created_at and sent_at (times in Unix milliseconds).
//
// # Guarantee
//
// A claim is one UPDATE that leases a batch of due rows to this worker
// (locked_by, locked_until) and counts the attempt, with FOR UPDATE SKIP
// LOCKED on PostgreSQL and under SQLite's single writer; so two workers,
// in one process or several, never hold one row at once. A worker that
// dies leaves its rows leased until the lease ends, then any worker claims
// them again: nothing is lost, and a row the receiver took just before the
// crash is sent again (the module gives each row an identity the receiver
// can deduplicate by). An outcome is recorded only while this worker still
// holds the lease.
package outbox

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	mrand "math/rand/v2"
	"os"
	"time"

	"github.com/motcua/motcua/store"
)

// Config tunes a Worker. A module fills it from its own WorkerConfig, with
// its own defaults (Defaults fills the zero fields).
type Config struct {
	ID          string        // lease owner; default host-pid-random
	Batch       int           // rows per claim
	Poll        time.Duration // between claims when idle
	Lease       time.Duration // how long a claim holds its rows
	SendTimeout time.Duration // one send
	Backoff     time.Duration // first retry delay, doubling, with jitter
	MaxBackoff  time.Duration // cap on the delay
	// MaxAttempts, if set: a row fails after this many attempts, and one
	// claimed again past it (its worker died on the last one) is not sent.
	MaxAttempts int
	// RetryFor, if set: a row still failing this long after it was
	// written fails.
	RetryFor time.Duration
	// WithinLease: a send starts only if it can end before the lease does.
	// An outbox sent in order needs it: once the lease ends another worker
	// may send the row, and the next of its sequence, while this one is
	// still on its way.
	WithinLease bool
	Now         func() time.Time
	Log         *slog.Logger
}

// Defaults returns c with its zero fields taken from d, and a fresh lease
// owner, clock and logger where neither has one.
func (c Config) Defaults(d Config) Config {
	or := func(v *time.Duration, w time.Duration) {
		if *v == 0 {
			*v = w
		}
	}
	or(&c.Poll, d.Poll)
	or(&c.Lease, d.Lease)
	or(&c.SendTimeout, d.SendTimeout)
	or(&c.Backoff, d.Backoff)
	or(&c.MaxBackoff, d.MaxBackoff)
	or(&c.RetryFor, d.RetryFor)
	if c.Batch == 0 {
		c.Batch = d.Batch
	}
	if c.MaxAttempts == 0 {
		c.MaxAttempts = d.MaxAttempts
	}
	if c.Now == nil {
		c.Now = d.Now
	}
	if c.Now == nil {
		c.Now = time.Now
	}
	if c.Log == nil {
		c.Log = d.Log
	}
	if c.Log == nil {
		c.Log = slog.Default()
	}
	if c.ID == "" {
		host, _ := os.Hostname()
		var b [4]byte
		_, _ = rand.Read(b[:])
		c.ID = fmt.Sprintf("%s-%d-%s", host, os.Getpid(), hex.EncodeToString(b[:]))
	}
	return c
}

// Row is what every claimed row has, whatever its module.
type Row struct {
	ID       int64
	Attempts int   // this one included
	Created  int64 // created_at, Unix ms
}

// Spec is what a module tells the worker about its outbox; R is a row as
// the module sends it.
type Spec[R any] struct {
	Name  string // in log lines and errors ("notify")
	Table string // the module's outbox table
	// Ready, if set, is SQL ANDed to the test of a due row, the row named
	// o: the module's order (NOT EXISTS an earlier row of the same
	// sequence not yet sent) or filter. Its ? arguments are ReadyArgs.
	Ready     string
	ReadyArgs []any
	// Columns, if set, are more columns of the table the claim returns,
	// after id, attempts and created_at. Scan reads a claimed row: once
	// it called scan with its Columns' destinations, r is filled in too.
	Columns string
	Scan    func(r *Row, scan func(dest ...any) error) (R, error)
	// Load, if set, completes each claimed row in the claim's transaction
	// (reads of the module's other tables), once the claim's rows are read.
	Load func(ctx context.Context, tx *store.Tx, r *R) error
	Send func(ctx context.Context, r R) error
	// Permanent reports an error retrying cannot fix; nil: IsPermanent.
	Permanent func(error) bool
	// Recorded, if set, runs in the transaction of an outcome recorded
	// under the lease (the module's own state beside the row).
	Recorded func(ctx context.Context, tx *store.Tx, r R, sendErr error) error
	// Attrs are what the log lines say of a row besides its id.
	Attrs func(r R) []any
}

type permanent struct{ err error }

func (p permanent) Error() string { return p.err.Error() }
func (p permanent) Unwrap() error { return p.err }

// Permanent marks err as one that retrying cannot fix: the row fails.
func Permanent(err error) error { return permanent{err} }

// IsPermanent reports whether err was marked with Permanent.
func IsPermanent(err error) bool { return errors.As(err, new(permanent)) }

// ErrCrashed is returned by RunOnce when a test simulated a crash (Crash).
var ErrCrashed = errors.New("outbox: worker crashed (simulated)")

// Worker claims, sends and records the rows of one outbox table.
type Worker[R any] struct {
	db    *store.DB
	spec  Spec[R]
	cfg   Config
	crash func(stage string, r R) bool
}

// New returns a worker for spec; cfg should have been through Defaults.
func New[R any](db *store.DB, spec Spec[R], cfg Config) *Worker[R] {
	if spec.Permanent == nil {
		spec.Permanent = IsPermanent
	}
	return &Worker[R]{db: db, spec: spec, cfg: cfg.Defaults(Config{})}
}

// Crash makes the worker stop dead where fn says, as if its process were
// killed there: at stage "before-send" or "after-send" of a row, fn true
// makes RunOnce return ErrCrashed at once, the leased rows left as they
// are. For tests of what a later worker does with them.
func (w *Worker[R]) Crash(fn func(stage string, r R) bool) { w.crash = fn }

// Run sends until ctx ends.
func (w *Worker[R]) Run(ctx context.Context) { w.Loop(ctx, w.RunOnce) }

// Loop calls once until it claims nothing or fails, then waits for the
// next poll, until ctx ends. A module whose round does more than RunOnce
// (notify's reminders) passes its own.
func (w *Worker[R]) Loop(ctx context.Context, once func(context.Context) (int, error)) {
	t := time.NewTicker(w.cfg.Poll)
	defer t.Stop()
	for {
		for {
			n, err := once(ctx)
			if err != nil && ctx.Err() == nil {
				w.cfg.Log.Error(w.spec.Name+": send", "err", err)
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

// RunOnce claims one batch of due rows, sends them and records each
// outcome. It returns how many rows it claimed. Rows not tried when ctx
// ends (or, with WithinLease, when the lease is too short for another
// send) are released, due at once.
func (w *Worker[R]) RunOnce(ctx context.Context) (int, error) {
	rows, leaseEnd, err := w.claim(ctx)
	if err != nil {
		return 0, err
	}
	for i, r := range rows {
		if ctx.Err() != nil {
			w.release(rows[i:])
			return len(rows), ctx.Err()
		}
		if w.cfg.WithinLease && w.cfg.Now().Add(w.cfg.SendTimeout).After(leaseEnd) {
			w.release(rows[i:])
			return len(rows), nil
		}
		if w.crash != nil && w.crash("before-send", r.v) {
			return len(rows), ErrCrashed
		}
		var sendErr error
		if w.cfg.MaxAttempts > 0 && r.Attempts > w.cfg.MaxAttempts {
			// Claimed again after a crash on its last attempt: do not loop forever.
			sendErr = Permanent(fmt.Errorf("gave up after %d attempts", w.cfg.MaxAttempts))
		} else {
			// A send already begun is finished even when ctx ends (the
			// worker stopping): cut off, the receiver might have taken
			// it without the outcome being recorded, and it would be
			// sent again at the next start. SendTimeout bounds it.
			sctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), w.cfg.SendTimeout)
			sendErr = w.spec.Send(sctx, r.v)
			cancel()
		}
		if w.crash != nil && w.crash("after-send", r.v) {
			return len(rows), ErrCrashed
		}
		if err := w.record(ctx, r, sendErr); err != nil {
			return len(rows), err
		}
	}
	return len(rows), nil
}

// backoff is the delay before attempt n+1: Backoff·2ⁿ⁻¹, capped, of which
// a random half is kept ("equal jitter"), so a receiver that was down is
// not hit by every row at the same instant when it returns.
func backoff(n int, first, max time.Duration) time.Duration {
	d := first
	for i := 1; i < n && d < max; i++ {
		d *= 2
	}
	d = min(d, max)
	return d/2 + time.Duration(mrand.Int64N(int64(d/2)+1))
}

// Reason is a send error as stored in last_error: at most 500 bytes, not
// cut inside a UTF-8 sequence.
func Reason(err error) string {
	s, n := err.Error(), 500
	if len(s) <= n {
		return s
	}
	for n > 0 && s[n]&0xC0 == 0x80 {
		n--
	}
	return s[:n]
}
