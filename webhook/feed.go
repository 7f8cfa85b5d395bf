package webhook

import (
	"context"
	"encoding/json"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/motcua/motcua/auth"
	"github.com/motcua/motcua/problem"
	"github.com/motcua/motcua/store"
)

// Page is one page of the feed: events after the cursor, oldest first;
// Next is the cursor of the following page (the last event's number),
// empty when this page is the end for now.
type Page struct {
	Events []json.RawMessage `json:"events"`
	Next   string            `json:"next,omitempty"`
}

// Feed lists the events of a's units after event number after (0: from
// the first), at most limit (1–500, default 100). Keyset pagination: ids
// only grow and become visible in that order, so a poller that stores
// Next misses nothing and sees nothing twice.
func (s *Service) Feed(ctx context.Context, a *auth.Actor, after string, limit int) (*Page, error) {
	var from int64
	if after != "" {
		n, err := strconv.ParseInt(strings.TrimPrefix(after, "evt_"), 10, 64)
		if err != nil || n < 0 {
			return nil, problem.Invalid("after", "invalid_cursor")
		}
		from = n
	}
	if limit <= 0 {
		limit = 100
	}
	limit = min(limit, 500)
	units, err := s.reach(ctx, a)
	if err != nil {
		return nil, err
	}
	p := &Page{Events: []json.RawMessage{}}
	if len(units) == 0 {
		return p, nil
	}
	in := store.Placeholders(len(units))
	args := append([]any{from}, units...)
	args = append(args, units...)
	rows, err := s.db.QueryContext(ctx, `SELECT id, payload FROM webhook_events WHERE id > ? AND (unit_id IN (`+in+`) OR receiving_unit_id IN (`+in+`))
		ORDER BY id LIMIT ?`, append(args, limit)...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var last int64
	for rows.Next() {
		var payload string
		if err := rows.Scan(&last, &payload); err != nil {
			return nil, err
		}
		p.Events = append(p.Events, json.RawMessage(payload))
	}
	if len(p.Events) == limit {
		p.Next = strconv.FormatInt(last, 10)
	}
	return p, rows.Err()
}

// Subscriptions lists the subscriptions of the units a manages.
func (s *Service) Subscriptions(ctx context.Context, a *auth.Actor) ([]Subscription, error) {
	units, err := s.cfg.Units.Reach(ctx, s.db, a, auth.ManageUnits)
	if err != nil || len(units) == 0 {
		return nil, err
	}
	args := make([]any, len(units))
	for i, u := range units {
		args[i] = u
	}
	rows, err := s.db.QueryContext(ctx, `SELECT s.id, s.url, s.types, s.unit_id, s.active, s.created_at,
		(SELECT COUNT(*) FROM webhook_deliveries d WHERE d.subscription_id = s.id AND d.status IN ('pending', 'sending')),
		(SELECT COUNT(*) FROM webhook_deliveries d WHERE d.subscription_id = s.id AND d.status = 'failed'),
		(SELECT COUNT(*) FROM webhook_deliveries d WHERE d.subscription_id = s.id AND d.status = 'sent')
		FROM webhook_subscriptions s WHERE s.unit_id IN (`+store.Placeholders(len(units))+`) ORDER BY s.id`, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Subscription
	var unitIDs []int64
	for rows.Next() {
		var sub Subscription
		var types string
		var unitID, active, created int64
		if err := rows.Scan(&sub.ID, &sub.URL, &types, &unitID, &active, &created, &sub.Pending, &sub.Failed, &sub.Sent); err != nil {
			return nil, err
		}
		sub.Types, sub.Active, sub.CreatedAt = strings.Fields(types), active == 1, time.UnixMilli(created)
		out = append(out, sub)
		unitIDs = append(unitIDs, unitID)
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	for i := range out {
		out[i].UnitID = unitIDs[i]
	}
	return out, nil
}

// Delivery is one delivery as the admin page shows it.
type Delivery struct {
	ID         int64
	EventID    int64
	Type       string
	Dossier    string
	Status     string
	Attempts   int
	LastError  string
	CreatedAt  time.Time
	Subscriber int64
}

// Deliveries lists a subscription's latest deliveries, failed first.
func (s *Service) Deliveries(ctx context.Context, a *auth.Actor, sub int64, limit int) ([]Delivery, error) {
	if _, err := s.subscription(ctx, a, sub); err != nil {
		return nil, err
	}
	rows, err := s.db.QueryContext(ctx, `SELECT d.id, d.event_id, e.type, d.dossier_code, d.status, d.attempts, d.last_error, d.created_at
		FROM webhook_deliveries d JOIN webhook_events e ON e.id = d.event_id WHERE d.subscription_id = ?
		ORDER BY CASE WHEN d.status = 'failed' THEN 0 ELSE 1 END, d.event_id DESC LIMIT ?`, sub, limit)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Delivery
	for rows.Next() {
		var d Delivery
		var created int64
		if err := rows.Scan(&d.ID, &d.EventID, &d.Type, &d.Dossier, &d.Status, &d.Attempts, &d.LastError, &created); err != nil {
			return nil, err
		}
		d.CreatedAt, d.Subscriber = time.UnixMilli(created), sub
		out = append(out, d)
	}
	return out, rows.Err()
}

// Replay sends event again to subscription sub: a failed delivery, or one
// sent already (the receiver lost it), is put back in the queue with a new
// day of retries; a past event the subscription never had (it did not
// exist yet, or the event was of another type) is queued if it is in the
// subscription's unit's scope. The delivery carries the event's own id, so
// a receiver that kept it can drop the repeat.
func (s *Service) Replay(ctx context.Context, a *auth.Actor, sub, eventID int64) error {
	if _, err := s.subscription(ctx, a, sub); err != nil {
		return err
	}
	return s.replay(ctx, sub, eventID)
}

// replay is Replay once the caller's right to sub is checked.
func (s *Service) replay(ctx context.Context, sub, eventID int64) error {
	var active int
	if err := s.db.QueryRowContext(ctx, `SELECT active FROM webhook_subscriptions WHERE id = ?`, sub).Scan(&active); err != nil {
		return err
	}
	if active != 1 {
		return problem.Conflict("subscription_stopped")
	}
	now := s.cfg.Now().UnixMilli()
	return s.db.InTx(ctx, func(tx *store.Tx) error {
		units, err := s.subUnits(ctx, tx, sub)
		if err != nil {
			return err
		}
		res, err := tx.ExecContext(ctx, `UPDATE webhook_deliveries SET status = 'pending', attempts = 0, next_attempt_at = ?, created_at = ?,
			last_error = '', locked_by = '', locked_until = 0 WHERE subscription_id = ? AND event_id = ? AND status IN ('sent', 'failed')`,
			now, now, sub, eventID)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n > 0 {
			return nil
		}
		var code string
		var held, receiving int64
		err = tx.QueryRowContext(ctx, `SELECT dossier_code, unit_id, receiving_unit_id FROM webhook_events WHERE id = ?`, eventID).Scan(&code, &held, &receiving)
		if err != nil {
			return problem.NotFound("unknown_event")
		}
		in := false
		for _, u := range []int64{held, receiving} {
			chain, err := s.cfg.Units.Chain(ctx, tx, u)
			if err != nil {
				return err
			}
			for _, c := range chain {
				in = in || slices.Contains(units, c)
			}
		}
		if !in {
			return problem.NotFound("unknown_event")
		}
		var n int
		if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM webhook_deliveries WHERE subscription_id = ? AND event_id = ?`, sub, eventID).Scan(&n); err != nil || n > 0 {
			return err // pending or being sent: nothing to do
		}
		_, err = tx.ExecContext(ctx, `INSERT INTO webhook_deliveries (subscription_id, event_id, dossier_code, status, next_attempt_at, created_at)
			VALUES (?, ?, ?, 'pending', ?, ?)`, sub, eventID, code, now, now)
		return err
	})
}

// Stop ends subscription sub: no event is queued for it any more, and
// its deliveries not yet sent are marked failed (kept for the record).
// A system that wants the events again subscribes anew, with a new secret.
func (s *Service) Stop(ctx context.Context, a *auth.Actor, sub int64) error {
	if _, err := s.subscription(ctx, a, sub); err != nil {
		return err
	}
	return s.db.InTx(ctx, func(tx *store.Tx) error { return stop(ctx, tx, sub) })
}

// stop ends subscription sub in tx.
func stop(ctx context.Context, tx *store.Tx, sub int64) error {
	if _, err := tx.ExecContext(ctx, `UPDATE webhook_subscriptions SET active = 0 WHERE id = ?`, sub); err != nil {
		return err
	}
	_, err := tx.ExecContext(ctx, `UPDATE webhook_deliveries SET status = 'failed', last_error = 'subscription stopped', locked_by = '', locked_until = 0
		WHERE subscription_id = ? AND status IN ('pending', 'sending')`, sub)
	return err
}

// Counts returns the deliveries by status (for metrics and tests).
func (s *Service) Counts(ctx context.Context) (map[string]int64, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT status, COUNT(*) FROM webhook_deliveries GROUP BY status`)
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

// Unsent counts deliveries not yet sent nor failed.
func (s *Service) Unsent(ctx context.Context) (int64, error) {
	var n int64
	err := s.db.QueryRowContext(ctx, `SELECT COUNT(*) FROM webhook_deliveries WHERE status IN ('pending', 'sending')`).Scan(&n)
	return n, err
}
