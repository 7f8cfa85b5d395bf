package server_test

import (
	"io"
	"log/slog"
	"net/http"
	"testing"
	"time"

	"github.com/motcua/motcua/dvcqg"
	"github.com/motcua/motcua/dvcqg/dvcqgsim"
	"github.com/motcua/motcua/store"
	"github.com/motcua/motcua/store/storetest"
)

// TestPortalFailedCallHoldsItsDossier: a call given up after its last
// attempt holds its dossier's later calls back (none jumps ahead of it,
// the other dossiers go on), and the daily reconcile of a later day puts
// it back, so the dossier is not stuck until someone reconciles the very
// day the call was written on.
func TestPortalFailedCallHoldsItsDossier(t *testing.T) {
	t.Parallel()
	storetest.Engines(t, func(t *testing.T, db *store.DB) {
		p := newPortalEnv(t, db)
		ctx := t.Context()
		c, err := dvcqg.NewClient(dvcqg.ClientConfig{URL: p.url, Token: portalToken, HTTP: &http.Client{Timeout: 300 * time.Millisecond}})
		if err != nil {
			t.Fatal(err)
		}
		w := dvcqg.NewWorker(p.app.DB, c, dvcqg.WorkerConfig{ID: "w1", MaxAttempts: 1, SendTimeout: 300 * time.Millisecond,
			Log: slog.New(slog.NewTextHandler(io.Discard, nil))})
		p.sim.Fail(dvcqgsim.Refuse)
		a, wantA := p.processed() // its first call is refused, once: failed
		for range 3 {
			if _, err := w.RunOnce(ctx); err != nil {
				t.Fatal(err)
			}
		}
		if got := p.arrived(a); len(got) != 0 {
			t.Fatalf("calls after the failed one were sent: %v", got)
		}
		if n, _ := p.app.DVCQG.Counts(ctx); n["failed"] != 1 || n["pending"] == 0 {
			t.Fatalf("outbox %v: want one failed call holding the others", n)
		}
		b, wantB := p.processed() // another dossier is not held
		for range 20 {
			if _, err := w.RunOnce(ctx); err != nil {
				t.Fatal(err)
			}
		}
		p.inOrder(b, wantB)
		if got := p.arrived(a); len(got) != 0 {
			t.Fatalf("calls after the failed one were sent: %v", got)
		}
		// Two days later, the daily reconcile (of that day, when nothing
		// was written) puts the failed call back; then all of a arrives.
		p.advance(48 * time.Hour)
		rep, err := p.app.DVCQG.Reconcile(ctx, p.app.PortalClient, p.clock.Now())
		if err != nil {
			t.Fatal(err)
		}
		if len(rep.Mismatches) != 1 || rep.Mismatches[0].MaHoSo != a || rep.Mismatches[0].Failed != 1 || rep.Mismatches[0].Requeued == 0 {
			t.Fatalf("reconcile of a later day: %+v", rep)
		}
		p.sync(p.worker("w2"), 10*time.Second)
		p.inOrder(a, wantA)
	})
}

// TestPortalWorkerKeepsToItsLease: a batch whose sending outlasts its
// lease stops before the call that could end after the lease; the rest go
// back to the outbox, for this worker or another, instead of being sent
// while another instance may already have taken them.
func TestPortalWorkerKeepsToItsLease(t *testing.T) {
	t.Parallel()
	storetest.Engines(t, func(t *testing.T, db *store.DB) {
		p := newPortalEnv(t, db)
		ctx := t.Context()
		for range 3 {
			p.processed()
		}
		c, err := dvcqg.NewClient(dvcqg.ClientConfig{URL: p.url, Token: portalToken})
		if err != nil {
			t.Fatal(err)
		}
		// Each reading of the worker's clock is 6 minutes after the last:
		// claimed at +6 (lease to +16), the first call is sent at +12, its
		// outcome recorded at +18; the second would be sent at +24, past
		// the lease.
		now := time.Now()
		clock := func() time.Time { now = now.Add(6 * time.Minute); return now }
		w := dvcqg.NewWorker(p.app.DB, c, dvcqg.WorkerConfig{ID: "slow", Lease: 10 * time.Minute, SendTimeout: time.Minute, Now: clock,
			Log: slog.New(slog.NewTextHandler(io.Discard, nil))})
		n, err := w.RunOnce(ctx)
		if err != nil || n != 3 {
			t.Fatalf("claimed %d, %v; want the first call of each of 3 dossiers", n, err)
		}
		if got := len(p.sim.Arrivals()); got != 1 {
			t.Fatalf("%d calls sent, want the one sent within the lease", got)
		}
		if cs, _ := p.app.DVCQG.Counts(ctx); cs["sending"] != 0 || cs["sent"] != 1 {
			t.Fatalf("outbox %v: the calls not sent were not handed back", cs)
		}
	})
}
