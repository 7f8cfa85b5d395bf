package edxml_test

import (
	"bytes"
	"context"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/motcua/motcua/document/edxml"
)

// TestClientNoRedirect: a peer answering with a redirect does not get the
// message, with its SecretKey, POSTed again wherever it points (another
// host, or an address inside this instance's network): the send is a
// refusal naming the status, and the target sees nothing.
func TestClientNoRedirect(t *testing.T) {
	var hits atomic.Int32
	inside := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hits.Add(1)
		w.WriteHeader(http.StatusNoContent)
	}))
	defer inside.Close()
	for _, code := range []int{http.StatusTemporaryRedirect, http.StatusPermanentRedirect, http.StatusFound} {
		peer := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			http.Redirect(w, r, inside.URL+"/admin", code)
		}))
		c := &edxml.Client{HTTP: &http.Client{}, SystemID: "sys", SecretKey: "right-secret"}
		err := c.Send(context.Background(), peer.URL, sampleMessage())
		peer.Close()
		if codeOf(err) != "edxml_refused" || edxml.IsRetryable(err) {
			t.Errorf("%d: Send = %v; want edxml_refused", code, err)
		}
	}
	if n := hits.Load(); n != 0 {
		t.Fatalf("the redirect's target was sent %d requests", n)
	}
}

// TestHandlerAuthFailures: a refused SystemId/SecretKey is logged with the
// SystemId tried and the caller's address, never the SecretKey, and
// reported to Refused (motcua audits it); past ten failures a minute for
// one SystemId the caller is told to wait (429, Retry-After) and no more
// is logged, while the right secret still passes.
func TestHandlerAuthFailures(t *testing.T) {
	var logged bytes.Buffer
	var refused []string
	in := &instance{}
	h := edxml.NewHandler(edxml.HandlerConfig{Systems: map[string]string{"sys": "right-secret-0123456789"}, Receiver: in,
		Log:     slog.New(slog.NewTextHandler(&logged, nil)),
		Refused: func(_ context.Context, system, addr string) { refused = append(refused, system+" "+addr) }})
	doc := marshal(t, sampleMessage())
	post := func(system, secret string) *httptest.ResponseRecorder {
		r := httptest.NewRequest("POST", "/edxml/v1/messages", bytes.NewReader(doc))
		r.RemoteAddr = "203.0.113.7:4242"
		r.Header.Set("Content-Type", edxml.ContentType)
		r.Header.Set(edxml.HeaderSystemID, system)
		r.Header.Set(edxml.HeaderSecretKey, secret)
		w := httptest.NewRecorder()
		h.ServeHTTP(w, r)
		return w
	}
	for i := range 10 {
		if w := post("sys", "guess-number-"+string(rune('a'+i))); w.Code != 401 {
			t.Fatalf("guess %d: %d", i, w.Code)
		}
	}
	w := post("sys", "guess-number-z")
	if w.Code != http.StatusTooManyRequests || w.Header().Get("Retry-After") == "" {
		t.Fatalf("the 11th guess: %d %v", w.Code, w.Header())
	}
	if w := post("sys", "right-secret-0123456789"); w.Code != http.StatusNoContent {
		t.Fatalf("the right secret after the guesses: %d %s", w.Code, w.Body)
	}
	log := logged.String()
	if n := strings.Count(log, "edxml_unauthorized"); n != 10 || !strings.Contains(log, "system=sys") || !strings.Contains(log, "203.0.113.7") {
		t.Fatalf("the log (%d lines of failures): %s", n, log)
	}
	if strings.Contains(log, "guess-number") || strings.Contains(log, "right-secret") {
		t.Fatalf("a secret in the log: %s", log)
	}
	if len(refused) != 10 || refused[0] != "sys 203.0.113.7" {
		t.Fatalf("refusals reported: %v", refused)
	}
}
