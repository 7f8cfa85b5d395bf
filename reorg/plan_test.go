package reorg_test

import (
	"bytes"
	"errors"
	"strings"
	"testing"

	"github.com/motcua/motcua/problem"
	"github.com/motcua/motcua/reorg"
)

const goodPlan = `{
  "id": "ninh-binh-2025-07-01",
  "title": "Sắp xếp đơn vị hành chính",
  "effective": "2025-07-01",
  "basis": ["Nghị quyết số 1674/NQ-UBTVQH15"],
  "create": [{"code": "000.08.37.H40", "name": "UBND xã Nho Quan", "short_name": "Xã Nho Quan",
    "level": "commune", "kind": "committee", "parent": "000.00.00.H40", "stat_code": "14428", "serves": []}],
  "rename": [{"unit": "000.00.00.H40", "name": "UBND tỉnh Ninh Bình", "code": "", "short_name": "", "stat_code": "37"}],
  "move": [{"unit": "000.02.07.H40", "parent": "000.00.00.H40"}],
  "merge": [{"into": "000.08.37.H40", "from": ["000.01.07.H40"]}],
  "abolish": [{"unit": "000.00.07.H40", "successor": "000.08.37.H40"}],
  "competence": [{"procedures": [], "from_level": "district", "to_level": "commune", "to_kind": ""}]
}`

// TestParse: the format of docs/reorganisation.md is read; anything else
// is refused with the field at fault.
func TestParse(t *testing.T) {
	edit := func(old, new string) string { return strings.Replace(goodPlan, old, new, 1) }
	cases := []struct {
		name, in    string
		code, field string
	}{
		{"the documented plan", goodPlan, "", ""},
		{"an unknown field", edit(`"title"`, `"titel": "x", "title"`), "invalid_plan", ""},
		{"trailing data", goodPlan + ` {}`, "invalid_plan", ""},
		{"not JSON", `id: x`, "invalid_plan", ""},
		{"an id that is no slug", edit(`"ninh-binh-2025-07-01"`, `"Ninh Bình"`), "invalid_plan_id", "id"},
		{"no title", edit(`"Sắp xếp đơn vị hành chính"`, `" "`), "plan_title_required", "title"},
		{"a bad date", edit(`"2025-07-01"`, `"01/07/2025"`), "invalid_plan_date", "effective"},
		{"no basis", edit(`["Nghị quyết số 1674/NQ-UBTVQH15"]`, `[]`), "plan_basis_required", "basis"},
		{"a bad code in a merge", edit(`"from": ["000.01.07.H40"]`, `"from": ["000.01.07.H4"]`), "invalid_unit_code", "merge[0].from[0]"},
		{"a bad merge target", edit(`"into": "000.08.37.H40"`, `"into": "x"`), "invalid_unit_code", "merge[0].into"},
		{"a bad level", edit(`"level": "commune"`, `"level": "hamlet"`), "invalid_level", "create[0].level"},
		{"a bad kind", edit(`"kind": "committee"`, `"kind": "ministry"`), "invalid_unit_kind", "create[0].kind"},
		{"a bad stat code", edit(`"stat_code": "14428"`, `"stat_code": "1442"`), "invalid_stat_code", "create[0].stat_code"},
		{"a bad competence level", edit(`"from_level": "district"`, `"from_level": ""`), "invalid_level", "competence[0].from_level"},
		{"a bad successor", edit(`"successor": "000.08.37.H40"`, `"successor": "nho quan"`), "invalid_unit_code", "abolish[0].successor"},
		{"an empty merge", edit(`"from": ["000.01.07.H40"]`, `"from": []`), "plan_merge_empty", "merge[0].from"},
		{"too large", edit(`"title"`, `"x": "`+strings.Repeat("a", reorg.MaxPlanSize)+`", "title"`), "plan_too_large", ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			p, err := reorg.Parse(strings.NewReader(c.in))
			if c.code == "" {
				if err != nil {
					t.Fatal(err)
				}
				if p.ID != "ninh-binh-2025-07-01" || len(p.Create) != 1 || p.Create[0].StatCode != "14428" ||
					p.Merge[0].From[0] != "000.01.07.H40" || p.Abolish[0].Successor != "000.08.37.H40" {
					t.Fatalf("parsed %+v", p)
				}
				return
			}
			var pe *problem.Error
			if !errors.As(err, &pe) || pe.Code != c.code || pe.Field != c.field {
				t.Fatalf("err %v, want %s at %q", err, c.code, c.field)
			}
		})
	}
}

// TestChecksum: the checksum is the content's, not the layout's.
func TestChecksum(t *testing.T) {
	a, err := reorg.Parse(strings.NewReader(goodPlan))
	if err != nil {
		t.Fatal(err)
	}
	var compact bytes.Buffer
	compact.WriteString(strings.Join(strings.Fields(goodPlan), " "))
	b, err := reorg.Parse(&compact)
	if err != nil {
		t.Fatal(err)
	}
	if a.Checksum() != b.Checksum() {
		t.Error("re-indenting changed the checksum")
	}
	b.Title += "."
	if a.Checksum() == b.Checksum() {
		t.Error("another title kept the checksum")
	}
}

// FuzzParse: no input makes Parse panic, and what it accepts is valid.
func FuzzParse(f *testing.F) {
	f.Add(goodPlan)
	f.Add(`{}`)
	f.Fuzz(func(t *testing.T, in string) {
		p, err := reorg.Parse(strings.NewReader(in))
		if err == nil && p.Validate() != nil {
			t.Fatal("Parse accepted an invalid plan")
		}
	})
}
