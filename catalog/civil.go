package catalog

import (
	"fmt"
	"slices"
	"strings"
)

// validateCivilStatus checks the parts only a civil-status paper has.
func (c *checker) validateCivilStatus(t ResultTemplate) {
	switch t.Layout {
	case "":
		if t.Register != "" || t.NoIssuer || len(t.Clerk) > 0 {
			c.addf("result_template.layout", "register, no_issuer và clerk chỉ dùng cho giấy tờ hộ tịch (layout %q)", CivilStatus)
		}
		return
	case CivilStatus:
	default:
		c.addf("result_template.layout", "bố cục %q không hợp lệ (để trống hoặc %q)", t.Layout, CivilStatus)
		return
	}
	if t.Register != "" && !slices.Contains(Registers, t.Register) {
		c.addf("result_template.register", "sổ hộ tịch %q phải là một trong: %s", t.Register, strings.Join(Registers, "; "))
	}
	if len(t.Clerk) == 0 {
		c.addf("result_template.clerk", "giấy tờ hộ tịch phải có chức danh người thực hiện")
	}
	for i, s := range t.Clerk {
		c.required(fmt.Sprintf("result_template.clerk[%d]", i), s)
	}
}
