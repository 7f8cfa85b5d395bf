package vntext

import (
	"strings"
	"testing"
)

func TestFold(t *testing.T) {
	cases := []struct{ in, want string }{
		{"Tách thửa đất", "tach thua dat"},
		{"ĐĂNG KÝ KHAI SINH", "dang ky khai sinh"},
		{"  Chứng thực   bản sao, từ bản chính! ", "chung thuc ban sao tu ban chinh"},
		{"1.001193", "1.001193"},
		{"000.00.00.H40-221003-0001", "000.00.00.h40-221003-0001"},
		// Decomposed input (NFD) folds the same as composed.
		{"Nguye\u0302\u0303n", "nguyen"},
		{"Hòa / Hoà", "hoa / hoa"},
	}
	for _, c := range cases {
		if got := Fold(c.in); got != c.want {
			t.Errorf("Fold(%q) = %q, want %q", c.in, got, c.want)
		}
	}
}

func FuzzFold(f *testing.F) {
	f.Add("Đất đai")
	f.Add("Hồ sơ số 000.00.25.H35-230815-0007")
	f.Fuzz(func(t *testing.T, s string) {
		got := Fold(s)
		if Fold(got) != got {
			t.Fatalf("Fold not idempotent on %q: %q then %q", s, got, Fold(got))
		}
		if strings.ContainsAny(got, "đĐ") {
			t.Fatalf("Fold(%q) kept đ: %q", s, got)
		}
	})
}
