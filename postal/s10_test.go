package postal_test

import (
	"strconv"
	"testing"

	"github.com/motcua/motcua/postal"
)

// TestS10CheckDigit checks item codes against UPU S10: weights 8 6 4 2 3 5 9 7,
// check digit 11 − (sum mod 11), where 10 becomes 0 and 11 becomes 5.
func TestS10CheckDigit(t *testing.T) {
	cases := []struct {
		code  string
		valid bool
		why   string
	}{
		{"RR473124829GB", true, "the UPU standard's example: sum 200, 11 − 2 = 9"},
		{"EB123456785VN", true, "sum 204, 11 − 6 = 5"},
		{"EB100000017VN", true, "the simulator's first code: sum 15, 11 − 4 = 7"},
		{"EB100000140VN", true, "sum 45, 11 − 1 = 10 → 0"},
		{"EB000000005VN", true, "sum 0, 11 − 0 = 11 → 5"},
		{"EB123456784VN", false, "wrong check digit"},
		{"EB100000147VN", false, "10 written as the digit it is not"},
		{"EB132456785VN", false, "two digits swapped"},
		{"EB123436785VN", true, "a changed digit S10 cannot see: residues 0 and 6 both give 5"},
		{"eb123456785VN", false, "service letters in lower case"},
		{"EB12345678VN", false, "too short"},
		{"EB1234567a5VN", false, "a letter in the serial"},
		{"E1123456785VN", false, "a digit in the service letters"},
		{"EB123456785V1", false, "a digit in the country code"},
		{"", false, "empty"},
	}
	for _, c := range cases {
		if got := postal.ValidS10(c.code); got != c.valid {
			t.Errorf("ValidS10(%q) = %v, want %v (%s)", c.code, got, c.valid, c.why)
		}
	}
	for _, c := range []struct {
		serial int
		want   string
	}{{12345678, "EB123456785VN"}, {10000014, "EB100000140VN"}, {0, "EB000000005VN"}} {
		if got, err := postal.NewS10("EB", c.serial, "VN"); err != nil || got != c.want {
			t.Errorf("NewS10(EB, %d, VN) = %q, %v; want %q", c.serial, got, err, c.want)
		}
	}
	for _, bad := range []struct {
		service string
		serial  int
		country string
	}{{"E", 1, "VN"}, {"EB", -1, "VN"}, {"EB", 100000000, "VN"}, {"EB", 1, "vn"}} {
		if _, err := postal.NewS10(bad.service, bad.serial, bad.country); err == nil {
			t.Errorf("NewS10(%q, %d, %q) accepted", bad.service, bad.serial, bad.country)
		}
	}
}

// FuzzS10: any string is judged without panicking, and a code judged
// valid is exactly the one NewS10 builds from its parts.
func FuzzS10(f *testing.F) {
	for _, seed := range []string{"RR473124829GB", "EB123456785VN", "EB12345678VN", "ÉB123456785VN", ""} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, code string) {
		if !postal.ValidS10(code) {
			return
		}
		serial, err := strconv.Atoi(code[2:10])
		if err != nil {
			t.Fatalf("%q valid with serial %q", code, code[2:10])
		}
		if built, err := postal.NewS10(code[:2], serial, code[11:]); err != nil || built != code {
			t.Fatalf("%q valid, but NewS10 builds %q, %v", code, built, err)
		}
	})
}
