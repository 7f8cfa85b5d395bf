// Package migrations holds the schema of package payment: fee payments, their history, gateway callbacks and counters.
// It imports nothing but store, so package schema can list every module's
// migrations without an import cycle.
package migrations

import (
	"embed"

	"github.com/motcua/motcua/store"
)

//go:embed *.sql
var files embed.FS

// Module is package payment's schema.
var Module = store.Module{Name: "payment", FS: files, Legacy: map[int]int{1: 5}}
