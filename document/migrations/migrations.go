// Package migrations holds the schema of package document: the document
// registers of each unit, their yearly number sequences, incoming and
// outgoing documents (Decree 30/2020/NĐ-CP), their files, assignments,
// trail, drafts' versions and comments, approvals and distribution. It
// imports nothing but store, so package schema can list every module's
// migrations without an import cycle.
package migrations

import (
	"embed"

	"github.com/motcua/motcua/store"
)

//go:embed *.sql
var files embed.FS

// Module is package document's schema.
var Module = store.Module{Name: "document", FS: files}
