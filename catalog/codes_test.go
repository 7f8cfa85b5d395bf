package catalog

import (
	"strings"
	"testing"
)

// TestValidateLawData (issue 10): the codes and dates the national
// database attaches to a procedure are checked for form and uniqueness.
func TestValidateLawData(t *testing.T) {
	tests := []struct {
		name string
		edit func(p *Procedure)
		want string // "" for valid
	}{
		{"real codes", func(p *Procedure) {
			p.FieldID, p.Components[0].Code, p.ResultCode = "G15-TP07", "000.00.00.G15-KQ004389", "000.00.00.G15-GT000123"
		}, ""},
		{"slug as field code", func(p *Procedure) { p.FieldID = "ho-tich" }, "field_id:"},
		{"component code without agency", func(p *Procedure) { p.Components[0].Code = "KQ004389" }, "components[0].code:"},
		{"component code of another kind", func(p *Procedure) { p.Components[0].Code = "000.00.00.G15-XX004389" }, "components[0].code:"},
		{"two papers, one code", func(p *Procedure) {
			p.Components[0].Code, p.ResultCode = "000.00.00.G15-KQ004389", "000.00.00.G15-KQ004389"
		}, "result_code: mã giấy tờ \"000.00.00.G15-KQ004389\" trùng"},
		{"malformed date", func(p *Procedure) { p.EffectiveFrom = "1/4/2026" }, "effective_from:"},
		{"ends before it starts", func(p *Procedure) { p.EffectiveFrom, p.EffectiveTo = "2026-04-02", "2026-04-01" }, "effective_to:"},
		{"law number malformed", func(p *Procedure) { p.LegalBasis[0].Number = "Luật 60" }, "legal_basis[0].number:"},
		{"article not a number", func(p *Procedure) { p.LegalBasis[0].Articles = []string{"Điều 16"} }, "legal_basis[0].articles[0]:"},
		{"confirmed yet typical", func(p *Procedure) {
			p.Fees = []Fee{{Name: "Lệ phí", Kind: "fixed", Amount: 8000, Typical: true}}
			p.FeeConfirmation = &FeeConfirmation{By: "a"}
		}, "fees[0].typical:"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := validProcedure()
			tt.edit(&p)
			err := p.Validate()
			if tt.want == "" {
				if err != nil {
					t.Fatalf("Validate = %v, want nil", err)
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("Validate = %v, want a problem at %q", err, tt.want)
			}
		})
	}
}

func TestAgencyCodeAndCitation(t *testing.T) {
	p := Procedure{Code: "1.001193"}
	if got := p.AgencyCode("000.00.00.H42"); got != "1.001193.000.00.00.H42" {
		t.Errorf("AgencyCode = %q", got)
	}
	if got := p.AgencyCode("H01.151"); got != "" {
		t.Errorf("AgencyCode of a short local code = %q, want none", got)
	}
	d := LegalDoc{Type: "Nghị định", Number: "23/2015/NĐ-CP", Date: "2015-02-16", Issuer: "Chính phủ", Title: "về chứng thực", Articles: []string{"5", "6"}}
	if got, want := d.String(), "Điều 5, Điều 6 Nghị định số 23/2015/NĐ-CP ngày 16/02/2015 của Chính phủ về chứng thực"; got != want {
		t.Errorf("citation %q, want %q", got, want)
	}
}
