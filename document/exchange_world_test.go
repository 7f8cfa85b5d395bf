package document_test

import (
	"bytes"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strconv"
	"testing"
	"time"

	"github.com/motcua/motcua/calendar"
	"github.com/motcua/motcua/demo"
	"github.com/motcua/motcua/document"
	"github.com/motcua/motcua/document/edxml"
	"github.com/motcua/motcua/event"
	"github.com/motcua/motcua/sign"
	"github.com/motcua/motcua/sign/signtest"
	"github.com/motcua/motcua/store"
)

// The outside agency of the exchange tests: no unit of this system, it
// sends through the system "so-noi-vu" and receives at a peer endpoint
// nobody listens on (no worker runs in these tests).
const (
	outsideOrgan  = "000.00.12.H40"
	outsideSystem = "so-noi-vu"
	outsideSecret = "secret-of-so-noi-vu-0123456789"
	peerSecret    = "secret-of-motcua-0123456789"
)

// exchangeWorld is the demo district with the exchange wired as motcua
// serve wires it (server.subscribeExchange) and the receiving endpoint.
type exchangeWorld struct {
	*world
	handler http.Handler
}

func newExchangeWorld(t *testing.T, db *store.DB) *exchangeWorld {
	t.Helper()
	return newExchangeWorldAt(t, db, "http://127.0.0.1:1/edxml/v1/messages")
}

// newExchangeWorldAt is newExchangeWorld whose outside agency receives
// at endpoint (motcua's SystemId "motcua", SecretKey peerSecret).
func newExchangeWorldAt(t *testing.T, db *store.DB, endpoint string) *exchangeWorld {
	t.Helper()
	ca := signtest.NewCA(t, "Test CA")
	ks := keys{personal: map[string]*sign.Key{"huyen.lanhdao": ca.Signer(t, 0, "Lê Trần Hương", "UBND huyện Nho Quan")},
		seal: ca.Signer(t, 1, "UBND huyện Nho Quan", "UBND huyện Nho Quan")}
	var bus *event.Bus
	x := document.ExchangeConfig{
		Peers:   map[string]document.Peer{outsideOrgan: {Endpoint: endpoint, SystemID: "motcua", SecretKey: peerSecret}},
		Systems: map[string]document.System{outsideSystem: {SecretKey: outsideSecret, Organs: []string{outsideOrgan}}},
	}
	w := newWorld(t, db, func(c *document.Config) { c.Keys, c.Exchange, bus = ks, x, c.Bus })
	s := w.docs
	event.Subscribe(bus, "document.OnIssued", s.OnIssued)
	event.Subscribe(bus, "document.OnRegistered", s.OnRegistered)
	event.Subscribe(bus, "document.OnAssigned", s.OnAssigned)
	event.Subscribe(bus, "document.OnSpecialistAssigned", s.OnSpecialistAssigned)
	event.Subscribe(bus, "document.OnCompleted", s.OnCompleted)
	event.Subscribe(bus, "document.OnReturned", s.OnReturned)
	event.Subscribe(bus, "document.OnRevoked", s.OnRevoked)
	event.Subscribe(bus, "document.OnRevocationAccepted", s.OnRevocationAccepted)
	event.Subscribe(bus, "document.OnRevocationRefused", s.OnRevocationRefused)
	return &exchangeWorld{world: w, handler: edxml.NewHandler(edxml.HandlerConfig{Systems: x.Secrets(), Receiver: s})}
}

// issueOutside drafts, approves and issues an official letter of the
// district to the outside agency; secrecy as given.
func (w *exchangeWorld) issueOutside(t *testing.T, secrecy int) *document.Document {
	t.Helper()
	ctx := t.Context()
	d, err := w.docs.CreateDraft(ctx, w.actor(t, "vp.chuyenvien"), document.DraftInput{Unit: demo.DistrictCode, DraftingUnit: officeCode,
		Type: "CV", Field: "VX", Secrecy: secrecy, Subject: "V/v báo cáo công tác cải cách hành chính", File: draftFile(),
		Recipients: []document.RecipientInput{{OrganID: outsideOrgan, Name: "Sở Nội vụ"}}})
	if err != nil {
		t.Fatal(err)
	}
	for _, step := range []struct {
		who string
		fn  func(*testing.T) (*document.Document, error)
	}{
		{"vp.chuyenvien", func(t *testing.T) (*document.Document, error) {
			return w.docs.Submit(ctx, w.actor(t, "vp.chuyenvien"), d.ID, document.NoteInput{})
		}},
		{"vp.truongphong", func(t *testing.T) (*document.Document, error) {
			return w.docs.Approve(ctx, w.actor(t, "vp.truongphong"), d.ID, document.NoteInput{})
		}},
		{"huyen.lanhdao", func(t *testing.T) (*document.Document, error) {
			return w.docs.Approve(ctx, w.actor(t, "huyen.lanhdao"), d.ID, document.NoteInput{})
		}},
		{"huyen.vanthu", func(t *testing.T) (*document.Document, error) {
			return w.docs.Issue(ctx, w.actor(t, "huyen.vanthu"), d.ID, document.IssueInput{})
		}},
	} {
		if d, err = step.fn(t); err != nil {
			t.Fatalf("%s: %v", step.who, err)
		}
	}
	return d
}

// post sends an edXML body as the outside agency's system; it returns the
// HTTP status and the error code of a refusal.
func (w *exchangeWorld) post(t *testing.T, body []byte) (int, string) {
	t.Helper()
	r := httptest.NewRequest("POST", "/edxml/v1/messages", bytes.NewReader(body))
	r.Header.Set("Content-Type", edxml.ContentType)
	r.Header.Set(edxml.HeaderSystemID, outsideSystem)
	r.Header.Set(edxml.HeaderSecretKey, outsideSecret)
	rec := httptest.NewRecorder()
	w.handler.ServeHTTP(rec, r)
	var e struct{ Error struct{ Code string } }
	_ = json.Unmarshal(rec.Body.Bytes(), &e)
	return rec.Code, e.Error.Code
}

// status posts the outside agency's status code about document d of the
// district (d issued to it), stamped at.
func (w *exchangeWorld) status(t *testing.T, d *document.Document, code edxml.StatusCode, at time.Time) (int, string) {
	t.Helper()
	date, _ := time.Parse(time.DateOnly, d.IssuedDate)
	body, err := edxml.MarshalStatus(&edxml.Status{
		ResponseFor: edxml.ResponseFor{OrganID: demo.DistrictCode, Code: d.NumberSymbol, PromulgationDate: edxml.DateOf(date),
			DocumentID: "motcua:" + demo.DistrictCode + ":" + strconv.FormatInt(d.ID, 10)},
		From: edxml.Organization{OrganID: outsideOrgan, OrganName: "Sở Nội vụ"}, StatusCode: code, Timestamp: at.In(edxml.Zone()).Truncate(time.Second)})
	if err != nil {
		t.Fatal(err)
	}
	return w.post(t, body)
}

// receive posts a document of the outside agency to the district with
// DocumentId remote; it returns the district's copy.
func (w *exchangeWorld) receive(t *testing.T, remote string) *document.Document {
	t.Helper()
	m := &edxml.Message{From: edxml.Organization{OrganID: outsideOrgan, OrganName: "Sở Nội vụ"},
		To:   []edxml.Organization{{OrganID: demo.DistrictCode, OrganName: "UBND huyện Nho Quan"}},
		Code: edxml.Code{Number: remote, Notation: "SNV-CCHC"}, Subject: "V/v kiểm tra công tác cải cách hành chính " + remote,
		SignerInfo: edxml.SignerInfo{Position: "Giám đốc", FullName: "Nguyễn Văn Hải"}, DocumentID: "snv:" + remote,
		TraceHeaders: []edxml.TraceHeader{{OrganID: outsideOrgan, Timestamp: time.Date(2026, 3, 1, 8, 0, 0, 0, calendar.Zone)}},
		Attachments:  []edxml.Attachment{{ContentID: "1", ContentType: "application/pdf", Name: "van-ban.pdf", Data: signtest.PDF(signtest.PDFOptions{})}}}
	m.DocumentType.Type, m.DocumentType.TypeName = 1, "Công văn"
	m.PromulgationInfo.Date = edxml.DateOf(time.Date(2026, 3, 1, 0, 0, 0, 0, calendar.Zone))
	body, err := edxml.Marshal(m)
	if err != nil {
		t.Fatal(err)
	}
	if code, e := w.post(t, body); code != http.StatusNoContent {
		t.Fatalf("receive %s: %d %s", remote, code, e)
	}
	p, err := w.docs.List(t.Context(), w.actor(t, "huyen.vanthu"), document.Filter{Direction: document.In, Limit: 200})
	if err != nil {
		t.Fatal(err)
	}
	for _, d := range p.Documents {
		if d.CodeNumber == remote {
			return &d
		}
	}
	t.Fatalf("%s not registered", remote)
	return nil
}

// revocationStatus posts the outside agency's 13 for its document remote.
func (w *exchangeWorld) revocationRequest(t *testing.T, remote string, at time.Time) (int, string) {
	t.Helper()
	body, err := edxml.MarshalStatus(&edxml.Status{
		ResponseFor: edxml.ResponseFor{OrganID: outsideOrgan, Code: remote + "/SNV-CCHC",
			PromulgationDate: edxml.DateOf(time.Date(2026, 3, 1, 0, 0, 0, 0, calendar.Zone)), DocumentID: "snv:" + remote},
		From: edxml.Organization{OrganID: outsideOrgan, OrganName: "Sở Nội vụ"}, StatusCode: edxml.StatusRevokeRequest,
		Description: "Ban hành nhầm.", Timestamp: at.In(edxml.Zone()).Truncate(time.Second)})
	if err != nil {
		t.Fatal(err)
	}
	return w.post(t, body)
}
