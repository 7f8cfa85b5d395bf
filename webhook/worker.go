package webhook

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/motcua/motcua/outbox"
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
	// NumberEvery: how often the worker numbers the events whose act
	// did not (PostgreSQL; 200ms). An act numbers its own once committed.
	NumberEvery time.Duration
	Now         func() time.Time
	Log         *slog.Logger
	// HTTP sends; nil: the guard's client (Guard.Client).
	HTTP  *http.Client
	Guard *Guard
}

// Worker sends the deliveries: each subscription's events of a dossier in
// order, one at a time, an event only once the earlier ones were received
// (a 2xx answer). Several instances may run: rows are leased (package
// outbox), and a killed process's lease expires.
type Worker struct {
	q   *outbox.Worker[claimed]
	db  *store.DB
	cfg WorkerConfig
}

// NewWorker returns a worker.
func NewWorker(db *store.DB, cfg WorkerConfig) *Worker {
	oc := outbox.Config{ID: cfg.ID, Batch: cfg.Batch, Poll: cfg.Poll, Lease: cfg.Lease, SendTimeout: cfg.SendTimeout,
		Backoff: cfg.Backoff, MaxBackoff: cfg.MaxBackoff, RetryFor: cfg.RetryFor, Now: cfg.Now, Log: cfg.Log,
		WithinLease: true}
	oc = oc.Defaults(outbox.Config{Batch: 20, Poll: 2 * time.Second, Lease: 10 * time.Minute, SendTimeout: 15 * time.Second,
		Backoff: 30 * time.Second, MaxBackoff: time.Hour, RetryFor: 24 * time.Hour})
	cfg.SendTimeout, cfg.Now = oc.SendTimeout, oc.Now
	if cfg.Guard == nil {
		cfg.Guard = &Guard{}
	}
	if cfg.HTTP == nil {
		cfg.HTTP = cfg.Guard.Client(cfg.SendTimeout)
	}
	if cfg.NumberEvery <= 0 {
		cfg.NumberEvery = 200 * time.Millisecond
	}
	w := &Worker{db: db, cfg: cfg}
	w.q = outbox.New(db, outbox.Spec[claimed]{
		Name:  "webhook",
		Table: "webhook_deliveries",
		// The next of its subscription and dossier: an earlier event of
		// the same subscription and dossier not yet sent holds it back.
		Ready: `NOT EXISTS (SELECT 1 FROM webhook_deliveries p WHERE p.subscription_id = o.subscription_id
			AND p.dossier_code = o.dossier_code AND p.event_id < o.event_id AND p.status <> 'sent')`,
		Scan: func(r *outbox.Row, scan func(...any) error) (claimed, error) {
			err := scan()
			return claimed{id: r.ID}, err
		},
		Load:  load,
		Send:  w.send,
		Attrs: func(d claimed) []any { return []any{"event", d.event} },
	}, oc)
	return w
}

// Run sends until ctx ends, and numbers the events left unnumbered
// (Number) every NumberEvery.
func (w *Worker) Run(ctx context.Context) {
	done := make(chan struct{})
	go func() { defer close(done); numberLoop(ctx, w.db, w.cfg.NumberEvery, w.cfg.Log) }()
	w.q.Run(ctx)
	<-done
}

// RunOnce numbers the events left unnumbered (Number), then claims one
// batch of due deliveries (at most one per subscription and dossier, the
// next of each), sends them and records each outcome. It returns how many
// it claimed.
func (w *Worker) RunOnce(ctx context.Context) (int, error) {
	if _, err := Number(ctx, w.db); err != nil {
		return 0, err
	}
	return w.q.RunOnce(ctx)
}

type claimed struct {
	id, sub, event int64
	url, secret    string
	oldSecret      string
	oldUntil       int64
	body           []byte
}

// load reads a claimed delivery's subscription and event.
func load(ctx context.Context, tx *store.Tx, c *claimed) error {
	var body string
	err := tx.QueryRowContext(ctx, `SELECT d.subscription_id, d.event_id, s.url, s.secret, s.old_secret, s.old_secret_until, e.payload
		FROM webhook_deliveries d JOIN webhook_subscriptions s ON s.id = d.subscription_id JOIN webhook_events e ON e.id = d.event_id
		WHERE d.id = ?`, c.id).Scan(&c.sub, &c.event, &c.url, &c.secret, &c.oldSecret, &c.oldUntil, &body)
	c.body = []byte(body)
	return err
}

// send POSTs one delivery with the Standard Webhooks headers; ctx ends at
// SendTimeout (the outbox worker sets it).
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
