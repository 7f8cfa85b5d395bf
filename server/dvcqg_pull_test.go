package server_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/motcua/motcua/demo"
	"github.com/motcua/motcua/dvcqg"
	"github.com/motcua/motcua/dvcqg/dvcqgsim"
	"github.com/motcua/motcua/store"
	"github.com/motcua/motcua/store/storetest"
)

// TestPortalPull: a dossier a citizen filed on the national portal (the
// simulator) for Gia Lâm comes into Gia Lâm's reception queue on channel
// "dvcqg" with its papers, once however often it is pulled; it is
// received and processed like any other, and its steps flow back to the
// portal under the portal's own MaHoSo.
func TestPortalPull(t *testing.T) {
	t.Parallel()
	storetest.Engines(t, func(t *testing.T, db *store.DB) { testPortalPull(t, newPortalEnv(t, db)) })
}

func testPortalPull(t *testing.T, p *portalEnv) {
	ctx := t.Context()
	pr := interLevel(t)
	form, _ := json.Marshal(validForm(pr))
	var papers []dvcqgsim.Paper
	for i, c := range pr.Components {
		if c.Required {
			// One by URL, the others inline (Base64): the portal does both.
			papers = append(papers, dvcqgsim.Paper{Component: c.Key, Name: c.Key + ".pdf", Data: samplePDF, Inline: i > 0})
		}
	}
	if len(papers) == 0 {
		t.Fatalf("%s requires no papers", pr.Code)
	}
	maHoSo := p.sim.File(dvcqg.Filed{MaDonVi: demo.GiaLamCode, MaTTHC: pr.Code, ChuHoSo: "Trần Thị Bình", MaDoiTuong: "037190004321",
		SoDienThoai: "0987654321", ThongTinKhac: string(form), HinhThuc: "0"}, papers...)
	// Filed for another province's unit: not ours to pull.
	p.sim.File(dvcqg.Filed{MaDonVi: "H99.99", MaTTHC: pr.Code, ChuHoSo: "Lê Văn C"})
	if p.app.PortalPull == nil {
		t.Fatal("no puller although connected with Pull")
	}
	n, err := p.app.PortalPull.RunOnce(ctx)
	if err != nil || n != 1 {
		t.Fatalf("first pull filed %d (%v), want 1", n, err)
	}
	if n, err := p.app.PortalPull.RunOnce(ctx); err != nil || n != 0 {
		t.Fatalf("second pull filed %d (%v), want 0: a portal dossier is filed once", n, err)
	}
	// In Gia Lâm's reception queue, on the portal's channel.
	var list struct{ Dossiers []dossierView }
	p.must(p.call("gialam.tiepnhan", "GET", "/api/v1/dossiers?channel=dvcqg", nil, &list), 200)
	if len(list.Dossiers) != 1 || list.Dossiers[0].Status != "submitted" {
		t.Fatalf("reception queue on channel dvcqg: %+v", list)
	}
	code := list.Dossiers[0].Code
	var full struct {
		Channel   string
		OnBehalf  bool `json:"on_behalf"`
		Applicant struct{ Name string }
		Files     []struct {
			ID              int64
			Component, Name string
		}
	}
	p.must(p.call("gialam.tiepnhan", "GET", "/api/v1/dossiers/"+code, nil, &full), 200)
	if full.Channel != "dvcqg" || full.OnBehalf || full.Applicant.Name != "Trần Thị Bình" || len(full.Files) != len(papers) {
		t.Fatalf("pulled dossier: %+v", full)
	}
	// Its papers are the portal's bytes.
	for _, f := range full.Files {
		r := p.call("gialam.tiepnhan", "GET", fmt.Sprintf("/api/v1/dossiers/%s/files/%d", code, f.ID), nil, nil)
		if r.status != 200 || !bytes.Equal(r.body, samplePDF) {
			t.Fatalf("file %s: %d, %d bytes", f.Name, r.status, len(r.body))
		}
	}
	// Received, processed, delivered: every step goes back to the portal,
	// under the portal's MaHoSo, after the submission it had already.
	p.advance(time.Hour)
	d := p.mustAct("gialam.tiepnhan", code, "receive", nil)
	want := []int{1, 2}
	for d.Status == "processing" {
		who := officer(d.StepRole, d.Unit)
		action := map[bool]string{true: "approve", false: "forward"}[d.StepRole == "leader"]
		p.advance(30 * time.Minute)
		d = p.mustAct(who, code, action, nil)
		want = append(want, map[bool]int{true: 9, false: 4}[d.Status == "result_ready"])
	}
	p.mustAct("gialam.tiepnhan", code, "deliver", nil)
	want = append(want, 10)
	p.sync(p.worker("w1"), 10*time.Second)
	got := p.inOrder(maHoSo, want)
	if got.Record.MaHoSo != maHoSo || got.Record.TrangThaiHoSo != "10" {
		t.Fatalf("the portal's record: %+v", got.Record)
	}
	if _, ok := p.sim.Get(code); ok {
		t.Fatal("the portal got the dossier under motcua's code as well")
	}
}

// TestPortalPullByComponentCode: the portal names a paper's component by
// its code (MaThanhPhanHoSo, what motcua itself sends), or by the key
// where the catalog gives none; either lands on the right component.
func TestPortalPullByComponentCode(t *testing.T) {
	t.Parallel()
	storetest.Engines(t, func(t *testing.T, db *store.DB) {
		p := newPortalEnv(t, db)
		pr := p.procedure("1.001193")
		form, _ := json.Marshal(validForm(pr))
		var papers []dvcqgsim.Paper
		want := map[string]bool{}
		for _, c := range pr.Components {
			if c.Required {
				name := c.Key
				if c.Code != "" {
					name = c.Code
				}
				papers = append(papers, dvcqgsim.Paper{Component: name, Name: c.Key + ".pdf", Data: samplePDF, Inline: true})
				want[c.Key] = true
			}
		}
		p.sim.File(dvcqg.Filed{MaDonVi: demo.GiaLamCode, MaTTHC: pr.Code, ChuHoSo: "Trần Thị Bình", MaDoiTuong: "037190004321",
			SoDienThoai: "0987654321", ThongTinKhac: string(form), HinhThuc: "0"}, papers...)
		if n, err := p.app.PortalPull.RunOnce(t.Context()); err != nil || n != 1 {
			t.Fatalf("pull filed %d (%v), want 1", n, err)
		}
		var list struct{ Dossiers []dossierView }
		p.must(p.call("gialam.tiepnhan", "GET", "/api/v1/dossiers?channel=dvcqg", nil, &list), 200)
		if len(list.Dossiers) != 1 {
			t.Fatalf("reception queue: %+v", list)
		}
		var full struct{ Files []struct{ Component string } }
		p.must(p.call("gialam.tiepnhan", "GET", "/api/v1/dossiers/"+list.Dossiers[0].Code, nil, &full), 200)
		for _, f := range full.Files {
			if !want[f.Component] {
				t.Fatalf("a paper filed under %q, want one of %v", f.Component, want)
			}
			delete(want, f.Component)
		}
		if len(want) != 0 {
			t.Fatalf("components without their paper: %v", want)
		}
	})
}

// TestPortalPullIncompleteForm: a dossier whose form the portal accepted
// but motcua's would refuse (a required field empty, a date malformed)
// still reaches the reception queue — the citizen filed it, and judging
// completeness is reception's — with the values that pass kept and the
// others, and any field motcua's form lacks, named in the submission's note.
func TestPortalPullIncompleteForm(t *testing.T) {
	t.Parallel()
	storetest.Engines(t, func(t *testing.T, db *store.DB) {
		p := newPortalEnv(t, db)
		pr := p.procedure(signatureProc)
		form := validForm(pr)
		var dropped string
		for _, f := range pr.Form {
			if f.Required {
				delete(form, f.Key)
				dropped = f.Label
				break
			}
		}
		if dropped == "" {
			t.Fatalf("%s has no required form field", pr.Code)
		}
		withExtra := map[string]any{"ma_vach_cong": "QG-12345"}
		for k, v := range form {
			withExtra[k] = v
		}
		raw, _ := json.Marshal(withExtra)
		p.sim.File(dvcqg.Filed{MaDonVi: demo.GiaLamCode, MaTTHC: pr.Code, ChuHoSo: "Trần Thị Bình", MaDoiTuong: "037190004321",
			ThongTinKhac: string(raw), HinhThuc: "0"})
		if n, err := p.app.PortalPull.RunOnce(t.Context()); err != nil || n != 1 {
			t.Fatalf("pull filed %d (%v), want 1", n, err)
		}
		var list struct{ Dossiers []dossierView }
		p.must(p.call("gialam.tiepnhan", "GET", "/api/v1/dossiers?channel=dvcqg", nil, &list), 200)
		if len(list.Dossiers) != 1 {
			t.Fatalf("reception queue: %+v", list)
		}
		d := p.get("gialam.tiepnhan", list.Dossiers[0].Code)
		if len(d.History) == 0 || d.History[0].Action != "submit" || !strings.Contains(d.History[0].Note, dropped) ||
			!strings.Contains(d.History[0].Note, "Cổng Dịch vụ công quốc gia") || !strings.Contains(d.History[0].Note, "ma_vach_cong: QG-12345") {
			t.Fatalf("the submission does not name the missing field %q: %+v", dropped, d.History)
		}
		var full struct{ Form map[string]string }
		p.must(p.call("gialam.tiepnhan", "GET", "/api/v1/dossiers/"+d.Code, nil, &full), 200)
		if len(full.Form) != len(form) {
			t.Fatalf("form kept %v, want the %d valid values of %v", full.Form, len(form), form)
		}
		// Reception decides; here it receives the dossier as filed.
		p.mustAct("gialam.tiepnhan", d.Code, "receive", nil)
	})
}
