package server_test

import (
	"encoding/base64"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/motcua/motcua/demo"
	"github.com/motcua/motcua/document/edxml"
	"github.com/motcua/motcua/document/edxml/edxmlsim"
	"github.com/motcua/motcua/server"
	"github.com/motcua/motcua/store"
	"github.com/motcua/motcua/store/storetest"
)

// newSimEnv is a motcua with the edXML simulator mounted at
// /_sim/edxml/ and the demo's exchange directory, as serve --demo sets
// them up: the province is an outside agency the simulator plays.
func newSimEnv(t *testing.T, db *store.DB) (*env, *edxmlsim.Sim) {
	var sim *edxmlsim.Sim
	e := newEnvWith(t, db, func(c *server.Config) {
		sim = edxmlsim.New(edxmlsim.Config{Agencies: demo.SimAgencies,
			Recipients: []edxml.Organization{{OrganID: demo.DistrictCode, OrganName: "UBND huyện Nho Quan"}},
			Endpoint:   c.PublicURL + "/edxml/v1/messages", SystemID: demo.SimSystemID, SecretKey: demo.SimSecret,
			Systems: map[string]string{demo.MotcuaSystemID: demo.MotcuaSecret}, Now: c.Now})
		peers, systems := demo.Exchange(c.PublicURL + server.EdXMLSimulatorPath + edxmlsim.MessagesPath)
		c.Exchange = server.ExchangeConfig{Peers: peers, Systems: systems, Simulator: sim}
	})
	return e, sim
}

// TestEdXMLSimulator: the simulator against a running motcua, over HTTP
// both ways. A decision the district issues to the province goes out
// through the outbox worker and reaches the simulator, which answers 01
// at once and 03, 04 when its buttons are pressed: each shows on the
// document's recipient. A document the simulator sends is registered in
// the district's incoming register and gets its 01 back; the
// simulator's 13 moves that copy to revocation_requested, and its
// replacement (BussinessDocType 3) is registered and replaces it. The district
// revokes its decision: the simulator sees the 13, answers 15 with its
// button, and the decision is revoked.
func TestEdXMLSimulator(t *testing.T) {
	storetest.Engines(t, func(t *testing.T, db *store.DB) {
		ctx := t.Context()
		e, sim := newSimEnv(t, db)
		worker := func(want int) {
			t.Helper()
			if n, err := e.app.ExchangeSender.RunOnce(ctx); err != nil || n != want {
				t.Fatalf("worker: claimed %d (want %d), %v", n, want, err)
			}
		}
		recipient := func(path string) (string, string) {
			t.Helper()
			var v exchangeView
			e.must(e.call("huyen.vanthu", "GET", path, nil, &v), 200)
			if len(v.Recipients) != 1 || v.Recipients[0].Exchange == nil {
				t.Fatalf("recipients: %+v", v.Recipients)
			}
			return v.State, v.Recipients[0].Exchange.Status
		}
		form := func(action string, values url.Values) {
			t.Helper()
			noFollow := http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
			resp, err := noFollow.PostForm(e.srv.URL+server.EdXMLSimulatorPath+"/"+action, values)
			if err != nil {
				t.Fatal(err)
			}
			resp.Body.Close()
			if resp.StatusCode != http.StatusSeeOther {
				t.Fatalf("%s: %d", action, resp.StatusCode)
			}
		}

		// motcua issues to the province; the worker delivers it.
		var d docView
		e.must(e.call("huyen.chuyenvien", "POST", "/api/v1/documents/drafts", map[string]any{"unit": demo.DistrictCode, "type": "QD",
			"subject": "Quyết định thành lập Tổ công nghệ số cộng đồng", "file": map[string]any{"name": "qd.pdf", "content": base64.StdEncoding.EncodeToString(samplePDF)},
			"recipients": []map[string]any{{"organ_id": demo.ProvinceCode, "name": "UBND tỉnh Ninh Bình"}}}, &d), 201)
		out := "/api/v1/documents/" + itoa(d.ID)
		for _, c := range []struct{ user, action string }{{"huyen.chuyenvien", "submit"}, {"huyen.lanhdao", "approve"}, {"huyen.lanhdao", "approve"}, {"huyen.vanthu", "issue"}} {
			e.must(e.call(c.user, "POST", out+"/actions/"+c.action, nil, &d), 200)
		}
		worker(1)
		docs := sim.Docs()
		if len(docs) != 1 || !docs[0].Incoming || docs[0].Message.Subject != "Quyết định thành lập Tổ công nghệ số cộng đồng" ||
			docs[0].Agency.OrganID != demo.ProvinceCode || docs[0].Message.Code.String() != d.NumberSymbol {
			t.Fatalf("the simulator holds %+v", docs)
		}
		sim.Flush(ctx)
		if _, st := recipient(out); st != "01" {
			t.Fatalf("after the simulator's 01: %q", st)
		}
		if err := sim.Answer(ctx, docs[0].ID, edxml.StatusAccepted, ""); err != nil {
			t.Fatal(err)
		}
		form("tra-loi", url.Values{"id": {itoa(int64(docs[0].ID))}, "code": {"04"}})
		if _, st := recipient(out); st != "04" {
			t.Fatalf("after 03 and 04 (the page's button): %q", st)
		}

		// The simulator sends the district a document.
		sent, err := sim.Send(ctx, edxmlsim.Draft{From: demo.SimAgencies[0], To: edxml.Organization{OrganID: demo.DistrictCode},
			Number: "77", Notation: "UBND-KT", TypeName: "Công văn", Subject: "V/v báo cáo tình hình thu ngân sách"})
		if err != nil {
			t.Fatal(err)
		}
		var list struct{ Documents []docView }
		e.must(e.call("huyen.vanthu", "GET", "/api/v1/documents?direction=in", nil, &list), 200)
		if len(list.Documents) != 1 || list.Documents[0].State != "registered" || list.Documents[0].NumberSymbol != "77/UBND-KT" {
			t.Fatalf("the district's incoming register: %+v", list.Documents)
		}
		in := "/api/v1/documents/" + itoa(list.Documents[0].ID)
		worker(1) // its 01
		if got := sim.Docs()[sent.ID-1].Last(); got != "01" {
			t.Fatalf("the simulator's document: last status %q", got)
		}
		form("thu-hoi", url.Values{"id": {itoa(int64(sent.ID))}, "reason": {"Ban hành chưa đúng thẩm quyền"}})
		var got docView
		e.must(e.call("huyen.vanthu", "GET", in, nil, &got), 200)
		if got.State != "revocation_requested" {
			t.Fatalf("after the simulator's 13: %s", got.State)
		}

		// It replaces that document (BussinessDocType 3): the new one is
		// registered, the copy asked back is replaced.
		form("thay-the", url.Values{"id": {itoa(int64(sent.ID))}, "number": {"78"}, "subject": {"V/v báo cáo thu ngân sách (thay thế)"},
			"reason": {"Ban hành lại đúng thẩm quyền"}})
		e.must(e.call("huyen.vanthu", "GET", in, nil, &got), 200)
		e.must(e.call("huyen.vanthu", "GET", "/api/v1/documents?direction=in", nil, &list), 200)
		if got.State != "replaced" || len(list.Documents) != 2 || list.Documents[0].NumberSymbol != "78/UBND-KT" || list.Documents[0].State != "registered" {
			t.Fatalf("after the replacement: the copy %s, the register %+v", got.State, list.Documents)
		}
		if tr := got.Trail[len(got.Trail)-1]; tr.Action != "replace" || tr.To != "replaced" {
			t.Fatalf("the copy's last trail entry: %+v", tr)
		}

		// A correction (BussinessDocType 2) is refused out loud, not
		// acknowledged and dropped: motcua does not apply corrections.
		if _, err := sim.Correct(ctx, sent.ID+1, "V/v báo cáo thu ngân sách (đính chính)", "Sửa trích yếu"); err == nil || !strings.Contains(err.Error(), "edxml_business_unsupported") {
			t.Fatalf("a correction: %v, want edxml_business_unsupported", err)
		}
		e.must(e.call("huyen.vanthu", "GET", "/api/v1/documents?direction=in", nil, &list), 200)
		if len(list.Documents) != 2 || list.Documents[0].NumberSymbol != "78/UBND-KT" || list.Documents[0].State != "registered" {
			t.Fatalf("after the refused correction: %+v", list.Documents)
		}

		// motcua revokes its decision; the simulator accepts.
		e.must(e.call("huyen.vanthu", "POST", out+"/actions/revoke", map[string]any{"note": "Sai thể thức."}, nil), 200)
		worker(2) // the 13, and the replacement's 01
		if doc := sim.Docs()[docs[0].ID-1]; !doc.RevocationAsked || doc.Last() != "13" {
			t.Fatalf("the simulator after motcua's 13: %+v", doc)
		}
		resp, err := http.Get(e.srv.URL + server.EdXMLSimulatorPath + "/")
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		page := string(body)
		for _, want := range []string{"motcua đề nghị thu hồi", "Đồng ý thu hồi (15)", "V/v báo cáo tình hình thu ngân sách"} {
			if !strings.Contains(page, want) {
				t.Errorf("the page lacks %q", want)
			}
		}
		form("tra-loi", url.Values{"id": {itoa(int64(docs[0].ID))}, "code": {"15"}})
		if state, st := recipient(out); state != "revoked" || st != "15" {
			t.Fatalf("after the simulator's 15: %s, %q", state, st)
		}
		if doc := sim.Docs()[docs[0].ID-1]; doc.RevocationAsked || doc.Events[len(doc.Events)-1].Err != "" {
			t.Fatalf("the simulator after its 15: %+v", doc)
		}
	})
}
