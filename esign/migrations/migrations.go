// Package migrations holds the schema of package esign: the results
// signed in the application.
// It imports nothing but store, so package schema can list every module's
// migrations without an import cycle.
package migrations

import (
	"embed"

	"github.com/motcua/motcua/store"
)

//go:embed *.sql
var files embed.FS

// Module is package esign's schema.
var Module = store.Module{Name: "esign", FS: files}
