package notify

import (
	"context"
	"fmt"
	"log/slog"
	"slices"
	"time"

	"github.com/motcua/motcua/calendar"
	"github.com/motcua/motcua/outbox"
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
	Ref string
}

// Sender delivers messages of one channel. An error wrapped with Permanent
// is not retried; any other is, with backoff.
type Sender interface {
	Send(ctx context.Context, m Message) error
}

// Permanent marks err as one that retrying cannot fix (a rejected address).
func Permanent(err error) error { return outbox.Permanent(err) }

// IsPermanent reports whether err was marked with Permanent.
func IsPermanent(err error) bool { return outbox.IsPermanent(err) }

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
// the guarantee; the leasing is package outbox's) and runs the officers'
// reminders.
type Worker struct {
	db         *store.DB
	svc        *Service
	q          *outbox.Worker[Message]
	chans      []Channel // configured
	cfg        WorkerConfig
	lastRemind time.Time
}

// NewWorker returns a worker for the configured senders.
func NewWorker(db *store.DB, svc *Service, s Senders, cfg WorkerConfig) *Worker {
	oc := outbox.Config{ID: cfg.ID, Batch: cfg.Batch, Poll: cfg.Poll, Lease: cfg.Lease, SendTimeout: cfg.SendTimeout,
		MaxAttempts: cfg.MaxAttempts, Backoff: cfg.Backoff, MaxBackoff: cfg.MaxBackoff, Now: cfg.Now, Log: cfg.Log}
	oc = oc.Defaults(outbox.Config{Batch: 20, Poll: 2 * time.Second, Lease: 5 * time.Minute, SendTimeout: time.Minute,
		MaxAttempts: 10, Backoff: time.Minute, MaxBackoff: 6 * time.Hour})
	if cfg.RemindEvery == 0 {
		cfg.RemindEvery = 5 * time.Minute
	}
	cfg.Now, cfg.Log = oc.Now, oc.Log
	senders := map[Channel]Sender{}
	if s.Email != nil {
		senders[Email] = s.Email
	}
	if s.SMS != nil {
		senders[SMS] = s.SMS
	}
	w := &Worker{db: db, svc: svc, cfg: cfg}
	var in []any
	for _, ch := range []Channel{Email, SMS} {
		if senders[ch] != nil {
			w.chans = append(w.chans, ch)
			in = append(in, string(ch))
		}
	}
	w.q = outbox.New(db, outbox.Spec[Message]{
		Name:      "notify",
		Table:     "notify_outbox",
		Ready:     `o.channel IN (` + store.Placeholders(len(in)) + `)`,
		ReadyArgs: in,
		Columns:   `kind, channel, recipient, subject, body`,
		Scan: func(r *outbox.Row, scan func(...any) error) (Message, error) {
			var m Message
			err := scan(&m.Kind, &m.Channel, &m.To, &m.Subject, &m.Body)
			m.ID, m.Created = r.ID, fromMs(r.Created)
			m.Ref = fmt.Sprintf("outbox-%d.%d", r.ID, r.Created)
			return m, err
		},
		Send:  func(ctx context.Context, m Message) error { return senders[m.Channel].Send(ctx, m) },
		Attrs: func(m Message) []any { return []any{"channel", m.Channel, "ref", m.Ref} },
	}, oc)
	return w
}

// Run sends and reminds until ctx ends. A send in flight when it ends is
// given up and its row released for the next run (at most one repeat).
func (w *Worker) Run(ctx context.Context) {
	w.q.Loop(ctx, func(ctx context.Context) (int, error) {
		if now := w.cfg.Now(); w.lastRemind.IsZero() || now.Sub(w.lastRemind) >= w.cfg.RemindEvery {
			w.lastRemind = now
			if _, err := w.svc.Remind(ctx); err != nil && ctx.Err() == nil {
				w.cfg.Log.Error("notify: reminders", "err", err)
			}
		}
		return w.RunOnce(ctx)
	})
}

// channelsUnconfigured explains why rows of a channel wait.
var channelsUnconfigured = map[Channel]string{
	Email: "e-mail is not configured on this server (--smtp-addr): waiting",
	SMS:   "SMS is not configured on this server (--sms-url): waiting",
}

// RunOnce claims one batch of due rows of the configured channels, sends
// them and records each outcome. It returns how many rows it claimed.
func (w *Worker) RunOnce(ctx context.Context) (int, error) {
	for _, ch := range []Channel{Email, SMS} {
		if slices.Contains(w.chans, ch) {
			continue
		}
		if err := w.noteWaiting(ctx, ch); err != nil {
			return 0, err
		}
	}
	if len(w.chans) == 0 {
		return 0, nil
	}
	return w.q.RunOnce(ctx)
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

func fromMs(ms int64) time.Time { return time.UnixMilli(ms).In(calendar.Zone) }
