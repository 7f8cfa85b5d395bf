// Package migrations holds the schema of package webhook: subscriptions,
// the events and the deliveries' outbox. It imports nothing but store, so
// package schema can list every module's migrations without a cycle.
package migrations

import (
	"embed"

	"github.com/motcua/motcua/store"
)

//go:embed *.sql
var files embed.FS

// Module is package webhook's schema.
var Module = store.Module{Name: "webhook", FS: files}
