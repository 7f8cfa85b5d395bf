package unit_test

import (
	"context"
	"slices"
	"testing"

	"github.com/motcua/motcua/event"
	"github.com/motcua/motcua/store"
	"github.com/motcua/motcua/store/storetest"
	"github.com/motcua/motcua/unit"
)

// TestAdminChangesAreAudited: every change an administrator makes to the
// tree leaves a security event (the audit log listens to them), naming the
// unit and the admin; a refused change leaves none.
func TestAdminChangesAreAudited(t *testing.T) {
	storetest.Engines(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		bus := event.New()
		var got []event.Security
		event.Subscribe(bus, "record", func(ctx context.Context, tx *store.Tx, e event.Security) error {
			got = append(got, e)
			return nil
		})
		w := newWorld(t, db)
		s := unit.New(db, unit.Config{Bus: bus})
		admin := adminOf(w.district)
		if _, err := s.AddChild(ctx, admin, districtCode, unit.Unit{Code: "000.03.07.H40", Name: "UBND xã Ba", Level: unit.Commune}); err != nil {
			t.Fatal(err)
		}
		if err := s.AddDepartmentTo(ctx, admin, districtCode, unit.Department{Code: "TP", Name: "Phòng Tư pháp"}); err != nil {
			t.Fatal(err)
		}
		if err := s.RenameAs(ctx, admin, c1Code, "", "UBND xã Một Mới", "NQ 1"); err != nil {
			t.Fatal(err)
		}
		if err := s.MergeAs(ctx, admin, c2Code, c1Code, "NQ 2"); err != nil {
			t.Fatal(err)
		}
		// Refused: outside the admin's scope.
		if err := s.RenameAs(ctx, adminOf(w.c1), districtCode, "", "x", "y"); err == nil {
			t.Fatal("a commune admin renamed the district")
		}
		var actions []string
		for _, e := range got {
			if e.ActorID != admin.ID || e.Object == "" || e.UnitID == 0 {
				t.Errorf("event %+v lacks its actor, object or unit", e)
			}
			actions = append(actions, e.Action+" "+e.Object)
		}
		want := []string{"unit_created unit:000.03.07.H40", "department_added unit:" + districtCode,
			"unit_renamed unit:" + c1Code, "unit_merged unit:" + c2Code}
		if !slices.Equal(actions, want) {
			t.Fatalf("audited %q, want %q", actions, want)
		}
	})
}
