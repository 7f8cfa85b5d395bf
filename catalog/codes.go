package catalog

import (
	"fmt"
	"regexp"
	"time"
)

// The codes the national procedure database attaches to a procedure.
var (
	// FieldIDRE is a field code (mã lĩnh vực) of the national database:
	// the issuing ministry's electronic code, a dash, the field's own
	// code, e.g. "G15-TP07" (Bộ Tư pháp, Hộ tịch).
	FieldIDRE = regexp.MustCompile(`^[GH]\d{2}-[A-Z]{2,4}\d{2,3}$`)
	// PaperCodeRE is the code of a paper — a dossier component or a result
	// — in the national database, used when dossiers and results are
	// digitised (Circular 01/2023/TT-VPCP) and exchanged (MaThanhPhanHoSo):
	// the 13-character electronic code of the agency that defined it
	// (Decision 20/2020/QĐ-TTg), a dash, "KQ" or "GT" and six digits, e.g.
	// "000.00.00.G15-KQ004389" (Giấy chứng sinh).
	PaperCodeRE = regexp.MustCompile(`^\d{3}\.\d{2}\.\d{2}\.[GH]\d{2}-(KQ|GT)\d{6}$`)
	// AgencyCodeRE is a 13-character electronic agency code (Decision 20/2020).
	AgencyCodeRE = regexp.MustCompile(`^[0-9A-Z]{3}\.[0-9A-Z]{2}\.[0-9A-Z]{2}\.[GH]\d{2}$`)
)

// AgencyCode is the code the national database gives this procedure as
// implemented by one agency: the national code, a dot, the agency's
// 13-character electronic code, e.g. "1.001193.000.00.00.H42" for a
// province's catalog (the province's code, 000.00.00.Hxx). It is empty
// when agency is not such a code (the short local forms some provinces
// use since 2025 do not make a national-database code).
func (p Procedure) AgencyCode(agency string) string {
	if !AgencyCodeRE.MatchString(agency) {
		return ""
	}
	return p.Code + "." + agency
}

// validateLawData checks the codes and dates issue 10 added: the field
// code, each paper's code (well formed, unique in the procedure), the
// dates of the version, and that a confirmed version has no typical fee.
func (c *checker) validateLawData(p *Procedure) {
	if p.FieldID != "" && !FieldIDRE.MatchString(p.FieldID) {
		c.addf("field_id", "mã lĩnh vực %q không đúng dạng của CSDL quốc gia (ví dụ G15-TP07)", p.FieldID)
	}
	seen := map[string]string{}
	paper := func(path, code string) {
		if code == "" {
			return
		}
		if !PaperCodeRE.MatchString(code) {
			c.addf(path, "mã giấy tờ %q không đúng dạng <mã cơ quan 13 ký tự>-KQ|GT<6 chữ số> (ví dụ 000.00.00.G15-KQ004389)", code)
		}
		if prev, ok := seen[code]; ok {
			c.addf(path, "mã giấy tờ %q trùng với %s", code, prev)
		}
		seen[code] = path
	}
	for i, comp := range p.Components {
		paper(fmt.Sprintf("components[%d].code", i), comp.Code)
	}
	paper("result_code", p.ResultCode)

	from, okFrom := c.date("effective_from", p.EffectiveFrom)
	to, okTo := c.date("effective_to", p.EffectiveTo)
	if okFrom && okTo && p.EffectiveFrom != "" && p.EffectiveTo != "" && to.Before(from) {
		c.addf("effective_to", "ngày hết hiệu lực %s trước ngày có hiệu lực %s", p.EffectiveTo, p.EffectiveFrom)
	}
	if p.FeeConfirmation != nil {
		for i, f := range p.Fees {
			if f.Typical {
				c.addf(fmt.Sprintf("fees[%d].typical", i), "phiên bản đã xác nhận mức thu không còn khoản thu tham khảo")
			}
		}
		if p.FeeConfirmation.By == "" || p.FeeConfirmation.At.IsZero() {
			c.addf("fee_confirmation", "phải ghi người và thời điểm xác nhận")
		}
	}
}

// date parses an optional YYYY-MM-DD value; ok is false when it is set and malformed.
func (c *checker) date(path, s string) (time.Time, bool) {
	if s == "" {
		return time.Time{}, true
	}
	t, err := time.Parse(time.DateOnly, s)
	if err != nil {
		c.addf(path, "ngày %q không đúng dạng YYYY-MM-DD", s)
		return time.Time{}, false
	}
	return t, true
}
