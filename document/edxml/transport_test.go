package edxml_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"reflect"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/motcua/motcua/document/edxml"
	"github.com/motcua/motcua/problem"
)

// instance is one motcua's receiving side: what its handler accepted, and
// the raw bodies it was sent (to check them against the QCVN table).
type instance struct {
	mu       sync.Mutex
	docs     []*edxml.Message
	statuses []*edxml.Status
	systems  []string
	bodies   [][]byte
	// onDocument, when set, runs for each accepted document (a reply).
	onDocument func(ctx context.Context, m *edxml.Message) error
	srv        *httptest.Server
}

func (in *instance) ReceiveDocument(ctx context.Context, m *edxml.Message) error {
	in.mu.Lock()
	in.docs = append(in.docs, m)
	id, _ := edxml.SystemID(ctx)
	in.systems = append(in.systems, id)
	in.mu.Unlock()
	if in.onDocument != nil {
		return in.onDocument(ctx, m)
	}
	return nil
}

func (in *instance) ReceiveStatus(ctx context.Context, s *edxml.Status) error {
	in.mu.Lock()
	defer in.mu.Unlock()
	in.statuses = append(in.statuses, s)
	return nil
}

// start serves an instance that accepts the given systems; it records
// each request body before the handler reads it.
func start(t *testing.T, systems map[string]string, lim edxml.Limits) *instance {
	t.Helper()
	in := &instance{}
	h := edxml.NewHandler(edxml.HandlerConfig{Systems: systems, Receiver: in, Limits: lim})
	in.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(io.LimitReader(r.Body, 1<<20))
		in.mu.Lock()
		in.bodies = append(in.bodies, b)
		in.mu.Unlock()
		r.Body = io.NopCloser(bytes.NewReader(b))
		h.ServeHTTP(w, r)
	}))
	t.Cleanup(in.srv.Close)
	return in
}

// Two instances exchange a document and its status over HTTP: the
// commune sends the decision to the province, whose receiver answers with
// status 01 (received). Each side gets exactly what the other sent, and
// every body on the wire passes the QCVN element checker.
func TestTwoInstancesExchange(t *testing.T) {
	commune := start(t, map[string]string{"province-system": "province-secret"}, edxml.Limits{})
	province := start(t, map[string]string{"commune-system": "commune-secret"}, edxml.Limits{})
	toCommune := &edxml.Client{HTTP: province.srv.Client(), SystemID: "province-system", SecretKey: "province-secret"}
	province.onDocument = func(ctx context.Context, m *edxml.Message) error {
		s := edxml.StatusFor(m, edxml.StatusReceived, m.To[0], time.Date(2026, time.March, 5, 10, 0, 0, 0, time.UTC))
		return toCommune.SendStatus(ctx, commune.srv.URL, s)
	}
	toProvince := &edxml.Client{HTTP: commune.srv.Client(), SystemID: "commune-system", SecretKey: "commune-secret"}

	sent := sampleMessage()
	if err := toProvince.Send(context.Background(), province.srv.URL, sent); err != nil {
		t.Fatalf("Send: %v", err)
	}
	if len(province.docs) != 1 || !reflect.DeepEqual(province.docs[0], sent) {
		t.Fatalf("the province received %+v; want the document sent", province.docs)
	}
	if province.systems[0] != "commune-system" {
		t.Errorf("the receiver saw system %q; want commune-system", province.systems[0])
	}
	if len(commune.statuses) != 1 {
		t.Fatalf("the commune received %d statuses; want 1", len(commune.statuses))
	}
	got := commune.statuses[0]
	want := edxml.ResponseFor{OrganID: "000.01.24.H35", Code: "15/QĐ-UBND", PromulgationDate: sent.PromulgationInfo.Date, DocumentID: sent.DocumentID}
	if got.StatusCode != edxml.StatusReceived || got.ResponseFor != want || got.From.OrganID != "000.00.00.H35" {
		t.Errorf("the status is %+v; want 01 from 000.00.00.H35 for %+v", got, want)
	}
	if h, m, _ := got.Timestamp.Clock(); h != 17 || m != 0 || got.Timestamp.Location().String() != "ICT" {
		t.Errorf("the status's time is %v; want 17:00 ICT (10:00 UTC)", got.Timestamp)
	}
	for _, b := range append(append([][]byte{}, province.bodies...), commune.bodies...) {
		if err := edxml.Check(bytes.NewReader(b)); err != nil {
			t.Errorf("a body on the wire fails the QCVN element check: %v", err)
		}
	}
}

// The handler refuses, before its receiver sees anything: an unknown or
// wrong secret, a body over the cap, XML that is not edXML, another media
// type, and any method but POST.
func TestHandlerRefuses(t *testing.T) {
	doc := marshal(t, sampleMessage())
	in := start(t, map[string]string{"sys": "right-secret"}, edxml.Limits{MaxBytes: int64(len(doc)) + 10})
	cases := []struct {
		name, method, system, secret, ctype string
		body                                []byte
		status                              int
		code                                string
	}{
		{"bad secret", "POST", "sys", "wrong-secret", "application/xml", doc, 401, "edxml_unauthorized"},
		{"secret of another length", "POST", "sys", "x", "application/xml", doc, 401, "edxml_unauthorized"},
		{"unknown system", "POST", "other", "right-secret", "application/xml", doc, 401, "edxml_unauthorized"},
		{"no credentials", "POST", "", "", "application/xml", doc, 401, "edxml_unauthorized"},
		{"oversize body", "POST", "sys", "right-secret", "application/xml", append(bytes.Repeat([]byte(" "), 11), doc...), 413, "edxml_too_large"},
		{"bad XML", "POST", "sys", "right-secret", "application/xml", []byte(`<edXML xmlns="` + edxml.Namespace + `"><edXMLEnvelope>`), 422, "edxml_malformed"},
		{"not edXML", "POST", "sys", "right-secret", "application/xml", []byte(`<Invoice xmlns="urn:x"/>`), 422, "edxml_unknown_element"},
		{"JSON", "POST", "sys", "right-secret", "application/json", []byte(`{}`), 415, "edxml_content_type"},
		{"GET", "GET", "sys", "right-secret", "application/xml", nil, 405, ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			req, _ := http.NewRequest(c.method, in.srv.URL, bytes.NewReader(c.body))
			req.Header.Set("Content-Type", c.ctype)
			req.Header.Set(edxml.HeaderSystemID, c.system)
			req.Header.Set(edxml.HeaderSecretKey, c.secret)
			resp, err := in.srv.Client().Do(req)
			if err != nil {
				t.Fatal(err)
			}
			defer resp.Body.Close()
			if resp.StatusCode != c.status {
				t.Fatalf("status %d; want %d", resp.StatusCode, c.status)
			}
			if c.code != "" {
				var body struct {
					Error struct{ Code, Message string } `json:"error"`
				}
				if err := json.NewDecoder(resp.Body).Decode(&body); err != nil || body.Error.Code != c.code || body.Error.Message == "" {
					t.Errorf("body %+v (%v); want code %s with a message", body, err, c.code)
				}
			}
		})
	}
	// A sender that does not say its length is cut off at the cap while
	// the body streams in.
	req, _ := http.NewRequest("POST", in.srv.URL, io.MultiReader(bytes.NewReader(doc), strings.NewReader(strings.Repeat(" ", 11))))
	req.Header.Set("Content-Type", "text/xml")
	req.Header.Set(edxml.HeaderSystemID, "sys")
	req.Header.Set(edxml.HeaderSecretKey, "right-secret")
	resp, err := in.srv.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if req.ContentLength != 0 || resp.StatusCode != http.StatusRequestEntityTooLarge {
		t.Errorf("streamed oversize body (length %d): status %d; want 413", req.ContentLength, resp.StatusCode)
	}
	if len(in.docs)+len(in.statuses) != 0 {
		t.Errorf("the receiver was handed %d messages; want none", len(in.docs)+len(in.statuses))
	}
}

// The client tells a refusal (do not resend) from a failure (resend
// later), and carries the receiver's code.
func TestClientErrors(t *testing.T) {
	in := start(t, map[string]string{"sys": "right-secret"}, edxml.Limits{})
	c := &edxml.Client{HTTP: in.srv.Client(), SystemID: "sys", SecretKey: "wrong"}
	err := c.Send(context.Background(), in.srv.URL, sampleMessage())
	var pe *problem.Error
	if codeOf(err) != "edxml_refused" || edxml.IsRetryable(err) || !errors.As(err, &pe) || pe.Params[1] != "edxml_unauthorized" {
		t.Errorf("Send with a wrong secret = %v; want edxml_refused carrying edxml_unauthorized, not retryable", err)
	}

	// The receiver's own refusal (a duplicate) reaches the sender.
	in.onDocument = func(context.Context, *edxml.Message) error {
		return problem.Conflict("edxml_duplicate_content_id", "x")
	}
	c.SecretKey = "right-secret"
	if err := c.Send(context.Background(), in.srv.URL, sampleMessage()); codeOf(err) != "edxml_refused" || !strings.Contains(err.Error(), "409") {
		t.Errorf("Send refused by the receiver = %v; want edxml_refused with 409", err)
	}

	down := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		http.Error(w, "down", http.StatusBadGateway)
	}))
	defer down.Close()
	if err := c.SendStatus(context.Background(), down.URL, sampleStatus()); codeOf(err) != "edxml_send_failed" || !edxml.IsRetryable(err) {
		t.Errorf("SendStatus to a failing gateway = %v; want retryable edxml_send_failed", err)
	}
	url := down.URL
	down.Close()
	if err := c.Send(context.Background(), url, sampleMessage()); codeOf(err) != "edxml_send_failed" || !edxml.IsRetryable(err) {
		t.Errorf("Send to a closed server = %v; want retryable edxml_send_failed", err)
	}

	// A message that would be refused is never sent.
	bad := sampleMessage()
	bad.From.OrganID = "UBND"
	before := len(in.bodies)
	if err := c.Send(context.Background(), in.srv.URL, bad); codeOf(err) != "edxml_bad_organ_id" || len(in.bodies) != before {
		t.Errorf("Send of an invalid message = %v (%d requests); want edxml_bad_organ_id and no request", err, len(in.bodies)-before)
	}
}
