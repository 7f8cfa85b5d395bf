package server_test

import (
	"testing"
	"time"

	"github.com/motcua/motcua/demo"
	"github.com/motcua/motcua/store"
	"github.com/motcua/motcua/store/storetest"
)

// GET /api/v1/units?at=DATE answers the tree as it stood at the end of
// that day in Vietnam: a merger made during a day is already in that day's
// tree, and the day before still has both units under their old names.
func TestUnitsAtDate(t *testing.T) {
	t.Parallel()
	storetest.Engines(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		ctx := t.Context()
		const giaSon = "000.03.07.H40"
		// Tuesday 3 March 2026, 08:00: Gia Lâm is merged into Gia Sơn, which is renamed.
		e.advance(24 * time.Hour)
		err := db.InTx(ctx, func(tx *store.Tx) error {
			if err := e.app.Units.Merge(ctx, tx, demo.GiaLamCode, giaSon, "Nghị quyết sắp xếp"); err != nil {
				return err
			}
			return e.app.Units.Rename(ctx, tx, giaSon, giaSon, "UBND xã Gia Sơn (mới)", "Sắp xếp")
		})
		if err != nil {
			t.Fatal(err)
		}
		type row struct {
			Code, Name, Level, Kind, Parent string
			StatCode                        string `json:"stat_code"`
			ValidFrom                       string `json:"valid_from"`
			ValidTo                         string `json:"valid_to"`
		}
		var before, after, now struct {
			At    string
			Units []row
		}
		e.must(e.call("", "GET", "/api/v1/units?at=2026-03-02", nil, &before), 200)
		e.must(e.call("", "GET", "/api/v1/units?at=2026-03-03", nil, &after), 200)
		e.must(e.call("", "GET", "/api/v1/units", nil, &now), 200)
		find := func(rows []row, code string) (row, bool) {
			for _, r := range rows {
				if r.Code == code {
					return r, true
				}
			}
			return row{}, false
		}
		if before.At != "2026-03-02" || len(before.Units) < 29 || len(after.Units) != len(before.Units)-1 {
			t.Fatalf("at %q: %d units before, %d after", before.At, len(before.Units), len(after.Units))
		}
		if before.Units[0].Code != demo.ProvinceCode || before.Units[0].Parent != "" {
			t.Fatalf("the tree starts with %+v, want the province as its root", before.Units[0])
		}
		gl, ok := find(before.Units, demo.GiaLamCode)
		if !ok || gl.Parent != demo.DistrictCode || gl.Level != "commune" || gl.Kind != "committee" {
			t.Fatalf("Gia Lâm on 2 March: %+v %v", gl, ok)
		}
		gs, _ := find(before.Units, giaSon)
		if gs.Name == "UBND xã Gia Sơn (mới)" || gs.ValidTo == "" {
			t.Fatalf("Gia Sơn on 2 March should have its old name and a period that ended: %+v", gs)
		}
		if _, ok := find(after.Units, demo.GiaLamCode); ok {
			t.Fatal("Gia Lâm is still in the tree on the day it was merged")
		}
		gs, _ = find(after.Units, giaSon)
		if gs.Name != "UBND xã Gia Sơn (mới)" || gs.ValidTo != "" || gs.ValidFrom != "2026-03-03T08:00:00+07:00" {
			t.Fatalf("Gia Sơn on 3 March: %+v", gs)
		}
		// Without a date the answer is unchanged: every unit, the merged one inactive.
		if len(now.Units) != len(before.Units) || now.At != "" {
			t.Fatalf("without at: %d units, at %q", len(now.Units), now.At)
		}
		for _, bad := range []string{"", "2026-13-01", "02/03/2026", "2026-3-2", "hôm nay"} {
			r := e.call("", "GET", "/api/v1/units?at="+urlq(bad), nil, nil)
			if r.status != 422 || r.errCode() != "invalid_date" {
				t.Errorf("at=%q: %d %s", bad, r.status, r.body)
			}
		}
	})
}
