package compat

import (
	"encoding/json"
	"os"
	"strings"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"
)

func load(t *testing.T, data []byte) *openapi3.T {
	t.Helper()
	doc, err := openapi3.NewLoader().LoadFromData(data)
	if err != nil {
		t.Fatal(err)
	}
	return doc
}

func read(t *testing.T, path string) []byte {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// TestOpenAPICompatibleWithBaseline is the CI gate: the served document must
// not break a client generated from the last release's (api/openapi.v1-baseline.json)
// unless info.version's major is bumped. When a release is cut, the baseline
// is replaced by the released document.
func TestOpenAPICompatibleWithBaseline(t *testing.T) {
	base, cur := load(t, read(t, "../openapi.v1-baseline.json")), load(t, read(t, "../openapi.json"))
	if n := len(operations(base)); n < 39 {
		t.Fatalf("the baseline has %d operations: not the released document", n)
	}
	if major(cur) > major(base) {
		t.Logf("major version bumped (%s → %s): breaking changes allowed; replace the baseline with this release's document",
			base.Info.Version, cur.Info.Version)
	}
	for _, b := range Breaking(base, cur) {
		t.Errorf("breaking change: %s", b)
	}
}

// TestOpenAPICompatDetects doctors copies of the current document the way a
// careless change would and checks that each is refused, and allowed once the
// major version is bumped.
func TestOpenAPICompatDetects(t *testing.T) {
	data := read(t, "../openapi.json")
	cur := load(t, data)
	type doc = map[string]any
	m := func(v any, keys ...string) doc {
		for _, k := range keys {
			v = v.(doc)[k]
		}
		return v.(doc)
	}
	cases := []struct {
		name   string
		doctor func(d doc)
		want   string
	}{
		{"response field removed", func(d doc) {
			delete(m(d, "components", "schemas", "Dossier", "properties"), "status")
		}, "POST /api/v1/dossiers: response 201 application/json: field status removed"},
		{"nested response field removed", func(d doc) {
			delete(m(d, "components", "schemas", "Applicant", "properties"), "phone")
		}, "GET /api/v1/dossiers/{code}: response 200 application/json.applicant: field phone removed"},
		{"operation removed", func(d doc) {
			delete(m(d, "paths", "/api/v1/track/{code}"), "get")
		}, "GET /api/v1/track/{code}: operation removed"},
		{"query parameter renamed", func(d doc) {
			ps := m(d, "paths", "/api/v1/dossiers", "get")["parameters"].([]any)
			for _, p := range ps {
				if p.(doc)["name"] == "procedure" {
					p.(doc)["name"] = "procedure_code"
				}
			}
		}, "GET /api/v1/dossiers: parameter query procedure removed or renamed"},
		{"type narrowed", func(d doc) {
			m(d, "components", "schemas", "Applicant", "properties", "phone")["type"] = "integer"
		}, `POST /api/v1/dossiers: request application/json.applicant.phone: type narrowed from "string" to "integer"`},
		{"request field newly required", func(d doc) {
			s := m(d, "paths", "/api/v1/dossiers/{code}/payment-requests", "post", "requestBody", "content", "application/json", "schema")
			s["required"] = []any{"pages"}
		}, "POST /api/v1/dossiers/{code}/payment-requests: request application/json: field pages became required"},
		{"enum value dropped from a request", func(d doc) {
			m(d, "components", "schemas", "SubmitInput", "properties", "delivery")["enum"] = []any{"counter"}
		}, "POST /api/v1/dossiers: request application/json.delivery: value post no longer accepted"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			var d doc
			if err := json.Unmarshal(data, &d); err != nil {
				t.Fatal(err)
			}
			c.doctor(d)
			doctored, _ := json.Marshal(d)
			found := Breaking(cur, load(t, doctored))
			if !contains(found, c.want) {
				t.Fatalf("want %q among %q", c.want, found)
			}
			m(d, "info")["version"] = "2"
			bumped, _ := json.Marshal(d)
			if found := Breaking(cur, load(t, bumped)); len(found) != 0 {
				t.Fatalf("with the major version bumped: %q", found)
			}
		})
	}
	// Additions break no one: a new operation, a new optional parameter, a new
	// response field, a path parameter renamed.
	var d doc
	json.Unmarshal(data, &d)
	m(d, "paths")["/api/v1/things"] = doc{"get": doc{"responses": doc{"200": doc{"description": "x"}}}}
	m(d, "components", "schemas", "Dossier", "properties")["new_field"] = doc{"type": "string"}
	get := m(d, "paths", "/api/v1/dossiers", "get")
	get["parameters"] = append(get["parameters"].([]any), doc{"name": "extra", "in": "query", "schema": doc{"type": "string"}})
	paths := m(d, "paths")
	paths["/api/v1/track/{dossier}"] = paths["/api/v1/track/{code}"]
	delete(paths, "/api/v1/track/{code}")
	for _, p := range m(paths, "/api/v1/track/{dossier}", "get")["parameters"].([]any) {
		if p.(doc)["in"] == "path" {
			p.(doc)["name"] = "dossier"
		}
	}
	added, _ := json.Marshal(d)
	if found := Breaking(cur, load(t, added)); len(found) != 0 {
		t.Fatalf("additive changes reported as breaking: %q", found)
	}
}

func contains(found []string, want string) bool {
	for _, f := range found {
		if strings.Contains(f, want) {
			return true
		}
	}
	return false
}
