package forms

import (
	"strings"
	"testing"

	"github.com/motcua/motcua/catalog"
)

// TestFeeTextTypical (issue 10): a fee set by the provincial People's
// Council that the unit has not confirmed is printed on form 01 as
// indicative; once confirmed, as the amount alone.
func TestFeeTextTypical(t *testing.T) {
	const mark = "mức thu tham khảo, chờ đơn vị xác nhận"
	tests := []struct {
		name string
		fee  catalog.Fee
		want string
		mark bool
	}{
		{"typical", catalog.Fee{Name: "Lệ phí đăng ký khai sinh quá hạn", Kind: "fixed", Amount: 8000, Typical: true}, "Lệ phí đăng ký khai sinh quá hạn: 8.000", true},
		{"confirmed", catalog.Fee{Name: "Lệ phí đăng ký khai sinh quá hạn", Kind: "fixed", Amount: 8000}, "Lệ phí đăng ký khai sinh quá hạn: 8.000", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := feeText(tt.fee)
			if !strings.HasPrefix(got, tt.want) || strings.Contains(got, mark) != tt.mark {
				t.Errorf("feeText = %q, want %q with the indicative mark %v", got, tt.want, tt.mark)
			}
		})
	}
}
