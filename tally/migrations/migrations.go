// Package migrations holds the schema of package tally: the figures of
// the II.06a report and the dashboards, kept up to date as dossiers move.
// It imports nothing but store, so package schema can list every module's
// migrations without an import cycle.
package migrations

import (
	"embed"

	"github.com/motcua/motcua/store"
)

//go:embed *.sql
var files embed.FS

// Module is package tally's schema.
var Module = store.Module{Name: "tally", FS: files}
