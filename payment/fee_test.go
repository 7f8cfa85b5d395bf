package payment_test

import (
	"testing"

	"github.com/motcua/motcua/catalog"
	"github.com/motcua/motcua/payment"
)

// The fees as the built-in procedures state them.
var (
	// 2.000815 Chứng thực bản sao từ bản chính (Circular 226/2016).
	certifiedCopy = catalog.Procedure{Code: "2.000815", Fees: []catalog.Fee{{Name: "Phí chứng thực bản sao từ bản chính",
		Kind: "per_page", Amount: 2000, FromPage: 3, NextAmount: 1000, Cap: 200000}}}
	// 2.000884 Chứng thực chữ ký: 10.000 đ per case.
	signature = catalog.Procedure{Code: "2.000884", Fees: []catalog.Fee{{Name: "Phí chứng thực chữ ký", Kind: "fixed", Amount: 10000}}}
	// 1.013978: two per-certificate fees and one the province has not set (0).
	landTitle = catalog.Procedure{Code: "1.013978", Fees: []catalog.Fee{
		{Name: "Lệ phí cấp Giấy chứng nhận (chỉ có quyền sử dụng đất)", Kind: "per_copy", Amount: 25000},
		{Name: "Lệ phí cấp Giấy chứng nhận (có tài sản gắn liền với đất)", Kind: "per_copy", Amount: 100000},
		{Name: "Phí thẩm định hồ sơ cấp Giấy chứng nhận", Kind: "fixed", Amount: 0},
	}}
	// A fee with exempted groups (as 1.000656 lists them) and a per-copy cap.
	exempting = catalog.Procedure{Code: "X", Fees: []catalog.Fee{
		{Name: "Lệ phí", Kind: "fixed", Amount: 8000, Exempt: []string{"Người thuộc hộ nghèo", "Người khuyết tật"}},
		{Name: "Phí bản sao", Kind: "per_copy", Amount: 50000, Cap: 30000},
	}}
)

func TestComputeFee(t *testing.T) {
	cases := []struct {
		name          string
		p             catalog.Procedure
		pages, copies int
		exempt        string
		total         int64
		amounts       []int64
		capped        bool
	}{
		{"copy: 1 page", certifiedCopy, 1, 1, "", 2000, []int64{2000}, false},
		{"copy: 2 pages, still the first tier", certifiedCopy, 2, 1, "", 4000, []int64{4000}, false},
		{"copy: page 3 is the second tier", certifiedCopy, 3, 1, "", 5000, []int64{5000}, false},
		{"copy: 5 pages × 2 copies = (2×2.000 + 3×1.000) × 2", certifiedCopy, 5, 2, "", 14000, []int64{14000}, false},
		{"copy: 198 pages reach the cap exactly", certifiedCopy, 198, 1, "", 200000, []int64{200000}, false},
		{"copy: 300 pages are capped at 200.000 per copy", certifiedCopy, 300, 1, "", 200000, []int64{200000}, true},
		{"copy: 300 pages × 3 copies", certifiedCopy, 300, 3, "", 600000, []int64{600000}, true},
		{"copy: 0 pages count as 1", certifiedCopy, 0, 0, "", 2000, []int64{2000}, false},
		{"signature: fixed, counts do not matter", signature, 40, 7, "", 10000, []int64{10000}, false},
		{"land: per copy, the unset fee gives no line", landTitle, 0, 2, "", 250000, []int64{50000, 200000}, false},
		{"exempt group, typed without accents", exempting, 1, 1, "nguoi thuoc ho ngheo", 30000, []int64{0, 30000}, true},
		{"unknown group exempts nothing", exempting, 1, 2, "Cán bộ", 68000, []int64{8000, 60000}, true},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			lines, total := payment.ComputeFee(c.p, c.pages, c.copies, c.exempt)
			if total != c.total {
				t.Fatalf("total %d, want %d (%+v)", total, c.total, lines)
			}
			if len(lines) != len(c.amounts) {
				t.Fatalf("%d lines, want %d: %+v", len(lines), len(c.amounts), lines)
			}
			capped := false
			for i, l := range lines {
				if l.Amount != c.amounts[i] {
					t.Errorf("line %d (%s): %d, want %d", i, l.Name, l.Amount, c.amounts[i])
				}
				if l.Detail == "" {
					t.Errorf("line %d has no explanation", i)
				}
				capped = capped || l.Capped
			}
			if capped != c.capped {
				t.Errorf("capped %v, want %v", capped, c.capped)
			}
		})
	}
	lines, _ := payment.ComputeFee(certifiedCopy, 5, 2, "")
	if want := "5 trang: 2 × 2.000 đ + 3 × 1.000 đ = 7.000 đ; × 2 bản"; lines[0].Detail != want {
		t.Errorf("detail %q, want %q", lines[0].Detail, want)
	}
	lines, _ = payment.ComputeFee(exempting, 1, 1, "Người khuyết tật")
	if lines[0].Exempt != "Người khuyết tật" || lines[0].Amount != 0 {
		t.Errorf("exemption not recorded: %+v", lines[0])
	}
}

func TestCountsMatter(t *testing.T) {
	cases := []struct {
		p              catalog.Procedure
		pages, copies  bool
		exemptedGroups int
	}{
		{certifiedCopy, true, true, 0},
		{signature, false, false, 0},
		{landTitle, false, true, 0},
		{exempting, false, true, 2},
	}
	for _, c := range cases {
		pages, copies := payment.CountsMatter(c.p)
		if pages != c.pages || copies != c.copies {
			t.Errorf("%s: pages %v copies %v, want %v %v", c.p.Code, pages, copies, c.pages, c.copies)
		}
		if n := len(payment.ExemptGroups(c.p)); n != c.exemptedGroups {
			t.Errorf("%s: %d exempted groups, want %d", c.p.Code, n, c.exemptedGroups)
		}
	}
}
