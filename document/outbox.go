package document

import (
	"context"
	"encoding/json"
	"log/slog"
	"net/http"
	"time"

	"github.com/motcua/motcua/document/edxml"
	"github.com/motcua/motcua/outbox"
	"github.com/motcua/motcua/problem"
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
// rows (package outbox), so several instances may run and a killed one's
// rows come back.
type ExchangeWorker struct {
	s   *Service
	q   *outbox.Worker[outRow]
	cfg WorkerConfig
}

// NewWorker returns the exchange's worker.
func (s *Service) NewWorker(cfg WorkerConfig) *ExchangeWorker {
	oc := outbox.Config{ID: cfg.ID, Batch: cfg.Batch, Poll: cfg.Poll, Lease: cfg.Lease, SendTimeout: cfg.SendTimeout,
		Backoff: cfg.Backoff, MaxBackoff: cfg.MaxBackoff, RetryFor: cfg.RetryFor, Now: s.cfg.Now, Log: cfg.Log,
		WithinLease: true}
	oc = oc.Defaults(outbox.Config{Batch: 10, Poll: 5 * time.Second, Lease: 10 * time.Minute, SendTimeout: time.Minute,
		Backoff: time.Minute, MaxBackoff: time.Hour, RetryFor: 72 * time.Hour})
	cfg.SendTimeout = oc.SendTimeout
	if cfg.HTTP == nil {
		cfg.HTTP = &http.Client{Timeout: cfg.SendTimeout}
	}
	w := &ExchangeWorker{s: s, cfg: cfg}
	w.q = outbox.New(s.db, outbox.Spec[outRow]{
		Name:  "edxml",
		Table: "document_outbox",
		// The next of its document and addressee: an earlier row for
		// them still to send holds it back (a failed one does not).
		Ready: `NOT EXISTS (SELECT 1 FROM document_outbox p WHERE p.document_id = o.document_id AND p.organ_id = o.organ_id
			AND p.id < o.id AND p.status IN ('pending', 'sending'))`,
		Columns: `document_id, kind, organ_id, payload`,
		Scan: func(r *outbox.Row, scan func(...any) error) (outRow, error) {
			var o outRow
			err := scan(&o.document, &o.kind, &o.organ, &o.payload)
			o.id = r.ID
			return o, err
		},
		Send: w.send,
		// A refusal (or no endpoint known) is not retried.
		Permanent: func(err error) bool { return !edxml.IsRetryable(err) },
		Attrs:     func(r outRow) []any { return []any{"document", r.document, "to", r.organ} },
	}, oc)
	return w
}

// Run sends until ctx ends.
func (w *ExchangeWorker) Run(ctx context.Context) { w.q.Run(ctx) }

type outRow struct {
	id, document int64
	kind, organ  string
	payload      string
}

// RunOnce claims a batch of due rows (the next of each document and
// addressee), sends them and records each outcome (sent; failed when
// refused or retried past RetryFor; else pending again after a backoff);
// it returns how many it claimed.
func (w *ExchangeWorker) RunOnce(ctx context.Context) (int, error) { return w.q.RunOnce(ctx) }

// send posts one row to its addressee's endpoint; ctx ends at SendTimeout
// (the outbox worker sets it).
func (w *ExchangeWorker) send(ctx context.Context, r outRow) error {
	peer, ok := w.s.cfg.Exchange.Peers[r.organ]
	if !ok {
		return problem.New(problem.ErrInvalid, "edxml_no_peer", r.organ)
	}
	c := &edxml.Client{HTTP: w.cfg.HTTP, SystemID: peer.SystemID, SecretKey: peer.SecretKey}
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
	// OnIssued queues no secret document; one made secret since, or
	// queued by an older version, still does not leave.
	if d.Secrecy > 0 {
		return problem.New(problem.ErrInvalid, "edxml_secret")
	}
	switch d.State {
	case StateRevoking:
		// Revoked before it left (the peer down, the worker behind): the
		// 13 queued behind it asks for it back, so it goes as issued,
		// the 13 next, and the recipient's 15 or 16 settles the
		// revocation — not sent, the 13 would name a document the
		// recipient never had and the document would stay revoking.
		d.State = StateIssued
	case StateRevoked:
		// Every recipient it went to already gave it back: it does not
		// leave.
		return problem.New(problem.ErrInvalid, "edxml_revoked_unsent")
	}
	m, err := w.s.message(ctx, w.s.db, d, r.organ)
	if err != nil {
		return err
	}
	return c.Send(ctx, peer.Endpoint, m)
}
