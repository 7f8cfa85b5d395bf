package catalog_test

import (
	"context"
	"errors"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/motcua/motcua/auth"
	"github.com/motcua/motcua/calendar"
	"github.com/motcua/motcua/catalog"
	"github.com/motcua/motcua/event"
	"github.com/motcua/motcua/problem"
	"github.com/motcua/motcua/store"
	"github.com/motcua/motcua/store/storetest"
)

// anyone lets every actor edit: these tests are about what is published.
type anyone struct{}

func (anyone) Entitled(context.Context, *auth.Actor, auth.Right, string) error { return nil }
func (anyone) AtProvince(context.Context, *auth.Actor, auth.Right) error       { return nil }

type testClock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *testClock) Now() time.Time  { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *testClock) Set(t time.Time) { c.mu.Lock(); c.t = t; c.mu.Unlock() }

func day(s string, hour int) time.Time {
	t, _ := time.ParseInLocation(time.DateOnly, s, calendar.Zone)
	return t.Add(time.Duration(hour) * time.Hour)
}

// seeded is a Store over a fresh database holding the shipped catalog
// (in force from 1 July 2025), its clock at 2 March 2026, and every
// Security event it publishes.
func seeded(t *testing.T, db *store.DB) (*catalog.Store, *testClock, *[]event.Security) {
	t.Helper()
	clk := &testClock{t: day("2026-03-02", 9)}
	bus := event.New()
	var audit []event.Security
	event.Subscribe(bus, "test", func(_ context.Context, _ *store.Tx, e event.Security) error { audit = append(audit, e); return nil })
	s := catalog.New(db, catalog.Config{Now: clk.Now, Bus: bus, Scope: anyone{}})
	if err := db.InTx(t.Context(), func(tx *store.Tx) error { _, err := s.SeedBuiltin(t.Context(), tx); return err }); err != nil {
		t.Fatal(err)
	}
	return s, clk, &audit
}

var admin = &auth.Actor{User: auth.User{ID: 7, Username: "admin.tinh"}}

// TestVersionsInForce (issue 10): a version is in force from its date;
// the catalog shows the one in force today and knows the one to come;
// an admin cannot backdate one, nor declare ranges that overlap.
func TestVersionsInForce(t *testing.T) {
	storetest.Engines(t, func(t *testing.T, db *store.DB) {
		ctx := t.Context()
		s, clk, _ := seeded(t, db)
		cur, err := s.Get(ctx, "1.001193")
		if err != nil {
			t.Fatal(err)
		}
		if cur.EffectiveFrom != "2025-07-01" {
			t.Fatalf("shipped version in force from %q, want its file's date", cur.EffectiveFrom)
		}
		sched := cur
		sched.Name += " (sửa đổi)"
		sched.EffectiveFrom = "2026-04-01"
		if _, err := s.Edit(ctx, admin, sched); err != nil {
			t.Fatal(err)
		}
		if got, _ := s.Get(ctx, "1.001193"); got.Version != 1 {
			t.Errorf("before 1 April the catalog shows version %d, want 1", got.Version)
		}
		if up, ok, err := s.Upcoming(ctx, "1.001193"); err != nil || !ok || up.Version != 2 || up.EffectiveFrom != "2026-04-01" {
			t.Errorf("Upcoming = v%d from %q, %v, %v; want v2 from 2026-04-01", up.Version, up.EffectiveFrom, ok, err)
		}

		bad := []struct {
			name string
			edit func(p *catalog.Procedure)
			code string
		}{
			{"backdated", func(p *catalog.Procedure) { p.EffectiveFrom = "2026-03-01" }, "effective_from_past"},
			{"a range running into the scheduled version", func(p *catalog.Procedure) {
				p.EffectiveFrom, p.EffectiveTo = "2026-03-10", "2026-04-15"
			}, "procedure_versions_overlap"},
			{"ends before it starts", func(p *catalog.Procedure) { p.EffectiveFrom, p.EffectiveTo = "2026-03-10", "2026-03-09" }, "invalid_procedure"},
		}
		for _, tt := range bad {
			t.Run(tt.name, func(t *testing.T) {
				p := cur
				tt.edit(&p)
				_, err := s.Edit(ctx, admin, p)
				var pe *problem.Error
				if !errors.As(err, &pe) || pe.Code != tt.code {
					t.Fatalf("Edit = %v, want %s", err, tt.code)
				}
			})
		}

		// A version with an end date: a later one may not start inside it.
		ended := cur
		ended.EffectiveFrom, ended.EffectiveTo = "2026-05-01", "2026-05-31"
		if _, err := s.Edit(ctx, admin, ended); err != nil {
			t.Fatal(err)
		}
		inside := cur
		inside.EffectiveFrom = "2026-05-20"
		if _, err := s.Edit(ctx, admin, inside); err == nil || !strings.Contains(err.Error(), "procedure_versions_overlap") {
			t.Errorf("a version starting inside another's declared range: %v, want procedure_versions_overlap", err)
		}

		for _, c := range []struct {
			at   time.Time
			want int
		}{{day("2026-03-31", 16), 1}, {day("2026-04-01", 0), 2}, {day("2026-05-31", 16), 3}} {
			clk.Set(c.at)
			got, err := s.Get(ctx, "1.001193")
			if err != nil || got.Version != c.want {
				t.Errorf("on %s: version %d (%v), want %d", c.at.Format(time.DateTime), got.Version, err, c.want)
			}
		}
		clk.Set(day("2026-06-01", 8))
		if _, err := s.Get(ctx, "1.001193"); err == nil || !strings.Contains(err.Error(), "procedure_not_in_force") {
			t.Errorf("after the last version ended: %v, want procedure_not_in_force", err)
		}
	})
}

// TestConfirmFees (issue 10): a fee the provincial People's Council sets
// stays "typical" until an admin confirms the amount, which publishes a
// new version recording who and when, and leaves an audit row.
func TestConfirmFees(t *testing.T) {
	storetest.Engines(t, func(t *testing.T, db *store.DB) {
		ctx := t.Context()
		s, _, audit := seeded(t, db)
		cur, err := s.Get(ctx, "1.001193")
		if err != nil {
			t.Fatal(err)
		}
		if !cur.HasTypicalFees() || !cur.Fees[0].Typical {
			t.Fatalf("shipped late-registration fee is not marked typical: %+v", cur.Fees)
		}
		if _, err := s.ConfirmFees(ctx, admin, "1.001193", nil); err == nil || !strings.Contains(err.Error(), "fee_amount_required") {
			t.Fatalf("confirm without an amount: %v, want fee_amount_required", err)
		}
		got, err := s.ConfirmFees(ctx, admin, "1.001193", map[int]int64{0: 8000})
		if err != nil {
			t.Fatal(err)
		}
		if got.Version != 2 || got.HasTypicalFees() || got.Fees[0].Amount != 8000 {
			t.Errorf("confirmed version %d, fees %+v: want version 2, 8000 đ, none typical", got.Version, got.Fees)
		}
		if c := got.FeeConfirmation; c == nil || c.By != "admin.tinh" || c.ByID != 7 || !c.At.Equal(day("2026-03-02", 9)) {
			t.Errorf("confirmation = %+v, want admin.tinh (7) at the clock's time", c)
		}
		if now, _ := s.Get(ctx, "1.001193"); now.Version != 2 {
			t.Errorf("the catalog shows version %d after confirming, want 2", now.Version)
		}
		if n := len(*audit); n != 1 || (*audit)[0].Action != "procedure_fees_confirmed" || (*audit)[0].ActorID != 7 {
			t.Errorf("audit events %+v, want one procedure_fees_confirmed by 7", *audit)
		}
		if _, err := s.ConfirmFees(ctx, admin, "1.001193", map[int]int64{0: 8000}); err == nil || !strings.Contains(err.Error(), "fees_already_confirmed") {
			t.Errorf("confirming again: %v, want fees_already_confirmed", err)
		}
	})
}

// TestOldStoredVersionLoads (issue 10): versions stored before the legal
// basis was structured hold it as strings; they still load, as text.
func TestOldStoredVersionLoads(t *testing.T) {
	storetest.Engines(t, func(t *testing.T, db *store.DB) {
		ctx := t.Context()
		s, _, _ := seeded(t, db)
		body := `{"code":"1.099999","version":1,"name":"Thủ tục cũ","field":"Hộ tịch","field_code":"ho-tich","levels":["commune"],
			"agency":"UBND cấp xã","time":{"unit":"day","value":1},"fees":[],"components":[{"key":"to_khai","name":"Tờ khai","required":true,"kind":"original","quantity":1}],
			"form":[],"online":"none","result":"Giấy","legal_basis":["Luật Hộ tịch số 60/2014/QH13"],
			"steps":[{"name":"Xử lý","role":"specialist","level":"commune","hours":8}]}`
		at := day("2025-01-02", 10).UnixMilli()
		if _, err := db.ExecContext(ctx, `INSERT INTO procedure_versions (code, version, body, created_at, effective_from) VALUES (?, 1, ?, ?, ?)`,
			"1.099999", body, at, at); err != nil {
			t.Fatal(err)
		}
		p, err := s.Get(ctx, "1.099999")
		if err != nil {
			t.Fatal(err)
		}
		if len(p.LegalBasis) != 1 || p.LegalBasis[0].String() != "Luật Hộ tịch số 60/2014/QH13" {
			t.Errorf("legal basis %+v, want the stored string as text", p.LegalBasis)
		}
		if p.EffectiveFrom != "2025-01-02" {
			t.Errorf("effective from %q, want its publication day", p.EffectiveFrom)
		}
	})
}
