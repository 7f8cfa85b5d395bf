// Package migrations holds the schema of package dancu: consents to look
// a person up in the population database, and the lookups made.
// It imports nothing but store, so package schema can list every module's
// migrations without an import cycle.
package migrations

import (
	"embed"

	"github.com/motcua/motcua/store"
)

//go:embed *.sql
var files embed.FS

// Module is package dancu's schema.
var Module = store.Module{Name: "dancu", FS: files}
