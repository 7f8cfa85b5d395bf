// Package migrations holds the schema of package unit: the unit tree, its history and departments.
// It imports nothing but store, so package schema can list every module's
// migrations without an import cycle.
package migrations

import (
	"embed"

	"github.com/motcua/motcua/store"
)

//go:embed *.sql
var files embed.FS

// Module is package unit's schema.
var Module = store.Module{Name: "unit", FS: files, Legacy: map[int]int{1: 1}}
