package dossier_test

import (
	"io/fs"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/motcua/motcua/demo"
	"github.com/motcua/motcua/dossier"
	"github.com/motcua/motcua/schema"
	"github.com/motcua/motcua/store"
	"github.com/motcua/motcua/store/storetest"
)

// upTo is fsys without the migrations numbered above n.
func upTo(t *testing.T, fsys fs.FS, n int) fs.FS {
	t.Helper()
	out := fstest.MapFS{}
	entries, err := fs.ReadDir(fsys, ".")
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		num, _, _ := strings.Cut(e.Name(), "_")
		if v, err := strconv.Atoi(num); err != nil || v > n {
			continue
		}
		b, err := fs.ReadFile(fsys, e.Name())
		if err != nil {
			t.Fatal(err)
		}
		out[e.Name()] = &fstest.MapFile{Data: b}
	}
	return out
}

// migratedUpTo is a new database of engine with every module migrated,
// package dossier only up to its migration n.
func migratedUpTo(t *testing.T, engine string, n int) *store.DB {
	t.Helper()
	var cfg store.Config
	if engine == "postgres" {
		cfg.URL = storetest.NewPostgresDB(t)
	} else {
		cfg.Dir = t.TempDir()
	}
	db, err := store.Open(t.Context(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	before := schema.Modules()
	for i, m := range before {
		if m.Name == "dossier" {
			before[i].FS = upTo(t, m.FS, n)
		}
	}
	if _, err := db.Migrate(t.Context(), before); err != nil {
		t.Fatal(err)
	}
	return db
}

// TestMigrationGivesOldDossiersTokens (issue 8, finding 6): dossiers filed
// before tracking needed a second factor get a tracking token each (their
// reprinted forms carry it), and those an officer filed online keep their
// on-behalf mark, now with its reason.
func TestMigrationGivesOldDossiersTokens(t *testing.T) {
	for _, engine := range []string{"sqlite", "postgres"} {
		t.Run(engine, func(t *testing.T) {
			ctx := t.Context()
			db := migratedUpTo(t, engine, 2)
			w := newWorld(t, db)
			u, err := w.units.ByCode(ctx, demo.GiaLamCode)
			if err != nil {
				t.Fatal(err)
			}
			for i, onBehalf := range []int{0, 1, 0} {
				if _, err := db.ExecContext(ctx, `INSERT INTO dossiers (code, procedure_code, procedure_version, receiving_unit_id, unit_id,
					channel, status, on_behalf, applicant_name, search, form, delivery, submitted_at, updated_at)
					VALUES (?, '2.000884', 1, ?, ?, 'online', 'submitted', ?, 'Nguyễn Văn An', '', '{}', 'counter', 0, 0)`,
					"OLD-"+strconv.Itoa(i), u.ID, u.ID, onBehalf); err != nil {
					t.Fatal(err)
				}
			}
			if _, err := schema.Migrate(ctx, db); err != nil {
				t.Fatal(err)
			}
			rows, err := db.QueryContext(ctx, `SELECT track_token, on_behalf, on_behalf_reason FROM dossiers ORDER BY code`)
			if err != nil {
				t.Fatal(err)
			}
			defer rows.Close()
			hex := regexp.MustCompile(`^[0-9a-f]{32}$`)
			seen := map[string]bool{}
			for rows.Next() {
				var token, reason string
				var onBehalf int64
				if err := rows.Scan(&token, &onBehalf, &reason); err != nil {
					t.Fatal(err)
				}
				if !hex.MatchString(token) || seen[token] {
					t.Errorf("token %q: want 32 hex digits, one per dossier", token)
				}
				seen[token] = true
				if (onBehalf == 1) != (reason == "staff") {
					t.Errorf("on_behalf %d with reason %q", onBehalf, reason)
				}
			}
			if err := rows.Err(); err != nil {
				t.Fatal(err)
			}
			if len(seen) != 3 {
				t.Errorf("%d dossiers after the migration, want 3", len(seen))
			}
		})
	}
}

// TestSearchIndexMigratesInOrder: migration 019 rebuilds SQLite's search
// index from the dossiers already there, each under its place in the
// inbox's order, with its units, and the search finds them; on
// PostgreSQL it changes nothing and the search still finds them.
func TestSearchIndexMigratesInOrder(t *testing.T) {
	for _, engine := range []string{"sqlite", "postgres"} {
		t.Run(engine, func(t *testing.T) { searchIndexMigratesInOrder(t, engine) })
	}
}

func searchIndexMigratesInOrder(t *testing.T, engine string) {
	ctx := t.Context()
	db := migratedUpTo(t, engine, 18)
	w := newWorld(t, db)
	u, err := w.units.ByCode(ctx, demo.GiaLamCode)
	if err != nil {
		t.Fatal(err)
	}
	for i, due := range []any{int64(1_780_000_000_123), nil, int64(1_780_000_000_999), int64(1_700_000_000_000)} {
		if err := db.InTx(ctx, func(tx *store.Tx) error {
			_, err := tx.ExecContext(ctx, `INSERT INTO dossiers (code, procedure_code, procedure_version, receiving_unit_id, unit_id, created_by,
				channel, status, applicant_name, search, form, delivery, submitted_at, updated_at, due_at)
				VALUES (?, '2.000884', 1, ?, ?, ?, 'online', 'processing', 'Nguyễn Văn An', ?, '{}', 'counter', 0, 0, ?)`,
				"OLD-"+strconv.Itoa(i), u.ID, u.ID, w.reception.ID, "old-"+strconv.Itoa(i)+" nguyen van an", due)
			return err
		}); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := schema.Migrate(ctx, db); err != nil {
		t.Fatal(err)
	}
	dossier.IndexAgrees(t, db)
	got, err := w.ds.List(ctx, w.reception, dossier.Filter{Query: "nguyen van a", Limit: 10})
	if err != nil {
		t.Fatal(err)
	}
	if want := []string{"OLD-3", "OLD-0", "OLD-2", "OLD-1"}; !slices.Equal(codes(got), want) {
		t.Errorf("after the migration the search finds %v, want %v", codes(got), want)
	}
}
