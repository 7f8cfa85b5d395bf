package tally_test

import (
	"context"
	"os"
	"testing"
	"time"

	"github.com/motcua/motcua/calendar"
	"github.com/motcua/motcua/demo"
	"github.com/motcua/motcua/internal/killtest"
	"github.com/motcua/motcua/report"
	"github.com/motcua/motcua/schema"
	"github.com/motcua/motcua/store"
	"github.com/motcua/motcua/tally"
	"github.com/motcua/motcua/tally/tallytest"
)

// childEnv carries the database a child process generates into.
const childEnv = "MOTCUA_TALLY_KILL_CHILD"

// TestTallyAfterKill kills a process with SIGKILL while it generates a
// year through the services (thousands of acts, each with its listeners
// in its transaction), then checks the tally against the recount of what
// the database kept: an act is in both or in neither. On SQLite and on
// PostgreSQL.
func TestTallyAfterKill(t *testing.T) {
	killtest.Run(t, childEnv, generateUntilKilled, killMidway)
}

func killMidway(t *testing.T, e killtest.Engine) {
	ctx := t.Context()
	child := e.Start(t, e.DSN)
	db, err := openWhenThere(ctx, e.Config)
	if err != nil {
		child.Kill(t)
		t.Fatal(err)
	}
	defer db.Close()
	// Let it act for a while, then kill it wherever it is. Generous: the
	// race detector on a loaded CI machine makes the child slow.
	const enough = 1500
	var events int
	child.KillWhen(t, 15*time.Minute, 20*time.Millisecond, func() bool {
		// Errors (tables not migrated yet) just mean: not yet.
		db.QueryRowContext(ctx, `SELECT COUNT(*) FROM dossier_events`).Scan(&events)
		return events >= enough
	})
	if events < enough {
		t.Fatalf("the child made only %d events in 15 minutes:\n%s", events, child.Output())
	}
	var after, dossiers int
	if err := db.QueryRowContext(ctx, `SELECT COUNT(*), COUNT(DISTINCT dossier_id) FROM dossier_events`).Scan(&after, &dossiers); err != nil {
		t.Fatal(err)
	}
	t.Logf("killed after %d events of %d dossiers", after, dossiers)
	cal, err := calendar.NewStore(ctx, db, calendar.StoreConfig{})
	if err != nil {
		t.Fatal(err)
	}
	tl := tally.New(db, cal)
	if ready, err := tl.Ready(ctx); err != nil || !ready {
		t.Fatalf("the tally is not ready after the kill: %v", err)
	}
	tallytest.Compare(t, report.New(db).WithTally(tl), cal, time.Date(2021, 12, 1, 0, 0, 0, 0, ict), time.Date(2023, 1, 31, 0, 0, 0, 0, ict), 120, 4)
}

// openWhenThere opens the database the child creates (SQLite's file
// appears when the child opens it).
func openWhenThere(ctx context.Context, cfg store.Config) (*store.DB, error) {
	var err error
	for range 200 {
		var db *store.DB
		if cfg.URL != "" || fileExists(cfg.Dir+"/motcua.db") {
			if db, err = store.Open(ctx, cfg); err == nil {
				return db, nil
			}
		}
		time.Sleep(50 * time.Millisecond)
	}
	return nil, err
}

func fileExists(p string) bool { _, err := os.Stat(p); return err == nil }

// generateUntilKilled is the child: a ready tally, then a year generated
// through the services until the parent kills it.
func generateUntilKilled(dsn string) {
	ctx := context.Background()
	db := killtest.OpenChild(ctx, dsn)
	if _, err := schema.Migrate(ctx, db); err != nil {
		panic(err)
	}
	if err := tally.New(db, nil).Replace(ctx, func(func(tally.Fact) error) error { return nil }); err != nil {
		panic(err)
	}
	dir, err := os.MkdirTemp("", "motcua-kill")
	if err != nil {
		panic(err)
	}
	defer os.RemoveAll(dir)
	if _, err := demo.Generate(ctx, demo.GenerateConfig{DB: db, DataDir: dir, Year: 2022, Scale: 0.2, Seed: 9}); err != nil {
		panic(err)
	}
	panic("the year was generated before the kill: make it bigger")
}
