package store_test

import (
	"errors"
	"testing"

	"github.com/motcua/motcua/schema"
	"github.com/motcua/motcua/store"
	"github.com/motcua/motcua/store/storetest"
)

// TestNewerDatabaseRefused: a database holding a migration this binary
// does not know — a later migration of a known module, or a module added
// later — is refused by Migrate and Pending before anything runs, naming
// the module and the migration; the migrations it does know that are
// pending stay pending.
func TestNewerDatabaseRefused(t *testing.T) {
	cases := []struct {
		name    string
		module  string
		version int
		file    string
	}{
		{"later migration of a known module", "dossier", 999, "999_from_the_future.sql"},
		{"module this binary lacks", "archive", 1, "001_from_the_future.sql"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			storetest.Engines(t, func(t *testing.T, db *store.DB) {
				ctx := t.Context()
				if _, err := db.ExecContext(ctx, `INSERT INTO schema_versions (module, version, name, applied_at) VALUES (?, ?, 'from_the_future', 0)`, c.module, c.version); err != nil {
					t.Fatal(err)
				}
				// One known migration undone, so something would run were it not refused.
				if _, err := db.ExecContext(ctx, `DELETE FROM schema_versions WHERE module = 'audit' AND version = 1`); err != nil {
					t.Fatal(err)
				}
				var before int
				if err := db.QueryRowContext(ctx, `SELECT COUNT(*) FROM schema_versions`).Scan(&before); err != nil {
					t.Fatal(err)
				}
				_, errMigrate := schema.Migrate(ctx, db)
				_, errPending := schema.Pending(ctx, db)
				for what, err := range map[string]error{"Migrate": errMigrate, "Pending": errPending} {
					var ue *store.UnknownMigrationError
					if !errors.As(err, &ue) {
						t.Fatalf("%s: %v; want an UnknownMigrationError", what, err)
					}
					if ue.Module != c.module || ue.Version != c.version || ue.File() != c.file {
						t.Errorf("%s named %s/%s, want %s/%s", what, ue.Module, ue.File(), c.module, c.file)
					}
				}
				var after int
				if err := db.QueryRowContext(ctx, `SELECT COUNT(*) FROM schema_versions`).Scan(&after); err != nil {
					t.Fatal(err)
				}
				if after != before {
					t.Errorf("schema_versions went from %d to %d rows: the refused Migrate ran something", before, after)
				}
			})
		})
	}
}

// TestPendingChangesNothing: the dry run on a database never migrated
// lists every migration and does not even create schema_versions.
func TestPendingChangesNothing(t *testing.T) {
	ctx := t.Context()
	db, err := store.Open(ctx, store.Config{Dir: t.TempDir()})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	pending, err := schema.Pending(ctx, db)
	if err != nil {
		t.Fatal(err)
	}
	want := 0
	for _, m := range schema.Modules() {
		ms, _ := m.Migrations()
		want += len(ms)
	}
	if len(pending) != want {
		t.Errorf("%d pending on an empty database, want all %d", len(pending), want)
	}
	var n int
	if err := db.QueryRowContext(ctx, `SELECT COUNT(*) FROM sqlite_master WHERE name = 'schema_versions'`).Scan(&n); err != nil || n != 0 {
		t.Errorf("schema_versions exists after the dry run (%d, %v)", n, err)
	}
}
