// Package client is the Go client of motcua's JSON API (/api/v1), generated
// by oapi-codegen from api/openapi.json: one method per operation, named
// after its operationId (SubmitDossier, ActOnDossier, TrackDossier,
// RequestDossierPayment…), and a type per schema. Integrating systems use
// NewClientWithResponses with a RequestEditorFn that sets the bearer token
// from CreateToken. See docs/api.md ("The Go client").
//
// client.gen.go is generated, never edited: after a change to the document
// run `go generate ./client`. TestGeneratedClientIsCurrent fails when the
// committed file differs from what the pinned generator (go.mod's tool
// directive) makes of the document.
package client

//go:generate go tool oapi-codegen -config oapi-codegen.yaml -o client.gen.go ../api/openapi.json
