package reorg_test

import (
	"encoding/json"
	"errors"
	"testing"

	"github.com/motcua/motcua/audit"
	"github.com/motcua/motcua/auth"
	"github.com/motcua/motcua/dossier"
	"github.com/motcua/motcua/forms"
	"github.com/motcua/motcua/problem"
	"github.com/motcua/motcua/reorg"
	"github.com/motcua/motcua/store"
	"github.com/motcua/motcua/store/storetest"
)

var basis = []string{"Nghị quyết thử nghiệm số 1/NQ-TEST"}

// mergePlan folds communes 1 and 2 into a new commune under the district.
func mergePlan(id, effective string) reorg.Plan {
	return reorg.Plan{ID: id, Title: "Sáp nhập xã Một và xã Hai", Effective: effective, Basis: basis,
		Create: []reorg.Create{{Code: newComm, Name: "UBND xã Mới", Level: "commune", Kind: "committee", Parent: district, StatCode: "98104"}},
		Merge:  []reorg.Merge{{Into: newComm, From: []string{c1, c2}}}}
}

// abolishPlan ends the district: its communes move under the province,
// land work goes to the land registration branch, other district work to
// the commune.
func abolishPlan(id string, competence bool) reorg.Plan {
	p := reorg.Plan{ID: id, Title: "Kết thúc cấp huyện", Effective: "2025-07-01", Basis: basis,
		Move:    []reorg.Move{{Unit: c1, Parent: province}, {Unit: c2, Parent: province}, {Unit: c3, Parent: province}},
		Abolish: []reorg.Abolish{{Unit: district}}}
	if competence {
		p.Competence = []reorg.Competence{
			{Procedures: []string{land}, FromLevel: "district", ToLevel: "commune", ToKind: "land_branch"},
			{FromLevel: "district", ToLevel: "commune"},
		}
	}
	return p
}

// state is everything a plan may change, read through the owners' read
// functions: comparing two states says whether anything changed.
func (w *world) state() string {
	w.t.Helper()
	ctx := w.t.Context()
	units, err := w.app.Units.List(ctx)
	if err != nil {
		w.t.Fatal(err)
	}
	var ids []int64
	var history []any
	for _, u := range units {
		ids = append(ids, u.ID)
		h, err := w.app.Units.History(ctx, u.ID)
		if err != nil {
			w.t.Fatal(err)
		}
		history = append(history, h)
	}
	open, err := dossier.OpenPlacements(ctx, w.db, ids)
	if err != nil {
		w.t.Fatal(err)
	}
	roles, err := auth.RolesAt(ctx, w.db, ids, nil)
	if err != nil {
		w.t.Fatal(err)
	}
	counters, err := forms.Counters(ctx, w.db, ids)
	if err != nil {
		w.t.Fatal(err)
	}
	rules, err := w.app.Units.CompetenceRules(ctx)
	if err != nil {
		w.t.Fatal(err)
	}
	plans, err := w.app.Reorg.List(ctx)
	if err != nil {
		w.t.Fatal(err)
	}
	b, err := json.Marshal([]any{units, history, open, roles, counters, rules, plans})
	if err != nil {
		w.t.Fatal(err)
	}
	return string(b)
}

// TestMergeMovesOpenDossiersAndRoles: merging two communes into a new one
// moves their open dossiers (deadline kept) and their officers' roles to
// the new commune, keeps a closed dossier where it was closed, continues
// the numbering register, and reports all of it.
func TestMergeMovesOpenDossiersAndRoles(t *testing.T) {
	storetest.Engines(t, func(t *testing.T, db *store.DB) {
		ctx := t.Context()
		w := newWorld(t, db)
		open := w.filed(certify, c1, "xa1.tiepnhan")
		w.receipt(open.Code, "xa1.tiepnhan")
		closed := w.filed(certify, c2, "xa2.tiepnhan")
		w.act(closed.Code, "xa2.tiepnhan", dossier.Withdraw)
		before := w.get(open.Code)

		rep, err := w.app.Reorg.Apply(ctx, nil, mergePlan("merge-2025", "2025-07-01"))
		if err != nil {
			t.Fatalf("apply: %v (%+v)", err, rep.Refused)
		}
		after := w.get(open.Code)
		cases := []struct {
			name      string
			got, want any
		}{
			{"the report says applied", rep.State, reorg.Applied},
			{"the open dossier is at the new commune", after.Unit, w.unitID(newComm)},
			{"and received there", after.Receiving, w.unitID(newComm)},
			{"its deadline is kept", after.Due.Equal(before.Due), true},
			{"its state is kept", after.State, before.State},
			{"the closed dossier stays", w.get(closed.Code).Unit, w.unitID(c2)},
			{"one dossier moved", len(rep.Dossiers), 1},
			{"the moved dossier is reported from commune 1", len(rep.Dossiers) == 1 && rep.Dossiers[0].From == c1 && rep.Dossiers[0].To == newComm, true},
			{"counted by state", rep.ByState[string(before.State)], 1},
			{"reception of commune 1 holds the role at the new commune", w.holds("xa1.tiepnhan", auth.Reception, newComm), true},
			{"reception of commune 2 too", w.holds("xa2.tiepnhan", auth.Reception, newComm), true},
			{"roles are reported", len(rep.Roles) >= 4, true},
			{"the register continues", w.counter(newComm, forms.Receipt, 2025), int64(1)},
			{"and is reported", len(rep.Registers) == 1 && rep.Registers[0].ContinuesFrom == 1 && rep.Registers[0].Unit == newComm, true},
			{"units reported: a create and two merges", len(rep.Units), 3},
		}
		for _, c := range cases {
			t.Run(c.name, func(t *testing.T) {
				if c.got != c.want {
					t.Fatalf("got %v, want %v", c.got, c.want)
				}
			})
		}
	})
}

// holds reports whether username holds role at unit code.
func (w *world) holds(username, role, code string) bool {
	w.t.Helper()
	roles, err := auth.RolesAt(w.t.Context(), w.db, []int64{w.unitID(code)}, nil)
	if err != nil {
		w.t.Fatal(err)
	}
	for _, r := range roles {
		if r.Username == username && r.Role == role {
			return true
		}
	}
	return false
}

// counter is the last number of a unit's register, 0 for none.
func (w *world) counter(code, series string, year int) int64 {
	w.t.Helper()
	cs, err := forms.Counters(w.t.Context(), w.db, []int64{w.unitID(code)})
	if err != nil {
		w.t.Fatal(err)
	}
	for _, c := range cs {
		if c.Series == series && c.Year == year {
			return c.N
		}
	}
	return 0
}

// TestAbolishReroutesDistrictWork: ending the district sends a land
// dossier at a district step to the land registration branch, and another
// district dossier to the commune, as the plan's competence rules say.
func TestAbolishReroutesDistrictWork(t *testing.T) {
	storetest.Engines(t, func(t *testing.T, db *store.DB) {
		ctx := t.Context()
		w := newWorld(t, db)
		toBranch := w.filed(land, c1, "xa1.tiepnhan")
		toCommune := w.filed(land2, c1, "xa1.tiepnhan")
		for _, d := range []string{toBranch.Code, toCommune.Code} {
			if got := w.get(d).Unit; got != w.unitID(district) {
				t.Fatalf("dossier %s at unit %d before the plan, want the district", d, got)
			}
		}
		rep, err := w.app.Reorg.Apply(ctx, nil, abolishPlan("end-district", true))
		if err != nil {
			t.Fatalf("apply: %v (%+v)", err, rep.Refused)
		}
		cases := []struct {
			name, code, want string
		}{
			{"the land dossier goes to the branch", toBranch.Code, branch},
			{"the other district work goes to the commune", toCommune.Code, c1},
		}
		for _, c := range cases {
			t.Run(c.name, func(t *testing.T) {
				if got := w.get(c.code).Unit; got != w.unitID(c.want) {
					t.Fatalf("at unit %d, want %s (%d)", got, c.want, w.unitID(c.want))
				}
			})
		}
		if len(rep.Dossiers) != 2 {
			t.Errorf("reported %d dossiers moved, want 2: %+v", len(rep.Dossiers), rep.Dossiers)
		}
	})
}

// TestApplyTwiceIsANoOp: the same plan again changes nothing and says so;
// the same id with other content is refused.
func TestApplyTwiceIsANoOp(t *testing.T) {
	storetest.Engines(t, func(t *testing.T, db *store.DB) {
		ctx := t.Context()
		w := newWorld(t, db)
		w.filed(certify, c1, "xa1.tiepnhan")
		p := mergePlan("merge-2025", "2025-07-01")
		if _, err := w.app.Reorg.Apply(ctx, nil, p); err != nil {
			t.Fatal(err)
		}
		once := w.state()
		rep, err := w.app.Reorg.Apply(ctx, nil, p)
		if err != nil || rep.State != reorg.Already {
			t.Fatalf("second apply: %s, %v", rep.State, err)
		}
		if w.state() != once {
			t.Error("applying the plan again changed something")
		}
		changed := p
		changed.Title = "Sáp nhập khác"
		_, err = w.app.Reorg.Apply(ctx, nil, changed)
		if code(err) != "plan_changed" || !errors.Is(err, problem.ErrConflict) {
			t.Errorf("changed content: %v, want 409 plan_changed", err)
		}
		if w.state() != once {
			t.Error("the refused plan changed something")
		}
	})
}

func code(err error) string {
	var pe *problem.Error
	if errors.As(err, &pe) {
		return pe.Code
	}
	return ""
}

// TestDryRunChangesNothing: the dry run reports what apply does, and
// leaves every table as it was.
func TestDryRunChangesNothing(t *testing.T) {
	storetest.Engines(t, func(t *testing.T, db *store.DB) {
		ctx := t.Context()
		w := newWorld(t, db)
		w.filed(certify, c1, "xa1.tiepnhan")
		w.filed(land, c2, "xa2.tiepnhan")
		plan := mergePlan("merge-2025", "2025-07-01")
		before := w.state()
		dry, err := w.app.Reorg.DryRun(ctx, nil, plan)
		if err != nil {
			t.Fatal(err)
		}
		if w.state() != before {
			t.Fatal("the dry run changed the database")
		}
		applied, err := w.app.Reorg.Apply(ctx, nil, plan)
		if err != nil {
			t.Fatal(err)
		}
		if w.state() == before {
			t.Fatal("apply changed nothing")
		}
		if dry.State != reorg.DryRun || len(dry.Dossiers) != len(applied.Dossiers) || len(dry.Roles) != len(applied.Roles) ||
			len(dry.Units) != len(applied.Units) || len(dry.Dossiers) != 2 {
			t.Errorf("dry run %+v\ndiffers from apply %+v", dry, applied)
		}
	})
}

// TestRefusalsChangeNothing: a plan the tree does not allow returns its
// refusal with the field at fault and changes nothing.
func TestRefusalsChangeNothing(t *testing.T) {
	storetest.Engines(t, func(t *testing.T, db *store.DB) {
		ctx := t.Context()
		w := newWorld(t, db)
		w.filed(land, c1, "xa1.tiepnhan") // at the district step
		unknown := mergePlan("unknown", "2025-07-01")
		unknown.Merge[0].From = []string{c1, "000.77.01.H98"}
		children := abolishPlan("children", true)
		children.Move = nil
		cases := []struct {
			name        string
			plan        reorg.Plan
			code, field string
		}{
			{"an unknown unit", unknown, "unit_not_found", "merge[0].from[1]"},
			{"abolishing a unit with active children", children, "abolish_children", "abolish[0].unit"},
			{"a dossier no rule routes", abolishPlan("orphan", false), "reorg_dossier_orphaned", ""},
		}
		for _, c := range cases {
			t.Run(c.name, func(t *testing.T) {
				before := w.state()
				for _, run := range []func() (reorg.Report, error){
					func() (reorg.Report, error) { return w.app.Reorg.DryRun(ctx, nil, c.plan) },
					func() (reorg.Report, error) { return w.app.Reorg.Apply(ctx, nil, c.plan) },
				} {
					rep, err := run()
					if code(err) != c.code {
						t.Fatalf("err %v, want %s", err, c.code)
					}
					if rep.State != reorg.Refused || len(rep.Refused) != 1 || rep.Refused[0].Code != c.code ||
						(c.field != "" && rep.Refused[0].Field != c.field) {
						t.Fatalf("report %s %+v, want refused %s at %s", rep.State, rep.Refused, c.code, c.field)
					}
				}
				if w.state() != before {
					t.Fatal("the refused plan changed something")
				}
			})
		}
	})
}

// TestScheduledPlan: a plan dated in the future is checked and scheduled
// without changing the tree; it can be reverted before its date, applied
// again, and is carried out by RunDue once its date has come. The audit
// log records each step.
func TestScheduledPlan(t *testing.T) {
	storetest.Engines(t, func(t *testing.T, db *store.DB) {
		ctx := t.Context()
		w := newWorld(t, db)
		d := w.filed(certify, c1, "xa1.tiepnhan")
		p := mergePlan("merge-later", "2025-09-01")
		before := w.state()
		rep, err := w.app.Reorg.Apply(ctx, nil, p)
		if err != nil || rep.State != reorg.Scheduled || len(rep.Dossiers) != 1 {
			t.Fatalf("apply: %s %v %+v", rep.State, err, rep.Dossiers)
		}
		if got := w.get(d.Code).Unit; got != w.unitID(c1) {
			t.Fatal("scheduling moved the dossier")
		}
		if n, err := w.app.Reorg.RunDue(ctx); err != nil || n != 0 {
			t.Fatalf("RunDue before the date: %d %v", n, err)
		}
		if err := w.app.Reorg.Revert(ctx, nil, p.ID); err != nil {
			t.Fatal(err)
		}
		if rec, _ := w.app.Reorg.Get(ctx, p.ID); rec.State != reorg.Reverted {
			t.Fatalf("after revert: %s", rec.State)
		}
		if n, err := w.app.Reorg.RunDue(ctx); err != nil || n != 0 {
			t.Fatalf("RunDue of a reverted plan: %d %v", n, err)
		}
		if rep, err := w.app.Reorg.Apply(ctx, nil, p); err != nil || rep.State != reorg.Scheduled {
			t.Fatalf("apply again: %s %v", rep.State, err)
		}
		w.clock.Set(w.clock.Now().AddDate(0, 1, 1)) // 2 September 2025
		if n, err := w.app.Reorg.RunDue(ctx); err != nil || n != 1 {
			t.Fatalf("RunDue at the date: %d %v", n, err)
		}
		if got := w.get(d.Code).Unit; got != w.unitID(newComm) {
			t.Fatalf("after RunDue the dossier is at %d, want the new commune", got)
		}
		if rec, _ := w.app.Reorg.Get(ctx, p.ID); rec.State != reorg.Applied || rec.Report == nil {
			t.Fatalf("after RunDue: %s", rec.State)
		}
		if err := w.app.Reorg.Revert(ctx, nil, p.ID); code(err) != "reorg_not_revertible" {
			t.Fatalf("revert of an applied plan: %v", err)
		}
		if w.state() == before {
			t.Fatal("nothing changed")
		}
		entries, err := w.app.Audit.List(ctx, audit.Filter{Object: "reorg:" + p.ID})
		if err != nil {
			t.Fatal(err)
		}
		var actions []string
		for _, e := range entries {
			actions = append(actions, e.Action)
		}
		want := []string{"reorg_scheduled", "reorg_reverted", "reorg_scheduled", "reorg_applied"}
		if len(actions) != len(want) {
			t.Fatalf("audit actions %v, want %v", actions, want)
		}
		for i := range want {
			if actions[i] != want[i] && actions[len(actions)-1-i] != want[i] {
				t.Fatalf("audit actions %v, want %v", actions, want)
			}
		}
	})
}

// TestActorMustAdminister: an officer may apply a plan only for units they
// administer.
func TestActorMustAdminister(t *testing.T) {
	storetest.Engines(t, func(t *testing.T, db *store.DB) {
		ctx := t.Context()
		w := newWorld(t, db)
		p := abolishPlan("end-district", true)
		before := w.state()
		if _, err := w.app.Reorg.DryRun(ctx, w.officers["huyen.quantri"], p); !errors.Is(err, problem.ErrForbidden) {
			t.Fatalf("district admin: %v, want 403", err)
		}
		if _, err := w.app.Reorg.Apply(ctx, w.officers["xa1.tiepnhan"], p); !errors.Is(err, problem.ErrForbidden) {
			t.Fatalf("reception: %v, want 403", err)
		}
		if w.state() != before {
			t.Fatal("a refused actor changed something")
		}
		if _, err := w.app.Reorg.Apply(ctx, w.officers["tinh.quantri"], p); err != nil {
			t.Fatalf("province admin: %v", err)
		}
	})
}

// TestScheduledAbolition: a plan dated after today that ends the district
// and creates the land registration branch is checked against the chart
// it opens (not today's, where neither the branch nor its rules are in
// force yet), scheduled, and carried out when its date comes.
func TestScheduledAbolition(t *testing.T) {
	storetest.Engines(t, func(t *testing.T, db *store.DB) {
		ctx := t.Context()
		w := newWorld(t, db)
		d := w.filed(land, c1, "xa1.tiepnhan")
		p := abolishPlan("end-district-later", true)
		p.Effective = "2025-09-01"
		const newBranch = "000.00.91.H98"
		p.Create = []reorg.Create{{Code: newBranch, Name: "Chi nhánh mới", Level: "district", Kind: "land_branch",
			Parent: province, Serves: []string{c1}}}
		// The old branch no longer serves commune 1: only the plan's can take its land work.
		p.Abolish = append(p.Abolish, reorg.Abolish{Unit: branch})
		rep, err := w.app.Reorg.Apply(ctx, nil, p)
		if err != nil || rep.State != reorg.Scheduled {
			t.Fatalf("apply: %s %v %+v", rep.State, err, rep.Refused)
		}
		if len(rep.Dossiers) != 1 || rep.Dossiers[0].To != newBranch {
			t.Fatalf("the scheduled report moves %+v, want the dossier to the new branch", rep.Dossiers)
		}
		if got := w.get(d.Code).Unit; got != w.unitID(district) {
			t.Fatal("scheduling moved the dossier")
		}
		w.clock.Set(w.clock.Now().AddDate(0, 1, 1))
		if n, err := w.app.Reorg.RunDue(ctx); err != nil || n != 1 {
			t.Fatalf("RunDue: %d %v", n, err)
		}
		if got := w.get(d.Code).Unit; got != w.unitID(newBranch) {
			t.Fatalf("after the date the dossier is at %d, want the new branch", got)
		}
	})
}
