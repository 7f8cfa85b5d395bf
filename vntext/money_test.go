package vntext_test

import (
	"math"
	"testing"

	"github.com/motcua/motcua/vntext"
)

func TestMoney(t *testing.T) {
	cases := []struct {
		in   int64
		want string
	}{
		{0, "0 đ"},
		{5, "5 đ"},
		{999, "999 đ"},
		{1000, "1.000 đ"},
		{200000, "200.000 đ"},
		{1500000, "1.500.000 đ"},
		{12345678, "12.345.678 đ"},
		{-5, "-5 đ"},
		{-500000, "-500.000 đ"},
		{-1500000, "-1.500.000 đ"},
		{math.MaxInt64, "9.223.372.036.854.775.807 đ"},
		{math.MinInt64, "-9.223.372.036.854.775.808 đ"},
	}
	for _, c := range cases {
		if got := vntext.Money(c.in); got != c.want {
			t.Errorf("Money(%d) = %q, want %q", c.in, got, c.want)
		}
	}
	if got := vntext.Thousands(10000); got != "10.000" {
		t.Errorf("Thousands(10000) = %q", got)
	}
}
