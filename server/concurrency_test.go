package server_test

import (
	"sync"
	"testing"

	"github.com/motcua/motcua/demo"
	"github.com/motcua/motcua/store"
	"github.com/motcua/motcua/store/storetest"
)

// TestConcurrency: racing officers never lose an update, racing citizens
// never share a dossier code, and a retried submission is not doubled.
func TestConcurrency(t *testing.T) {
	t.Parallel()
	storetest.Engines(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		p := interLevel(t)

		t.Run("one dossier hammered by concurrent actions", func(t *testing.T) {
			d := e.submit(p.Code, demo.GiaLamCode)
			d = e.mustAct("gialam.tiepnhan", d.Code, "receive", nil)
			who := officer(d.StepRole, d.Unit)
			e.token(who)
			// Everyone read the same version and acts on it: exactly one wins.
			const n = 12
			codes := make([]int, n)
			var wg sync.WaitGroup
			for i := range n {
				wg.Add(1)
				go func() {
					defer wg.Done()
					_, r := e.act(who, d.Code, "forward", map[string]any{"version": d.Version})
					codes[i] = r.status
				}()
			}
			wg.Wait()
			won := 0
			for _, c := range codes {
				switch c {
				case 200:
					won++
				case 409:
				default:
					t.Fatalf("unexpected status %d among %v", c, codes)
				}
			}
			if won != 1 {
				t.Fatalf("%d winners (%v), want exactly 1", won, codes)
			}
			after := e.get(who, d.Code)
			if after.Version != d.Version+1 || after.Step != d.Step+1 {
				t.Fatalf("version %d step %d after the race, want %d and %d", after.Version, after.Step, d.Version+1, d.Step+1)
			}
			forwards := 0
			for _, h := range after.History {
				if h.Action == "forward" {
					forwards++
				}
			}
			if forwards != 1 {
				t.Fatalf("%d forward events, want 1", forwards)
			}
			// Without a version, racers are still serialised: each forward moves exactly one step.
			cur := e.get(who, d.Code)
			if cur.StepRole != "" {
				actor := officer(cur.StepRole, cur.Unit)
				action := map[bool]string{true: "approve", false: "forward"}[cur.StepRole == "leader"]
				e.token(actor)
				var ok sync.WaitGroup
				results := make([]int, 4)
				for i := range results {
					ok.Add(1)
					go func() {
						defer ok.Done()
						_, r := e.act(actor, d.Code, action, nil)
						results[i] = r.status
					}()
				}
				ok.Wait()
				final := e.get(actor, d.Code)
				wins := 0
				for _, c := range results {
					if c == 200 {
						wins++
					}
				}
				if int(final.Version-cur.Version) != wins {
					t.Fatalf("%d successful actions but version moved by %d", wins, final.Version-cur.Version)
				}
			}
		})

		t.Run("concurrent submissions get unique codes", func(t *testing.T) {
			e.token("congdan")
			const n = 24
			codes := make([]string, n)
			var wg sync.WaitGroup
			for i := range n {
				wg.Add(1)
				go func() {
					defer wg.Done()
					var d dossierView
					r := e.call("congdan", "POST", "/api/v1/dossiers", submission(e.procedure(p.Code), demo.GiaLamCode), &d)
					if r.status != 201 {
						t.Errorf("submission %d: %d %s", i, r.status, r.body)
					}
					codes[i] = d.Code
				}()
			}
			wg.Wait()
			seen := map[string]bool{}
			for _, c := range codes {
				if c == "" || seen[c] {
					t.Fatalf("duplicate or missing code %q in %v", c, codes)
				}
				seen[c] = true
			}
		})

		t.Run("idempotent submission", func(t *testing.T) {
			body := submission(e.procedure(p.Code), demo.GiaLamCode)
			var first, again dossierView
			e.must(e.call("congdan", "POST", "/api/v1/dossiers", body, &first, "Idempotency-Key", "k-123"), 201)
			r := e.must(e.call("congdan", "POST", "/api/v1/dossiers", body, &again, "Idempotency-Key", "k-123"), 200)
			if again.Code != first.Code || r.header.Get("Idempotent-Replayed") != "true" {
				t.Fatalf("retry gave %s, first %s", again.Code, first.Code)
			}
			// Concurrent retries of one key still make one dossier.
			var wg sync.WaitGroup
			got := make([]string, 6)
			for i := range got {
				wg.Add(1)
				go func() {
					defer wg.Done()
					var d dossierView
					e.call("congdan", "POST", "/api/v1/dossiers", body, &d, "Idempotency-Key", "k-race")
					got[i] = d.Code
				}()
			}
			wg.Wait()
			for _, c := range got {
				if c == "" || c != got[0] {
					t.Fatalf("concurrent retries made different dossiers: %v", got)
				}
			}
			var n int
			if err := e.app.DB.QueryRowContext(t.Context(), `SELECT COUNT(*) FROM idempotency_keys`).Scan(&n); err != nil || n != 2 {
				t.Fatalf("%d idempotency keys stored (%v), want 2", n, err)
			}
		})
	})
}
