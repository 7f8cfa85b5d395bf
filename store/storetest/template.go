package storetest

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"fmt"
	"net/url"
	"strconv"

	"github.com/motcua/motcua/schema"
	"github.com/motcua/motcua/store"
)

// Migrating a PostgreSQL database takes about half a second, most of a
// test's setup; copying a migrated one (CREATE DATABASE … TEMPLATE) takes
// no longer than creating an empty one. So the first test to need one
// migrates a template, named after the migrations it ran, and every later
// test, in this process or another, copies it.
//
// The template is left on the server for the next run. A change to any
// migration changes the name, so a stale template is never used.

// migratedTemplate returns the name of the template database for the
// current migrations, creating it if no process did yet.
func migratedTemplate(admin *sql.DB) (string, error) {
	ctx := context.Background()
	name, err := templateName()
	if err != nil {
		return "", err
	}
	var n int
	if err := admin.QueryRowContext(ctx, `SELECT COUNT(*) FROM pg_database WHERE datname = $1`, name).Scan(&n); err != nil {
		return "", err
	}
	if n > 0 {
		return name, nil
	}
	// Migrate under a name of our own and rename when done, so another
	// process never copies a half-migrated template; if one renamed theirs
	// first, ours is dropped and theirs used.
	var b [4]byte
	rand.Read(b[:])
	work := name + "_" + hex.EncodeToString(b[:])
	if _, err := admin.ExecContext(ctx, `CREATE DATABASE `+work); err != nil {
		return "", err
	}
	if err := migrateAt(ctx, work); err != nil {
		admin.Exec(`DROP DATABASE IF EXISTS ` + work + ` WITH (FORCE)`)
		return "", err
	}
	if _, err := admin.ExecContext(ctx, `ALTER DATABASE `+work+` RENAME TO `+name); err != nil {
		admin.Exec(`DROP DATABASE IF EXISTS ` + work + ` WITH (FORCE)`)
		if err := admin.QueryRowContext(ctx, `SELECT COUNT(*) FROM pg_database WHERE datname = $1`, name).Scan(&n); err != nil || n == 0 {
			return "", fmt.Errorf("rename template: %w", err)
		}
	}
	return name, nil
}

// migrateAt migrates the database called name and closes every connection
// to it (a template must have none when it is copied).
func migrateAt(ctx context.Context, name string) error {
	u, err := url.Parse(AdminURL())
	if err != nil {
		return err
	}
	u.Path = "/" + name
	db, err := store.Open(ctx, store.Config{URL: u.String()})
	if err != nil {
		return err
	}
	defer db.Close()
	_, err = schema.Migrate(ctx, db)
	return err
}

// templateName is derived from every migration's module, version and text.
func templateName() (string, error) {
	h := sha256.New()
	for _, m := range schema.Modules() {
		ms, err := m.Migrations()
		if err != nil {
			return "", err
		}
		for _, mg := range ms {
			fmt.Fprint(h, mg.Module, "\x00", strconv.Itoa(mg.Version), "\x00", mg.SQL, "\x00")
		}
	}
	return "motcua_tmpl_" + hex.EncodeToString(h.Sum(nil)[:8]), nil
}
