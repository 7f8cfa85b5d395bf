package dossier

import (
	"testing"

	"github.com/motcua/motcua/catalog"
)

func TestFormProblemsReportsEveryField(t *testing.T) {
	p := catalog.Procedure{Form: []catalog.FormField{
		{Key: "ten", Label: "Tên", Type: "text", Required: true, Max: 5},
		{Key: "ngay", Label: "Ngày", Type: "date"},
		{Key: "so", Label: "Số", Type: "id_number", Required: true},
		{Key: "chon", Label: "Chọn", Type: "select", Options: []string{"A", "B"}},
		{Key: "sdt", Label: "Điện thoại", Type: "phone"},
	}}
	cases := []struct {
		name   string
		values map[string]string
		want   map[string]string // field key → problem code
	}{
		{"all good", map[string]string{"ten": "An", "ngay": "2026-03-02", "so": "037085001234", "chon": "B", "sdt": "0912345678"}, nil},
		{"every field wrong at once", map[string]string{"ten": "quá dài", "ngay": "02/03/2026", "so": "12ab", "chon": "C", "sdt": "12"},
			map[string]string{"ten": "form_field_too_long", "ngay": "invalid_date", "so": "invalid_id_number", "chon": "invalid_option", "sdt": "invalid_phone"}},
		{"required missing, optional empty", map[string]string{"ten": "  "}, map[string]string{"ten": "form_field_required", "so": "form_field_required"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got := FormProblems(p, c.values)
			if len(got) != len(c.want) {
				t.Fatalf("got %d problems %v, want %v", len(got), got, c.want)
			}
			for k, code := range c.want {
				if got[k] == nil || got[k].Code != code || got[k].Field != "form."+k {
					t.Errorf("%s: %+v, want %s", k, got[k], code)
				}
			}
			// The first of them is what CheckForm (Submit's check) reports.
			in := map[string]any{}
			for k, v := range c.values {
				in[k] = v
			}
			if _, err := CheckForm(p, in); (err == nil) != (len(c.want) == 0) {
				t.Errorf("CheckForm: %v", err)
			}
		})
	}
}

func TestApplicantProblemsReportsEveryField(t *testing.T) {
	cases := []struct {
		name     string
		a        Applicant
		delivery string
		want     []string
	}{
		{"good", Applicant{Name: "Nguyễn Văn An", Phone: "0912345678"}, "counter", nil},
		{"good, with a date of birth", Applicant{Name: "Nguyễn Văn An", BirthDate: "1985-03-12"}, "counter", nil},
		{"everything wrong", Applicant{IDNumber: "12", Phone: "1", Email: "x@", BirthDate: "1985-02-30"}, "post",
			[]string{"applicant.name", "applicant.id_number", "applicant.phone", "applicant.email", "applicant.address", "applicant.birth_date"}},
		{"unknown delivery", Applicant{Name: "An"}, "drone", []string{"delivery"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got := ApplicantProblems(c.a, c.delivery)
			if len(got) != len(c.want) {
				t.Fatalf("got %v, want %v", got, c.want)
			}
			for _, f := range c.want {
				if got[f] == nil {
					t.Errorf("no problem for %s", f)
				}
			}
			if _, err := CheckApplicant(c.a, c.delivery); (err == nil) != (len(c.want) == 0) {
				t.Errorf("CheckApplicant: %v", err)
			}
		})
	}
}
