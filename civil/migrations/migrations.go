// Package migrations holds the schema of package civil: the civil service
// registry (officers as people, their postings and qualifications) and
// the yearly evaluation cycles.
// It imports nothing but store, so package schema can list every module's
// migrations without an import cycle.
package migrations

import (
	"embed"

	"github.com/motcua/motcua/store"
)

//go:embed *.sql
var files embed.FS

// Module is package civil's schema.
var Module = store.Module{Name: "civil", FS: files}
