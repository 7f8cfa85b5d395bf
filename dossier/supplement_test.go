package dossier_test

import (
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/motcua/motcua/auth"
	"github.com/motcua/motcua/calendar"
	"github.com/motcua/motcua/catalog"
	"github.com/motcua/motcua/demo"
	"github.com/motcua/motcua/dossier"
	"github.com/motcua/motcua/problem"
	"github.com/motcua/motcua/store"
	"github.com/motcua/motcua/store/storetest"
)

// testClock is a settable clock shared by the services of one test.
type testClock struct{ ms atomic.Int64 }

func (c *testClock) Now() time.Time      { return time.UnixMilli(c.ms.Load()).In(calendar.Zone) }
func (c *testClock) Set(t time.Time)     { c.ms.Store(t.UnixMilli()) }
func (c *testClock) Add(d time.Duration) { c.ms.Add(d.Milliseconds()) }
func item(key, reason string) dossier.SupplementItem {
	return dossier.SupplementItem{Component: key, Reason: reason}
}

// TestSupplementRequestItems (issue 10): a supplement request names what
// is missing — components of the procedure (never one only shown) or free
// lines, each with its reason — and bad lists get stable codes. Before, the
// request carried a note only, and form 02 guessed the list.
func TestSupplementRequestItems(t *testing.T) {
	storetest.Engines(t, func(t *testing.T, db *store.DB) {
		ctx := t.Context()
		w := newWorld(t, db)
		d := submitted(t, w)
		many := make([]dossier.SupplementItem, dossier.MaxSupplementItems+1)
		for i := range many {
			many[i] = dossier.SupplementItem{Name: "Giấy tờ " + strings.Repeat("x", i+1), Reason: "Thiếu"}
		}
		for _, c := range []struct {
			name  string
			items []dossier.SupplementItem
			code  string
		}{
			{"no item", nil, "supplement_items_required"},
			{"too many", many, "supplement_items_too_many"},
			{"a key not in the procedure", []dossier.SupplementItem{item("so_ho_khau", "Thiếu")}, "supplement_component_unknown"},
			{"the ID card that is only shown", []dossier.SupplementItem{item("giay_to_tuy_than", "Hết hạn")}, "supplement_component_shown"},
			{"a component twice", []dossier.SupplementItem{item("giay_to_can_ky", "a"), item("giay_to_can_ky", "b")}, "supplement_item_duplicate"},
			{"a free line twice", []dossier.SupplementItem{{Name: "Văn bản đồng ý", Reason: "a"}, {Name: " văn bản  ĐỒNG ý", Reason: "b"}}, "supplement_item_duplicate"},
			{"no reason", []dossier.SupplementItem{item("giay_to_can_ky", "  ")}, "supplement_reason_required"},
			{"a long reason", []dossier.SupplementItem{item("giay_to_can_ky", strings.Repeat("ư", dossier.MaxSupplementReason+1))}, "supplement_reason_too_long"},
			{"a free line without a name", []dossier.SupplementItem{{Reason: "Thiếu"}}, "supplement_item_name_required"},
			{"a long name", []dossier.SupplementItem{{Name: strings.Repeat("ơ", dossier.MaxSupplementName+1), Reason: "Thiếu"}}, "supplement_item_name_too_long"},
		} {
			t.Run(c.name, func(t *testing.T) {
				_, err := w.ds.Act(ctx, w.reception, d.Code, dossier.RequestSupplement, dossier.ActInput{Note: "Hồ sơ chưa đầy đủ.", Items: c.items})
				wantCode(t, err, problem.ErrInvalid, c.code)
			})
		}
		got, err := w.ds.Get(ctx, w.citizen, d.Code)
		if err != nil || got.Status != dossier.Submitted {
			t.Fatalf("a refused request changed the dossier: %v %v", got.Status, err)
		}

		// A good request: the component's name and kind come from the
		// catalog; the limit is the unit's default (the procedure has none).
		at := time.Now()
		if _, err := w.ds.Act(ctx, w.reception, d.Code, dossier.RequestSupplement, dossier.ActInput{Note: "Hồ sơ chưa đầy đủ.",
			Items: []dossier.SupplementItem{item("giay_to_can_ky", " Chưa ký "), {Name: "Văn bản đồng ý của vợ/chồng", Reason: "Tài sản chung"}}}); err != nil {
			t.Fatal(err)
		}
		got, err = w.ds.Get(ctx, w.citizen, d.Code)
		if err != nil {
			t.Fatal(err)
		}
		r := got.OpenRequest()
		if r == nil || len(r.Items) != 2 {
			t.Fatalf("open request %+v", r)
		}
		if it := r.Items[0]; it.Component != "giay_to_can_ky" || it.Name != w.proc.Components[1].Name || it.Kind != "original" || it.Reason != "Chưa ký" {
			t.Errorf("component item %+v", it)
		}
		if it := r.Items[1]; it.Component != "" || it.Name != "Văn bản đồng ý của vợ/chồng" || it.Reason != "Tài sản chung" {
			t.Errorf("free item %+v", it)
		}
		want := dossier.SupplementDeadline(flatCalendar{}, at, 30)
		if r.Source != "unit" || r.Days != 30 || !r.Deadline.Equal(want) || got.SupplementDue == nil || !got.SupplementDue.Equal(want) {
			t.Errorf("limit %s %d days, deadline %v (dossier %v), want the unit's 30 days to %v", r.Source, r.Days, r.Deadline, got.SupplementDue, want)
		}
		tr, err := w.ds.Track(ctx, d.Code, dossier.TrackProof{Token: got.TrackToken})
		if err != nil || tr.Supplement == nil || len(tr.Supplement.Items) != 2 || tr.Supplement.Items[0].Reason != "Chưa ký" {
			t.Fatalf("tracking shows %+v (%v)", tr, err)
		}
		// Supplemented: no open request, no deadline.
		if _, err := w.ds.Act(ctx, w.citizen, d.Code, dossier.Supplement, dossier.ActInput{}); err != nil {
			t.Fatal(err)
		}
		if got, _ = w.ds.Get(ctx, w.citizen, d.Code); got.SupplementDue != nil || got.OpenRequest() != nil {
			t.Errorf("after the supplement: due %v, open %+v", got.SupplementDue, got.OpenRequest())
		}
	})
}

// TestSupplementDefaults: the procedure's own limit wins; without one the
// unit's default applies, as an admin set it.
func TestSupplementDefaults(t *testing.T) {
	storetest.Engines(t, func(t *testing.T, db *store.DB) {
		ctx := t.Context()
		w := newWorld(t, db)
		au := auth.NewService(db, auth.Config{Units: w.units})
		admin, err := au.UserByName(ctx, "gialam.quantri")
		if err != nil {
			t.Fatal(err)
		}
		if err := w.units.SetSupplementDaysAs(ctx, admin, demo.GiaLamCode, 0); !problemCode(err, "supplement_days_range") {
			t.Fatalf("0 days: %v", err)
		}
		if err := w.units.SetSupplementDaysAs(ctx, admin, demo.GiaLamCode, 10); err != nil {
			t.Fatal(err)
		}
		d := submitted(t, w)
		if _, err := w.ds.Act(ctx, w.reception, d.Code, dossier.RequestSupplement, dossier.ActInput{Note: "Thiếu.",
			Items: []dossier.SupplementItem{item("giay_to_can_ky", "Chưa ký")}}); err != nil {
			t.Fatal(err)
		}
		got, _ := w.ds.Get(ctx, w.citizen, d.Code)
		if r := got.OpenRequest(); r == nil || r.Days != 10 || r.Source != "unit" {
			t.Fatalf("request %+v, want the unit's 10 days", r)
		}
		// The procedure's own limit, once a version sets one, comes first.
		np := w.proc
		np.SupplementDays = 5
		if err := db.InTx(ctx, func(tx *store.Tx) error {
			_, err := catalog.NewStore(db, nil).Publish(ctx, tx, np, admin.ID)
			return err
		}); err != nil {
			t.Fatal(err)
		}
		d = submitted(t, w)
		if _, err := w.ds.Act(ctx, w.reception, d.Code, dossier.RequestSupplement, dossier.ActInput{Note: "Thiếu.",
			Items: []dossier.SupplementItem{item("giay_to_can_ky", "Chưa ký")}}); err != nil {
			t.Fatal(err)
		}
		got, _ = w.ds.Get(ctx, w.citizen, d.Code)
		if r := got.OpenRequest(); r == nil || r.Days != 5 || r.Source != "procedure" {
			t.Fatalf("request %+v, want the procedure's 5 days", r)
		}
		if got := dossier.SupplementDeadline(flatCalendar{}, time.Date(2026, 3, 2, 16, 0, 0, 0, calendar.Zone), 10); !got.Equal(time.Date(2026, 3, 13, 0, 0, 0, 0, calendar.Zone)) {
			t.Errorf("10 days from 02/03 end at %v, want the end of 12/03", got)
		}
	})
}

func problemCode(err error, code string) bool {
	pe := problem.Public(err)
	return err != nil && pe.Code == code
}

// TestSupplementSweep (issue 10): past the time limit, a request during
// processing stops the dossier and one at reception closes it as not
// received, both as the system's act with the reason; a fresh request is
// left alone; two sweepers at once close each dossier once.
func TestSupplementSweep(t *testing.T) {
	storetest.Engines(t, func(t *testing.T, db *store.DB) {
		ctx := t.Context()
		clock := &testClock{}
		clock.Set(time.Date(2026, 3, 2, 9, 0, 0, 0, calendar.Zone))
		w := newWorldWith(t, db, func(c *dossier.Config) { c.Now = clock.Now })
		au := auth.NewService(db, auth.Config{Units: w.units})
		specialist, err := au.UserByName(ctx, "gialam.chuyenvien")
		if err != nil {
			t.Fatal(err)
		}
		ask := func(who *auth.Actor, code string) {
			t.Helper()
			if _, err := w.ds.Act(ctx, who, code, dossier.RequestSupplement, dossier.ActInput{Note: "Thiếu.",
				Items: []dossier.SupplementItem{item("giay_to_can_ky", "Chưa ký")}}); err != nil {
				t.Fatal(err)
			}
		}
		atDesk := submitted(t, w)
		ask(w.reception, atDesk.Code)
		during := submitted(t, w)
		if _, err := w.ds.Act(ctx, w.reception, during.Code, dossier.Receive, dossier.ActInput{}); err != nil {
			t.Fatal(err)
		}
		ask(specialist, during.Code)
		clock.Add(20 * 24 * time.Hour)
		fresh := submitted(t, w)
		ask(w.reception, fresh.Code)

		if n, err := w.ds.LapseSupplements(ctx); err != nil || n != 0 {
			t.Fatalf("before any limit: closed %d (%v)", n, err)
		}
		clock.Add(11 * 24 * time.Hour) // 31 days after the first two requests, 11 after the fresh one

		// Two sweepers (as on two instances) at once.
		var wg sync.WaitGroup
		var total atomic.Int64
		for range 2 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				n, err := w.ds.LapseSupplements(ctx)
				if err != nil {
					t.Error(err)
				}
				total.Add(int64(n))
			}()
		}
		wg.Wait()
		if total.Load() != 2 {
			t.Errorf("the sweepers closed %d dossiers together, want 2", total.Load())
		}
		if n, err := w.ds.LapseSupplements(ctx); err != nil || n != 0 {
			t.Errorf("a third sweep closed %d (%v)", n, err)
		}
		for _, c := range []struct {
			code   string
			state  dossier.State
			action dossier.Action
		}{
			{atDesk.Code, dossier.Refused, dossier.Lapse},
			{during.Code, dossier.Stopped, dossier.Stop},
			{fresh.Code, dossier.Returned, ""},
		} {
			d, err := w.ds.Get(ctx, w.reception, c.code)
			if err != nil {
				t.Fatal(err)
			}
			if d.Status != c.state {
				t.Errorf("%s: %s, want %s", c.code, d.Status, c.state)
			}
			var system []dossier.Event
			for _, e := range d.History {
				if e.Role == dossier.SystemRole {
					system = append(system, e)
				}
			}
			if c.action == "" {
				if len(system) != 0 || d.SupplementDue == nil {
					t.Errorf("%s: the fresh request was touched: %+v", c.code, system)
				}
				continue
			}
			if len(system) != 1 || system[0].Action != c.action || system[0].Actor != dossier.SystemName ||
				!strings.Contains(system[0].Note, "Quá thời hạn bổ sung") || d.SupplementDue != nil {
				t.Errorf("%s: system events %+v, supplement due %v", c.code, system, d.SupplementDue)
			}
		}
	})
}
