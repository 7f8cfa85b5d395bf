// Package migrations holds the schema of package notify: the notification outbox and each account's preferences.
// It imports nothing but store, so package schema can list every module's
// migrations without an import cycle.
package migrations

import (
	"embed"

	"github.com/motcua/motcua/store"
)

//go:embed *.sql
var files embed.FS

// Module is package notify's schema.
var Module = store.Module{Name: "notify", FS: files, Legacy: map[int]int{1: 4}}
