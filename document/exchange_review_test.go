package document_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/motcua/motcua/document"
	"github.com/motcua/motcua/problem"
	"github.com/motcua/motcua/store"
	"github.com/motcua/motcua/store/storetest"
)

func codeOf(err error) string {
	var pe *problem.Error
	if errors.As(err, &pe) {
		return pe.Code
	}
	return ""
}

// TestSecretNotExchanged: a secret document (secrecy > 0) issued to an
// outside agency is not queued for edXML (Decision 28/2018 excludes state
// secrets from the exchange): no outbox row, no exchange shown on the
// recipient, and it cannot be revoked by edXML either; the same letter
// without secrecy is queued.
func TestSecretNotExchanged(t *testing.T) {
	storetest.Engines(t, func(t *testing.T, db *store.DB) {
		w := newExchangeWorld(t, db)
		ctx := t.Context()
		clerk := w.actor(t, "huyen.vanthu")
		for _, secrecy := range []int{0, 1, 3} {
			d := w.issueOutside(t, secrecy)
			got, err := w.docs.Get(ctx, clerk, d.ID)
			if err != nil || len(got.Recipients) != 1 {
				t.Fatalf("secrecy %d: %v %+v", secrecy, err, got)
			}
			if queued := got.Recipients[0].Exchange != nil; queued != (secrecy == 0) {
				t.Fatalf("secrecy %d: queued for edXML %v", secrecy, got.Recipients[0].Exchange)
			}
			if secrecy > 0 {
				if _, err := w.docs.Revoke(ctx, clerk, d.ID, document.NoteInput{Note: "Sai."}); codeOf(err) != "document_not_exchanged" {
					t.Fatalf("secrecy %d: revoke %v", secrecy, err)
				}
			}
		}
		// A secret document's row in the outbox (written by an older
		// version) fails at the worker without a request.
		d := w.issueOutside(t, 2)
		if _, err := db.ExecContext(ctx, `INSERT INTO document_outbox (document_id, kind, organ_id, status, next_attempt_at, created_at)
			VALUES (?, 'document', ?, 'pending', 0, 0)`, d.ID, outsideOrgan); err != nil {
			t.Fatal(err)
		}
		for {
			n, err := w.docs.NewWorker(document.WorkerConfig{}).RunOnce(ctx)
			if err != nil {
				t.Fatal(err)
			}
			if n == 0 {
				break
			}
		}
		got, err := w.docs.Get(ctx, clerk, d.ID)
		if err != nil || got.Recipients[0].Exchange == nil || got.Recipients[0].Exchange.Delivery != "failed" ||
			!strings.Contains(got.Recipients[0].Exchange.Error, "edxml_secret") {
			t.Fatalf("a secret document's outbox row: %v %+v", err, got.Recipients[0].Exchange)
		}
	})
}
