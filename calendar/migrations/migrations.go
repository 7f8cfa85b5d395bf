// Package migrations holds the schema of package calendar: the calendar announcements added by administrators.
// It imports nothing but store, so package schema can list every module's
// migrations without an import cycle.
package migrations

import (
	"embed"

	"github.com/motcua/motcua/store"
)

//go:embed *.sql
var files embed.FS

// Module is package calendar's schema.
var Module = store.Module{Name: "calendar", FS: files, Legacy: map[int]int{1: 1}}
