// Package migrations holds the schema of package reorg: reorganisation
// plans and what applying them moved. It imports nothing but store, so
// package schema can list it without an import cycle.
package migrations

import (
	"embed"

	"github.com/motcua/motcua/store"
)

//go:embed *.sql
var files embed.FS

// Module is package reorg's schema.
var Module = store.Module{Name: "reorg", FS: files}
