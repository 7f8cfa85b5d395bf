package server_test

import (
	"bytes"
	"encoding/base64"
	"io"
	"net"
	"net/http"
	"net/url"
	"slices"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/motcua/motcua/demo"
	"github.com/motcua/motcua/document"
	"github.com/motcua/motcua/document/edxml"
	"github.com/motcua/motcua/server"
	"github.com/motcua/motcua/sign"
	"github.com/motcua/motcua/sign/signtest"
	"github.com/motcua/motcua/store/storetest"
)

// wire records every request body the workers send (what crosses the
// wire between the instances) and, while down is set, sends the requests
// meant for downHost to a port nobody listens on: a real refused
// connection, as when the other instance is stopped.
type wire struct {
	mu       sync.Mutex
	bodies   [][]byte
	down     atomic.Bool
	downHost string
	closed   string // host:port of a closed listener
}

func (w *wire) RoundTrip(r *http.Request) (*http.Response, error) {
	body, err := io.ReadAll(r.Body)
	if err != nil {
		return nil, err
	}
	w.mu.Lock()
	w.bodies = append(w.bodies, body)
	w.mu.Unlock()
	r = r.Clone(r.Context())
	r.Body = io.NopCloser(bytes.NewReader(body))
	if w.down.Load() && r.URL.Host == w.downHost {
		r.URL.Host = w.closed
	}
	return http.DefaultTransport.RoundTrip(r)
}

// exchangeView is the part of an outgoing document's recipients the test reads.
type exchangeView struct {
	State      string
	Recipients []struct {
		Organ struct {
			OrganID string `json:"organ_id"`
		}
		Exchange *struct {
			Delivery, Error, Status, Description string
			Attempts                             int
		}
	}
	Trail []struct{ Action, Note string }
}

// TestExchangeBetweenInstances: two motcua instances, each a full server
// with its own database (SQLite and PostgreSQL, both ways round), talking
// edXML over HTTP on loopback. A's district issues a signed and sealed
// decision to B's commune while B is down: the worker retries and
// delivers it once. B registers it in the commune's incoming register
// with its signatures valid and answers 01; as B's officers assign,
// hand to a specialist and complete it, A's recipient row shows 04, 05,
// 06 and A's trail records each. The same message again registers
// nothing; a system speaking for another agency, or with a wrong
// secret, is refused. Every XML body sent passes edxml.Check, as does
// GET /api/v1/documents/{id}/edxml on both sides.
func TestExchangeBetweenInstances(t *testing.T) {
	ca := signtest.NewCA(t, "Test CA")
	keys := docKeys{leader: ca.Signer(t, 0, "Lê Trần Hương", "UBND huyện Nho Quan"), seal: ca.Signer(t, 1, "UBND huyện Nho Quan", "UBND huyện Nho Quan")}
	for _, engines := range [][2]string{{"sqlite", "postgres"}, {"postgres", "sqlite"}} {
		t.Run(engines[0]+"-"+engines[1], func(t *testing.T) {
			exchangeRoundTrip(t, ca, keys, engines)
		})
	}
}

func exchangeRoundTrip(t *testing.T, ca *signtest.CA, keys docKeys, engines [2]string) {
	ctx := t.Context()
	const secretA, secretB = "secret-of-A-at-B-0123456789", "secret-of-B-at-A-0123456789"
	peersA, peersB := map[string]document.Peer{}, map[string]document.Peer{}
	wireA, wireB := &wire{}, &wire{}
	closed, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	wireA.closed = closed.Addr().String()
	closed.Close()
	// A is the district (DistrictCode); B keeps the commune (GiaLamCode).
	a := newEnvWith(t, storetest.Open(t, engines[0]), func(c *server.Config) {
		c.Documents.Keys = keys
		c.Exchange = server.ExchangeConfig{Peers: peersA, HTTP: &http.Client{Transport: wireA},
			Systems: map[string]document.System{"he-thong-b": {SecretKey: secretB, Organs: []string{demo.GiaLamCode}}}}
	})
	b := newEnvWith(t, storetest.Open(t, engines[1]), func(c *server.Config) {
		c.Trust = ca.Pool()
		c.Exchange = server.ExchangeConfig{Peers: peersB, HTTP: &http.Client{Transport: wireB},
			Systems: map[string]document.System{"he-thong-a": {SecretKey: secretA, Organs: []string{demo.DistrictCode}}}}
	})
	// The directories are filled once both addresses are known (the maps
	// are shared with the running services; no worker runs yet).
	peersA[demo.GiaLamCode] = document.Peer{Endpoint: b.srv.URL + "/edxml/v1/messages", SystemID: "he-thong-a", SecretKey: secretA}
	peersB[demo.DistrictCode] = document.Peer{Endpoint: a.srv.URL + "/edxml/v1/messages", SystemID: "he-thong-b", SecretKey: secretB}
	bURL, _ := url.Parse(b.srv.URL)
	wireA.downHost = bURL.Host

	// A drafts, approves (signs), issues (seals) to B's commune.
	file := map[string]any{"name": "du-thao.pdf", "content": base64.StdEncoding.EncodeToString(signtest.PDF(signtest.PDFOptions{}))}
	var d docView
	a.must(a.call("huyen.chuyenvien", "POST", "/api/v1/documents/drafts", map[string]any{"unit": demo.DistrictCode, "type": "QD",
		"subject": "Quyết định thành lập Tổ công nghệ số cộng đồng", "file": file,
		"recipients": []map[string]any{{"organ_id": demo.GiaLamCode, "name": "UBND xã Gia Lâm"}}}, &d), 201)
	path := "/api/v1/documents/" + itoa(d.ID)
	for _, c := range []struct{ user, action string }{{"huyen.chuyenvien", "submit"}, {"huyen.lanhdao", "approve"}, {"huyen.lanhdao", "approve"}, {"huyen.vanthu", "issue"}} {
		a.must(a.call(c.user, "POST", path+"/actions/"+c.action, nil, &d), 200)
	}
	if d.State != "issued" || d.NumberSymbol != "01/QĐ-UBND" {
		t.Fatalf("issued: %+v", d)
	}
	recipientOf := func(path string) exchangeView {
		t.Helper()
		var v exchangeView
		a.must(a.call("huyen.vanthu", "GET", path, nil, &v), 200)
		if len(v.Recipients) != 1 || v.Recipients[0].Exchange == nil {
			t.Fatalf("recipients: %+v", v.Recipients)
		}
		return v
	}
	recipient := func() exchangeView { t.Helper(); return recipientOf(path) }
	runOnce := func(e *env, want int) {
		t.Helper()
		n, err := e.app.ExchangeSender.RunOnce(ctx)
		if err != nil || n != want {
			t.Fatalf("worker: claimed %d (want %d), %v", n, want, err)
		}
	}

	// B is down: the sending fails, stays pending with the reason, and is
	// not tried again before its backoff.
	wireA.down.Store(true)
	runOnce(a, 1)
	if x := recipient().Recipients[0].Exchange; x.Delivery != "pending" || x.Attempts != 1 || x.Error == "" || x.Status != "" {
		t.Fatalf("while B is down: %+v", x)
	}
	runOnce(a, 0)
	wireA.down.Store(false)
	a.advance(2 * time.Hour)
	runOnce(a, 1)
	if x := recipient().Recipients[0].Exchange; x.Delivery != "sent" || x.Attempts != 2 {
		t.Fatalf("after B is back: %+v", x)
	}
	runOnce(a, 0)

	// B registered it once, electronic, its two signatures valid.
	var list struct{ Documents []docView }
	b.must(b.call("gialam.vanthu", "GET", "/api/v1/documents?direction=in", nil, &list), 200)
	if len(list.Documents) != 1 {
		t.Fatalf("B's incoming register: %+v", list.Documents)
	}
	var in struct {
		ID              int64
		State           string
		NumberSymbol    string `json:"number_symbol"`
		SignatureStatus string `json:"signature_status"`
		ArrivalNumber   int64  `json:"arrival_number"`
		Sender          struct {
			OrganID string `json:"organ_id"`
		}
		Signatures []sign.SignatureInfo
	}
	inPath := "/api/v1/documents/" + itoa(list.Documents[0].ID)
	b.must(b.call("gialam.vanthu", "GET", inPath, nil, &in), 200)
	if in.State != "registered" || in.NumberSymbol != "01/QĐ-UBND" || in.SignatureStatus != "valid" || len(in.Signatures) != 2 ||
		in.ArrivalNumber != 1 || in.Sender.OrganID != demo.DistrictCode {
		t.Fatalf("registered at B: %+v", in)
	}

	// The same message again (as a sender retrying after a lost answer
	// would): accepted, nothing registered twice.
	wireA.mu.Lock()
	docBody := wireA.bodies[len(wireA.bodies)-1]
	wireA.mu.Unlock()
	post := func(system, secret string, body []byte) int {
		t.Helper()
		req, _ := http.NewRequestWithContext(ctx, "POST", b.srv.URL+"/edxml/v1/messages", bytes.NewReader(body))
		req.Header.Set("Content-Type", edxml.ContentType)
		req.Header.Set(edxml.HeaderSystemID, system)
		req.Header.Set(edxml.HeaderSecretKey, secret)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		return resp.StatusCode
	}
	if st := post("he-thong-a", secretA, docBody); st != 204 {
		t.Fatalf("same message again: %d", st)
	}
	if st := post("he-thong-a", "sai", docBody); st != 401 {
		t.Fatalf("wrong secret: %d", st)
	}
	// The refusal is audited with the SystemId tried, never the key.
	var audited int
	if err := b.app.DB.QueryRowContext(ctx, `SELECT COUNT(*) FROM audit_entries WHERE action = 'edxml_auth_failed'
		AND actor_name = 'edxml:he-thong-a' AND object = 'edxml_system:he-thong-a' AND details NOT LIKE '%sai%'`).Scan(&audited); err != nil || audited != 1 {
		t.Fatalf("audited refusals: %d %v", audited, err)
	}
	b.must(b.call("gialam.vanthu", "GET", "/api/v1/documents?direction=in", nil, &list), 200)
	if len(list.Documents) != 1 {
		t.Fatalf("registered twice: %d", len(list.Documents))
	}

	// 01 goes back on arrival; then each move of the document at B.
	runOnce(b, 1)
	want := []string{"01"}
	check := func() {
		t.Helper()
		v := recipient()
		if x := v.Recipients[0].Exchange; x.Status != want[len(want)-1] {
			t.Fatalf("A sees status %q, want %q", x.Status, want[len(want)-1])
		}
		var got []string
		for _, e := range v.Trail {
			if e.Action == "edxml_status" {
				got = append(got, e.Note[:2])
			}
		}
		if !slices.Equal(got, want) {
			t.Fatalf("A's trail: %v, want %v", got, want)
		}
	}
	check()
	for _, c := range []struct {
		user, action string
		body         map[string]any
		statuses     []string
	}{
		// The first assignment accepts the document: 03, then 04.
		{"gialam.lanhdao", "assign", map[string]any{"instruction": "Giao công chức Tư pháp tham mưu.", "lead_unit": demo.GiaLamCode}, []string{"03", "04"}},
		{"gialam.lanhdao", "assign-specialist", map[string]any{"specialist": "gialam.chuyenvien"}, []string{"05"}},
		{"gialam.chuyenvien", "complete", map[string]any{"note": "Đã triển khai."}, []string{"06"}},
	} {
		b.must(b.call(c.user, "POST", inPath+"/actions/"+c.action, c.body, nil), 200)
		for _, st := range c.statuses {
			runOnce(b, 1)
			want = append(want, st)
			check()
		}
	}
	// A system may only speak for its own agencies: a status from B's
	// commune sent with A's credentials is refused.
	wireB.mu.Lock()
	statusBody := wireB.bodies[len(wireB.bodies)-1]
	wireB.mu.Unlock()
	if st := post("he-thong-a", secretA, statusBody); st != 403 {
		t.Fatalf("a status for another agency: %d", st)
	}

	// Everything that crossed the wire uses QCVN's element names only.
	var bodies [][]byte
	for _, w := range []*wire{wireA, wireB} {
		w.mu.Lock()
		bodies = append(bodies, w.bodies...)
		w.mu.Unlock()
	}
	if len(bodies) != 2+5 {
		t.Fatalf("%d messages crossed the wire, want 2 tries of the document and 5 statuses", len(bodies))
	}
	for i, body := range bodies {
		if err := edxml.Check(bytes.NewReader(body)); err != nil {
			t.Fatalf("message %d: %v", i, err)
		}
	}

	// GET …/edxml: the issued document at A, the received one at B.
	for _, c := range []struct {
		e          *env
		user, path string
	}{{a, "huyen.vanthu", path}, {b, "gialam.vanthu", inPath}} {
		r := c.e.must(c.e.call(c.user, "GET", c.path+"/edxml", nil, nil), 200)
		if ct := r.header.Get("Content-Type"); ct != "application/xml; charset=utf-8" {
			t.Fatalf("content type %q", ct)
		}
		if err := edxml.Check(bytes.NewReader(r.body)); err != nil {
			t.Fatal(err)
		}
		m, err := edxml.DecodeMessage(bytes.NewReader(r.body), edxml.Limits{})
		if err != nil || m.From.OrganID != demo.DistrictCode || len(m.To) != 1 || m.To[0].OrganID != demo.GiaLamCode ||
			m.Code.String() != "01/QĐ-UBND" || len(m.Attachments) != 1 {
			t.Fatalf("edxml of %s: %v %+v", c.path, err, m)
		}
		sigs, err := sign.Verify(m.Attachments[0].Data, ca.Pool())
		if err != nil || len(sigs) != 2 || !sign.AllValid(sigs) {
			t.Fatalf("attachment's signatures: %v %+v", err, sigs)
		}
	}
	if r := b.call("huyen.vanthu", "GET", inPath+"/edxml", nil, nil); r.status != 404 {
		t.Fatalf("a stranger reads B's document's edXML: %d", r.status)
	}
	exchangeRevocation(t, a, b, recipientOf, runOnce, wireA, wireB)
}

// exchangeRevocation continues the round trip with three more documents
// A issues to B: B returns one (A sees 02 with the reason); A revokes
// one, B accepts (A sees 15 and the document revoked; B's copy is
// withdrawn, its file gone, its trail kept); A revokes one, B refuses
// (16; B's copy back where it was, A's issued again: exchangeRefused).
// Every body that crossed the wire passes edxml.Check.
func exchangeRevocation(t *testing.T, a, b *env, recipientOf func(string) exchangeView, runOnce func(*env, int), wires ...*wire) {
	file := map[string]any{"name": "du-thao.pdf", "content": base64.StdEncoding.EncodeToString(signtest.PDF(signtest.PDFOptions{}))}
	issueToB := func(subject string) (string, string) {
		t.Helper()
		var d docView
		a.must(a.call("huyen.chuyenvien", "POST", "/api/v1/documents/drafts", map[string]any{"unit": demo.DistrictCode, "type": "CV",
			"subject": subject, "file": file, "recipients": []map[string]any{{"organ_id": demo.GiaLamCode, "name": "UBND xã Gia Lâm"}}}, &d), 201)
		p := "/api/v1/documents/" + itoa(d.ID)
		for _, c := range []struct{ user, action string }{{"huyen.chuyenvien", "submit"}, {"huyen.lanhdao", "approve"}, {"huyen.lanhdao", "approve"}, {"huyen.vanthu", "issue"}} {
			a.must(a.call(c.user, "POST", p+"/actions/"+c.action, nil, &d), 200)
		}
		runOnce(a, 1) // the document
		runOnce(b, 1) // its 01
		var list struct {
			Documents []struct {
				ID      int64
				Subject string
			}
		}
		b.must(b.call("gialam.vanthu", "GET", "/api/v1/documents?direction=in", nil, &list), 200)
		for _, x := range list.Documents {
			if x.Subject == subject {
				return p, "/api/v1/documents/" + itoa(x.ID)
			}
		}
		t.Fatalf("%q not received at B", subject)
		return "", ""
	}
	last := func(p, status, state string) exchangeView {
		t.Helper()
		v := recipientOf(p)
		if x := v.Recipients[0].Exchange; x.Status != status || v.State != state {
			t.Fatalf("A sees %q %s, want %q %s", x.Status, v.State, status, state)
		}
		return v
	}
	atB := func(p, state string) docView {
		t.Helper()
		var v docView
		b.must(b.call("gialam.vanthu", "GET", p, nil, &v), 200)
		if v.State != state {
			t.Fatalf("B's copy is %s, want %s", v.State, state)
		}
		return v
	}

	// Returned by B with the reason: 02.
	out, in := issueToB("Công văn gửi nhầm")
	if r := b.call("gialam.vanthu", "POST", in+"/actions/return", map[string]any{}, nil); r.status != 422 {
		t.Fatalf("return without a reason: %d", r.status)
	}
	b.must(b.call("gialam.vanthu", "POST", in+"/actions/return", map[string]any{"note": "Không thuộc thẩm quyền của xã."}, nil), 200)
	atB(in, "returned")
	runOnce(b, 1)
	if v := last(out, "02", "issued"); v.Recipients[0].Exchange.Description != "Không thuộc thẩm quyền của xã." {
		t.Fatalf("02's reason: %+v", v.Recipients[0].Exchange)
	}

	// Revoked by A, accepted by B: 13, 15; revoked, withdrawn.
	out, in = issueToB("Quyết định ban hành sai thẩm quyền")
	if r := a.call("huyen.chuyenvien", "POST", out+"/actions/revoke", map[string]any{"note": "Sai thẩm quyền."}, nil); r.status != 422 {
		t.Fatalf("a specialist revokes: %d", r.status)
	}
	a.must(a.call("huyen.vanthu", "POST", out+"/actions/revoke", map[string]any{"note": "Sai thẩm quyền."}, nil), 200)
	if v := last(out, "01", "revoking"); len(v.Trail) == 0 {
		t.Fatal("no trail")
	}
	if r := a.call("huyen.vanthu", "POST", out+"/actions/revoke", map[string]any{"note": "Lần nữa."}, nil); r.status != 409 {
		t.Fatalf("revoking twice: %d", r.status)
	}
	runOnce(a, 1) // 13
	v := atB(in, "revocation_requested")
	if !slices.Contains(v.Actions, "accept_revocation") || !slices.Contains(v.Actions, "refuse_revocation") || len(v.Files) == 0 {
		t.Fatalf("B's copy on request: %+v", v)
	}
	fileURL := in + "/files/" + itoa(v.Files[0].ID)
	b.must(b.call("gialam.vanthu", "GET", fileURL, nil, nil), 200)
	b.must(b.call("gialam.vanthu", "POST", in+"/actions/accept-revocation", map[string]any{"note": "Đồng ý."}, nil), 200)
	v = atB(in, "withdrawn")
	if r := b.call("gialam.vanthu", "GET", fileURL, nil, nil); r.status != 404 {
		t.Fatalf("a withdrawn document's file: %d", r.status)
	}
	if r := b.call("gialam.vanthu", "GET", in+"/edxml", nil, nil); r.status != 409 {
		t.Fatalf("a withdrawn document's edXML: %d", r.status)
	}
	if n := len(v.Trail); n < 3 || v.Trail[n-1].To != "withdrawn" || v.Trail[n-2].To != "revocation_requested" {
		t.Fatalf("B's trail: %+v", v.Trail)
	}
	runOnce(b, 1) // 15
	last(out, "15", "revoked")

	// Revoked by A, refused by B: 16; B's copy back to registered.
	out, in = issueToB("Công văn đề nghị phối hợp")
	a.must(a.call("huyen.lanhdao", "POST", out+"/actions/revoke", map[string]any{"note": "Cần sửa nội dung."}, nil), 200)
	runOnce(a, 1)
	atB(in, "revocation_requested")
	b.must(b.call("gialam.lanhdao", "POST", in+"/actions/refuse-revocation", map[string]any{"note": "Đã triển khai, không thu hồi."}, nil), 200)
	atB(in, "registered")
	runOnce(b, 1)
	exchangeRefused(t, a, b, out, in, last, atB, runOnce)

	for _, w := range wires {
		w.mu.Lock()
		for i, body := range w.bodies {
			if err := edxml.Check(bytes.NewReader(body)); err != nil {
				t.Errorf("message %d: %v", i, err)
			}
		}
		w.mu.Unlock()
	}
}
