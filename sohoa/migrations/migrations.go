// Package migrations holds the schema of package sohoa: digitised papers
// and results (Circular 01/2023/TT-VPCP), their code sequences and the log
// of their reuse. It imports nothing but store, so package schema can list
// every module's migrations without an import cycle.
package migrations

import (
	"embed"

	"github.com/motcua/motcua/store"
)

//go:embed *.sql
var files embed.FS

// Module is package sohoa's schema.
var Module = store.Module{Name: "sohoa", FS: files}
