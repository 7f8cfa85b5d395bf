package server_test

import (
	"fmt"
	"testing"

	"github.com/motcua/motcua/server"
	"github.com/motcua/motcua/store"
	"github.com/motcua/motcua/store/storetest"
)

// TestBlobsChoice: left to the engine, PostgreSQL keeps stored files in
// the database (several instances share it, docs/scale-out.md) and SQLite
// in the data directory; --blobs overrides either way, and a kind it does
// not know stops the start.
func TestBlobsChoice(t *testing.T) {
	storetest.Engines(t, func(t *testing.T, db *store.DB) {
		auto := "*blob.Dir"
		if db.Dialect == store.Postgres {
			auto = "*blob.DB"
		}
		cases := []struct{ kind, want string }{
			{server.BlobsAuto, auto},
			{server.BlobsDir, "*blob.Dir"},
			{server.BlobsDB, "*blob.DB"},
		}
		for _, c := range cases {
			s, err := server.Blobs(db, t.TempDir(), c.kind)
			if err != nil || fmt.Sprintf("%T", s) != c.want {
				t.Errorf("--blobs %q: %T %v, want %s", c.kind, s, err, c.want)
			}
		}
		if _, err := server.Blobs(db, t.TempDir(), "nfs"); err == nil {
			t.Error("--blobs nfs accepted")
		}
	})
}
