package server_test

import (
	"testing"

	"github.com/motcua/motcua/audit"
	"github.com/motcua/motcua/auth"
	"github.com/motcua/motcua/demo"
	"github.com/motcua/motcua/document"
	"github.com/motcua/motcua/store"
	"github.com/motcua/motcua/store/storetest"
)

// TestDocumentActsAudited: the assembled server records every act on a
// document in the audit log, in the act's transaction (subscribeDocuments).
func TestDocumentActsAudited(t *testing.T) {
	storetest.Engines(t, func(t *testing.T, db *store.DB) {
		ctx := t.Context()
		e := newEnv(t, db)
		actor := func(name string) *auth.Actor {
			a, err := e.app.Auth.UserByName(ctx, name)
			if err != nil {
				t.Fatal(err)
			}
			return a
		}
		d, err := e.app.Documents.RegisterIncoming(ctx, actor("huyen.vanthu"), document.Incoming{Unit: demo.DistrictCode, Medium: document.Paper,
			Sender: document.Organ{OrganID: demo.ProvinceCode, Name: "UBND tỉnh Ninh Bình"}, CodeNumber: "15", CodeNotation: "QĐ-UBND",
			Type: "QD", Subject: "Quyết định phê duyệt kế hoạch"})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := e.app.Documents.Assign(ctx, actor("huyen.lanhdao"), d.ID, document.AssignInput{Instruction: "Giao Phòng xử lý.", LeadUnit: demo.DistrictCode}); err != nil {
			t.Fatal(err)
		}
		for _, c := range []struct{ action, by string }{{"document_register", "huyen.vanthu"}, {"document_assign", "huyen.lanhdao"}} {
			p, err := e.app.Audit.Search(ctx, actor("huyen.giamsat"), audit.Query{Action: c.action})
			if err != nil {
				t.Fatal(err)
			}
			if len(p.Entries) != 1 || p.Entries[0].ActorName != c.by || p.Entries[0].Object != "document:"+itoa(d.ID) {
				t.Fatalf("%s: %+v", c.action, p.Entries)
			}
		}
	})
}
