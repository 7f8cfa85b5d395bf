package server_test

import (
	"bytes"
	"encoding/base64"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/motcua/motcua/demo"
	"github.com/motcua/motcua/store"
	"github.com/motcua/motcua/store/storetest"
)

// TestPortalRecordLists: the record the portal holds carries the
// procedure's field and fees from the catalog, the papers filed (inline,
// byte for byte) and, once the leader approves, the result with the
// result code sohoa gave it in the approval's transaction. The dossier is
// left at result_ready, so the record checked is the one pushed by the
// approval itself: had dvcqg's listener run before sohoa's, it would hold
// no result (nothing else changes it until the delivery).
func TestPortalRecordLists(t *testing.T) {
	t.Parallel()
	storetest.Engines(t, func(t *testing.T, db *store.DB) {
		p := newPortalEnv(t, db)
		// Birth registration: its catalog entry has a field code, and
		// components with a code (MaThanhPhanHoSo) and without (the key is
		// sent).
		pr := p.procedure("1.001193")
		if pr.FieldID == "" || pr.Components[0].Code != "" || pr.Components[1].Code == "" {
			t.Fatalf("1.001193 changed its field or component codes: %s %+v", pr.FieldID, pr.Components)
		}
		d := p.submit(pr.Code, demo.GiaLamCode)
		p.advance(time.Hour)
		d = p.mustAct("gialam.tiepnhan", d.Code, "receive", nil)
		maker := officer(d.StepRole, d.Unit)
		p.must(p.upload(maker, d.Code, "result", "ket-qua.pdf", pdfWith("ket qua "+d.Code)), 201)
		p.processToResult(d.Code)
		p.sync(p.worker("w1"), 10*time.Second)
		held, ok := p.sim.Get(d.Code)
		if !ok {
			t.Fatal("the portal does not hold the dossier")
		}
		r := held.Record
		if r.TrangThaiHoSo != "9" {
			t.Fatalf("status %q, want 9 (result ready)", r.TrangThaiHoSo)
		}
		if r.MaLinhVuc != pr.FieldID || r.TenLinhVuc != pr.Field {
			t.Fatalf("field %q %q, want %q %q", r.MaLinhVuc, r.TenLinhVuc, pr.FieldID, pr.Field)
		}
		if len(r.DanhSachLePhi) != len(pr.Fees) || len(pr.Fees) == 0 {
			t.Fatalf("fees %+v, want those of %+v", r.DanhSachLePhi, pr.Fees)
		}
		for i, f := range pr.Fees {
			got := r.DanhSachLePhi[i]
			kind := map[bool]string{true: "1", false: "2"}[strings.HasPrefix(strings.ToLower(f.Name), "lệ phí")]
			if got.TenPhiLePhi != f.Name || got.Gia != strconv.FormatInt(f.Amount, 10) || got.MaPhiLePhi != pr.Code+"-"+strconv.Itoa(i+1) ||
				got.LoaiPhiLePhi != kind || got.HinhThucThu != "2" { // filed online
				t.Fatalf("fee %d: %+v, want %+v", i, got, f)
			}
		}
		// The papers filed: one per required component, the content inline.
		want := map[string]bool{}
		for _, c := range pr.Components {
			if c.Required {
				want[map[bool]string{true: c.Code, false: c.Key}[c.Code != ""]] = true
			}
		}
		if len(r.TaiLieuNop) != len(want) {
			t.Fatalf("TaiLieuNop %d papers, want %d", len(r.TaiLieuNop), len(want))
		}
		for _, doc := range r.TaiLieuNop {
			b, err := base64.StdEncoding.DecodeString(doc.Base64)
			if !want[doc.MaThanhPhanHoSo] || doc.TenTepDinhKem != "scan.pdf" || err != nil || !bytes.Equal(b, samplePDF) {
				t.Fatalf("paper %s %q: %d bytes, %v", doc.MaThanhPhanHoSo, doc.TenTepDinhKem, len(b), err)
			}
		}
		// The result, with the code sohoa gave it.
		var code string
		var fileID int64
		for _, pv := range p.papers("congdan", "/api/v1/dossiers/"+d.Code+"/digitised") {
			if pv.Kind == "result" {
				code, fileID = pv.Code, pv.FileID
			}
		}
		if code == "" {
			t.Fatal("no result code given")
		}
		if len(r.DanhSachGiayToKetQua) != 1 {
			t.Fatalf("results %+v, want the one approved", r.DanhSachGiayToKetQua)
		}
		res := r.DanhSachGiayToKetQua[0]
		if res.GiayToId != code || res.TenGiayTo != pr.Result || res.MaThanhPhanHoSo != pr.ResultCode ||
			!strings.HasSuffix(res.DuongDanTepTinKetQua, "/ho-so/"+d.Code+"/tep/"+strconv.FormatInt(fileID, 10)) {
			t.Fatalf("result %+v, want code %s, file %d", res, code, fileID)
		}
	})
}

// TestPortalRecordSupplements: a supplement request during processing is
// in the record's DanhSachHoSoBoSung from the request on (waiting), and
// once the applicant supplements, as answered, with who and when.
func TestPortalRecordSupplements(t *testing.T) {
	t.Parallel()
	storetest.Engines(t, func(t *testing.T, db *store.DB) {
		p := newPortalEnv(t, db)
		pr := interLevel(t)
		d := p.submit(pr.Code, demo.GiaLamCode)
		d = p.mustAct("gialam.tiepnhan", d.Code, "receive", nil)
		for d.StepRole != "specialist" {
			d = p.mustAct(officer(d.StepRole, d.Unit), d.Code, "forward", nil)
		}
		p.advance(time.Hour)
		d = p.mustAct(officer("specialist", d.Unit), d.Code, "request-supplement", map[string]any{"note": "Bổ sung bản vẽ.",
			"items": []map[string]any{{"name": "Bản vẽ tách thửa", "reason": "Thiếu bản vẽ"}}})
		w := p.worker("w1")
		p.sync(w, 10*time.Second)
		held, _ := p.sim.Get(d.Code)
		sup := held.Record.DanhSachHoSoBoSung
		if len(sup) != 1 || sup[0].TrangThaiBoSung != "1" || sup[0].NguoiYeuCauBoSung == "" || sup[0].NgayBoSung == "" ||
			!strings.Contains(sup[0].NoiDungBoSung, "Bản vẽ tách thửa: Thiếu bản vẽ") || sup[0].NgayTiepNhanBoSung != "" {
			t.Fatalf("after the request: %+v", sup)
		}
		p.advance(24 * time.Hour)
		p.upload("congdan", d.Code, pr.Components[0].Key, "bo-sung.pdf", samplePDF)
		p.mustAct("congdan", d.Code, "supplement", nil)
		p.sync(w, 10*time.Second)
		held, _ = p.sim.Get(d.Code)
		got := held.Record.DanhSachHoSoBoSung
		if len(got) != 1 || got[0].TrangThaiBoSung != "2" || got[0].HoSoBoSungId != sup[0].HoSoBoSungId || got[0].NgayTiepNhanBoSung == "" ||
			got[0].NguoiTiepNhanBoSung == "" {
			t.Fatalf("after the supplement: %+v", got)
		}
	})
}
