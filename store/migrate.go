package store

import (
	"context"
	"fmt"
	"io/fs"
	"maps"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"
)

// Module is one package's schema: the tables it owns and the migrations
// that make them, numbered 1, 2, 3… within the package, so two modules
// added at once never collide on a number. A package declares its Module
// in a leaf sub-package (dossier/migrations) that imports nothing but
// store, so the list of all modules (package schema) can be imported by
// any test without a cycle.
type Module struct {
	// Name is the owning package's import path below the module root
	// ("dossier", "postal"); it is the key in schema_versions.
	Name string
	// FS holds the files NNN_name.sql at its root.
	FS fs.FS
	// Legacy maps this module's migration versions to the version of the
	// single, global sequence (schema_migrations, motcua ≤ 0.6) that
	// created the same tables: a database migrated before the split has
	// those marked applied instead of run again.
	Legacy map[int]int
}

// Migration is one numbered schema change of a module.
type Migration struct {
	Module  string
	Version int
	Name    string
	SQL     string
}

// Migrations lists m's migrations in order. File names are NNN_name.sql;
// the numbers must run 1, 2, 3… (a test checks it for every module).
func (m Module) Migrations() ([]Migration, error) {
	entries, err := fs.ReadDir(m.FS, ".")
	if err != nil {
		return nil, err
	}
	var out []Migration
	for _, e := range entries {
		if e.IsDir() || !strings.HasSuffix(e.Name(), ".sql") {
			continue
		}
		num, name, ok := strings.Cut(strings.TrimSuffix(e.Name(), ".sql"), "_")
		v, err := strconv.Atoi(num)
		if !ok || err != nil {
			return nil, fmt.Errorf("store: %s: migration file %q is not NNN_name.sql", m.Name, e.Name())
		}
		body, err := fs.ReadFile(m.FS, e.Name())
		if err != nil {
			return nil, err
		}
		// A misspelt engine would silently run nowhere.
		for _, s := range splitStatements(string(body)) {
			if s.engine != "" && s.engine != SQLite.String() && s.engine != Postgres.String() {
				return nil, fmt.Errorf("store: %s: %s: unknown engine %q", m.Name, e.Name(), s.engine)
			}
		}
		out = append(out, Migration{Module: m.Name, Version: v, Name: name, SQL: string(body)})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Version < out[j].Version })
	return out, nil
}

// Migrate applies every migration of mods not yet applied, module by
// module in the order given (the owner of a referenced table first), each
// migration in its own transaction. Several instances starting at once
// against PostgreSQL serialise on an advisory lock; on SQLite the
// IMMEDIATE transaction does it. It returns how many migrations ran.
func (db *DB) Migrate(ctx context.Context, mods []Module) (applied int, err error) {
	plan, err := db.pending(ctx, mods, true)
	if err != nil {
		return 0, err
	}
	for _, p := range plan {
		ran, err := db.applyOne(ctx, p.m, p.legacy)
		if err != nil {
			return applied, err
		}
		if ran {
			applied++
		}
	}
	return applied, nil
}

// Pending lists the migrations of mods that Migrate would run, in order,
// without changing anything (motcua migrate --dry-run): on a database
// never migrated it does not even create schema_versions.
func (db *DB) Pending(ctx context.Context, mods []Module) ([]Migration, error) {
	plan, err := db.pending(ctx, mods, false)
	if err != nil {
		return nil, err
	}
	var out []Migration
	for _, p := range plan {
		if p.legacy == 0 {
			out = append(out, p.m)
		}
	}
	return out, nil
}

type step struct {
	m      Migration
	legacy int // >0: created by this global version before the split; record, do not run
}

// UnknownMigrationError is a database that holds a migration this binary
// does not know: a newer motcua migrated it. Running on it could write
// rows the newer schema no longer accepts, or miss a column it relies on,
// so Migrate (and with it serve) refuses, and the operator runs the newer
// binary again or restores the backup taken before the upgrade
// (docs/operations.md, Upgrades).
type UnknownMigrationError struct {
	Module  string
	Version int
	Name    string
}

// File is the migration's file name as the newer binary has it.
func (e *UnknownMigrationError) File() string { return fmt.Sprintf("%03d_%s.sql", e.Version, e.Name) }

func (e *UnknownMigrationError) Error() string {
	return fmt.Sprintf("store: the database has migration %s/%s, which this binary does not know (a newer motcua migrated it)", e.Module, e.File())
}

func (db *DB) pending(ctx context.Context, mods []Module, create bool) ([]step, error) {
	if create {
		if _, err := db.ExecContext(ctx, `CREATE TABLE IF NOT EXISTS schema_versions (
		module TEXT NOT NULL, version BIGINT NOT NULL, name TEXT NOT NULL, applied_at BIGINT NOT NULL,
		PRIMARY KEY (module, version))`); err != nil {
			return nil, fmt.Errorf("store: create schema_versions: %w", err)
		}
	}
	applied, err := db.appliedVersions(ctx, create)
	if err != nil {
		return nil, err
	}
	seen := map[string]bool{}
	known := map[string]bool{}
	var plan []step
	var legacy map[int]bool
	for _, mod := range mods {
		if seen[mod.Name] {
			return nil, fmt.Errorf("store: module %s listed twice", mod.Name)
		}
		seen[mod.Name] = true
		ms, err := mod.Migrations()
		if err != nil {
			return nil, err
		}
		for _, m := range ms {
			key := m.Module + "/" + strconv.Itoa(m.Version)
			known[key] = true
			if _, done := applied[key]; done {
				continue
			}
			if legacy == nil {
				if legacy, err = db.legacyVersions(ctx); err != nil {
					return nil, err
				}
			}
			s := step{m: m}
			if g := mod.Legacy[m.Version]; g > 0 && legacy[g] {
				s.legacy = g
			}
			plan = append(plan, s)
		}
	}
	// Checked before anything runs, whatever is pending: an older binary
	// must not touch a newer database at all.
	keys := slices.Sorted(maps.Keys(applied))
	for _, k := range keys {
		if a := applied[k]; !known[k] {
			return nil, &UnknownMigrationError{Module: a.Module, Version: a.Version, Name: a.Name}
		}
	}
	return plan, nil
}

// appliedVersions reads schema_versions, keyed module/version; with exists false the table may be
// missing (a database never migrated), which reads as none applied.
func (db *DB) appliedVersions(ctx context.Context, exists bool) (map[string]Migration, error) {
	out := map[string]Migration{}
	if !exists {
		if ok, err := db.hasTable(ctx, "schema_versions"); err != nil || !ok {
			return out, err
		}
	}
	rows, err := db.w.QueryContext(ctx, `SELECT module, version, name FROM schema_versions`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var m Migration
		if err := rows.Scan(&m.Module, &m.Version, &m.Name); err != nil {
			return nil, err
		}
		out[m.Module+"/"+strconv.Itoa(m.Version)] = m
	}
	return out, rows.Err()
}

// hasTable reports whether the current schema has the named table.
func (db *DB) hasTable(ctx context.Context, name string) (bool, error) {
	var q string
	if db.Dialect == Postgres {
		q = `SELECT COUNT(*) FROM information_schema.tables WHERE table_name = ? AND table_schema = current_schema()`
	} else {
		q = `SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND name = ?`
	}
	var n int
	err := db.w.QueryRowContext(ctx, db.Dialect.Rebind(q), name).Scan(&n)
	return n > 0, err
}

// legacyVersions reads the pre-split global sequence, if this database has one.
func (db *DB) legacyVersions(ctx context.Context) (map[int]bool, error) {
	out := map[int]bool{}
	if ok, err := db.hasTable(ctx, "schema_migrations"); err != nil || !ok {
		return out, err
	}
	rows, err := db.w.QueryContext(ctx, `SELECT version FROM schema_migrations`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var v int
		if err := rows.Scan(&v); err != nil {
			return nil, err
		}
		out[v] = true
	}
	return out, rows.Err()
}

// applyOne runs (or, for a legacy one, records) m unless another instance
// did it first; it reports whether it ran the SQL.
func (db *DB) applyOne(ctx context.Context, m Migration, legacy int) (ran bool, err error) {
	// Alone: a migration may rewrite a table of millions of rows, whose
	// statement journal then spills to a file (group.batch).
	err = db.InTxAlone(ctx, func(tx *Tx) error {
		if db.Dialect == Postgres {
			// Held until commit: a second instance waits here, then sees the row.
			if _, err := tx.ExecContext(ctx, `SELECT pg_advisory_xact_lock(7468111)`); err != nil {
				return err
			}
		}
		var n int
		if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM schema_versions WHERE module = ? AND version = ?`, m.Module, m.Version).Scan(&n); err != nil {
			return err
		}
		if n > 0 {
			return nil
		}
		if legacy == 0 {
			for _, stmt := range db.Dialect.Statements(m.SQL) {
				if _, err := tx.ExecContext(ctx, stmt); err != nil {
					return fmt.Errorf("migration %s/%03d_%s: %w\n%s", m.Module, m.Version, m.Name, err, stmt)
				}
			}
			ran = true
		}
		_, err := tx.ExecContext(ctx, `INSERT INTO schema_versions (module, version, name, applied_at) VALUES (?, ?, ?, ?)`,
			m.Module, m.Version, m.Name, time.Now().UnixMilli())
		return err
	})
	return ran, err
}

// Statements is a migration's SQL as this engine runs it, one statement
// at a time: rewritten (schema), without the other engine's statements.
func (d Dialect) Statements(sql string) []string {
	var out []string
	for _, s := range splitStatements(d.schema(sql)) {
		if s.engine == "" || s.engine == d.String() {
			out = append(out, s.sql)
		}
	}
	return out
}

// stmt is one statement of a migration, and the engine it is for ("" both).
type stmt struct{ sql, engine string }

// splitStatements splits a migration on ";" at line ends. Migrations keep
// one statement per ";\n" so no SQL parser is needed (a trigger's body
// stays on one line). A statement preceded by the comment line
// "-- engine: sqlite" (or postgres) runs on that engine only: the few
// things the engines do differently, such as full-text indexes, which
// are not a common subset of both.
func splitStatements(sql string) []stmt {
	var out []stmt
	for _, s := range strings.Split(sql, ";\n") {
		// Drop comment-only lines so a chunk of comments is not a statement.
		var keep []string
		engine := ""
		for _, line := range strings.Split(s, "\n") {
			t := strings.TrimSpace(line)
			if e, ok := strings.CutPrefix(t, "-- engine:"); ok {
				engine = strings.TrimSpace(e)
			}
			if t != "" && !strings.HasPrefix(t, "--") {
				keep = append(keep, line)
			}
		}
		if sql := strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(strings.Join(keep, "\n")), ";")); sql != "" {
			out = append(out, stmt{sql: sql, engine: engine})
		}
	}
	return out
}
