package main

import (
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/motcua/motcua/auth"
	"github.com/motcua/motcua/clientip"
	"github.com/motcua/motcua/demo"
	"github.com/motcua/motcua/server"
	"github.com/motcua/motcua/server/servertest"
	"github.com/motcua/motcua/store/storetest"
)

// startDemo serves motcua as `motcua serve --demo --trusted-proxies
// 127.0.0.1` does (the two-tier world, whose desks are the harness's
// default), on a fresh SQLite database, in this process.
func startDemo(t *testing.T) string {
	t.Helper()
	ctx := context.Background()
	db := storetest.Open(t, "sqlite")
	servertest.Prepare(t, db)
	srv, public := servertest.Listen(t)
	proxies, err := clientip.ParseList("127.0.0.1")
	if err != nil {
		t.Fatal(err)
	}
	app, err := server.New(ctx, db, server.Config{
		DataDir: t.TempDir(), PublicURL: public, TrustedProxies: proxies,
		Log: slog.New(slog.NewTextHandler(io.Discard, nil)),
		// argon2id at production cost would make every sign-in slow.
		AuthParams: auth.Params{Time: 1, MemKiB: 1024, Threads: 1},
	})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := demo.LoadTwoTier(ctx, db, app.Units, app.Auth, app.Reorg); err != nil {
		t.Fatal(err)
	}
	if err := app.Calendar.Refresh(ctx); err != nil {
		t.Fatal(err)
	}
	servertest.Serve(t, srv, app.Handler)
	return srv.URL
}

// testMix has every operation, the lifecycle's heavier so that dossiers
// get through it within a short run.
const testMix = "search=1,browse=1,procedure=1,submit=4,counter=1,upload=4,receive=4,process=4,approve=4,deliver=4,queue=1,track=2,login=1,dashboard=1,ii06a=1"

func TestMixAgainstTheDemo(t *testing.T) {
	base := startDemo(t)
	ctx := context.Background()
	rounds := 3
	weights, err := parseMix(testMix)
	if err != nil {
		t.Fatal(err)
	}
	perRound := len(cycle(weights, 1))

	// One client: the run is the same every time (the queues the officers
	// take dossiers from fill in one order), so the counts below are facts
	// about the harness, not luck.
	t.Run("closed loop: every operation succeeds, acts move dossiers, floor measured", func(t *testing.T) {
		floorDir := filepath.Join(t.TempDir(), "floor")
		cfg, err := parseFlags([]string{"--url", base, "--c", "1", "--mix", testMix, "--requests", strconv.Itoa(rounds * perRound),
			"--duration", "5m", "--floor", "sqlite:" + floorDir, "--floor-time", "300ms"})
		if err != nil {
			t.Fatal(err)
		}
		s, w, err := runMix(ctx, cfg)
		if err != nil {
			t.Fatal(err)
		}
		if s.Requests != rounds*perRound || s.Errors != 0 {
			t.Errorf("%d requests, %d errors; want %d and none", s.Requests, s.Errors, rounds*perRound)
		}
		got := map[string]opRow{}
		for _, r := range s.Ops {
			got[r.Op] = r
			if r.Errors != 0 {
				t.Errorf("%s: %d errors %v (first: %s)", r.Op, r.Errors, r.Statuses, r.FirstErr)
			}
		}
		for _, ow := range weights {
			if got[ow.name].Count == 0 {
				t.Errorf("%s never ran", ow.name)
			}
		}
		if s.Floor == nil || s.Floor.CommitsPerSec <= 0 || s.Floor.SelectsPerSec <= 0 || s.Writes.FloorRatio <= 0 || s.Reads.FloorRatio <= 0 {
			t.Errorf("floor %+v, ratios writes %g reads %g: want all measured", s.Floor, s.Writes.FloorRatio, s.Reads.FloorRatio)
		}
		// The officers' acts really moved dossiers: each one the run took
		// through is delivered, as its owner sees it through the API.
		done := w.Delivered()
		if len(done) == 0 || len(done) != got[opDeliver].Count {
			t.Fatalf("%d dossiers delivered, %d deliver acts", len(done), got[opDeliver].Count)
		}
		for _, code := range []string{done[0], done[len(done)-1]} {
			if got := statusOf(ctx, w, code); got != "delivered" {
				t.Errorf("dossier %s: %s, want delivered", code, got)
			}
		}
		var out strings.Builder
		if err := s.print(&out, false); err != nil || !strings.Contains(out.String(), "floor (sqlite, 1 goroutines") {
			t.Errorf("table: %v\n%s", err, out.String())
		}
	})

	// The open loop sends what its schedule says whatever the answers:
	// every arrival is sent or, past the in-flight cap, counted as
	// dropped; none is lost and none is added.
	t.Run("open loop: the schedule is kept", func(t *testing.T) {
		cfg, err := parseFlags([]string{"--url", base, "--rate", "40/s", "--duration", "2s", "--max-inflight", "16", "--mix", testMix, "--seed", "7"})
		if err != nil {
			t.Fatal(err)
		}
		s, _, err := runMix(ctx, cfg)
		if err != nil {
			t.Fatal(err)
		}
		want := len(arrivals(40, 2*time.Second, 7))
		if s.Open.Scheduled != want || s.Open.Started+s.Open.Dropped != want || s.Requests != s.Open.Started {
			t.Errorf("scheduled %d (want %d), started %d, dropped %d, recorded %d", s.Open.Scheduled, want, s.Open.Started, s.Open.Dropped, s.Requests)
		}
		if s.Errors != 0 {
			for _, r := range s.Ops {
				if r.Errors > 0 {
					t.Errorf("%s: %d errors %v (first: %s)", r.Op, r.Errors, r.Statuses, r.FirstErr)
				}
			}
		}
		var out strings.Builder
		if err := s.print(&out, true); err != nil || !json.Valid([]byte(out.String())) {
			t.Errorf("--json printed invalid JSON: %v\n%s", err, out.String())
		}
	})

	// This process is the server, so its own RSS is the one sampled.
	t.Run("keep-alive clients are held and RSS sampled", func(t *testing.T) {
		cfg, err := parseFlags([]string{"--url", base, "--keepalive", "40", "--active", "0.25", "--hold", "2500ms", "--server-pid", strconv.Itoa(os.Getpid())})
		if err != nil {
			t.Fatal(err)
		}
		r, err := holdKeepAlive(ctx, cfg)
		if err != nil {
			t.Fatal(err)
		}
		if r.HeldOpen != 40 || r.Active != 10 || r.Errors != 0 || r.Requests < 40 {
			t.Errorf("held %d of 40 open, %d active, %d requests, %d errors (%s)", r.HeldOpen, r.Active, r.Requests, r.Errors, r.FirstErr)
		}
		if r.IdleMiB <= 0 || r.PeakMiB < r.IdleMiB || r.Samples == 0 {
			t.Errorf("RSS idle %.1f MiB, peak %.1f MiB, %d samples", r.IdleMiB, r.PeakMiB, r.Samples)
		}
	})
}

// statusOf reads a dossier's state through the API as the reception of
// the desk that holds it (a counter dossier is not the citizen's).
func statusOf(ctx context.Context, w *world, code string) string {
	for _, d := range w.desks {
		st, b, err := w.send(ctx, "GET", "/api/v1/dossiers/"+code, nil, "", d.tokens["tiepnhan"], "", nil)
		var out struct{ Status string }
		if err == nil && st == http.StatusOK && json.Unmarshal(b, &out) == nil {
			return out.Status
		}
	}
	return "not found at any desk"
}

// The floor runs on both engines, refuses motcua's own data directory,
// and on PostgreSQL reports pgbench's rate when pgbench is installed.
func TestFloor(t *testing.T) {
	ctx := context.Background()
	t.Run("sqlite", func(t *testing.T) {
		dir := t.TempDir()
		f, err := runFloor(ctx, "sqlite:"+dir, 4, 300*time.Millisecond)
		if err != nil {
			t.Fatal(err)
		}
		if f.CommitsPerSec <= 0 || f.SelectsPerSec <= 0 || f.CommitErrors+f.SelectErrors != 0 {
			t.Errorf("floor %+v", f)
		}
		// The table is dropped, and the directory now holds a motcua.db:
		// a second run there is refused, as a server's data directory is.
		if _, err := runFloor(ctx, "sqlite:"+dir, 4, 100*time.Millisecond); err == nil {
			t.Error("a directory holding motcua.db was accepted")
		}
	})
	t.Run("postgres", func(t *testing.T) {
		url := storetest.NewPostgresDB(t)
		f, err := runFloor(ctx, url, 4, time.Second)
		if err != nil {
			t.Fatal(err)
		}
		if f.CommitsPerSec <= 0 || f.SelectsPerSec <= 0 || f.CommitErrors+f.SelectErrors != 0 {
			t.Errorf("floor %+v", f)
		}
		if _, err := exec.LookPath("pgbench"); err == nil && f.PgbenchInserts <= 0 {
			t.Errorf("pgbench is installed but gave no rate: %s", f.PgbenchNote)
		}
	})
	if _, err := runFloor(ctx, "mysql://x", 1, time.Millisecond); err == nil {
		t.Error("an unknown floor was accepted")
	}
}
