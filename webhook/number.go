package webhook

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/motcua/motcua/store"
)

// numberLock is the PostgreSQL advisory lock (transaction-scoped) under
// which one numbering step runs at a time, across every instance sharing
// the database.
const numberLock int64 = 0x77656268 // "webh"

// numberBatch is the most events one numbering step gives ids to.
const numberBatch = 500

// stage writes an event without its public id, for the numbering step to
// number once tx has committed (PostgreSQL). It runs just before COMMIT
// (store.Tx.BeforeCommit), so the staged rows' order is near their commit
// order; it locks no row any other act wants.
func (s *Service) stage(ctx context.Context, tx *store.Tx, typ, key string, held, receiving int64, at time.Time, data Data, subs []int64, now int64) error {
	body, err := eventBody(0, typ, at, data)
	if err != nil {
		return err
	}
	ids := make([]string, len(subs))
	for i, sub := range subs {
		ids[i] = strconv.FormatInt(sub, 10)
	}
	_, err = tx.ExecContext(ctx, `INSERT INTO webhook_staged (type, dossier_code, unit_id, receiving_unit_id, at, payload, subscriptions, created_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?)`, typ, key, held, receiving, at.UnixMilli(), string(body), strings.Join(ids, " "), now)
	return err
}

// Number gives the committed, unnumbered events (webhook_staged) their
// public ids, in the order they were staged, and makes them visible: it
// moves them to webhook_events and queues their deliveries, in one short
// transaction under an advisory lock, so that with several instances one
// numbers at a time, and an id is visible only once every smaller one is
// (the next step starts after this one's COMMIT is visible). It returns how
// many it numbered. An act calls it once committed (store.Tx.AfterCommit),
// so its events are in the feed when its request returns; the Worker calls
// it every NumberEvery for those whose act's call did not get to it (its
// process ended, its context was cancelled). Nothing to do on SQLite,
// which numbers in the act's transaction.
func Number(ctx context.Context, db *store.DB) (int, error) {
	if db.Dialect != store.Postgres {
		return 0, nil
	}
	total := 0
	for {
		n, err := numberOnce(ctx, db)
		total += n
		if err != nil || n < numberBatch {
			return total, err
		}
	}
}

type staged struct {
	id, held, receiving, at, created int64
	typ, key, payload, subs          string
}

// numberOnce numbers at most numberBatch staged events.
func numberOnce(ctx context.Context, db *store.DB) (int, error) {
	n := 0
	err := db.InTx(ctx, func(tx *store.Tx) error {
		n = 0
		// Taken first: the statements below see every event committed
		// before it was granted, including the previous step's work.
		if _, err := tx.ExecContext(ctx, `SELECT pg_advisory_xact_lock(?)`, numberLock); err != nil {
			return err
		}
		rows, err := tx.QueryContext(ctx, `SELECT id, type, dossier_code, unit_id, receiving_unit_id, at, payload, subscriptions, created_at
			FROM webhook_staged ORDER BY id LIMIT `+strconv.Itoa(numberBatch))
		if err != nil {
			return err
		}
		var evs []staged
		for rows.Next() {
			var e staged
			if err := rows.Scan(&e.id, &e.typ, &e.key, &e.held, &e.receiving, &e.at, &e.payload, &e.subs, &e.created); err != nil {
				rows.Close()
				return err
			}
			evs = append(evs, e)
		}
		rows.Close()
		if err := rows.Err(); err != nil || len(evs) == 0 {
			return err // nothing written: a COMMIT without a WAL flush
		}
		var last int64
		if err := tx.QueryRowContext(ctx, `UPDATE webhook_sequence SET last_id = last_id + ? WHERE name = 'events' RETURNING last_id`, len(evs)).Scan(&last); err != nil {
			return err
		}
		first := last - int64(len(evs)) + 1
		events := make([]any, 0, 7*len(evs))
		var deliveries, done []any
		for i, e := range evs {
			id := first + int64(i)
			payload, err := numbered(e.payload, id)
			if err != nil {
				return err
			}
			events = append(events, id, e.typ, e.key, e.held, e.receiving, e.at, payload)
			for _, f := range strings.Fields(e.subs) {
				sub, err := strconv.ParseInt(f, 10, 64)
				if err != nil {
					return err
				}
				deliveries = append(deliveries, sub, id, e.key, e.created)
			}
			done = append(done, e.id)
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO webhook_events (id, type, dossier_code, unit_id, receiving_unit_id, at, payload) VALUES `+
			rowsOf(len(evs), "(?, ?, ?, ?, ?, ?, ?)"), events...); err != nil {
			return err
		}
		// A subscription stopped since the act gets no delivery (Stop has
		// failed those it had).
		if len(deliveries) > 0 {
			if _, err := tx.ExecContext(ctx, `INSERT INTO webhook_deliveries (subscription_id, event_id, dossier_code, status, next_attempt_at, created_at)
				SELECT v.sub, v.event, v.code, 'pending', v.at, v.at FROM (VALUES `+rowsOf(len(deliveries)/4, "(?::bigint, ?::bigint, ?, ?::bigint)")+`) AS v(sub, event, code, at)
				JOIN webhook_subscriptions s ON s.id = v.sub AND s.active = 1 ORDER BY v.event, v.sub`, deliveries...); err != nil {
				return err
			}
		}
		// By id, never by a range: a staged row with a smaller id may
		// commit after this step began.
		if _, err := tx.ExecContext(ctx, `DELETE FROM webhook_staged WHERE id IN (`+store.Placeholders(len(done))+`)`, done...); err != nil {
			return err
		}
		n = len(evs)
		return nil
	})
	return n, err
}

// rowsOf is n copies of one VALUES row, comma-separated.
func rowsOf(n int, row string) string {
	return strings.TrimSuffix(strings.Repeat(row+", ", n), ", ")
}

// eventBody is the event as delivered and listed (id 0: not yet numbered,
// "id" empty).
func eventBody(id int64, typ string, at time.Time, data Data) ([]byte, error) {
	ev := Event{Type: typ, Timestamp: at.UTC(), Data: data}
	if id > 0 {
		ev.ID = EventID(id)
	}
	return json.Marshal(ev)
}

// numbered is a staged payload with its id: Event's first field is "id",
// marshalled empty when staged, so the rest of the bytes are the ones the
// SQLite path writes for the same event.
func numbered(payload string, id int64) (string, error) {
	const empty = `{"id":""`
	if !strings.HasPrefix(payload, empty) {
		return "", fmt.Errorf("webhook: staged event without an empty id: %.40s", payload)
	}
	return `{"id":"` + EventID(id) + `"` + payload[len(empty):], nil
}

// rounds runs Number for the acts of this process that have committed,
// as a group commit does: an act waits for the next round, one that
// starts after its commit, and the rounds run one at a time, so 32 acts
// committing together cost a round or two, not 32 steps queued on the
// advisory lock (each a transaction of its own, waiting for the one
// before). The advisory lock still orders the rounds of several
// instances, and the Worker's.
type rounds struct {
	db      *store.DB
	mu      sync.Mutex
	running bool
	// next is closed when the round after the running one has ended;
	// nil: no act waits for one.
	next chan struct{}
}

// after returns once a numbering round that started after the caller's
// commit has ended, or ctx has (the round goes on: the act's request
// needs not wait for it, and the Worker numbers what a failed round
// left).
func (r *rounds) after(ctx context.Context) {
	r.mu.Lock()
	if r.next == nil {
		r.next = make(chan struct{})
	}
	done := r.next
	if !r.running {
		r.running = true
		go r.run()
	}
	r.mu.Unlock()
	select {
	case <-done:
	case <-ctx.Done():
	}
}

// run runs rounds while acts wait for one.
func (r *rounds) run() {
	for {
		r.mu.Lock()
		done := r.next
		r.next = nil
		if done == nil {
			r.running = false
			r.mu.Unlock()
			return
		}
		r.mu.Unlock()
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		Number(ctx, r.db)
		cancel()
		close(done)
	}
}

// numberLoop runs Number every period until ctx ends: the catch-up for
// events whose act did not number them after its commit.
func numberLoop(ctx context.Context, db *store.DB, period time.Duration, log *slog.Logger) {
	if db.Dialect != store.Postgres {
		return
	}
	t := time.NewTicker(period)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
		// Most ticks find nothing: one indexed read, no transaction.
		var one int
		if err := db.QueryRowContext(ctx, `SELECT 1 FROM webhook_staged LIMIT 1`).Scan(&one); err != nil {
			continue
		}
		if _, err := Number(ctx, db); err != nil && ctx.Err() == nil && log != nil {
			log.Warn("webhook: numbering events", "err", err)
		}
	}
}
