package document

// DocType is one type of administrative document (Decree 30/2020/NĐ-CP,
// Art. 7 and Appendix III) with the abbreviation its symbol carries.
type DocType struct {
	// Code is motcua's stable key; Name the Vietnamese name; Abbr the
	// abbreviation in the symbol, "" for an official letter (công văn),
	// whose symbol is the issuer's then the drafting unit's or field's.
	Code, Name, Abbr string
	// Register is the outgoing register that numbers it: RegisterDecisions
	// for a typed document, RegisterLetters for an official letter or
	// public letter (a secret document goes to RegisterSecret whatever its
	// type).
	Register string
}

// Types is Appendix III, in the decree's order. A copy (sao y, sao lục,
// trích sao) is numbered in the copies' own series, not here.
var Types = []DocType{
	{"NQ", "Nghị quyết (cá biệt)", "NQ", RegisterDecisions},
	{"QD", "Quyết định (cá biệt)", "QĐ", RegisterDecisions},
	{"CT", "Chỉ thị", "CT", RegisterDecisions},
	{"QC", "Quy chế", "QC", RegisterDecisions},
	{"QYD", "Quy định", "QyĐ", RegisterDecisions},
	{"TC", "Thông cáo", "TC", RegisterDecisions},
	{"TB", "Thông báo", "TB", RegisterDecisions},
	{"HD", "Hướng dẫn", "HD", RegisterDecisions},
	{"CTR", "Chương trình", "CTr", RegisterDecisions},
	{"KH", "Kế hoạch", "KH", RegisterDecisions},
	{"PA", "Phương án", "PA", RegisterDecisions},
	{"DA", "Đề án", "ĐA", RegisterDecisions},
	{"DAN", "Dự án", "DA", RegisterDecisions},
	{"BC", "Báo cáo", "BC", RegisterDecisions},
	{"BB", "Biên bản", "BB", RegisterDecisions},
	{"TTR", "Tờ trình", "TTr", RegisterDecisions},
	{"HDONG", "Hợp đồng", "HĐ", RegisterDecisions},
	{"CD", "Công điện", "CĐ", RegisterDecisions},
	{"BGN", "Bản ghi nhớ", "BGN", RegisterDecisions},
	{"BTT", "Bản thỏa thuận", "BTT", RegisterDecisions},
	{"GUQ", "Giấy ủy quyền", "GUQ", RegisterDecisions},
	{"GM", "Giấy mời", "GM", RegisterDecisions},
	{"GGT", "Giấy giới thiệu", "GGT", RegisterDecisions},
	{"GNP", "Giấy nghỉ phép", "GNP", RegisterDecisions},
	{"PG", "Phiếu gửi", "PG", RegisterDecisions},
	{"PC", "Phiếu chuyển", "PC", RegisterDecisions},
	{"PB", "Phiếu báo", "PB", RegisterDecisions},
	{"CV", "Công văn", "", RegisterLetters},
	{"THC", "Thư công", "", RegisterLetters},
}

// TypeOf returns the type with code and whether it exists.
func TypeOf(code string) (DocType, bool) {
	for _, t := range Types {
		if t.Code == code {
			return t, true
		}
	}
	return DocType{}, false
}
