// Package migrations holds the schema of package dvcqg: the outbox of
// calls to the national public service portal, each dossier's sync state
// and the dossiers pulled from the portal. It imports nothing but store,
// so package schema can list every module's migrations without an import
// cycle.
package migrations

import (
	"embed"

	"github.com/motcua/motcua/store"
)

//go:embed *.sql
var files embed.FS

// Module is package dvcqg's schema.
var Module = store.Module{Name: "dvcqg", FS: files}
