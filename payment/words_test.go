package payment_test

import (
	"math"
	"testing"

	"github.com/motcua/motcua/payment"
)

func TestAmountInWords(t *testing.T) {
	cases := []struct {
		v    int64
		want string
	}{
		{0, "Không đồng"},
		{5, "Năm đồng"},
		{10, "Mười đồng"},
		{11, "Mười một đồng"},                        // "một", not "mốt", after mười
		{14, "Mười bốn đồng"},                        // "bốn", not "tư", after mười
		{15, "Mười lăm đồng"},                        // lăm
		{20, "Hai mươi đồng"},                        //
		{21, "Hai mươi mốt đồng"},                    // mốt
		{24, "Hai mươi tư đồng"},                     // tư
		{25, "Hai mươi lăm đồng"},                    // lăm
		{101, "Một trăm linh một đồng"},              // linh; "một" after linh
		{104, "Một trăm linh bốn đồng"},              // "bốn" after linh
		{105, "Một trăm linh năm đồng"},              // "năm", not "lăm", after linh
		{110, "Một trăm mười đồng"},                  //
		{115, "Một trăm mười lăm đồng"},              //
		{1001, "Một nghìn không trăm linh một đồng"}, // a later group is read in full
		{2010, "Hai nghìn không trăm mười đồng"},
		{8000, "Tám nghìn đồng"},
		{10000, "Mười nghìn đồng"},
		{14000, "Mười bốn nghìn đồng"},
		{25000, "Hai mươi lăm nghìn đồng"},
		{200000, "Hai trăm nghìn đồng"},
		{215000, "Hai trăm mười lăm nghìn đồng"},
		{1000005, "Một triệu không trăm linh năm đồng"}, // zero groups are skipped
		{1050000, "Một triệu không trăm năm mươi nghìn đồng"},
		{21500000, "Hai mươi mốt triệu năm trăm nghìn đồng"},
		{1000000000, "Một tỷ đồng"},
		{1234567891, "Một tỷ hai trăm ba mươi tư triệu năm trăm sáu mươi bảy nghìn tám trăm chín mươi mốt đồng"},
		{1000000000000, "Một nghìn tỷ đồng"},
		{-24000, "Âm hai mươi tư nghìn đồng"},
	}
	for _, c := range cases {
		if got := payment.AmountInWords(c.v); got != c.want {
			t.Errorf("%d: %q, want %q", c.v, got, c.want)
		}
	}
	// The extremes do not panic.
	payment.AmountInWords(math.MaxInt64)
	payment.AmountInWords(math.MinInt64)
}
