package demo_test

import (
	"testing"

	"github.com/motcua/motcua/auth"
	"github.com/motcua/motcua/demo"
	"github.com/motcua/motcua/dossier"
	"github.com/motcua/motcua/problem"
	"github.com/motcua/motcua/store"
	"github.com/motcua/motcua/store/storetest"
)

// TestTwoTierLand (issue 16): serve --demo's world has cadastral records
// for its ten communes and wards, once; a land dossier received at a
// commune's service centre is checked against that commune's registry.
func TestTwoTierLand(t *testing.T) {
	storetest.Engines(t, func(t *testing.T, db *store.DB) {
		ctx := t.Context()
		app := newApp(t, db)
		if _, err := demo.LoadTwoTier(ctx, db, app.Units, app.Auth, app.Reorg); err != nil {
			t.Fatal(err)
		}
		for _, c := range []struct {
			world string
			want  int
		}{{demo.World2022, 0}, {demo.WorldTwoTier, 400}, {demo.WorldTwoTier, 0}} {
			if n, err := demo.LoadLand(ctx, app.Land, c.world); err != nil || n != c.want {
				t.Fatalf("LoadLand(%s) = %d, %v; want %d", c.world, n, err, c.want)
			}
		}
		p, err := app.Land.Find(ctx, nil, demo.GiaLam2025Code, "1", "5")
		if err != nil || len(p.Certificates) != 1 || p.Certificates[0].Serial != "DM 0237000005" || len(p.Holders) != 1 {
			t.Fatalf("Gia Lâm's parcel 1/5: %+v %v", p, err)
		}
		transfer := func(receiving, applicant string) *dossier.Dossier {
			return &dossier.Dossier{Procedure: "1.013831", ReceivingUnit: receiving, Applicant: dossier.Applicant{IDNumber: applicant},
				Form: map[string]string{"so_to_ban_do": "1", "so_thua": "5"}}
		}
		for _, c := range []struct {
			name, receiving, applicant, code string
		}{
			{"the holder at the commune's centre", demo.GiaLamCentreCode, p.Holders[0].IDNumber, ""},
			{"the holder at the committee", demo.GiaLam2025Code, p.Holders[0].IDNumber, ""},
			{"someone else at the centre", demo.GiaLamCentreCode, "001099009999", "land_not_holder"},
		} {
			got, err := app.Land.Check(ctx, nil, transfer(c.receiving, c.applicant))
			var code string
			if pe, ok := err.(*problem.Error); ok {
				code = pe.Code
			} else if err != nil {
				t.Fatalf("%s: %v", c.name, err)
			}
			if code != c.code || got == nil || got.ID != p.ID {
				t.Errorf("%s: parcel %+v, refusal %q, want %q", c.name, got, code, c.code)
			}
		}
		// The wizard's lookup by sheet and number at the unit filed at: the
		// centre finds its commune's parcel for its user.
		citizen := &auth.Actor{User: auth.User{Kind: "citizen"}, Verified: &auth.Verified{IDNumber: p.Holders[0].IDNumber}}
		if got, err := app.Land.Parcel(ctx, citizen, demo.GiaLamCentreCode, "1", "5"); err != nil || got.ID != p.ID {
			t.Fatalf("a user's lookup at the centre: %+v %v", got, err)
		}
		if n, err := app.Land.Count(ctx, demo.GiaLamCentreCode); err != nil || n != 0 {
			t.Fatalf("parcels filed under the centre: %d %v", n, err)
		}
	})
}
