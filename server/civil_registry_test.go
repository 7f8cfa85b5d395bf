package server_test

import (
	"errors"
	"testing"

	"github.com/motcua/motcua/auth"
	"github.com/motcua/motcua/civil"
	"github.com/motcua/motcua/demo"
	"github.com/motcua/motcua/problem"
	"github.com/motcua/motcua/store"
	"github.com/motcua/motcua/store/storetest"
)

// TestEvaluationCycle (issue 16): Gia Lâm's leader opens the 2025 cycle;
// each officer writes their own self-assessment, the leader records the
// meeting's review and decides — the leader's own level is the
// district's leader's to decide; every step follows the state table, only
// the right people may take it, each is audited, and the decision keeps
// the officer's one-stop figures of the year.
func TestEvaluationCycle(t *testing.T) {
	t.Parallel()
	storetest.Engines(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		ctx := t.Context()
		if n, err := demo.LoadCivil(ctx, e.app.Auth, e.app.Civil); err != nil || n != 12 {
			t.Fatalf("demo records: %d, %v", n, err)
		}
		// A dossier handled at Gia Lâm in 2026 is no evidence for 2025; one
		// in the year the cycle evaluates is (the clock is March 2026, so
		// the test evaluates 2026 too, below).
		d := e.submit("1.001193", demo.GiaLamCode)
		e.mustAct("gialam.tiepnhan", d.Code, "receive", nil)
		e.processToResult(d.Code)

		actor := func(name string) *auth.Actor {
			a, err := e.app.Auth.UserByName(ctx, name)
			if err != nil {
				t.Fatal(err)
			}
			return a
		}
		gl, err := e.app.Units.ByCode(ctx, demo.GiaLamCode)
		if err != nil {
			t.Fatal(err)
		}
		lead, spec, desk := actor("gialam.lanhdao"), actor("gialam.chuyenvien"), actor("gialam.tiepnhan")
		district, other := actor("huyen.lanhdao"), actor("huyen.chuyenvien")
		for _, a := range []*auth.Actor{spec, desk, other, actor("gialam.quantri")} {
			if _, err := e.app.Civil.Open(ctx, a, gl.ID, 2026); !errors.Is(err, problem.ErrForbidden) {
				t.Errorf("%s opened the cycle: %v", a.Username, err)
			}
		}
		if _, err := e.app.Civil.Open(ctx, lead, gl.ID, 2027); !errors.Is(err, problem.ErrInvalid) {
			t.Errorf("a cycle of next year opened: %v", err)
		}
		if _, err := e.app.Civil.Open(ctx, lead, gl.ID, 2026); err != nil {
			t.Fatal(err)
		}
		list, isLead, found, err := e.app.Civil.CycleOf(ctx, lead, gl.ID, 2026)
		if err != nil || !isLead || !found || len(list) != 5 {
			t.Fatalf("the cycle: %d evaluations, lead %v found %v, %v", len(list), isLead, found, err)
		}
		mine, _, _, _ := e.app.Civil.CycleOf(ctx, spec, gl.ID, 2026)
		if len(mine) != 1 || mine[0].Person.UserID != spec.ID {
			t.Fatalf("the specialist sees %d evaluations", len(mine))
		}
		byUser := map[int64]civil.Evaluation{}
		for _, ev := range list {
			byUser[ev.Person.UserID] = ev
		}
		type step struct {
			who  *auth.Actor
			of   *auth.Actor
			act  string
			in   civil.Input
			want error // the kind of error, nil for done
		}
		votes := map[string]int{civil.Good: 4, civil.Done: 1}
		steps := []step{
			{lead, spec, civil.ActReview, civil.Input{Text: "x", Votes: votes}, problem.ErrState},
			{desk, spec, civil.ActSelf, civil.Input{Text: "x", Level: civil.Good}, problem.ErrForbidden},
			{spec, spec, civil.ActSelf, civil.Input{Text: "x", Level: "gioi"}, problem.ErrInvalid},
			{spec, spec, civil.ActSelf, civil.Input{Text: "Hoàn thành 100% hồ sơ hộ tịch đúng hạn.", Level: civil.Good}, nil},
			{spec, spec, civil.ActSelf, civil.Input{Text: "x", Level: civil.Good}, problem.ErrState},
			{spec, spec, civil.ActReview, civil.Input{Text: "x", Votes: votes}, problem.ErrForbidden},
			{other, spec, civil.ActReview, civil.Input{Text: "x", Votes: votes}, problem.ErrForbidden},
			{lead, spec, civil.ActReview, civil.Input{Text: "Tập thể thống nhất đề xuất mức tốt.", Votes: votes}, nil},
			{desk, spec, civil.ActDecide, civil.Input{Level: civil.Good}, problem.ErrForbidden},
			{lead, spec, civil.ActDecide, civil.Input{Level: civil.Good, Text: "Đồng ý."}, nil},
			// The leader's own evaluation: theirs to write, the district's to decide.
			{lead, lead, civil.ActSelf, civil.Input{Text: "Lãnh đạo xã hoàn thành các chỉ tiêu.", Level: civil.Excellent}, nil},
			{district, lead, civil.ActReview, civil.Input{Text: "Thống nhất.", Votes: map[string]int{civil.Excellent: 5}}, nil},
			{lead, lead, civil.ActDecide, civil.Input{Level: civil.Excellent}, problem.ErrForbidden},
			{district, lead, civil.ActDecide, civil.Input{Level: civil.Good}, nil},
		}
		for i, s := range steps {
			cur, err := e.app.Civil.Evaluation(ctx, lead, byUser[s.of.ID].ID)
			if err != nil {
				t.Fatal(err)
			}
			s.in.Version = cur.Version
			err = e.app.Civil.Act(ctx, s.who, cur.ID, s.act, s.in)
			if s.want == nil && err != nil || s.want != nil && !errors.Is(err, s.want) {
				t.Errorf("step %d: %s %s on %s's: %v, want %v", i, s.who.Username, s.act, s.of.Username, err, s.want)
			}
		}
		ev, err := e.app.Civil.Evaluation(ctx, spec, byUser[spec.ID].ID)
		if err != nil {
			t.Fatal(err)
		}
		if ev.State != civil.StateDecided || ev.Level != civil.Good || ev.SelfLevel != civil.Good || ev.Votes[civil.Good] != 4 || ev.Evidence == nil {
			t.Fatalf("decided: %+v", ev)
		}
		fig, err := e.app.Civil.Figures(ctx, spec.ID, 2026)
		if err != nil {
			t.Fatal(err)
		}
		if *ev.Evidence != fig || fig.Handled != 1 || fig.Ended != 1 || fig.OnTime != 1 {
			t.Errorf("evidence kept %+v, figures %+v: want the one dossier, on time", *ev.Evidence, fig)
		}
		if _, err := e.app.Civil.Evaluation(ctx, desk, byUser[spec.ID].ID); !errors.Is(err, problem.ErrNotFound) {
			t.Errorf("a colleague read the specialist's evaluation: %v", err)
		}
		if lv, _ := e.app.Civil.Evaluation(ctx, lead, byUser[lead.ID].ID); lv.Level != civil.Good || lv.DecidedBy != district.ID {
			t.Errorf("the leader's evaluation: level %q by %d", lv.Level, lv.DecidedBy)
		}
		var n int
		if err := db.QueryRowContext(ctx, `SELECT COUNT(*) FROM audit_entries WHERE action LIKE 'civil_evaluation_%'`).Scan(&n); err != nil || n != 6 {
			t.Errorf("audited steps: %d, %v; want 6", n, err)
		}
	})
}
