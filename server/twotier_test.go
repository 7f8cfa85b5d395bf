package server_test

import (
	"testing"

	"github.com/motcua/motcua/auth"
	"github.com/motcua/motcua/demo"
	"github.com/motcua/motcua/store"
	"github.com/motcua/motcua/store/storetest"
	"github.com/motcua/motcua/unit"
)

// The two-tier world built beside the demo's 2022 one: commune X of the
// province since 1 July 2025, receiving through its service centre, and
// the land registration branch serving it.
const (
	ttCommune = "000.08.37.H40"
	ttCentre  = "000.18.37.H40"
	ttBranch  = "000.20.37.H40"
)

// withTwoTier builds the units, the competence rule (district → commune),
// the officers, and a version of the land procedure whose district steps
// name the land registration branch.
func withTwoTier(t *testing.T, e *env) {
	t.Helper()
	ctx := t.Context()
	july, err := unit.Day("2025-07-01")
	if err != nil {
		t.Fatal(err)
	}
	err = e.app.DB.InTx(ctx, func(tx *store.Tx) error {
		ids := map[string]int64{}
		for _, u := range []struct{ code, name, level, kind, parent string }{
			{ttCommune, "UBND xã Nho Quan", unit.Commune, "", demo.ProvinceCode},
			{ttCentre, "Trung tâm PVHCC xã Nho Quan", unit.Commune, unit.Centre, ttCommune},
			{ttBranch, "Chi nhánh VPĐKĐĐ khu vực Nho Quan", unit.Province, unit.LandBranch, demo.ProvinceCode},
		} {
			got, err := e.app.Units.Create(ctx, tx, unit.Unit{Code: u.code, Name: u.name, Level: u.level, Kind: u.kind, ValidFrom: july}, u.parent)
			if err != nil {
				return err
			}
			ids[u.code] = got.ID
		}
		if err := e.app.Units.Serve(ctx, tx, ids[ttBranch], ids[ttCommune], july); err != nil {
			return err
		}
		if err := e.app.Units.AddCompetence(ctx, tx, unit.Competence{Plan: "test", From: july, FromLevel: unit.District, ToLevel: unit.Commune}); err != nil {
			return err
		}
		land, err := e.app.Catalog.Get(ctx, "1.012783")
		if err != nil {
			return err
		}
		for i := range land.Steps {
			if land.Steps[i].Level == unit.District {
				land.Steps[i].Kind = unit.LandBranch
			}
		}
		_, err = e.app.Catalog.Publish(ctx, tx, land, 0)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	for _, o := range []struct{ user, role, unit string }{
		{"ttxa.tiepnhan", auth.Reception, ttCentre},
		{"xa.chuyenvien", auth.Specialist, ttCommune}, {"xa.lanhdao", auth.Leader, ttCommune}, {"xa.vanthu", auth.Clerk, ttCommune},
		{"cn.chuyenvien", auth.Specialist, ttBranch}, {"cn.lanhdao", auth.Leader, ttBranch}, {"cn.vanthu", auth.Clerk, ttBranch},
	} {
		e.newOfficer(o.user, o.role, o.unit)
	}
}

// TestTwoTierRouting: through the real app, a land dossier received at the
// commune's service centre goes to the land registration branch for its
// registration steps and comes back to the centre for the result; a
// certification stays at the commune's committee.
func TestTwoTierRouting(t *testing.T) {
	storetest.Engines(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		withTwoTier(t, e)
		holders := map[string]map[string]string{
			ttCommune: {auth.Specialist: "xa.chuyenvien", auth.Leader: "xa.lanhdao", auth.Clerk: "xa.vanthu"},
			ttBranch:  {auth.Specialist: "cn.chuyenvien", auth.Leader: "cn.lanhdao", auth.Clerk: "cn.vanthu"},
		}
		cases := []struct {
			name, procedure string
			stepsAt         []string // the unit of each processing step, in order
		}{
			{"land: the registration steps at the branch", "1.012783", []string{ttBranch, ttBranch, ttBranch}},
			{"certification: at the commune committee", "2.000815", []string{ttCommune, ttCommune}},
		}
		for _, c := range cases {
			t.Run(c.name, func(t *testing.T) {
				p := e.procedure(c.procedure)
				in := submission(p, ttCentre)
				in["channel"] = "counter"
				var d dossierView
				e.must(e.call("ttxa.tiepnhan", "POST", "/api/v1/dossiers", in, &d), 201)
				for _, comp := range p.Components {
					if comp.Required {
						e.must(e.upload("ttxa.tiepnhan", d.Code, comp.Key, "scan.pdf", samplePDF), 201)
					}
				}
				d = e.mustAct("ttxa.tiepnhan", d.Code, "receive", nil)
				var got []string
				for i := 0; d.Status == "processing"; i++ {
					if i > 10 {
						t.Fatal("workflow does not end")
					}
					got = append(got, d.Unit)
					who := holders[d.Unit][d.StepRole]
					if who == "" {
						t.Fatalf("step %d (%s) at %s: no officer there", d.Step, d.StepRole, d.Unit)
					}
					action := "forward"
					if d.StepRole == auth.Leader {
						action = "approve"
					}
					d = e.mustAct(who, d.Code, action, nil)
				}
				if len(got) != len(c.stepsAt) {
					t.Fatalf("steps at %v, want %v", got, c.stepsAt)
				}
				for i := range got {
					if got[i] != c.stepsAt[i] {
						t.Fatalf("steps at %v, want %v", got, c.stepsAt)
					}
				}
				if d.Status != "result_ready" || d.Unit != ttCentre || d.ReceivingUnit != ttCentre {
					t.Fatalf("result: %s at %s (received at %s), want result_ready at the centre %s", d.Status, d.Unit, d.ReceivingUnit, ttCentre)
				}
				e.mustAct("ttxa.tiepnhan", d.Code, "deliver", nil)
			})
		}
	})
}

// TestTwoTierFiling: a citizen files with the commune's People's
// Committee and its service centre receives the dossier; the centre or
// the land registration branch named as the competent unit of a dossier
// filed elsewhere is refused, since neither decides a dossier filed with it.
func TestTwoTierFiling(t *testing.T) {
	storetest.Engines(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		withTwoTier(t, e)
		d := e.submit(household, ttCommune)
		if d.ReceivingUnit != ttCentre || d.Unit != ttCentre {
			t.Fatalf("filed with the commune: received at %s, held at %s; want the centre %s", d.ReceivingUnit, d.Unit, ttCentre)
		}
		e.mustAct("ttxa.tiepnhan", d.Code, "receive", nil)
		for _, competent := range []string{ttCentre, ttBranch} {
			in := submission(e.procedure(household), demo.GiaLamCode)
			in["competent_unit"] = competent
			r := e.call("congdan", "POST", "/api/v1/dossiers", in, nil)
			if r.status != 422 || r.errCode() != "procedure_not_at_unit" {
				t.Errorf("competent unit %s: %d %s, want 422 procedure_not_at_unit", competent, r.status, r.body)
			}
		}
	})
}
