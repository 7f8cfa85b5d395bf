// Package migrations holds the schema of package dossier: dossiers, their history, pauses, files, code sequences, idempotency keys and drafts.
// It imports nothing but store, so package schema can list every module's
// migrations without an import cycle.
package migrations

import (
	"embed"

	"github.com/motcua/motcua/store"
)

//go:embed *.sql
var files embed.FS

// Module is package dossier's schema.
var Module = store.Module{Name: "dossier", FS: files, Legacy: map[int]int{1: 1, 2: 2}}
