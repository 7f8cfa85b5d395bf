// Package storetest gives tests a fresh, migrated database on each engine.
// SQLite always runs. PostgreSQL runs when it answers (MOTCUA_TEST_POSTGRES,
// default postgres://postgres@127.0.0.1:5432/postgres); with CI=true a
// PostgreSQL that does not answer fails the test instead of skipping it.
package storetest

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"net/url"
	"os"
	"testing"
	"time"

	"github.com/motcua/motcua/schema"
	"github.com/motcua/motcua/store"
)

// AdminURL is the PostgreSQL server the tests create databases on.
func AdminURL() string {
	if u := os.Getenv("MOTCUA_TEST_POSTGRES"); u != "" {
		return u
	}
	return "postgres://postgres@127.0.0.1:5432/postgres?sslmode=disable"
}

// Engines runs fn once per engine, each as a subtest with a fresh database.
func Engines(t *testing.T, fn func(t *testing.T, db *store.DB)) {
	t.Helper()
	for _, name := range []string{"sqlite", "postgres"} {
		t.Run(name, func(t *testing.T) {
			fn(t, Open(t, name))
		})
	}
}

// Open returns a fresh migrated database of the named engine, closed (and,
// for PostgreSQL, dropped) when the test ends. A PostgreSQL database is a
// copy of a migrated template (see template.go); Migrate then finds
// nothing to do, and still checks the versions.
func Open(t testing.TB, engine string) *store.DB {
	t.Helper()
	ctx := context.Background()
	var cfg store.Config
	if engine == "postgres" {
		cfg.URL = newPostgresDB(t, true)
	} else {
		cfg.Dir = t.TempDir()
	}
	db, err := store.Open(ctx, cfg)
	if err != nil {
		t.Fatalf("open %s: %v", engine, err)
	}
	t.Cleanup(func() { db.Close() })
	if _, err := schema.Migrate(ctx, db); err != nil {
		t.Fatalf("migrate %s: %v", engine, err)
	}
	return db
}

// NewPostgresDB creates an empty database and returns its URL; it is dropped
// when the test ends.
func NewPostgresDB(t testing.TB) string {
	t.Helper()
	return newPostgresDB(t, false)
}

// newPostgresDB creates a database, empty or (migrated) a copy of the
// migrated template, and returns its URL; it is dropped when the test ends.
func newPostgresDB(t testing.TB, migrated bool) string {
	t.Helper()
	admin, err := sql.Open("pgx", AdminURL())
	if err == nil {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		err = admin.PingContext(ctx)
		cancel()
	}
	if err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("PostgreSQL is required in CI but does not answer at %s: %v", AdminURL(), err)
		}
		t.Skipf("PostgreSQL not available (%v); set CI=true to make this a failure", err)
	}
	var b [6]byte
	rand.Read(b[:])
	name := "motcua_test_" + hex.EncodeToString(b[:])
	create := `CREATE DATABASE ` + name
	if migrated {
		tmpl, err := migratedTemplate(admin)
		if err != nil {
			t.Fatalf("migrated template: %v", err)
		}
		create += ` TEMPLATE ` + tmpl
	}
	if _, err := admin.Exec(create); err != nil {
		t.Fatalf("create database: %v", err)
	}
	t.Cleanup(func() {
		admin.Exec(`DROP DATABASE IF EXISTS ` + name + ` WITH (FORCE)`)
		admin.Close()
	})
	u, _ := url.Parse(AdminURL())
	u.Path = "/" + name
	return u.String()
}
