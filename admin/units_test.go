package admin

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/motcua/motcua/auth"
	"github.com/motcua/motcua/unit"
)

var (
	vn   = unit.Vietnam
	jul1 = time.Date(2025, 7, 1, 0, 0, 0, 0, vn)
)

// The fake's history: X01 was a commune of H01 until 1 July 2025, then a
// commune of the province P00 under a new name.
func (f *fakeUnits) Periods(_ context.Context, id int64) ([]unit.Period, error) {
	if id != 3 {
		return nil, nil
	}
	return []unit.Period{
		{Snapshot: unit.Snapshot{Code: "X01", Name: "Xã Gia Thủy (mới)", Level: unit.Commune, Kind: unit.Committee, StatCode: "14428",
			ParentCode: "P00", From: jul1, Reason: "NQ 1674"}, ParentName: "Tỉnh Ninh Bình"},
		{Snapshot: unit.Snapshot{Code: "X01", Name: "Xã Gia Thủy", Level: unit.Commune, Kind: unit.Committee,
			ParentCode: "H01", To: jul1, Reason: "created"}, ParentName: "Huyện Nho Quan"},
	}, nil
}

func (f *fakeUnits) Area(_ context.Context, id int64) ([]string, error) {
	if id == 5 {
		return []string{"X01"}, nil
	}
	return nil, nil
}

// TreeAt: on 30 June 2025 the province had the district H01 with X01 and
// X02, and a sibling district H02 the admin does not administer; from 1
// July X01 sits under the province.
func (f *fakeUnits) TreeAt(_ context.Context, at time.Time) ([]unit.Snapshot, error) {
	f.treeAsks = append(f.treeAsks, at.In(vn).Format(time.RFC3339Nano))
	if at.Before(jul1) {
		return []unit.Snapshot{
			{ID: 1, Code: "P00", Name: "Tỉnh Ninh Bình", Level: unit.Province, Kind: unit.Committee},
			{ID: 2, Code: "H01", Name: "Huyện Nho Quan", Level: unit.District, Kind: unit.Committee, ParentID: 1, Depth: 1},
			{ID: 3, Code: "X01", Name: "Xã Gia Thủy", Level: unit.Commune, Kind: unit.Committee, ParentID: 2, Depth: 2},
			{ID: 4, Code: "X02", Name: "Xã Gia Lâm", Level: unit.Commune, Kind: unit.Committee, ParentID: 2, Depth: 2},
			{ID: 9, Code: "H02", Name: "Huyện Gia Viễn", Level: unit.District, Kind: unit.Committee, ParentID: 1, Depth: 1},
			{ID: 10, Code: "X10", Name: "Xã Gia Hòa", Level: unit.Commune, Kind: unit.Committee, ParentID: 9, Depth: 2},
		}, nil
	}
	return []unit.Snapshot{
		{ID: 1, Code: "P00", Name: "Tỉnh Ninh Bình", Level: unit.Province, Kind: unit.Committee},
		{ID: 3, Code: "X01", Name: "Xã Gia Thủy (mới)", Level: unit.Commune, Kind: unit.Committee, StatCode: "14428", ParentID: 1, Depth: 1},
	}, nil
}

func TestOrgChartOnADate(t *testing.T) {
	w := newWorld(t)
	w.as = admin // administers H01 (id 2)
	cases := []struct {
		day       string
		status    int
		ask       string // the instant asked of TreeAt, "" for today's tree
		want, not []string
	}{
		{"2025-06-30", 200, "2025-06-30T23:59:59.999+07:00",
			[]string{"Sơ đồ tổ chức ngày 30/06/2025", `<a href="/quan-tri/don-vi/H01">Huyện Nho Quan</a>`, "Xã Gia Lâm", "X01 · Cấp xã · UBND"},
			[]string{"Tỉnh Ninh Bình", "Huyện Gia Viễn", "Xã Gia Hòa"}},
		// The district is gone and its commune now sits under the province,
		// which this admin does not administer: nothing is theirs that day.
		{"2025-07-01", 200, "2025-07-01T23:59:59.999+07:00",
			[]string{"Vào ngày này chưa có đơn vị nào thuộc phạm vi bạn quản trị."}, []string{"Xã Gia Thủy (mới)", "Tỉnh Ninh Bình"}},
		{"30/06/2025", 422, "", []string{"Ngày không hợp lệ", `value="30/06/2025"`, "Huyện Nho Quan"}, nil},
	}
	for _, c := range cases {
		t.Run(c.day, func(t *testing.T) {
			w.units.treeAsks = nil
			code, _, body := w.do(t, "GET", "/quan-tri/don-vi?ngay="+c.day, nil)
			if code != c.status {
				t.Fatalf("status %d, want %d", code, c.status)
			}
			if c.ask != "" && (len(w.units.treeAsks) != 1 || w.units.treeAsks[0] != c.ask) {
				t.Errorf("TreeAt asked for %v, want %s", w.units.treeAsks, c.ask)
			}
			for _, s := range c.want {
				if !strings.Contains(body, s) {
					t.Errorf("lacks %q", s)
				}
			}
			for _, s := range c.not {
				if strings.Contains(body, s) {
					t.Errorf("shows %q, outside the admin's scope that day", s)
				}
			}
		})
	}
	// A province admin sees the whole tree, the district nested under it.
	w.as = &auth.Actor{User: auth.User{ID: 7, Username: "tinh", Kind: "officer"}, Grants: []auth.Grant{{UnitID: 1, UnitCode: "P00", Role: auth.Admin}}}
	_, _, body := w.do(t, "GET", "/quan-tri/don-vi?ngay=2025-06-30", nil)
	p, h, x := strings.Index(body, "Tỉnh Ninh Bình"), strings.Index(body, "Huyện Gia Viễn"), strings.Index(body, "Xã Gia Hòa")
	if p < 0 || h < p || x < h {
		t.Errorf("the province's chart on 30 June: %d %d %d", p, h, x)
	}
}

func TestUnitPageShowsKindAndHistory(t *testing.T) {
	w := newWorld(t)
	w.as = admin
	code, _, body := w.do(t, "GET", "/quan-tri/don-vi/X01", nil)
	if code != 200 {
		t.Fatalf("status %d", code)
	}
	for _, want := range []string{
		"Loại cơ quan</dt><dd>UBND",
		// Both periods, newest first, with parent, level, kind, statistical code and reason.
		"<td>01/07/2025 – nay</td><td>X01</td><td>Xã Gia Thủy (mới)</td><td>Tỉnh Ninh Bình (P00)</td><td>Cấp xã</td><td>UBND</td><td>14428</td><td>NQ 1674</td>",
		"<td>trước khi có dữ liệu – 01/07/2025</td><td>X01</td><td>Xã Gia Thủy</td><td>Huyện Nho Quan (H01)</td><td>Cấp xã</td><td>UBND</td><td></td><td>Thành lập</td>",
	} {
		if !strings.Contains(body, want) {
			t.Errorf("unit page lacks %q", want)
		}
	}
	if strings.Contains(body, "Các xã, phường được phục vụ") {
		t.Error("a commune's page shows a service area")
	}
	// The child form offers every kind, in Vietnamese.
	_, _, body = w.do(t, "GET", "/quan-tri/don-vi/H01", nil)
	for _, k := range []string{"UBND", "Cơ quan chuyên môn", "Trung tâm phục vụ hành chính công", "Chi nhánh Văn phòng đăng ký đất đai", "Cơ quan ngoài"} {
		if !strings.Contains(body, ">"+k+"</option>") {
			t.Errorf("the child form does not offer %q", k)
		}
	}
}

func TestLandBranchShowsItsArea(t *testing.T) {
	saved := tree
	t.Cleanup(func() { tree = saved })
	tree = append(tree[:len(tree):len(tree)], unit.Node{Unit: unit.Unit{ID: 5, Code: "CN1", Name: "Chi nhánh VPĐKĐĐ khu vực Nho Quan",
		Level: unit.District, Kind: unit.LandBranch, ParentID: 2, ParentCode: "H01", Active: true, ValidFrom: jul1}, Depth: 1})
	w := newWorld(t)
	w.as = admin
	_, _, body := w.do(t, "GET", "/quan-tri/don-vi/CN1", nil)
	for _, want := range []string{"Chi nhánh Văn phòng đăng ký đất đai", "Các xã, phường được phục vụ", "Xã Gia Thủy <small>X01", "01/07/2025 – nay"} {
		if !strings.Contains(body, want) {
			t.Errorf("the branch's page lacks %q", want)
		}
	}
}
