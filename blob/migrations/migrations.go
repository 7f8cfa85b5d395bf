// Package migrations holds the schema of package blob: the stored files'
// bytes in the database, for deployments without a shared file system.
// It imports nothing but store, so package schema can list every module's
// migrations without an import cycle.
package migrations

import (
	"embed"

	"github.com/motcua/motcua/store"
)

//go:embed *.sql
var files embed.FS

// Module is package blob's schema.
var Module = store.Module{Name: "blob", FS: files}
