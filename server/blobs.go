package server

import (
	"fmt"
	"path/filepath"

	"github.com/motcua/motcua/blob"
	"github.com/motcua/motcua/store"
)

// Blob store kinds (motcua serve --blobs).
const (
	BlobsAuto = "" // the engine's: DB on PostgreSQL, Dir beside SQLite
	BlobsDir  = "dir"
	BlobsDB   = "db"
)

// Blobs returns the store of stored files of the given kind. Left to the
// engine, a PostgreSQL deployment keeps them in the database, so that its
// several instances (docs/scale-out.md) read each other's uploads without
// a shared file system, and SQLite, one instance on one disk, keeps them
// in DATA/files at no set-up. Uploads in progress are on the instance's
// own disk (DATA/files/tmp) either way.
func Blobs(db *store.DB, dataDir, kind string) (blob.Store, error) {
	files := filepath.Join(dataDir, "files")
	if kind == BlobsAuto {
		kind = BlobsDir
		if db.Dialect == store.Postgres {
			kind = BlobsDB
		}
	}
	switch kind {
	case BlobsDir:
		return blob.NewDir(files, nil), nil
	case BlobsDB:
		return blob.NewDB(db, filepath.Join(files, "tmp"), nil), nil
	}
	return nil, fmt.Errorf("--blobs %q: want dir or db", kind)
}
