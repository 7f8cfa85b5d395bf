// Package migrations holds the schema of package forms: the numbers of issued forms.
// It imports nothing but store, so package schema can list every module's
// migrations without an import cycle.
package migrations

import (
	"embed"

	"github.com/motcua/motcua/store"
)

//go:embed *.sql
var files embed.FS

// Module is package forms's schema.
var Module = store.Module{Name: "forms", FS: files, Legacy: map[int]int{1: 3}}
