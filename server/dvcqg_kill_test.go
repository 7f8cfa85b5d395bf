package server_test

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/motcua/motcua/dvcqg"
	"github.com/motcua/motcua/internal/killtest"
)

// killChildEnv carries "<database>|<portal URL>" to the child process
// that sends the outbox until it is killed.
const killChildEnv = "MOTCUA_DVCQG_KILL_CHILD"

// TestPortalSyncAfterKill kills, with SIGKILL, a process in the middle of
// sending a batch of calls to the portal (the simulated portal keeps each
// call, then lingers before answering, so the kill lands between "the
// portal has it" and "motcua knows"); after a restart — a new worker, once
// the dead one's leases have expired — the portal holds every step of
// every dossier exactly once, in order. On SQLite and on PostgreSQL.
func TestPortalSyncAfterKill(t *testing.T) {
	killtest.Run(t, killChildEnv, sendUntilKilled, func(t *testing.T, e killtest.Engine) {
		killMidBatch(t, newPortalEnv(t, e.Open(t)), e)
	})
}

func killMidBatch(t *testing.T, p *portalEnv, e killtest.Engine) {
	codes := map[string][]int{}
	for range 5 {
		code, want := p.processed()
		codes[code] = want
	}
	total, err := p.app.DVCQG.Unsent(t.Context())
	if err != nil || total < 30 {
		t.Fatalf("%d calls to send (%v)", total, err)
	}
	p.sim.Linger(40 * time.Millisecond)
	child := e.Start(t, e.DSN+"|"+p.url)
	// Kill it once it has sent some, with more to send.
	child.KillWhen(t, 2*time.Minute, 5*time.Millisecond, func() bool { return len(p.sim.Arrivals()) >= int(total)/3 })
	kept := len(p.sim.Arrivals())
	if kept < int(total)/3 || kept >= int(total) {
		t.Fatalf("the child was killed after the portal kept %d of %d calls, not midway:\n%s", kept, total, child.Output())
	}
	counts, _ := p.app.DVCQG.Counts(t.Context())
	t.Logf("killed after the portal kept %d of %d calls; outbox %v", kept, total, counts)
	// The restart: another worker, after the dead one's leases expired.
	p.sim.Linger(0)
	c, err := dvcqg.NewClient(dvcqg.ClientConfig{URL: p.url, Token: portalToken, HTTP: &http.Client{Timeout: time.Second}})
	if err != nil {
		t.Fatal(err)
	}
	w := dvcqg.NewWorker(p.app.DB, c, dvcqg.WorkerConfig{ID: "restarted", Backoff: 10 * time.Millisecond,
		Now: func() time.Time { return time.Now().Add(time.Hour) }, Log: slog.New(slog.NewTextHandler(io.Discard, nil))})
	p.sync(w, time.Minute)
	for code, want := range codes {
		p.inOrder(code, want)
	}
	t.Logf("repeats dropped by the portal: %d", p.sim.Repeats())
}

// sendUntilKilled is the child: a worker sending the outbox of the
// database to the portal, until the parent kills it.
func sendUntilKilled(v string) {
	dsn, url, _ := strings.Cut(v, "|")
	ctx := context.Background()
	db := killtest.OpenChild(ctx, dsn)
	c, err := dvcqg.NewClient(dvcqg.ClientConfig{URL: url, Token: portalToken})
	if err != nil {
		panic(err)
	}
	dvcqg.NewWorker(db, c, dvcqg.WorkerConfig{ID: "child", Batch: 10, Poll: 10 * time.Millisecond}).Run(ctx)
}
