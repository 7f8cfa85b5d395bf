package server_test

import (
	"bytes"
	"context"
	"encoding/base64"
	"strings"
	"testing"

	"github.com/motcua/motcua/audit"
	"github.com/motcua/motcua/auth"
	"github.com/motcua/motcua/demo"
	"github.com/motcua/motcua/document"
	"github.com/motcua/motcua/server"
	"github.com/motcua/motcua/sign"
	"github.com/motcua/motcua/sign/signtest"
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

// docView is the part of the API's document the tests read.
type docView struct {
	ID            int64
	State         string
	Version       int64
	ArrivalNumber int64  `json:"arrival_number"`
	NumberSymbol  string `json:"number_symbol"`
	Actions       []string
	Files         []struct {
		ID   int64
		Kind string
	}
	Trail []struct{ Action, To string }
}

// TestDocumentsAPI drives both paths over HTTP: a clerk registers an
// incoming document with its scan in base64, is warned of a duplicate and
// confirms it; the leader assigns, the specialist is named and completes;
// the listing pages with its cursor and filters; an outgoing letter is
// drafted with its file, submitted, approved twice and issued with its
// number (no keys configured here: issued unsigned). Errors keep their codes.
func TestDocumentsAPI(t *testing.T) {
	storetest.Engines(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		scan := map[string]any{"name": "scan.pdf", "content_type": "application/pdf", "content": base64.StdEncoding.EncodeToString(samplePDF)}
		incoming := map[string]any{"unit": demo.DistrictCode, "medium": "paper", "sender": map[string]any{"organ_id": demo.ProvinceCode, "name": "UBND tỉnh Ninh Bình"},
			"code_number": "25", "code_notation": "UBND-VX", "type": "CV", "subject": "V/v chuyển đổi số", "file": scan}
		var d docView
		e.must(e.call("huyen.vanthu", "POST", "/api/v1/documents/incoming", incoming, &d), 201)
		if d.State != "registered" || d.ArrivalNumber != 1 || d.NumberSymbol != "25/UBND-VX" {
			t.Fatalf("registered: %+v", d)
		}
		if r := e.call("huyen.vanthu", "POST", "/api/v1/documents/incoming", incoming, nil); r.status != 409 || r.errCode() != "document_duplicate" || r.message() == "" {
			t.Fatalf("duplicate: %d %s", r.status, r.body)
		}
		incoming["allow_duplicate"] = true
		var dup docView
		e.must(e.call("huyen.vanthu", "POST", "/api/v1/documents/incoming", incoming, &dup), 201)
		path := "/api/v1/documents/" + itoa(d.ID)
		for _, c := range []struct {
			user, action string
			body         map[string]any
			status       int
			code, state  string
		}{
			{"gialam.lanhdao", "assign", map[string]any{}, 404, "document_not_found", ""},
			{"huyen.chuyenvien", "assign", map[string]any{"instruction": "x", "lead_unit": demo.DistrictCode}, 422, "document_not_permitted", ""},
			{"huyen.lanhdao", "assign", map[string]any{"version": 9, "instruction": "x", "lead_unit": demo.DistrictCode}, 409, "document_version_conflict", ""},
			{"huyen.lanhdao", "assign", map[string]any{"version": 1, "instruction": "Giao Phòng xử lý.", "lead_unit": demo.DistrictCode, "deadline": "2026-03-10"}, 200, "", "assigned"},
			{"huyen.lanhdao", "assign-specialist", map[string]any{"specialist": "huyen.chuyenvien"}, 200, "", "processing"},
			{"huyen.chuyenvien", "complete", map[string]any{"note": "Đã xử lý."}, 200, "", "completed"},
			{"huyen.chuyenvien", "complete", map[string]any{}, 409, "document_wrong_state", ""},
			{"huyen.chuyenvien", "nope", map[string]any{}, 404, "document_action_unknown", ""},
		} {
			var got docView
			r := e.call(c.user, "POST", path+"/actions/"+c.action, c.body, &got)
			if r.status != c.status || c.code != "" && r.errCode() != c.code || c.state != "" && got.State != c.state {
				t.Fatalf("%s %s: %d %s", c.user, c.action, r.status, r.body)
			}
		}
		var full docView
		e.must(e.call("huyen.giamsat", "GET", path, nil, &full), 200)
		if len(full.Trail) != 4 || len(full.Files) != 1 {
			t.Fatalf("trail %+v files %+v", full.Trail, full.Files)
		}
		if r := e.call("huyen.giamsat", "GET", path+"/files/"+itoa(full.Files[0].ID), nil, nil); r.status != 200 || !bytes.Equal(r.body, samplePDF) {
			t.Fatalf("download: %d", r.status)
		}

		var draft docView
		e.must(e.call("huyen.chuyenvien", "POST", "/api/v1/documents/drafts", map[string]any{"unit": demo.DistrictCode, "type": "CV", "field": "VX",
			"subject": "V/v báo cáo chuyển đổi số", "recipients": []any{map[string]any{"unit": demo.GiaLamCode}}, "file": scan}, &draft), 201)
		dpath := "/api/v1/documents/" + itoa(draft.ID)
		for _, c := range []struct{ user, action, state string }{
			{"huyen.chuyenvien", "submit", "reviewing"}, {"huyen.lanhdao", "approve", "approving"}, {"huyen.lanhdao", "approve", "approved"}, {"huyen.vanthu", "issue", "issued"},
		} {
			var got docView
			e.must(e.call(c.user, "POST", dpath+"/actions/"+c.action, nil, &got), 200)
			if got.State != c.state {
				t.Fatalf("%s: %s", c.action, got.State)
			}
			if c.action == "issue" && got.NumberSymbol != "01/UBND-VX" {
				t.Fatalf("issued as %q", got.NumberSymbol)
			}
		}

		var page struct {
			Documents []docView
			Next      string
		}
		e.must(e.call("huyen.vanthu", "GET", "/api/v1/documents?limit=2", nil, &page), 200)
		if len(page.Documents) != 2 || page.Next == "" || page.Documents[0].ID != draft.ID {
			t.Fatalf("first page: %+v", page)
		}
		var rest struct {
			Documents []docView
			Next      string
		}
		e.must(e.call("huyen.vanthu", "GET", "/api/v1/documents?limit=2&cursor="+page.Next, nil, &rest), 200)
		if len(rest.Documents) != 1 || rest.Next != "" || rest.Documents[0].ID != d.ID {
			t.Fatalf("second page: %+v", rest)
		}
		e.must(e.call("huyen.vanthu", "GET", "/api/v1/documents?direction=in&state=completed", nil, &page), 200)
		if len(page.Documents) != 1 || page.Documents[0].ID != d.ID {
			t.Fatalf("filtered: %+v", page)
		}
		for q, code := range map[string]string{"direction=sideways": "invalid_filter", "state=lost": "invalid_filter", "cursor=xyz": "invalid_page_cursor",
			"limit=-1": "invalid_limit", "mine=yes": "invalid_filter"} {
			if r := e.call("huyen.vanthu", "GET", "/api/v1/documents?"+q, nil, nil); r.status != 422 || r.errCode() != code {
				t.Errorf("%s: %d %s", q, r.status, r.body)
			}
		}
		if r := e.call("congdan", "GET", "/api/v1/documents", nil, nil); r.status != 403 {
			t.Errorf("a citizen lists documents: %d", r.status)
		}
	})
}

// docKeys are software keys for the server's document signing.
type docKeys struct{ leader, seal *sign.Key }

func (k docKeys) Personal(context.Context, *auth.Actor) (*sign.Key, error) { return k.leader, nil }
func (k docKeys) Seal(context.Context, int64) (*sign.Key, error)           { return k.seal, nil }

// TestDocumentsSignedOverAPI: with keys configured (server.Config.Documents)
// the leader's approval signs and the clerk's issue seals; the issued
// file, downloaded over the API, carries both signatures, valid, the
// seal's naming the number; the leader's signature is a document_signed
// row of the audit log (via own_key), as a remote one is.
func TestDocumentsSignedOverAPI(t *testing.T) {
	ca := signtest.NewCA(t, "Test CA")
	keys := docKeys{leader: ca.Signer(t, 0, "Lê Trần Hương", "UBND huyện Nho Quan"), seal: ca.Signer(t, 1, "UBND huyện Nho Quan", "UBND huyện Nho Quan")}
	storetest.Engines(t, func(t *testing.T, db *store.DB) {
		e := newEnvWith(t, db, func(c *server.Config) { c.Documents.Keys = keys })
		file := map[string]any{"name": "du-thao.pdf", "content": base64.StdEncoding.EncodeToString(signtest.PDF(signtest.PDFOptions{}))}
		var d docView
		e.must(e.call("huyen.chuyenvien", "POST", "/api/v1/documents/drafts", map[string]any{"unit": demo.DistrictCode, "type": "QD",
			"subject": "Quyết định thành lập Tổ công nghệ số cộng đồng", "file": file}, &d), 201)
		path := "/api/v1/documents/" + itoa(d.ID)
		for _, c := range []struct{ user, action string }{{"huyen.chuyenvien", "submit"}, {"huyen.lanhdao", "approve"}, {"huyen.lanhdao", "approve"}, {"huyen.vanthu", "issue"}} {
			e.must(e.call(c.user, "POST", path+"/actions/"+c.action, nil, &d), 200)
		}
		if d.State != "issued" || d.NumberSymbol != "01/QĐ-UBND" {
			t.Fatalf("issued: %+v", d)
		}
		// The leader's own key writes the audit row a remote signature does.
		var log struct {
			Entries []struct{ Action, Object, Details string }
		}
		e.must(e.call("huyen.giamsat", "GET", "/api/v1/audit?action=document_signed", nil, &log), 200)
		if len(log.Entries) != 1 || log.Entries[0].Object != "document:"+itoa(d.ID) || !strings.Contains(log.Entries[0].Details, `"via":"own_key"`) ||
			!strings.Contains(log.Entries[0].Details, "Lê Trần Hương") {
			t.Fatalf("the leader's signature on the audit log: %+v", log.Entries)
		}
		e.must(e.call("huyen.vanthu", "GET", path, nil, &d), 200)
		var issued int64
		for _, f := range d.Files {
			if f.Kind == "issued" {
				issued = f.ID
			}
		}
		r := e.must(e.call("huyen.vanthu", "GET", path+"/files/"+itoa(issued), nil, nil), 200)
		sigs, err := sign.Verify(r.body, ca.Pool())
		if err != nil || len(sigs) != 2 || !sign.AllValid(sigs) || sigs[1].Reason != "Số: 01/QĐ-UBND" {
			t.Fatalf("signatures: %v %+v", err, sigs)
		}
	})
}
