// Package migrations holds the schema of package postal: postal addresses, shipments and tracking events.
// It imports nothing but store, so package schema can list every module's
// migrations without an import cycle.
package migrations

import (
	"embed"

	"github.com/motcua/motcua/store"
)

//go:embed *.sql
var files embed.FS

// Module is package postal's schema.
var Module = store.Module{Name: "postal", FS: files, Legacy: map[int]int{1: 6}}
