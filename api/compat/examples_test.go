package compat

import (
	"testing"

	"github.com/getkin/kin-openapi/openapi3"
)

// TestOpenAPIExamplesMatchSchemas keeps the request examples honest: the
// main requests have some, and every example is valid against its schema
// (integrators copy them).
func TestOpenAPIExamplesMatchSchemas(t *testing.T) {
	doc := load(t, read(t, "../openapi.json"))
	if err := doc.Validate(openapi3.NewLoader().Context, openapi3.DisableExamplesValidation()); err != nil {
		t.Fatalf("document invalid: %v", err)
	}
	want := map[string]bool{"submitDossier": false, "actOnDossier": false, "requestDossierPayment": false}
	for path, item := range doc.Paths.Map() {
		for method, op := range item.Operations() {
			if op.RequestBody == nil || op.RequestBody.Value == nil {
				continue
			}
			for ct, mt := range op.RequestBody.Value.Content {
				for name, ex := range mt.Examples {
					if _, ok := want[op.OperationID]; ok {
						want[op.OperationID] = true
					}
					if err := mt.Schema.Value.VisitJSON(ex.Value.Value); err != nil {
						t.Errorf("%s %s %s example %s: %v", method, path, ct, name, err)
					}
				}
			}
		}
	}
	for id, has := range want {
		if !has {
			t.Errorf("%s has no request example", id)
		}
	}
}
