// Package migrations holds the schema of package land: the land registry
// (parcels, their users, certificates, links and history), the split
// measurements officers enter for a dossier, and the outbox of changes
// sent to the national land information system. It imports nothing but
// store, so package schema can list every module's migrations without an
// import cycle.
package migrations

import (
	"embed"

	"github.com/motcua/motcua/store"
)

//go:embed *.sql
var files embed.FS

// Module is package land's schema.
var Module = store.Module{Name: "land", FS: files}
