package document_test

import (
	"context"
	"net/http/httptest"
	"strconv"
	"sync"
	"testing"

	"github.com/motcua/motcua/document"
	"github.com/motcua/motcua/document/edxml"
	"github.com/motcua/motcua/store"
	"github.com/motcua/motcua/store/storetest"
)

// peerInbox is the outside agency's system: what motcua sent it, in order.
type peerInbox struct {
	mu   sync.Mutex
	sent []string // "document <DocumentId>" or "status <code>"
}

func (p *peerInbox) ReceiveDocument(_ context.Context, m *edxml.Message) error {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.sent = append(p.sent, "document "+m.DocumentID)
	return nil
}

func (p *peerInbox) ReceiveStatus(_ context.Context, s *edxml.Status) error {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.sent = append(p.sent, "status "+string(s.StatusCode))
	return nil
}

// TestRevokedBeforeSent: a document revoked before the worker sent it
// (the peer down, the worker behind) still goes out, then the 13 asking
// for it back, so the recipient's 15 can settle the revocation — it used
// to fail as document_edxml_unavailable, the 13 naming a document the
// recipient never had and the document revoking for ever. A document
// every recipient already gave back (revoked) is not sent at all.
func TestRevokedBeforeSent(t *testing.T) {
	storetest.Engines(t, func(t *testing.T, db *store.DB) {
		inbox := &peerInbox{}
		peer := httptest.NewServer(edxml.NewHandler(edxml.HandlerConfig{Systems: map[string]string{"motcua": peerSecret}, Receiver: inbox}))
		defer peer.Close()
		w := newExchangeWorldAt(t, db, peer.URL+"/edxml/v1/messages")
		ctx := t.Context()
		clerk := w.actor(t, "huyen.vanthu")
		worker := w.docs.NewWorker(document.WorkerConfig{HTTP: peer.Client()})
		drain := func() {
			t.Helper()
			for range 5 {
				if n, err := worker.RunOnce(ctx); err != nil {
					t.Fatal(err)
				} else if n == 0 {
					return
				}
			}
			t.Fatal("the outbox does not drain")
		}
		recipient := func(id int64) (document.State, document.Exchange) {
			t.Helper()
			d, err := w.docs.Get(ctx, clerk, id)
			if err != nil || len(d.Recipients) != 1 || d.Recipients[0].Exchange == nil {
				t.Fatalf("document %d: %v %+v", id, err, d)
			}
			return d.State, *d.Recipients[0].Exchange
		}
		revoke := func(d *document.Document) {
			t.Helper()
			if _, err := w.docs.Revoke(ctx, clerk, d.ID, document.NoteInput{Note: "Sai số liệu."}); err != nil {
				t.Fatal(err)
			}
		}

		d := w.issueOutside(t, 0)
		revoke(d)
		drain()
		key := "motcua:" + d.Unit + ":" + strconv.FormatInt(d.ID, 10)
		inbox.mu.Lock()
		got := append([]string(nil), inbox.sent...)
		inbox.mu.Unlock()
		if len(got) != 2 || got[0] != "document "+key || got[1] != "status 13" {
			t.Fatalf("the peer received %q, want the document then its 13", got)
		}
		if state, x := recipient(d.ID); state != document.StateRevoking || x.Delivery != "sent" {
			t.Fatalf("after sending: %s %+v", state, x)
		}
		if h, c := w.status(t, d, edxml.StatusRevokeAccepted, w.clock.Now()); h != 204 {
			t.Fatalf("the recipient's 15: %d %s", h, c)
		}
		if state, _ := recipient(d.ID); state != document.StateRevoked {
			t.Fatalf("after the 15: %s", state)
		}

		// Given back (15) before the worker ran: the document stays here.
		e := w.issueOutside(t, 0)
		revoke(e)
		if h, c := w.status(t, e, edxml.StatusRevokeAccepted, w.clock.Now()); h != 204 {
			t.Fatalf("the 15 before sending: %d %s", h, c)
		}
		inbox.mu.Lock()
		before := len(inbox.sent)
		inbox.mu.Unlock()
		drain()
		inbox.mu.Lock()
		got = append([]string(nil), inbox.sent[before:]...)
		inbox.mu.Unlock()
		for _, m := range got {
			if m == "document motcua:"+e.Unit+":"+strconv.FormatInt(e.ID, 10) {
				t.Fatalf("a revoked document was sent: %q", got)
			}
		}
		if state, x := recipient(e.ID); state != document.StateRevoked || x.Delivery != "failed" || x.Error != "edxml_revoked_unsent" {
			t.Fatalf("the revoked document's row: %s %+v", state, x)
		}
	})
}
