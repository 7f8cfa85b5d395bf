package unit_test

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/motcua/motcua/auth"
	"github.com/motcua/motcua/problem"
	"github.com/motcua/motcua/store"
	"github.com/motcua/motcua/store/storetest"
	"github.com/motcua/motcua/unit"
)

// world is a province with one district and two communes under it.
type world struct {
	s                          *unit.Store
	province, district, c1, c2 unit.Unit
}

const (
	provinceCode = "000.00.00.H40"
	districtCode = "000.00.07.H40"
	c1Code       = "000.01.07.H40"
	c2Code       = "000.02.07.H40"
)

func newWorld(t *testing.T, db *store.DB) world {
	t.Helper()
	ctx := context.Background()
	w := world{s: unit.NewStore(db, nil)}
	err := db.InTx(ctx, func(tx *store.Tx) error {
		var err error
		mk := func(code, name, level, parent string) unit.Unit {
			u, e := w.s.Create(ctx, tx, unit.Unit{Code: code, Name: name, Level: level}, parent)
			if e != nil && err == nil {
				err = e
			}
			return u
		}
		w.province = mk(provinceCode, "UBND tỉnh", unit.Province, "")
		w.district = mk(districtCode, "UBND huyện", unit.District, provinceCode)
		w.c1 = mk(c1Code, "UBND xã Một", unit.Commune, districtCode)
		w.c2 = mk(c2Code, "UBND xã Hai", unit.Commune, districtCode)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return w
}

func adminOf(u unit.Unit) *auth.Actor {
	return &auth.Actor{User: auth.User{ID: 1, Kind: "officer"}, Grants: []auth.Grant{{UnitID: u.ID, UnitCode: u.Code, Role: auth.Admin}}}
}

func wantKind(t *testing.T, err, kind error) {
	t.Helper()
	if !errors.Is(err, kind) {
		t.Fatalf("error %v, want %v", err, kind)
	}
}

func TestScopeFollowsTheTree(t *testing.T) {
	storetest.Engines(t, func(t *testing.T, db *store.DB) {
		w := newWorld(t, db)
		ctx := context.Background()
		both := adminOf(w.district)
		both.Grants = append(both.Grants, auth.Grant{UnitID: w.c1.ID, Role: auth.Admin}) // nested: shown once
		cases := []struct {
			name  string
			actor *auth.Actor
			want  []string
		}{
			{"district admin sees the district and its communes", adminOf(w.district), []string{districtCode, c1Code, c2Code}},
			{"commune admin sees only the commune", adminOf(w.c1), []string{c1Code}},
			{"nested grants are listed once, in tree order", both, []string{districtCode, c1Code, c2Code}},
			{"a non-admin sees nothing", &auth.Actor{Grants: []auth.Grant{{UnitID: w.district.ID, Role: auth.Leader}}}, nil},
		}
		for _, c := range cases {
			t.Run(c.name, func(t *testing.T) {
				nodes, err := w.s.Tree(ctx, c.actor)
				if err != nil {
					t.Fatal(err)
				}
				var got []string
				for _, n := range nodes {
					got = append(got, n.Code)
				}
				if len(got) != len(c.want) {
					t.Fatalf("tree %v, want %v", got, c.want)
				}
				for i := range got {
					if got[i] != c.want[i] {
						t.Fatalf("tree %v, want %v", got, c.want)
					}
				}
				if len(nodes) > 1 && (nodes[0].Depth != 0 || nodes[1].Depth != 1) {
					t.Fatalf("depths %d %d", nodes[0].Depth, nodes[1].Depth)
				}
				ids, err := w.s.Scope(ctx, c.actor)
				if err != nil || len(ids) != len(c.want) {
					t.Fatalf("scope %v %v", ids, err)
				}
			})
		}
		if _, err := w.s.Managed(ctx, adminOf(w.c1), districtCode); !errors.Is(err, problem.ErrForbidden) {
			t.Fatalf("commune admin manages the district: %v", err)
		}
		if _, err := w.s.Managed(ctx, adminOf(w.c1), c2Code); !errors.Is(err, problem.ErrForbidden) {
			t.Fatalf("commune admin manages another commune: %v", err)
		}
		if u, err := w.s.Managed(ctx, adminOf(w.district), c2Code); err != nil || u.ID != w.c2.ID {
			t.Fatalf("district admin on a commune: %v", err)
		}
	})
}

func TestAddChildAndDepartment(t *testing.T) {
	storetest.Engines(t, func(t *testing.T, db *store.DB) {
		w := newWorld(t, db)
		ctx := context.Background()
		admin := adminOf(w.district)
		cases := []struct {
			name   string
			actor  *auth.Actor
			parent string
			u      unit.Unit
			kind   error
		}{
			{"bad code", admin, districtCode, unit.Unit{Code: "28", Name: "Xã Mới", Level: unit.Commune}, problem.ErrInvalid},
			{"no name", admin, districtCode, unit.Unit{Code: "000.28.07.H40", Level: unit.Commune}, problem.ErrInvalid},
			{"same level as the parent", admin, districtCode, unit.Unit{Code: "000.28.07.H40", Name: "Huyện Mới", Level: unit.District}, problem.ErrInvalid},
			{"code taken", admin, districtCode, unit.Unit{Code: c1Code, Name: "Xã Mới", Level: unit.Commune}, problem.ErrConflict},
			{"outside the scope", adminOf(w.c1), districtCode, unit.Unit{Code: "000.28.07.H40", Name: "Xã Mới", Level: unit.Commune}, problem.ErrForbidden},
			{"ok", admin, districtCode, unit.Unit{Code: " 000.28.07.h40 ", Name: "Xã Mới", Level: unit.Commune}, nil},
		}
		for _, c := range cases {
			t.Run(c.name, func(t *testing.T) {
				u, err := w.s.AddChild(ctx, c.actor, c.parent, c.u)
				if c.kind != nil {
					wantKind(t, err, c.kind)
					return
				}
				if err != nil || u.Code != "000.28.07.H40" || u.ParentCode != districtCode {
					t.Fatalf("%+v %v", u, err)
				}
			})
		}
		wantKind(t, w.s.AddDepartmentTo(ctx, admin, c1Code, unit.Department{Code: "tư pháp", Name: "x"}), problem.ErrInvalid)
		// Issue 8, input limits: a name over unit.MaxName is refused.
		wantKind(t, w.s.AddDepartmentTo(ctx, admin, c1Code, unit.Department{Code: "DAI", Name: strings.Repeat("x", unit.MaxName+1)}), problem.ErrInvalid)
		if err := w.s.AddDepartmentTo(ctx, admin, c1Code, unit.Department{Code: "tp", Name: "Tư pháp – Hộ tịch"}); err != nil {
			t.Fatal(err)
		}
		wantKind(t, w.s.AddDepartmentTo(ctx, admin, c1Code, unit.Department{Code: "TP", Name: "Again"}), problem.ErrConflict)
		wantKind(t, w.s.AddDepartmentTo(ctx, adminOf(w.c2), c1Code, unit.Department{Code: "VP", Name: "Văn phòng"}), problem.ErrForbidden)
		ds, err := w.s.Departments(ctx, w.c1.ID)
		if err != nil || len(ds) != 1 || ds[0].Code != "TP" {
			t.Fatalf("departments %+v %v", ds, err)
		}
	})
}

func TestRenameKeepsTheOldCode(t *testing.T) {
	storetest.Engines(t, func(t *testing.T, db *store.DB) {
		w := newWorld(t, db)
		ctx := context.Background()
		admin := adminOf(w.district)
		wantKind(t, w.s.RenameAs(ctx, admin, c1Code, "", "Xã Một Mới", " "), problem.ErrInvalid)
		wantKind(t, w.s.RenameAs(ctx, admin, c1Code, "", "", "QĐ 1"), problem.ErrInvalid)
		wantKind(t, w.s.RenameAs(ctx, admin, c1Code, "", strings.Repeat("x", unit.MaxName+1), "QĐ 1"), problem.ErrInvalid) // issue 8: input limits
		wantKind(t, w.s.RenameAs(ctx, admin, c1Code, "BAD", "", "QĐ 1"), problem.ErrInvalid)
		wantKind(t, w.s.RenameAs(ctx, admin, c1Code, c2Code, "", "QĐ 1"), problem.ErrConflict)
		wantKind(t, w.s.RenameAs(ctx, adminOf(w.c2), c1Code, "", "Xã Khác", "QĐ 1"), problem.ErrForbidden)
		if err := w.s.RenameAs(ctx, admin, c1Code, "000.31.07.H40", "UBND xã Một Mới", "Nghị quyết 1/2026"); err != nil {
			t.Fatal(err)
		}
		old, err := w.s.ByCode(ctx, c1Code)
		if err != nil || old.Code != "000.31.07.H40" || old.Name != "UBND xã Một Mới" {
			t.Fatalf("old code resolves to %+v %v", old, err)
		}
		h, err := w.s.History(ctx, w.c1.ID)
		if err != nil || len(h) != 2 || h[0].Reason != "Nghị quyết 1/2026" || h[0].To != 0 || h[1].Code != c1Code || h[1].To == 0 {
			t.Fatalf("history %+v %v", h, err)
		}
	})
}

func TestMergeIsPlannedThenDone(t *testing.T) {
	storetest.Engines(t, func(t *testing.T, db *store.DB) {
		w := newWorld(t, db)
		ctx := context.Background()
		admin := adminOf(w.district)
		cases := []struct {
			name       string
			actor      *auth.Actor
			from, into string
			kind       error
		}{
			{"into itself", admin, c1Code, c1Code, problem.ErrInvalid},
			{"no target", admin, c1Code, "", problem.ErrInvalid},
			{"different levels", admin, c1Code, districtCode, problem.ErrInvalid},
			{"a unit into one below it", adminOf(w.province), districtCode, c1Code, problem.ErrInvalid},
			{"into a unit outside the scope", adminOf(w.c1), c1Code, c2Code, problem.ErrForbidden},
		}
		for _, c := range cases {
			t.Run(c.name, func(t *testing.T) {
				_, err := w.s.PlanMerge(ctx, c.actor, c.from, c.into)
				wantKind(t, err, c.kind)
				wantKind(t, w.s.MergeAs(ctx, c.actor, c.from, c.into, "QĐ 2"), c.kind)
			})
		}
		p, err := w.s.PlanMerge(ctx, admin, c2Code, c1Code)
		if err != nil || p.From.ID != w.c2.ID || p.Into.ID != w.c1.ID || len(p.Children) != 0 || p.OpenDossiers != 0 {
			t.Fatalf("plan %+v %v", p, err)
		}
		wantKind(t, w.s.MergeAs(ctx, admin, c2Code, c1Code, ""), problem.ErrInvalid)
		if err := w.s.MergeAs(ctx, admin, c2Code, c1Code, "Nghị quyết 2/2026"); err != nil {
			t.Fatal(err)
		}
		gone, err := w.s.ByCode(ctx, c2Code)
		if err != nil || gone.Active || gone.MergedInto != c1Code {
			t.Fatalf("merged unit %+v %v", gone, err)
		}
		wantKind(t, w.s.MergeAs(ctx, admin, c2Code, c1Code, "again"), problem.ErrInvalid)
	})
}
