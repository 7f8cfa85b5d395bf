package document_test

import (
	"bytes"
	"testing"
	"time"

	"github.com/motcua/motcua/calendar"
	"github.com/motcua/motcua/document/edxml"
	"github.com/motcua/motcua/store"
	"github.com/motcua/motcua/store/storetest"
)

// TestReceivedTraceKept: a copy registered from an edXML message keeps
// the TraceHeaderList it came with, and its own message (GET …/edxml)
// carries it with the sender's DocumentId and passes Check — it went out
// with an empty TraceHeaderList, the path the document had come by lost.
func TestReceivedTraceKept(t *testing.T) {
	storetest.Engines(t, func(t *testing.T, db *store.DB) {
		w := newExchangeWorld(t, db)
		d := w.receive(t, "61")
		raw, err := w.docs.EdXML(t.Context(), w.actor(t, "huyen.vanthu"), d.ID)
		if err != nil {
			t.Fatal(err)
		}
		if err := edxml.Check(bytes.NewReader(raw)); err != nil {
			t.Fatalf("the copy's message fails Check: %v", err)
		}
		m, err := edxml.DecodeMessage(bytes.NewReader(raw), edxml.Limits{})
		if err != nil {
			t.Fatal(err)
		}
		want := time.Date(2026, 3, 1, 8, 0, 0, 0, calendar.Zone) // as receive sends it
		if m.DocumentID != "snv:61" || len(m.TraceHeaders) != 1 || m.TraceHeaders[0].OrganID != outsideOrgan || !m.TraceHeaders[0].Timestamp.Equal(want) {
			t.Fatalf("the copy's message: DocumentId %q, TraceHeaderList %+v", m.DocumentID, m.TraceHeaders)
		}
	})
}
