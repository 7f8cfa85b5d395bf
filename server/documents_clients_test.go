package server_test

import (
	"context"
	"encoding/base64"
	"slices"
	"strings"
	"testing"

	"github.com/motcua/motcua/auth"
	"github.com/motcua/motcua/demo"
	"github.com/motcua/motcua/document"
	"github.com/motcua/motcua/store"
	"github.com/motcua/motcua/store/storetest"
)

// TestDocumentsForSystemAccounts: a system account holding document.read
// and document.register at Gia Lâm, with documents:read and
// documents:write, lists and reads Gia Lâm's documents and no other
// unit's (the district's is not found, not forbidden), never a secret
// one, and registers an incoming document there; without the operation
// the routes answer 403 client_scope.
func TestDocumentsForSystemAccounts(t *testing.T) {
	storetest.Engines(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		ctx := context.Background()
		actor := func(name string) *auth.Actor {
			a, err := e.app.Auth.UserByName(ctx, name)
			if err != nil {
				t.Fatal(err)
			}
			return a
		}
		register := func(clerk, unit, number string, secrecy int) int64 {
			d, err := e.app.Documents.RegisterIncoming(ctx, actor(clerk), document.Incoming{Unit: unit, Medium: document.Paper,
				Sender: document.Organ{OrganID: demo.ProvinceCode, Name: "UBND tỉnh Ninh Bình"}, CodeNumber: number, CodeNotation: "UBND-VX",
				Type: "CV", Subject: "V/v số " + number, Secrecy: secrecy})
			if err != nil {
				t.Fatal(err)
			}
			return d.ID
		}
		here := register("gialam.vanthu", demo.GiaLamCode, "11", 0)
		secret := register("gialam.vanthu", demo.GiaLamCode, "12", 1)
		there := register("huyen.vanthu", demo.DistrictCode, "13", 0)
		u, err := e.app.Units.ByCode(ctx, demo.GiaLamCode)
		if err != nil {
			t.Fatal(err)
		}
		add := func(ops ...string) string {
			id, sec, err := e.app.Auth.AddClientAsOperator(ctx, auth.NewClient{Name: "Hệ thống quản lý văn bản", Ops: ops, RatePerMinute: 100_000,
				Rights: []auth.ClientRight{{UnitID: u.ID, Right: auth.ReadDocument}, {UnitID: u.ID, Right: auth.RegisterDocument}}})
			if err != nil {
				t.Fatal(err)
			}
			e.tokens[id] = clientToken(t, e, id, sec)
			return id
		}
		id := add(auth.OpDocumentsRead, auth.OpDocumentsWrite)
		var page struct{ Documents []docView }
		e.must(e.call(id, "GET", "/api/v1/documents?limit=200", nil, &page), 200)
		var ids []int64
		for _, d := range page.Documents {
			ids = append(ids, d.ID)
		}
		if !slices.Contains(ids, here) || slices.Contains(ids, there) || slices.Contains(ids, secret) {
			t.Fatalf("listed %v: want %d, not %d (the district's) nor %d (secret)", ids, here, there, secret)
		}
		e.must(e.call(id, "GET", "/api/v1/documents/"+itoa(here), nil, nil), 200)
		for _, other := range []int64{there, secret} {
			if r := e.call(id, "GET", "/api/v1/documents/"+itoa(other), nil, nil); r.status != 404 || !strings.Contains(string(r.body), "document_not_found") {
				t.Fatalf("document %d: %d %s", other, r.status, r.body)
			}
		}
		scan := map[string]any{"name": "scan.pdf", "content_type": "application/pdf", "content": base64.StdEncoding.EncodeToString(samplePDF)}
		in := map[string]any{"unit": demo.GiaLamCode, "medium": "paper", "sender": map[string]any{"organ_id": demo.ProvinceCode, "name": "UBND tỉnh Ninh Bình"},
			"code_number": "14", "code_notation": "UBND-VX", "type": "CV", "subject": "V/v chuyển đổi số", "file": scan}
		var got docView
		e.must(e.call(id, "POST", "/api/v1/documents/incoming", in, &got), 201)
		if got.State != "registered" || got.ArrivalNumber != 3 {
			t.Fatalf("registered by the system account: %+v", got)
		}
		in["unit"] = demo.DistrictCode
		if r := e.call(id, "POST", "/api/v1/documents/incoming", in, nil); r.status != 403 {
			t.Fatalf("registering at the district: %d %s", r.status, r.body)
		}

		reader := add(auth.OpDossiersRead)
		for _, c := range []struct{ method, path string }{{"GET", "/api/v1/documents"}, {"GET", "/api/v1/documents/" + itoa(here)}, {"POST", "/api/v1/documents/incoming"}} {
			if r := e.call(reader, c.method, c.path, map[string]any{}, nil); r.status != 403 || !strings.Contains(string(r.body), `"code":"forbidden"`) {
				t.Errorf("without documents scopes, %s %s: %d %s", c.method, c.path, r.status, r.body)
			}
		}
	})
}
