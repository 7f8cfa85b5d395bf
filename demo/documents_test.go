package demo_test

import (
	"math"
	"slices"
	"testing"
	"time"

	"github.com/motcua/motcua/calendar"
	"github.com/motcua/motcua/demo"
	"github.com/motcua/motcua/document"
	"github.com/motcua/motcua/server"
	"github.com/motcua/motcua/store"
	"github.com/motcua/motcua/store/storetest"
)

// everyState lists the states each direction's documents must show.
var everyState = map[string][]document.State{
	document.In: {document.StateRegistered, document.StateAssigned, document.StateProcessing, document.StateCompleted,
		document.StateReturned, document.StateRevocationRequested, document.StateWithdrawn, document.StateReplaced},
	document.Out: {document.StateDrafting, document.StateReviewing, document.StateApproving, document.StateApproved, document.StateIssued,
		document.StateRevoking, document.StateRevoked},
}

// TestDemoDocuments: in both demo worlds, every unit where a clerk, a
// leader and a specialist log in holds incoming and outgoing documents in
// every state, as its clerk lists them through the service (what GET
// /api/v1/documents answers); loading again adds nothing.
func TestDemoDocuments(t *testing.T) {
	storetest.Engines(t, func(t *testing.T, db *store.DB) {
		checkDemoDocuments(t, db, demo.World2022, map[string]string{"huyen.vanthu": demo.DistrictCode, "gialam.vanthu": demo.GiaLamCode})
	})
	t.Run("two-tier", func(t *testing.T) {
		checkDemoDocuments(t, storetest.Open(t, "sqlite"), demo.WorldTwoTier, map[string]string{"gialam.vanthu": demo.GiaLam2025Code})
	})
}

// checkDemoDocuments loads world and its documents, and checks every
// clerk's register (clerks: username → unit code) shows every state.
func checkDemoDocuments(t *testing.T, db *store.DB, world string, clerks map[string]string) {
	ctx := t.Context()
	// The demo's exchange, as serve --demo sets it up: the province a
	// peer played by the simulator (not listening here: nothing is sent).
	peers, systems := demo.Exchange("http://127.0.0.1:9/_sim/edxml/messages")
	app := newAppWith(t, db, func(c *server.Config) { c.Exchange = server.ExchangeConfig{Peers: peers, Systems: systems} })
	var err error
	if world == demo.WorldTwoTier {
		_, err = demo.LoadTwoTier(ctx, db, app.Units, app.Auth, app.Reorg)
	} else {
		_, err = demo.Load(ctx, db, app.Units, app.Auth)
	}
	if err != nil {
		t.Fatal(err)
	}
	added, err := demo.LoadDocuments(ctx, app.Documents, app.Auth, world)
	if err != nil || !added {
		t.Fatalf("LoadDocuments: %v %v", added, err)
	}
	seen := 0
	for user, code := range clerks {
		clerk := struct{ user, unit string }{user, code}
		a, err := app.Auth.UserByName(ctx, clerk.user)
		if err != nil {
			t.Fatal(err)
		}
		got := map[string][]document.State{}
		n := 0
		for cursor := ""; ; {
			p, err := app.Documents.List(ctx, a, document.Filter{Unit: clerk.unit, Cursor: cursor, Limit: 5})
			if err != nil {
				t.Fatal(err)
			}
			for _, d := range p.Documents {
				got[d.Direction] = append(got[d.Direction], d.State)
				if d.State == document.StateIssued && d.NumberSymbol == "" {
					t.Errorf("%s: issued without a number: %+v", clerk.unit, d)
				}
				// The province's electronic documents have their edXML
				// message (GET …/edxml), as one that came by edXML does.
				if d.Direction == document.In && d.Medium == document.Electronic && d.Sender != nil && d.Sender.OrganID == demo.ProvinceCode &&
					d.State != document.StateWithdrawn {
					if _, err := app.Documents.EdXML(ctx, a, d.ID); err != nil {
						t.Errorf("%s: the edXML of %d (%s, %s): %v", clerk.unit, d.ID, d.NumberSymbol, d.State, err)
					}
				}
				n++
			}
			if cursor = p.Next; cursor == "" {
				break
			}
		}
		for dir, states := range everyState {
			for _, s := range states {
				if !slices.Contains(got[dir], s) {
					t.Errorf("%s (%s): no %s document %s; got %v", clerk.unit, clerk.user, dir, s, got[dir])
				}
			}
		}
		seen += n
	}
	if seen == 0 {
		t.Fatal("no demo documents listed")
	}
	if added, err := demo.LoadDocuments(ctx, app.Documents, app.Auth, world); err != nil || added {
		t.Fatalf("loading again: %v %v", added, err)
	}
}

// TestGenerateDocuments: a generated year of documents at a tenth of the
// seed district's rate, for a fixed seed, is 86.3% handled entirely
// online, to the nearest document, as the service counts it; and it is
// the year's count of the rates.
func TestGenerateDocuments(t *testing.T) {
	db := storetest.Open(t, "sqlite")
	ctx := t.Context()
	app := newApp(t, db)
	if _, err := demo.Load(ctx, db, app.Units, app.Auth); err != nil {
		t.Fatal(err)
	}
	const scale = 0.1
	st, err := demo.GenerateDocuments(ctx, app.Documents, 2022, scale, 7)
	if err != nil {
		t.Fatal(err)
	}
	wantIn := int(math.Round(demo.DistrictIncoming2022*scale)) + 27*int(math.Round(demo.CommuneIncoming2022*scale))
	wantOut := int(math.Round(demo.DistrictOutgoing2022*scale)) + 27*int(math.Round(demo.CommuneOutgoing2022*scale))
	if st.Incoming != wantIn || st.Outgoing != wantOut {
		t.Fatalf("generated %+v, want %d incoming and %d outgoing", st, wantIn, wantOut)
	}
	from := time.Date(2021, 12, 1, 0, 0, 0, 0, calendar.Zone)
	total, online, err := app.Documents.Online(ctx, from, from.AddDate(2, 0, 0))
	if err != nil {
		t.Fatal(err)
	}
	if total != wantIn+wantOut || online != st.Online {
		t.Fatalf("the service counts %d of %d online; the generator says %+v", online, total, st)
	}
	if share := float64(online) / float64(total); math.Abs(share-demo.DocumentsOnline2022) > 0.5/float64(total) {
		t.Fatalf("online share %.4f, want %.3f to the nearest document", share, demo.DocumentsOnline2022)
	}
}
