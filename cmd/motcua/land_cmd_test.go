package main

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/motcua/motcua/land"
)

// TestLandImportExport: a FeatureCollection imported by `motcua land
// import` comes back from `land export` with the same parcels and
// attributes (the retired one left out); a file with an unknown land-use
// code imports nothing.
func TestLandImportExport(t *testing.T) {
	dir := t.TempDir()
	in := filepath.Join(dir, "in.geojson")
	const file = `{"type":"FeatureCollection","features":[
 {"type":"Feature","geometry":{"type":"Polygon","coordinates":[[[0,0],[20,0],[20,10],[0,10],[0,0]]]},
  "properties":{"maXa":"X1","soHieuToBanDo":"3","soThuTuThua":"45","dienTich":200.5,"mucDichSuDung":["ONT","CLN"],"diaChi":"Thôn 1",
   "nguoiSuDung":[{"hoTen":"Lê Văn Cường","soDinhDanh":"001080000001"}],"giayChungNhan":{"soPhatHanh":"CX 000111","soVaoSo":"CS01","ngayCap":"2020-05-04"}}},
 {"type":"Feature","geometry":null,"properties":{"maXa":"X1","soHieuToBanDo":"3","soThuTuThua":"46","dienTich":80,"mucDichSuDung":["LUC"],"theChap":"Ngân hàng A"}},
 {"type":"Feature","geometry":null,"properties":{"maXa":"X1","soHieuToBanDo":"3","soThuTuThua":"9","dienTich":80,"mucDichSuDung":["LUC"],"trangThai":"retired"}}
]}`
	if err := os.WriteFile(in, []byte(file), 0o600); err != nil {
		t.Fatal(err)
	}
	var out, errb bytes.Buffer
	if err := run(t.Context(), []string{"land", "import", in, "--data", dir}, nil, &out, &errb); err != nil || !strings.Contains(out.String(), "2 parcels imported") {
		t.Fatalf("import: %v %q", err, out.String())
	}
	bad := filepath.Join(dir, "bad.geojson")
	os.WriteFile(bad, []byte(strings.ReplaceAll(strings.ReplaceAll(file, `"LUC"]`, `"XYZ"]`), `"45"`, `"47"`)), 0o600)
	if err := run(t.Context(), []string{"land", "import", bad, "--data", dir}, nil, &out, &errb); err == nil {
		t.Fatal("an unknown land-use code was imported")
	}
	exported := filepath.Join(dir, "out.geojson")
	out.Reset()
	if err := run(t.Context(), []string{"land", "export", "--commune", "X1", "--out", exported, "--data", dir}, nil, &out, &errb); err != nil ||
		!strings.Contains(out.String(), "2 parcels exported") {
		t.Fatalf("export: %v %q", err, out.String())
	}
	b, _ := os.ReadFile(exported)
	var c land.Collection
	if err := json.Unmarshal(b, &c); err != nil || len(c.Features) != 2 {
		t.Fatalf("export: %v %s", err, b)
	}
	p := c.Features[0].Properties
	if p.SoThuTuThua != "45" || p.DienTich != 200.5 || strings.Join(p.MucDichSuDung, "+") != "ONT+CLN" || len(p.NguoiSuDung) != 1 ||
		p.NguoiSuDung[0].SoDinhDanh != "001080000001" || p.GiayChungNhan == nil || p.GiayChungNhan.SoPhatHanh != "CX 000111" ||
		p.GiayChungNhan.NgayCap != "2020-05-04" || !strings.Contains(string(c.Features[0].Geometry), "Polygon") {
		t.Fatalf("parcel 45 exported as %+v", c.Features[0])
	}
	if q := c.Features[1].Properties; q.SoThuTuThua != "46" || q.TheChap != "Ngân hàng A" || string(c.Features[1].Geometry) != "null" {
		t.Fatalf("parcel 46 exported as %+v", c.Features[1])
	}
	if err := run(t.Context(), []string{"land", "nope"}, nil, &out, &errb); err == nil || !strings.Contains(err.Error(), "land import") {
		t.Fatalf("usage: %v", err)
	}
}
