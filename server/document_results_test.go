package server_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/motcua/motcua/demo"
	"github.com/motcua/motcua/dossier"
	"github.com/motcua/motcua/event"
	"github.com/motcua/motcua/store"
	"github.com/motcua/motcua/store/storetest"
)

// outRegisterView is the part of an outgoing document the test reads.
type outRegisterView struct {
	ID           int64
	State        string
	Register     string
	Type         string
	Subject      string
	Unit         string
	NumberSymbol string `json:"number_symbol"`
	IssuedDate   string `json:"issued_date"`
	Dossier      string
	ResultFile   int64 `json:"result_file"`
}

// TestResultsInOutgoingRegister: a commune approves two dossiers; each
// result is an issued document of the commune's outgoing register (its
// decisions register), numbered 01 and 02 in the year, linked to its
// dossier, listed by GET /api/v1/documents for the commune's clerk; the
// listener given the same approval again registers nothing more; and an
// integrator subscribed to document.issued at the commune receives each,
// signed, with its number and without its file.
func TestResultsInOutgoingRegister(t *testing.T) {
	storetest.Engines(t, func(t *testing.T, db *store.DB) {
		e := newWebhookEnv(t, db)
		ctx := t.Context()
		hook := newReceiver(t)
		e.subscribe(t, "gialam.quantri", demo.GiaLamCode, hook, "document.issued")
		var approvals []dossier.Transitioned
		event.Subscribe(e.app.Events, "test.capture", func(_ context.Context, _ *store.Tx, ev dossier.Transitioned) error {
			if ev.Action == dossier.Approve {
				approvals = append(approvals, ev)
			}
			return nil
		})
		p := communeOnly(t)
		var codes []string
		for range 2 {
			d := e.submit(p.Code, demo.GiaLamCode)
			e.advance(time.Hour)
			e.mustAct("gialam.tiepnhan", d.Code, "receive", nil)
			e.processToResult(d.Code)
			codes = append(codes, d.Code)
		}
		list := func() []outRegisterView {
			var page struct{ Documents []outRegisterView }
			e.must(e.call("gialam.vanthu", "GET", "/api/v1/documents?direction=out&state=issued", nil, &page), 200)
			return page.Documents
		}
		docs := list()
		if len(docs) != 2 {
			t.Fatalf("outgoing register: %+v", docs)
		}
		byDossier := map[string]outRegisterView{}
		for _, d := range docs {
			byDossier[d.Dossier] = d
		}
		for i, code := range codes {
			d, ok := byDossier[code]
			want := []string{"01/QĐ-UBND", "02/QĐ-UBND"}[i]
			if !ok || d.NumberSymbol != want || d.State != "issued" || d.Register != "decisions" || d.Type != "QD" ||
				d.Unit != demo.GiaLamCode || d.IssuedDate == "" || !strings.Contains(d.Subject, code) {
				t.Fatalf("dossier %s: %+v, want %s", code, d, want)
			}
		}
		// The same approval heard again: no second document.
		if len(approvals) != 2 {
			t.Fatalf("approvals heard: %d", len(approvals))
		}
		if err := e.app.DB.InTx(ctx, func(tx *store.Tx) error { return e.app.Documents.OnTransitioned(ctx, tx, approvals[0]) }); err != nil {
			t.Fatal(err)
		}
		if again := list(); len(again) != 2 {
			t.Fatalf("after the same approval again: %d documents", len(again))
		}
		e.deliver(e.hookWorker("w-results", "127.0.0.1"), 30*time.Second)
		got := hook.arrivals()
		if len(got) != 2 {
			t.Fatalf("deliveries %+v", got)
		}
		for _, a := range got {
			d := byDossier[a.Dossier]
			if a.Type != "document.issued" || a.Document == nil || a.Document.ID != d.ID || a.Document.NumberSymbol != d.NumberSymbol ||
				a.Document.Organ != demo.GiaLamCode || a.Document.Subject != d.Subject || a.Document.IssuedDate != d.IssuedDate || a.Document.Type != "QD" {
				t.Fatalf("delivery %+v for %+v", a, d)
			}
		}
	})
}
