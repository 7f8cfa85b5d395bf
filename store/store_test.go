package store_test

import (
	"context"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/motcua/motcua/schema"
	"github.com/motcua/motcua/store"
	"github.com/motcua/motcua/store/storetest"
)

func TestMigrateIsIdempotentAndTransactionsRollBack(t *testing.T) {
	storetest.Engines(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		n, err := schema.Migrate(ctx, db)
		if err != nil || n != 0 {
			t.Fatalf("second Migrate applied %d, err %v; want 0, nil", n, err)
		}
		err = db.InTx(ctx, func(tx *store.Tx) error {
			if _, err := tx.ExecContext(ctx, `INSERT INTO dossier_sequences (prefix, day, n) VALUES (?, ?, ?)`, "p", "d", 1); err != nil {
				return err
			}
			return context.Canceled // any error rolls back
		})
		if err == nil {
			t.Fatal("InTx swallowed the error")
		}
		var c int
		if err := db.QueryRowContext(ctx, `SELECT COUNT(*) FROM dossier_sequences`).Scan(&c); err != nil || c != 0 {
			t.Fatalf("rolled-back row visible: count %d, err %v", c, err)
		}
		_, err = db.ExecContext(ctx, `INSERT INTO dossier_sequences (prefix, day, n) VALUES (?, ?, ?)`, "p", "d", 1)
		if err != nil {
			t.Fatal(err)
		}
		_, err = db.ExecContext(ctx, `INSERT INTO dossier_sequences (prefix, day, n) VALUES (?, ?, ?)`, "p", "d", 2)
		if !store.IsUniqueViolation(err) {
			t.Fatalf("duplicate key: got %v, want a unique violation", err)
		}
	})
}

// A database migrated before the per-module split (one global sequence in
// schema_migrations, versions 1–6) is recognised: nothing runs twice, and
// each module's migrations are recorded as applied. Migrations written
// since the split (no Legacy version: a new module's) run on it as usual.
var createTable = regexp.MustCompile(`(?i)CREATE\s+(?:VIRTUAL\s+)?TABLE\s+([a-z_][a-z0-9_]*)`)

// createTrigger finds the triggers a later migration creates (those
// keeping a search index in step) and their tables: dropped first, like
// indexes (PostgreSQL names a trigger with its table).
var createTrigger = regexp.MustCompile(`(?is)CREATE\s+TRIGGER\s+([a-z_][a-z0-9_]*)\s.*?\bON\s+([a-z_][a-z0-9_]*)`)

// createFunction finds the functions a later migration creates (on
// PostgreSQL, a trigger's): dropped after the triggers.
var createFunction = regexp.MustCompile(`(?i)CREATE\s+FUNCTION\s+([a-z_][a-z0-9_]*)`)

// createIndex finds the indexes a later migration creates: dropped first,
// since SQLite refuses to drop a column an index names.
var createIndex = regexp.MustCompile(`(?i)CREATE\s+(?:UNIQUE\s+)?INDEX\s+(?:IF\s+NOT\s+EXISTS\s+)?([a-z_][a-z0-9_]*)`)

// addColumn finds the columns a later migration adds to an older table.
var addColumn = regexp.MustCompile(`(?i)ALTER\s+TABLE\s+([a-z_][a-z0-9_]*)\s+ADD\s+COLUMN\s+([a-z_][a-z0-9_]*)`)

func TestMigrateAdoptsThePreSplitSequence(t *testing.T) {
	storetest.Engines(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		// A pre-split database has none of the tables created since.
		var since []store.Migration
		var drops, indexes, functions []string
		created := map[string]bool{}
		for _, m := range schema.Modules() {
			ms, err := m.Migrations()
			if err != nil {
				t.Fatal(err)
			}
			for _, mg := range ms {
				if _, ok := m.Legacy[mg.Version]; ok {
					continue
				}
				since = append(since, mg)
				// Only what this engine ran (a migration may have engine-only statements).
				sql := strings.Join(db.Dialect.Statements(mg.SQL), ";\n")
				// IF EXISTS: a later migration may rebuild an index or a
				// table under another name (audit 004: audit_heads).
				for _, c := range createIndex.FindAllStringSubmatch(sql, -1) {
					indexes = append(indexes, `DROP INDEX IF EXISTS `+c[1])
				}
				for _, c := range createTrigger.FindAllStringSubmatch(sql, -1) {
					drop := `DROP TRIGGER IF EXISTS ` + c[1] // a later migration may make it again
					if db.Dialect == store.Postgres {
						drop += ` ON ` + c[2]
					}
					indexes = append(indexes, drop)
				}
				for _, c := range createFunction.FindAllStringSubmatch(sql, -1) {
					functions = append(functions, `DROP FUNCTION IF EXISTS `+c[1])
				}
				for _, c := range createTable.FindAllStringSubmatch(sql, -1) {
					drops = append(drops, `DROP TABLE IF EXISTS `+c[1])
					created[c[1]] = true
				}
				for _, c := range addColumn.FindAllStringSubmatch(sql, -1) {
					if created[c[1]] {
						continue // the table itself is new since the split
					}
					drops = append(drops, `ALTER TABLE `+c[1]+` DROP COLUMN `+c[2])
				}
			}
		}
		// Undone newest first: a table another refers to goes after it.
		slices.Reverse(drops)
		drops = append(append(append([]string{`DROP TABLE schema_versions`}, indexes...), functions...), drops...)
		for _, q := range append(drops,
			`CREATE TABLE schema_migrations (version BIGINT PRIMARY KEY, name TEXT NOT NULL, applied_at BIGINT NOT NULL)`,
		) {
			if _, err := db.ExecContext(ctx, q); err != nil {
				t.Fatal(err)
			}
		}
		for v := 1; v <= 6; v++ {
			if _, err := db.ExecContext(ctx, `INSERT INTO schema_migrations VALUES (?, ?, 0)`, v, "old"); err != nil {
				t.Fatal(err)
			}
		}
		pending, err := schema.Pending(ctx, db)
		if err != nil || len(pending) != len(since) {
			t.Fatalf("pending after the old sequence: %v, %v; want only the %d written since the split", pending, err, len(since))
		}
		for i, mg := range pending {
			if mg.Module != since[i].Module || mg.Version != since[i].Version {
				t.Fatalf("pending %s %d, want %s %d", mg.Module, mg.Version, since[i].Module, since[i].Version)
			}
		}
		n, err := schema.Migrate(ctx, db)
		if err != nil || n != len(since) {
			t.Fatalf("Migrate ran %d migration(s), err %v; want %d (the older tables exist)", n, err, len(since))
		}
		want := 0
		for _, m := range schema.Modules() {
			ms, _ := m.Migrations()
			want += len(ms)
		}
		var got int
		if err := db.QueryRowContext(ctx, `SELECT COUNT(*) FROM schema_versions`).Scan(&got); err != nil || got != want {
			t.Fatalf("schema_versions has %d rows, err %v; want %d", got, err, want)
		}
	})
}
