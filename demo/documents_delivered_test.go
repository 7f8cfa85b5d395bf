package demo_test

import (
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/motcua/motcua/demo"
	"github.com/motcua/motcua/document"
	"github.com/motcua/motcua/document/edxml/edxmlsim"
	"github.com/motcua/motcua/server"
	"github.com/motcua/motcua/store"
	"github.com/motcua/motcua/store/storetest"
)

// TestDemoDocumentsDelivered: the documents the demo issues to the
// province (the simulator) and revokes reach it when the demo is given a
// way to it (serve --demo gives one), so the province's 15 answers a 13
// about a document it holds and every exchange row is sent once the
// worker has run. Without one, the document the province gave back before
// it left is revoked unsent: its row fails (edxml_revoked_unsent), which
// `serve --demo` logged as a WARN at every start.
func TestDemoDocumentsDelivered(t *testing.T) {
	for _, c := range []struct {
		name    string
		deliver bool
		// revoked is the delivery of the province's copy of the
		// document it gave back.
		revoked string
	}{
		{"delivering", true, "sent"},
		{"not delivering", false, "failed"},
	} {
		t.Run(c.name, func(t *testing.T) {
			storetest.Engines(t, func(t *testing.T, db *store.DB) {
				ctx := t.Context()
				sim := edxmlsim.New(edxmlsim.Config{Agencies: demo.SimAgencies, Recipients: demo.SimRecipients(demo.World2022),
					Endpoint: "http://127.0.0.1:9/edxml/v1/messages", SystemID: demo.SimSystemID, SecretKey: demo.SimSecret,
					Systems: map[string]string{demo.MotcuaSystemID: demo.MotcuaSecret}})
				peer := httptest.NewServer(sim)
				defer peer.Close()
				peers, systems := demo.Exchange(peer.URL + edxmlsim.MessagesPath)
				app := newAppWith(t, db, func(c *server.Config) { c.Exchange = server.ExchangeConfig{Peers: peers, Systems: systems} })
				if _, err := demo.Load(ctx, db, app.Units, app.Auth); err != nil {
					t.Fatal(err)
				}
				var deliver *http.Client
				if c.deliver {
					deliver = peer.Client()
				}
				if _, err := demo.LoadDocumentsDelivering(ctx, app.Documents, app.Auth, demo.World2022, deliver); err != nil {
					t.Fatal(err)
				}
				// The worker, once the server runs.
				w := app.Documents.NewWorker(document.WorkerConfig{HTTP: peer.Client()})
				for {
					n, err := w.RunOnce(ctx)
					if err != nil {
						t.Fatal(err)
					}
					if n == 0 {
						break
					}
				}
				a, err := app.Auth.UserByName(ctx, "huyen.vanthu")
				if err != nil {
					t.Fatal(err)
				}
				p, err := app.Documents.List(ctx, a, document.Filter{Unit: demo.DistrictCode, Direction: document.Out, Limit: 100})
				if err != nil {
					t.Fatal(err)
				}
				exchanged := 0
				for _, l := range p.Documents {
					d, err := app.Documents.Get(ctx, a, l.ID)
					if err != nil {
						t.Fatal(err)
					}
					for _, r := range d.Recipients {
						if r.Exchange == nil {
							continue
						}
						exchanged++
						want := "sent"
						if d.State == document.StateRevoked {
							want = c.revoked
						}
						if r.Exchange.Delivery != want {
							t.Errorf("%s (%s) to %s: %+v, want %s", d.Subject, d.State, r.Organ, r.Exchange, want)
						}
					}
				}
				if exchanged < 3 { // issued, revoking, revoked
					t.Fatalf("%d documents went to the province by edXML", exchanged)
				}
				held := 0
				for _, d := range sim.Docs() {
					if d.Incoming && d.RevocationAsked {
						held++
					}
				}
				if c.deliver && held != 2*2 { // revoking and revoked, at both desks
					t.Errorf("the province holds %d documents asked back, want 4", held)
				}
			})
		})
	}
}
