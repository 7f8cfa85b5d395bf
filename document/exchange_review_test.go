package document_test

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/motcua/motcua/calendar"
	"github.com/motcua/motcua/document"
	"github.com/motcua/motcua/document/edxml"
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

// TestStatusesInTurn: an outside recipient answers a revocation (15 or
// 16) only when asked (a 13 went to it and it has not answered that
// one), and reports nothing once it gave the document back (15): else a
// 15 sent before any request, or a second answer to one request, counts
// toward revoked for a copy never withdrawn, and a status after 15 undoes
// it. The same message again stays harmless (204).
func TestStatusesInTurn(t *testing.T) {
	storetest.Engines(t, func(t *testing.T, db *store.DB) {
		w := newExchangeWorld(t, db)
		ctx := t.Context()
		clerk := w.actor(t, "huyen.vanthu")
		d := w.issueOutside(t, 0)
		at := w.clock.Now()
		step := func(name string, code edxml.StatusCode, wantHTTP int, wantCode, wantState, wantStatus string) {
			t.Helper()
			at = at.Add(time.Minute)
			if h, c := w.status(t, d, code, at); h != wantHTTP || c != wantCode {
				t.Fatalf("%s: %d %s, want %d %s", name, h, c, wantHTTP, wantCode)
			}
			got, err := w.docs.Get(ctx, clerk, d.ID)
			if err != nil || string(got.State) != wantState || got.Recipients[0].Exchange.Status != wantStatus {
				t.Fatalf("%s: %v %s %+v, want %s %s", name, err, got.State, got.Recipients[0].Exchange, wantState, wantStatus)
			}
		}
		revoke := func() {
			t.Helper()
			if _, err := w.docs.Revoke(ctx, clerk, d.ID, document.NoteInput{Note: "Sai số liệu."}); err != nil {
				t.Fatal(err)
			}
		}
		step("15 before any request", edxml.StatusRevokeAccepted, 409, "edxml_status_out_of_turn", "issued", "")
		step("01", edxml.StatusReceived, 204, "", "issued", "01")
		first := at
		step("04", edxml.StatusAssigned, 204, "", "issued", "04")
		before, err := w.docs.Get(ctx, clerk, d.ID)
		if err != nil {
			t.Fatal(err)
		}
		// The 01 again (replayed, or a retry overtaken by the 04) is
		// acknowledged and leaves the 04 and the trail as they were.
		if h, c := w.status(t, d, edxml.StatusReceived, first); h != 204 {
			t.Fatalf("the earlier 01 again: %d %s", h, c)
		}
		if got, err := w.docs.Get(ctx, clerk, d.ID); err != nil || got.Recipients[0].Exchange.Status != "04" || len(got.Trail) != len(before.Trail) {
			t.Fatalf("the earlier 01 again changed the recipient: %v %+v, trail %d entries, was %d", err, got.Recipients[0].Exchange, len(got.Trail), len(before.Trail))
		}
		revoke()
		step("16 to the request", edxml.StatusRevokeRefused, 204, "", "issued", "16")
		step("15 after 16, not asked again", edxml.StatusRevokeAccepted, 409, "edxml_status_out_of_turn", "issued", "16")
		revoke()
		step("05 in flight while asked", edxml.StatusProcessing, 204, "", "revoking", "05")
		step("15 to the second request", edxml.StatusRevokeAccepted, 204, "", "revoked", "15")
		if h, c := w.status(t, d, edxml.StatusRevokeAccepted, at); h != 204 {
			t.Fatalf("the same 15 again: %d %s", h, c)
		}
		step("04 after 15", edxml.StatusAssigned, 409, "edxml_status_out_of_turn", "revoked", "15")
		step("16 after 15", edxml.StatusRevokeRefused, 409, "edxml_status_out_of_turn", "revoked", "15")
	})
}

// TestRevocationRequestsAtReceiver: the sender's 13 replayed after the
// copy's refusal (a retry after a lost answer) does not ask again — a
// later 13 (the sender asks anew after the 16) does; a returned copy can
// be asked for too (else the sender would stay revoking for ever, its 13
// unanswered), and its refusal returns it to returned.
func TestRevocationRequestsAtReceiver(t *testing.T) {
	storetest.Engines(t, func(t *testing.T, db *store.DB) {
		w := newExchangeWorld(t, db)
		ctx := t.Context()
		clerk := w.actor(t, "huyen.vanthu")
		state := func(id int64) document.State {
			t.Helper()
			d, err := w.docs.Get(ctx, clerk, id)
			if err != nil {
				t.Fatal(err)
			}
			return d.State
		}
		at := time.Date(2026, 3, 2, 10, 0, 0, 0, calendar.Zone)
		d := w.receive(t, "41")
		if h, c := w.revocationRequest(t, "41", at); h != 204 || state(d.ID) != document.StateRevocationRequested {
			t.Fatalf("13: %d %s %s", h, c, state(d.ID))
		}
		if _, err := w.docs.RefuseRevocation(ctx, clerk, d.ID, document.NoteInput{Note: "Đã triển khai."}); err != nil {
			t.Fatal(err)
		}
		if h, c := w.revocationRequest(t, "41", at); h != 204 || state(d.ID) != document.StateRegistered {
			t.Fatalf("the same 13 after the refusal: %d %s %s", h, c, state(d.ID))
		}
		if h, c := w.revocationRequest(t, "41", at.Add(time.Hour)); h != 204 || state(d.ID) != document.StateRevocationRequested {
			t.Fatalf("a new 13: %d %s %s", h, c, state(d.ID))
		}

		r := w.receive(t, "42")
		if _, err := w.docs.Return(ctx, clerk, r.ID, document.NoteInput{Note: "Không thuộc thẩm quyền."}); err != nil {
			t.Fatal(err)
		}
		if h, c := w.revocationRequest(t, "42", at); h != 204 || state(r.ID) != document.StateRevocationRequested {
			t.Fatalf("13 for a returned copy: %d %s %s", h, c, state(r.ID))
		}
		if _, err := w.docs.RefuseRevocation(ctx, clerk, r.ID, document.NoteInput{Note: "Đã trả lại."}); err != nil || state(r.ID) != document.StateReturned {
			t.Fatalf("refused: %v %s", err, state(r.ID))
		}
	})
}
