package unit_test

import (
	"context"
	"errors"
	"testing"

	"github.com/motcua/motcua/auth"
	"github.com/motcua/motcua/event"
	"github.com/motcua/motcua/store"
	"github.com/motcua/motcua/store/storetest"
	"github.com/motcua/motcua/unit"
)

// TestMergeTellsTheOwners: a merge publishes unit.Merged in its own
// transaction, so what other modules hold at the unit (here officers'
// roles, through auth.MoveRoles) moves with it, and a listener's failure
// undoes the whole merge. The plan counts through the same owners.
func TestMergeTellsTheOwners(t *testing.T) {
	storetest.Engines(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		w := newWorld(t, db)
		bus := event.New()
		var got []unit.Merged
		event.Subscribe(bus, "record", func(ctx context.Context, tx *store.Tx, e unit.Merged) error {
			got = append(got, e)
			return nil
		})
		event.Subscribe(bus, "auth.MoveRoles", func(ctx context.Context, tx *store.Tx, e unit.Merged) error {
			return auth.MoveRoles(ctx, tx, e.From, e.Into, e.Desk)
		})
		refuse := true
		event.Subscribe(bus, "refuse once", func(ctx context.Context, tx *store.Tx, e unit.Merged) error {
			if refuse {
				refuse = false
				return errors.New("not now")
			}
			return nil
		})
		open := func(ctx context.Context, q store.Querier, unitID int64) (int, error) {
			if unitID == w.c2.ID {
				return 3, nil
			}
			return 0, nil
		}
		s := unit.New(db, unit.Config{Bus: bus, OpenDossiers: open})
		au := auth.NewService(db, auth.Config{Params: auth.Params{Time: 1, MemKiB: 1024, Threads: 1}, Units: s})
		err := db.InTx(ctx, func(tx *store.Tx) error {
			u, err := au.CreateUser(ctx, tx, auth.NewUser{User: auth.User{Username: "xa2.tiepnhan", Kind: "officer"}, Password: "mật khẩu dài"})
			if err != nil {
				return err
			}
			return au.Grant(ctx, tx, u.ID, w.c2.ID, auth.Reception)
		})
		if err != nil {
			t.Fatal(err)
		}
		admin := adminOf(w.district)
		p, err := s.PlanMerge(ctx, admin, c2Code, c1Code)
		if err != nil || p.OpenDossiers != 3 || p.Officers != 1 {
			t.Fatalf("plan %+v %v", p, err)
		}

		if err := s.MergeAs(ctx, admin, c2Code, c1Code, "QĐ 3"); err == nil {
			t.Fatal("a listener refused, yet the merge went through")
		}
		if u, _ := s.ByCode(ctx, c2Code); !u.Active {
			t.Fatal("a refused merge left the unit merged")
		}
		if n, _ := auth.CountHolders(ctx, db, w.c1.ID); n != 0 {
			t.Fatalf("a refused merge moved %d officers", n)
		}

		if err := s.MergeAs(ctx, admin, c2Code, c1Code, "QĐ 3"); err != nil {
			t.Fatal(err)
		}
		last := got[len(got)-1]
		if last.From != w.c2.ID || last.Into != w.c1.ID || last.FromCode != c2Code || last.IntoCode != c1Code || last.Reason != "QĐ 3" || last.At.IsZero() {
			t.Fatalf("event %+v", last)
		}
		a, err := au.UserByName(ctx, "xa2.tiepnhan")
		if err != nil {
			t.Fatal(err)
		}
		if !a.Has(auth.Reception, w.c1.ID) || !a.Has(auth.Reception, w.c2.ID) || a.Grants[0].UnitCode != c1Code {
			t.Fatalf("officer's roles after the merge: %+v", a.Grants)
		}
	})
}
