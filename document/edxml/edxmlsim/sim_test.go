package edxmlsim_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/motcua/motcua/document/edxml"
	"github.com/motcua/motcua/document/edxml/edxmlsim"
)

// The simulator runs on public demo servers with public credentials
// (package demo), so whoever reaches it can fill it: these tests hold it
// to a bounded memory and to forms only its own page can post.

var (
	province = edxml.Organization{OrganID: "000.00.00.H40", OrganName: "UBND tỉnh Ninh Bình"}
	district = edxml.Organization{OrganID: "000.00.07.H40", OrganName: "UBND huyện Nho Quan"}
)

// motcua is a stand-in for motcua's receiving endpoint: it takes every
// message the simulator sends and counts them.
type motcua struct {
	mu       sync.Mutex
	docs, st int
}

func (m *motcua) ReceiveDocument(context.Context, *edxml.Message) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.docs++
	return nil
}

func (m *motcua) ReceiveStatus(context.Context, *edxml.Status) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.st++
	return nil
}

// newSim is a simulator keeping at most maxDocs documents, served over
// HTTP, against a motcua stand-in; and a client speaking as motcua.
func newSim(t *testing.T, maxDocs int) (*edxmlsim.Sim, *httptest.Server, *motcua, *edxml.Client) {
	t.Helper()
	mc := &motcua{}
	back := httptest.NewServer(edxml.NewHandler(edxml.HandlerConfig{Systems: map[string]string{"sim": "sim-secret"}, Receiver: mc}))
	t.Cleanup(back.Close)
	sim := edxmlsim.New(edxmlsim.Config{Agencies: []edxml.Organization{province}, Recipients: []edxml.Organization{district},
		Endpoint: back.URL, SystemID: "sim", SecretKey: "sim-secret",
		Systems: map[string]string{"motcua": "motcua-secret"}, MaxDocs: maxDocs})
	srv := httptest.NewServer(sim)
	t.Cleanup(srv.Close)
	return sim, srv, mc, &edxml.Client{HTTP: srv.Client(), SystemID: "motcua", SecretKey: "motcua-secret"}
}

// issued is a document motcua's district issues to the province,
// carrying a file of size bytes.
func issued(key string, size int) *edxml.Message {
	m := edxmlsim.NewMessage(edxmlsim.Draft{From: district, To: province, Number: "1", Notation: "QĐ-UBND",
		TypeName: "Quyết định", Subject: "Quyết định " + key}, key, time.Now())
	m.Attachments[0].Data = append([]byte("%PDF-1.4\n"), make([]byte, size)...)
	return m
}

func TestSimulatorBounded(t *testing.T) {
	ctx := t.Context()
	sim, srv, mc, client := newSim(t, 3)
	endpoint := srv.URL + edxmlsim.MessagesPath

	// Documents motcua sends: the first three are kept, without their
	// files' bytes (the page shows none); the fourth is refused.
	for i, key := range []string{"a", "b", "c"} {
		if err := client.Send(ctx, endpoint, issued(key, 1<<20)); err != nil {
			t.Fatalf("document %d: %v", i+1, err)
		}
	}
	if err := client.Send(ctx, endpoint, issued("d", 10)); err == nil {
		t.Error("a fourth document was taken by a simulator keeping three")
	}
	docs := sim.Docs()
	if len(docs) != 3 {
		t.Fatalf("the simulator holds %d documents, want 3", len(docs))
	}
	for _, d := range docs {
		for _, a := range d.Message.Attachments {
			if len(a.Data) != 0 {
				t.Errorf("document %d keeps %d bytes of %s", d.ID, len(a.Data), a.Name)
			}
		}
	}
	// A retry of one held is still answered, and adds nothing.
	if err := client.Send(ctx, endpoint, issued("a", 10)); err != nil {
		t.Errorf("the retry of a held document: %v", err)
	}

	// The page's send form cannot add a fourth either, and motcua is not
	// sent what the simulator could not keep.
	resp, err := srv.Client().PostForm(srv.URL+"/gui", url.Values{"from": {province.OrganID}, "to": {district.OrganID},
		"number": {"5"}, "notation": {"UBND-VP"}, "type": {"Công văn"}, "subject": {"V/v thử"}})
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusBadRequest || len(sim.Docs()) != 3 || mc.docs != 0 {
		t.Errorf("the page's send when full: %d, %d held, %d sent to motcua", resp.StatusCode, len(sim.Docs()), mc.docs)
	}

	// Statuses, about a held document or none, keep a bounded history.
	held := docs[0].Message
	for i := range 120 {
		if err := client.SendStatus(ctx, endpoint, edxml.StatusFor(held, edxml.StatusProcessing, district, time.Now())); err != nil {
			t.Fatalf("status %d: %v", i, err)
		}
		orphan := *held
		orphan.DocumentID = "gone-" + strings.Repeat("x", i%7)
		if err := client.SendStatus(ctx, endpoint, edxml.StatusFor(&orphan, edxml.StatusProcessing, district, time.Now())); err != nil {
			t.Fatalf("orphan status %d: %v", i, err)
		}
	}
	if n := len(sim.Docs()[0].Events); n > 100 {
		t.Errorf("a document keeps %d events", n)
	}
	if n := len(sim.Orphans()); n > 100 {
		t.Errorf("the simulator keeps %d orphan statuses", n)
	}
}

// TestSimulatorCrossOrigin: the page's forms act only when posted from
// the page (or by a client that is not a browser), so another site a
// demonstrator visits cannot drive the simulator on their machine.
func TestSimulatorCrossOrigin(t *testing.T) {
	sim, srv, mc, _ := newSim(t, 0)
	form := url.Values{"from": {province.OrganID}, "to": {district.OrganID},
		"number": {"5"}, "notation": {"UBND-VP"}, "type": {"Công văn"}, "subject": {"V/v thử"}}
	for _, c := range []struct {
		name, site, origin string
		want               int
	}{
		{"another site", "cross-site", "https://evil.example", http.StatusForbidden},
		{"the page itself", "same-origin", srv.URL, http.StatusSeeOther},
	} {
		t.Run(c.name, func(t *testing.T) {
			before := len(sim.Docs())
			req, _ := http.NewRequest("POST", srv.URL+"/gui", strings.NewReader(form.Encode()))
			req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
			req.Header.Set("Sec-Fetch-Site", c.site)
			req.Header.Set("Origin", c.origin)
			resp, err := http.DefaultTransport.RoundTrip(req)
			if err != nil {
				t.Fatal(err)
			}
			resp.Body.Close()
			added := len(sim.Docs()) - before
			if resp.StatusCode != c.want || (c.want == http.StatusForbidden) != (added == 0) {
				t.Errorf("status %d, %d documents added (motcua got %d); want %d", resp.StatusCode, added, mc.docs, c.want)
			}
		})
	}
}
