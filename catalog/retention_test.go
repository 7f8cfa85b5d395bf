package catalog

import "testing"

func TestRetentionYears(t *testing.T) {
	for _, c := range []struct {
		field, retention string
		want             int
		valid            bool
	}{
		{"ho-tich", "", Permanent, true},
		{"dat-dai", "", Permanent, true},
		{"chung-thuc", "", 20, true},
		{"linh-vuc-moi", "", DefaultRetentionYears, true},
		{"ho-tich", "10y", 10, true},
		{"chung-thuc", "permanent", Permanent, true},
		{"chung-thuc", "0y", 20, false},
		{"chung-thuc", "vĩnh viễn", 20, false},
		{"chung-thuc", "101y", 20, false},
	} {
		p := Procedure{FieldCode: c.field, Retention: c.retention}
		if got := p.RetentionYears(); got != c.want {
			t.Errorf("%s %q: %d years, want %d", c.field, c.retention, got, c.want)
		}
		if err := retentionCheck(c.retention); (err == nil) != c.valid {
			t.Errorf("%q: valid = %v, want %v", c.retention, err == nil, c.valid)
		}
	}
}
