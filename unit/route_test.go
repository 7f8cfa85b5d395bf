package unit_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/motcua/motcua/problem"
	"github.com/motcua/motcua/store"
	"github.com/motcua/motcua/store/storetest"
	"github.com/motcua/motcua/unit"
)

// The two-tier world of these tests: a province whose communes X and Y
// receive through their service centres, a land registration branch
// serving both from 1 July 2025, and the district rule of that date
// (district → commune). Beside them, a 2022 district H with commune Z.
const (
	pCode       = "000.00.00.H40"
	xCode       = "000.01.37.H40"
	xCentreCode = "000.11.37.H40"
	yCode       = "000.02.37.H40"
	yCentreCode = "000.12.37.H40"
	branchCode  = "000.20.37.H40"
	hCode       = "000.00.07.H40"
	zCode       = "000.03.07.H40"
)

func day(t *testing.T, s string) time.Time {
	t.Helper()
	d, err := unit.Day(s)
	if err != nil {
		t.Fatal(err)
	}
	return d
}

type twoTier struct {
	s   *unit.Store
	ids map[string]unit.Unit
}

func newTwoTier(t *testing.T, db *store.DB) twoTier {
	t.Helper()
	ctx := context.Background()
	w := twoTier{s: unit.NewStore(db, func() time.Time { return day(t, "2025-01-01") }), ids: map[string]unit.Unit{}}
	july := day(t, "2025-07-01")
	err := db.InTx(ctx, func(tx *store.Tx) error {
		for _, u := range []struct {
			code, name, level, kind, parent string
			from                            time.Time
		}{
			{pCode, "UBND tỉnh Ninh Bình", unit.Province, "", "", time.Time{}},
			{hCode, "UBND huyện Nho Quan", unit.District, "", pCode, time.Time{}},
			{zCode, "UBND xã Gia Lâm", unit.Commune, "", hCode, time.Time{}},
			{xCode, "UBND xã Nho Quan", unit.Commune, "", pCode, july},
			{xCentreCode, "Trung tâm PVHCC xã Nho Quan", unit.Commune, unit.Centre, xCode, july},
			{yCode, "UBND xã Gia Viễn", unit.Commune, "", pCode, july},
			{yCentreCode, "Trung tâm PVHCC xã Gia Viễn", unit.Commune, unit.Centre, yCode, july},
			{branchCode, "Chi nhánh VPĐKĐĐ khu vực Nho Quan", unit.Province, unit.LandBranch, pCode, july},
		} {
			got, err := w.s.Create(ctx, tx, unit.Unit{Code: u.code, Name: u.name, Level: u.level, Kind: u.kind, ValidFrom: u.from}, u.parent)
			if err != nil {
				return err
			}
			w.ids[u.code] = got
		}
		for _, area := range []string{xCode, yCode} {
			if err := w.s.Serve(ctx, tx, w.ids[branchCode].ID, w.ids[area].ID, july); err != nil {
				return err
			}
		}
		return w.s.AddCompetence(ctx, tx, unit.Competence{Plan: "test", From: july, FromLevel: unit.District, ToLevel: unit.Commune})
	})
	if err != nil {
		t.Fatal(err)
	}
	return w
}

// wantCode fails unless err is a problem with code.
func wantCode(t *testing.T, err error, code string) {
	t.Helper()
	var pe *problem.Error
	if !errors.As(err, &pe) || pe.Code != code {
		t.Fatalf("error %v, want %s", err, code)
	}
}

// TestForStepTwoTier: where each step of a dossier goes, by the kind the
// step names, the service areas and the competence rules in force on the
// day, in the two-tier world and in 2022.
func TestForStepTwoTier(t *testing.T) {
	storetest.Engines(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		w := newTwoTier(t, db)
		aug, june, y2022 := day(t, "2025-08-01"), day(t, "2025-06-01"), day(t, "2022-06-01")
		land := func(level, kind string) unit.Step { return unit.Step{Level: level, Kind: kind, Procedure: "1.012783"} }
		cases := []struct {
			name string
			from string
			step unit.Step
			at   time.Time
			want string // unit code, or "!code" for a refusal
		}{
			{"land registration step from X's centre goes to the branch", xCentreCode, land(unit.District, unit.LandBranch), aug, branchCode},
			{"land registration step from Y's centre goes to the branch", yCentreCode, land(unit.District, unit.LandBranch), aug, branchCode},
			{"land registration step from the commune itself goes to the branch", xCode, land(unit.District, unit.LandBranch), aug, branchCode},
			{"a land dossier's commune step stays at the commune", xCentreCode, land(unit.Commune, ""), aug, xCode},
			{"a certification stays at the commune committee", xCentreCode, unit.Step{Level: unit.Commune, Procedure: "2.000815"}, aug, xCode},
			{"a district step falls to the commune by the rule", xCentreCode, unit.Step{Level: unit.District, Procedure: "2.000575"}, aug, xCode},
			{"a district step before the rule is refused, never the province's", xCentreCode, unit.Step{Level: unit.District, Procedure: "2.000575"}, june, "!no_competent_unit"},
			{"a province step goes to the province", xCentreCode, unit.Step{Level: unit.Province}, aug, pCode},
			{"2022: a district-received dossier's commune step stays at the district", hCode, unit.Step{Level: unit.Commune}, y2022, hCode},
			{"2022: a commune's district step goes to its district", zCode, unit.Step{Level: unit.District}, y2022, hCode},
			{"2022: a land step finds no branch before it exists, and goes to the district", zCode, land(unit.District, unit.LandBranch), y2022, hCode},
		}
		for _, c := range cases {
			t.Run(c.name, func(t *testing.T) {
				u, err := w.s.ForStep(ctx, db, w.ids[c.from].ID, c.step, c.at)
				if code, ok := strings.CutPrefix(c.want, "!"); ok {
					wantCode(t, err, code)
					return
				}
				if err != nil {
					t.Fatal(err)
				}
				if u.Code != c.want {
					t.Fatalf("step %+v from %s: %s, want %s", c.step, c.from, u.Code, c.want)
				}
			})
		}
		// The desk of a commune is its service centre; a unit without one is its own.
		for code, want := range map[string]string{xCode: xCentreCode, hCode: hCode} {
			if desk, err := w.s.Desk(ctx, db, w.ids[code].ID); err != nil || desk != w.ids[want].ID {
				t.Errorf("desk of %s: %d %v, want %s", code, desk, err, want)
			}
		}
	})
}

// treeCodes is the tree at `at` as "code<parent" strings, in tree order.
func treeCodes(t *testing.T, s *unit.Store, at time.Time) []string {
	t.Helper()
	tree, err := s.TreeAt(context.Background(), at)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, n := range tree {
		out = append(out, n.Code+"<"+n.ParentCode+":"+n.Name)
	}
	return out
}

// TestTreeAtAcrossChanges: dated changes — a move, an abolition, a merger,
// a rename — leave the tree readable on any date before and after them,
// and history is written forwards only.
func TestTreeAtAcrossChanges(t *testing.T) {
	storetest.Engines(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		w := newTwoTier(t, db)
		july, oct, nov := day(t, "2025-07-01"), day(t, "2025-10-01"), day(t, "2025-11-01")
		err := db.InTx(ctx, func(tx *store.Tx) error {
			if err := w.s.MoveAt(ctx, tx, zCode, pCode, "NQ 1674", july); err != nil {
				return err
			}
			if err := w.s.Abolish(ctx, tx, hCode, "", "Luật 72/2025", july); err != nil {
				return err
			}
			if err := w.s.MergeAt(ctx, tx, yCode, xCode, "NQ sáp nhập", oct); err != nil {
				return err
			}
			return w.s.RenameAt(ctx, tx, xCode, unit.Renaming{Name: "UBND xã Nho Quan mới"}, "đổi tên", nov)
		})
		if err != nil {
			t.Fatal(err)
		}
		cases := []struct {
			name string
			at   time.Time
			want []string
		}{
			{"before July: the district with its commune", day(t, "2025-06-30"), []string{
				pCode + "<:UBND tỉnh Ninh Bình", hCode + "<" + pCode + ":UBND huyện Nho Quan", zCode + "<" + hCode + ":UBND xã Gia Lâm"}},
			{"from July: no district, the commune under the province, the new units", july, []string{
				pCode + "<:UBND tỉnh Ninh Bình",
				xCode + "<" + pCode + ":UBND xã Nho Quan", xCentreCode + "<" + xCode + ":Trung tâm PVHCC xã Nho Quan",
				yCode + "<" + pCode + ":UBND xã Gia Viễn", yCentreCode + "<" + yCode + ":Trung tâm PVHCC xã Gia Viễn",
				zCode + "<" + pCode + ":UBND xã Gia Lâm",
				branchCode + "<" + pCode + ":Chi nhánh VPĐKĐĐ khu vực Nho Quan"}},
			{"from October: Y merged into X, its centre folded into X's", oct, []string{
				pCode + "<:UBND tỉnh Ninh Bình",
				xCode + "<" + pCode + ":UBND xã Nho Quan", xCentreCode + "<" + xCode + ":Trung tâm PVHCC xã Nho Quan",
				zCode + "<" + pCode + ":UBND xã Gia Lâm",
				branchCode + "<" + pCode + ":Chi nhánh VPĐKĐĐ khu vực Nho Quan"}},
			{"from November: X's new name", nov, []string{
				pCode + "<:UBND tỉnh Ninh Bình",
				xCode + "<" + pCode + ":UBND xã Nho Quan mới", xCentreCode + "<" + xCode + ":Trung tâm PVHCC xã Nho Quan",
				zCode + "<" + pCode + ":UBND xã Gia Lâm",
				branchCode + "<" + pCode + ":Chi nhánh VPĐKĐĐ khu vực Nho Quan"}},
		}
		for _, c := range cases {
			t.Run(c.name, func(t *testing.T) {
				got := treeCodes(t, w.s, c.at)
				if strings.Join(got, "\n") != strings.Join(c.want, "\n") {
					t.Fatalf("tree at %s:\n%s\nwant\n%s", c.at, strings.Join(got, "\n"), strings.Join(c.want, "\n"))
				}
			})
		}
		if desk, err := w.s.Desk(ctx, db, w.ids[xCode].ID); err != nil || desk != w.ids[xCentreCode].ID {
			t.Errorf("X's desk after the merger: %d %v, want its own centre %d", desk, err, w.ids[xCentreCode].ID)
		}
		back := []struct {
			name string
			fn   func(tx *store.Tx) error
		}{
			{"a rename before the last rename", func(tx *store.Tx) error {
				return w.s.RenameAt(ctx, tx, xCode, unit.Renaming{Name: "Khác"}, "", oct)
			}},
			{"a move before the unit began", func(tx *store.Tx) error {
				return w.s.MoveAt(ctx, tx, xCentreCode, pCode, "", day(t, "2025-06-01"))
			}},
			{"a merger before the last move", func(tx *store.Tx) error {
				return w.s.MergeAt(ctx, tx, zCode, xCode, "", day(t, "2025-06-01"))
			}},
			{"an abolition before the unit's last change", func(tx *store.Tx) error {
				return w.s.Abolish(ctx, tx, zCode, xCode, "", day(t, "2025-06-01"))
			}},
		}
		for _, b := range back {
			t.Run(b.name, func(t *testing.T) {
				wantCode(t, db.InTx(ctx, b.fn), "change_before_history")
			})
		}
	})
}
