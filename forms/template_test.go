package forms

import (
	"strings"
	"testing"

	"github.com/motcua/motcua/catalog"
	"golang.org/x/text/unicode/norm"
)

// TestResultTemplateValidation: catalog.Validate refuses a result template
// naming a field the dossier does not have, so a typo cannot reach a
// certificate.
func TestResultTemplateValidation(t *testing.T) {
	base := builtin(t, "1.001612")
	if base.ResultTemplate == nil {
		t.Fatal("1.001612 ships without its result template")
	}
	tests := []struct {
		name   string
		mutate func(rt *catalog.ResultTemplate)
		want   string
	}{
		{"unknown form field", func(rt *catalog.ResultTemplate) { rt.Body[1] = "Tên: {{form.ten_ho}}" }, "result_template.body[1]: trường {{form.ten_ho}} không tồn tại"},
		{"unknown field", func(rt *catalog.ResultTemplate) { rt.Subtitle = []string{"{{applicant.birthday}}"} }, "result_template.subtitle[0]: trường {{applicant.birthday}}"},
		{"unbalanced braces", func(rt *catalog.ResultTemplate) { rt.Body[0] = "{{unit.name} chứng nhận" }, "dấu {{ }} không khớp"},
		{"bad symbol", func(rt *catalog.ResultTemplate) { rt.Symbol = "gcn-1" }, "result_template.symbol"},
		{"no body", func(rt *catalog.ResultTemplate) { rt.Body = nil }, "result_template.body: phải có"},
		{"no signer", func(rt *catalog.ResultTemplate) { rt.Signer = nil }, "result_template.signer"},
		{"decomposed text", func(rt *catalog.ResultTemplate) { rt.Title = norm.NFD.String(rt.Title) }, "result_template.title: chuỗi chưa chuẩn hoá"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := base
			rt := *base.ResultTemplate
			rt.Body = append([]string(nil), rt.Body...)
			p.ResultTemplate = &rt
			tt.mutate(&rt)
			err := p.Validate()
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("got %v, want an error containing %q", err, tt.want)
			}
		})
	}
	if err := base.Validate(); err != nil {
		t.Errorf("the shipped template is rejected: %v", err)
	}
}

// TestAttestationTemplateValidation: a lời chứng names its certification
// book, one of the three Decree 23/2015/NĐ-CP keeps, and may use the
// book's placeholders, which no other template may.
func TestAttestationTemplateValidation(t *testing.T) {
	base := builtin(t, "2.000884")
	if err := base.Validate(); err != nil {
		t.Fatalf("the shipped lời chứng is rejected: %v", err)
	}
	for _, tt := range []struct {
		name   string
		mutate func(rt *catalog.ResultTemplate)
		want   string
	}{
		{"unknown book", func(rt *catalog.ResultTemplate) { rt.Book = "SCT/XX" }, "result_template.book"},
		{"unknown kind", func(rt *catalog.ResultTemplate) { rt.Kind = "stamp" }, "result_template.kind"},
		{"book field outside an attestation", func(rt *catalog.ResultTemplate) { rt.Kind, rt.Symbol = "", "GCN" }, "{{cert.number}} không tồn tại"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			p := base
			rt := *base.ResultTemplate
			p.ResultTemplate = &rt
			tt.mutate(&rt)
			if err := p.Validate(); err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("got %v, want an error containing %q", err, tt.want)
			}
		})
	}
}

func TestFill(t *testing.T) {
	sh := sampleSheet(t)
	sh.p = builtin(t, "1.001612")
	sh.d.Form = map[string]string{"von_kinh_doanh": "500000000", "so_lao_dong": "3", "ten_ho_kinh_doanh": "Hộ kinh doanh An Phát"}
	for in, want := range map[string]string{
		"{{form.ten_ho_kinh_doanh}}, vốn {{form.von_kinh_doanh}} đồng, {{form.so_lao_dong}} người": "Hộ kinh doanh An Phát, vốn 500.000.000 đồng, 3 người",
		"{{ applicant.name }} – {{dossier.code}}":                                                  "Nguyễn Văn An – " + sampleCode,
		"Đăng ký {{result_date}}; nhận {{received_date}}":                                          "Đăng ký ngày 05 tháng 3 năm 2026; nhận ngày 02 tháng 3 năm 2026",
		"Chủ hộ: {{form.ho_ten_chu_ho}}":                                                           "Chủ hộ: ……………",
	} {
		if got := fill(in, sh, at(5, 9, 0)); got != want {
			t.Errorf("fill(%q) = %q, want %q", in, got, want)
		}
	}
}
