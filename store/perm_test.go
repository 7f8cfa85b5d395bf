package store_test

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/motcua/motcua/store"
)

// TestSQLiteFilesArePrivate: the database, its WAL and shared-memory files
// and the data directory are readable by the service account only (issue 8,
// finding 12: the database file was created 0644), and a file an older
// version left 0644 is tightened on open.
func TestSQLiteFilesArePrivate(t *testing.T) {
	ctx := context.Background()
	dir := filepath.Join(t.TempDir(), "data")
	db, err := store.Open(ctx, store.Config{Dir: dir})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.ExecContext(ctx, `CREATE TABLE t (x INTEGER)`); err != nil {
		t.Fatal(err)
	}
	if _, err := db.ExecContext(ctx, `INSERT INTO t VALUES (1)`); err != nil {
		t.Fatal(err)
	}
	check := func(name string, want os.FileMode) {
		t.Helper()
		fi, err := os.Stat(filepath.Join(dir, name))
		if err != nil {
			t.Fatal(err)
		}
		if got := fi.Mode().Perm(); got != want {
			t.Errorf("%s: mode %o, want %o", name, got, want)
		}
	}
	check(".", 0o700)
	for _, f := range []string{"motcua.db", "motcua.db-wal", "motcua.db-shm"} {
		check(f, 0o600)
	}
	db.Close()

	if err := os.Chmod(filepath.Join(dir, "motcua.db"), 0o644); err != nil {
		t.Fatal(err)
	}
	db, err = store.Open(ctx, store.Config{Dir: dir})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	check("motcua.db", 0o600)
}
