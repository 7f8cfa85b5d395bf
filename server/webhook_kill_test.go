package server_test

import (
	"context"
	"io"
	"log/slog"
	"testing"
	"time"

	"github.com/motcua/motcua/demo"
	"github.com/motcua/motcua/internal/killtest"
	"github.com/motcua/motcua/webhook"
)

// hookKillChildEnv carries the database to the child process that sends
// the webhooks until it is killed.
const hookKillChildEnv = "MOTCUA_WEBHOOK_KILL_CHILD"

// TestWebhooksAfterKill kills, with SIGKILL, a process in the middle of
// delivering webhooks (the receiver keeps each event, then lingers before
// answering, so the kill lands between "the receiver has it" and "motcua
// knows"); after a restart — another worker, once the dead one's leases
// expired — the receiver holds every event of every dossier, in order,
// none lost (a repeat carries the same webhook-id). On SQLite and on
// PostgreSQL.
func TestWebhooksAfterKill(t *testing.T) {
	killtest.Run(t, hookKillChildEnv, deliverUntilKilled, func(t *testing.T, e killtest.Engine) {
		killMidDelivery(t, newWebhookEnv(t, e.Open(t)), e)
	})
}

func killMidDelivery(t *testing.T, e *env, k killtest.Engine) {
	r := newReceiver(t)
	e.subscribe(t, "gialam.quantri", demo.GiaLamCode, r)
	lives := map[string][]string{}
	for range 5 {
		code, want := e.lifeOf()
		lives[code] = want
	}
	total, err := e.app.Webhooks.Unsent(t.Context())
	if err != nil || total < 25 {
		t.Fatalf("%d deliveries to send (%v)", total, err)
	}
	r.set(func(r *receiver) { r.linger = 40 * time.Millisecond })
	child := k.Start(t, k.DSN)
	child.KillWhen(t, 2*time.Minute, 5*time.Millisecond, func() bool { return len(r.arrivals()) >= int(total)/3 })
	kept := len(r.arrivals())
	if kept < int(total)/3 || kept >= int(total) {
		t.Fatalf("the child was killed after the receiver kept %d of %d events, not midway:\n%s", kept, total, child.Output())
	}
	counts, _ := e.app.Webhooks.Counts(t.Context())
	t.Logf("killed after the receiver kept %d of %d events; outbox %v", kept, total, counts)
	// The restart: another worker, after the dead one's leases expired.
	r.set(func(r *receiver) { r.linger = 0 })
	w := webhook.NewWorker(e.app.DB, webhook.WorkerConfig{ID: "restarted", Guard: &webhook.Guard{Allow: []string{"127.0.0.1"}},
		Backoff: 10 * time.Millisecond, Now: func() time.Time { return time.Now().Add(time.Hour) },
		Log: slog.New(slog.NewTextHandler(io.Discard, nil))})
	e.deliver(w, time.Minute)
	repeats := 0
	for code, want := range lives {
		got := r.of(code)
		var once []arrival
		seen := map[string]bool{}
		for _, a := range got {
			if seen[a.ID] {
				repeats++
				continue
			}
			seen[a.ID] = true
			once = append(once, a)
		}
		inOrder(t, once, want)
	}
	if c, _ := e.app.Webhooks.Counts(context.Background()); c["failed"] != 0 || c["sent"] != total {
		t.Fatalf("outbox after the restart: %v, want %d sent", c, total)
	}
	t.Logf("repeats (same webhook-id, for the receiver to drop): %d", repeats)
}

// deliverUntilKilled is the child: a worker sending the database's
// webhooks until the parent kills it.
func deliverUntilKilled(dsn string) {
	ctx := context.Background()
	db := killtest.OpenChild(ctx, dsn)
	webhook.NewWorker(db, webhook.WorkerConfig{ID: "child", Batch: 10, Poll: 10 * time.Millisecond,
		Guard: &webhook.Guard{Allow: []string{"127.0.0.1"}}}).Run(ctx)
}
