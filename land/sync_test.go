package land_test

import (
	"net/http/httptest"
	"testing"
	"time"

	"github.com/motcua/motcua/land"
	"github.com/motcua/motcua/land/landsim"
	"github.com/motcua/motcua/store"
	"github.com/motcua/motcua/store/storetest"
)

// TestChangesReachTheNationalSystem: each registry change written to the
// outbox reaches the simulated national land information system once,
// after a refusal to answer (503) is retried; a wrong token is a
// permanent refusal and the row fails.
func TestChangesReachTheNationalSystem(t *testing.T) {
	storetest.Engines(t, func(t *testing.T, db *store.DB) {
		ctx := t.Context()
		now := time.Date(2026, 3, 2, 8, 0, 0, 0, time.UTC)
		clock := func() time.Time { return now }
		s := land.New(db, land.Config{Now: clock})
		parcels := []land.ParcelInput{
			{Commune: "X1", Sheet: "1", Number: "1", AreaDM2: 5000, LandUse: []string{"ONT"}, Geometry: land.Rect(0, 0, 10, 5)},
			{Commune: "X1", Sheet: "1", Number: "2", AreaDM2: 5000, LandUse: []string{"LUC"}},
		}
		if _, err := s.Import(ctx, parcels, "test"); err != nil {
			t.Fatal(err)
		}
		sim := landsim.New("tok")
		srv := httptest.NewServer(sim.Handler())
		t.Cleanup(srv.Close)
		sim.FailNext(1)
		w := s.NewWorker(land.NewClient(srv.URL, "tok", nil), land.WorkerConfig{ID: "w1", Now: clock})
		for range 5 {
			if _, err := w.RunOnce(ctx); err != nil {
				t.Fatal(err)
			}
			now = now.Add(2 * time.Hour) // past any backoff
		}
		// Parcels are independent: the one refused first arrives later.
		got := map[string]string{}
		for _, n := range sim.Received() {
			got[n.Parcel.Properties.SoThuTuThua] = n.Kind
		}
		if len(sim.Received()) != 2 || got["1"] != land.KindImport || got["2"] != land.KindImport || sim.Calls() != 3 {
			t.Fatalf("received %v after %d calls", got, sim.Calls())
		}
		counts, err := s.Pending(ctx)
		if err != nil || counts["sent"] != 2 || len(counts) != 1 {
			t.Fatalf("outbox %v %v", counts, err)
		}
		// A wrong token: refused for good, not retried.
		if _, err := s.Import(ctx, []land.ParcelInput{{Commune: "X1", Sheet: "1", Number: "3", AreaDM2: 100, LandUse: []string{"ONT"}}}, "test"); err != nil {
			t.Fatal(err)
		}
		bad := s.NewWorker(land.NewClient(srv.URL, "wrong", nil), land.WorkerConfig{ID: "w2", Now: clock})
		for range 3 {
			if _, err := bad.RunOnce(ctx); err != nil {
				t.Fatal(err)
			}
			now = now.Add(2 * time.Hour)
		}
		if counts, _ := s.Pending(ctx); counts["failed"] != 1 || sim.Calls() != 4 {
			t.Fatalf("after a refusal: %v, %d calls", counts, sim.Calls())
		}
	})
}
