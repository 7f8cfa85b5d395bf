// Package migrations holds the schema of package audit: the append-only audit log.
// It imports nothing but store, so package schema can list every module's
// migrations without an import cycle.
package migrations

import (
	"embed"

	"github.com/motcua/motcua/store"
)

//go:embed *.sql
var files embed.FS

// Module is package audit's schema.
var Module = store.Module{Name: "audit", FS: files}
