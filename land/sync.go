package land

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"strings"
	"time"

	"github.com/motcua/motcua/outbox"
)

// The adapter to the national land information system (Hệ thống thông
// tin quốc gia về đất đai): every registry change is POSTed there, from
// the land_outbox rows written in the change's transaction. The wire is
// assumed (docs/land.md): POST {base}/bien-dong with a JSON Notice, a
// bearer token and the row's dedupe key as Idempotency-Key; 2xx is
// taken, 4xx is a permanent refusal, anything else is retried.

// Sent is one outbox row as the national system receives it.
type Sent struct {
	ID     int64
	Key    string
	Notice json.RawMessage
}

// Client posts notices to the national land information system.
type Client struct {
	base, token string
	http        *http.Client
}

// NewClient makes a client of base (e.g. https://lgsp.example.vn/dat-dai).
func NewClient(base, token string, hc *http.Client) *Client {
	if hc == nil {
		hc = &http.Client{Timeout: 30 * time.Second}
	}
	return &Client{base: strings.TrimRight(base, "/"), token: token, http: hc}
}

// Push sends one notice.
func (c *Client) Push(ctx context.Context, s Sent) error {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, c.base+"/bien-dong", bytes.NewReader(s.Notice))
	if err != nil {
		return outbox.Permanent(err)
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Idempotency-Key", s.Key)
	if c.token != "" {
		req.Header.Set("Authorization", "Bearer "+c.token)
	}
	resp, err := c.http.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(io.LimitReader(resp.Body, 512))
	switch {
	case resp.StatusCode >= 200 && resp.StatusCode < 300:
		return nil
	case resp.StatusCode >= 400 && resp.StatusCode < 500 && resp.StatusCode != http.StatusTooManyRequests:
		return outbox.Permanent(fmt.Errorf("land: the national system refused %s: %d %s", s.Key, resp.StatusCode, body))
	}
	return fmt.Errorf("land: the national system answered %d %s", resp.StatusCode, body)
}

// Pusher sends one notice (a *Client, or a test's).
type Pusher interface {
	Push(ctx context.Context, s Sent) error
}

// WorkerConfig tunes a Worker; zero fields take package outbox's
// defaults as set here.
type WorkerConfig struct {
	ID   string
	Poll time.Duration
	Now  func() time.Time
	Log  *slog.Logger
}

// Worker sends the land outbox: a parcel's changes in order, each once
// the earlier ones of its parcel were sent. Several instances may run
// (leases, package outbox).
type Worker struct {
	q *outbox.Worker[Sent]
}

// NewWorker returns a worker sending with push.
func (s *Service) NewWorker(push Pusher, cfg WorkerConfig) *Worker {
	oc := outbox.Config{ID: cfg.ID, Poll: cfg.Poll, Now: cfg.Now, Log: cfg.Log, WithinLease: true}
	oc = oc.Defaults(outbox.Config{Batch: 20, Poll: 5 * time.Second, Lease: 5 * time.Minute, SendTimeout: 30 * time.Second,
		MaxAttempts: 30, Backoff: 30 * time.Second, MaxBackoff: time.Hour})
	return &Worker{q: outbox.New(s.db, outbox.Spec[Sent]{
		Name:    "land",
		Table:   "land_outbox",
		Ready:   `NOT EXISTS (SELECT 1 FROM land_outbox p WHERE p.parcel_id = o.parcel_id AND p.id < o.id AND p.status <> 'sent')`,
		Columns: `dedupe_key, payload`,
		Scan: func(r *outbox.Row, scan func(...any) error) (Sent, error) {
			var x Sent
			var payload string
			err := scan(&x.Key, &payload)
			x.ID, x.Notice = r.ID, json.RawMessage(payload)
			return x, err
		},
		Send:  push.Push,
		Attrs: func(x Sent) []any { return []any{"key", x.Key} },
	}, oc)}
}

// Run sends until ctx ends.
func (w *Worker) Run(ctx context.Context) { w.q.Run(ctx) }

// RunOnce claims one batch, sends it and records each outcome.
func (w *Worker) RunOnce(ctx context.Context) (int, error) { return w.q.RunOnce(ctx) }

// Pending counts the outbox rows by status, for the metrics.
func (s *Service) Pending(ctx context.Context) (map[string]int64, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT status, COUNT(*) FROM land_outbox GROUP BY status`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := map[string]int64{}
	for rows.Next() {
		var st string
		var n int64
		if err := rows.Scan(&st, &n); err != nil {
			return nil, err
		}
		out[st] = n
	}
	return out, rows.Err()
}
