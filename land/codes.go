package land

// Uses are the land-use type codes (ký hiệu loại đất) of the land law's
// classification (Luật Đất đai 2024, Article 9; the codes of the
// ministry's circular on cadastral records and maps, as docs/land.md
// lists them), with their Vietnamese names.
var Uses = []struct{ Code, Name string }{
	// Agricultural land (nhóm đất nông nghiệp).
	{"LUC", "Đất chuyên trồng lúa"},
	{"LUK", "Đất trồng lúa còn lại"},
	{"HNK", "Đất trồng cây hằng năm khác"},
	{"CLN", "Đất trồng cây lâu năm"},
	{"RDD", "Đất rừng đặc dụng"},
	{"RPH", "Đất rừng phòng hộ"},
	{"RSX", "Đất rừng sản xuất"},
	{"NTS", "Đất nuôi trồng thủy sản"},
	{"CNT", "Đất chăn nuôi tập trung"},
	{"LMU", "Đất làm muối"},
	{"NKH", "Đất nông nghiệp khác"},
	// Non-agricultural land (nhóm đất phi nông nghiệp).
	{"ONT", "Đất ở tại nông thôn"},
	{"ODT", "Đất ở tại đô thị"},
	{"TSC", "Đất xây dựng trụ sở cơ quan"},
	{"CQP", "Đất quốc phòng"},
	{"CAN", "Đất an ninh"},
	{"DVH", "Đất xây dựng cơ sở văn hóa"},
	{"DYT", "Đất xây dựng cơ sở y tế"},
	{"DGD", "Đất xây dựng cơ sở giáo dục và đào tạo"},
	{"DTT", "Đất xây dựng cơ sở thể dục, thể thao"},
	{"TMD", "Đất thương mại, dịch vụ"},
	{"SKC", "Đất cơ sở sản xuất phi nông nghiệp"},
	{"SKK", "Đất khu công nghiệp"},
	{"DGT", "Đất công trình giao thông"},
	{"DTL", "Đất công trình thủy lợi"},
	{"DNL", "Đất công trình năng lượng"},
	{"DCH", "Đất chợ dân sinh, chợ đầu mối"},
	{"TON", "Đất tôn giáo"},
	{"TIN", "Đất tín ngưỡng"},
	{"NTD", "Đất nghĩa trang, nhà tang lễ, cơ sở hỏa táng"},
	{"SON", "Đất có mặt nước chuyên dùng dạng sông, ngòi, kênh, rạch, suối"},
	{"MNC", "Đất có mặt nước chuyên dùng"},
	{"PNK", "Đất phi nông nghiệp khác"},
	// Unused land (nhóm đất chưa sử dụng).
	{"BCS", "Đất bằng chưa sử dụng"},
	{"DCS", "Đất đồi núi chưa sử dụng"},
	{"NCS", "Núi đá không có rừng cây"},
}

// KnownUse reports whether code is one of Uses.
func KnownUse(code string) bool { return UseName(code) != "" }

// UseName is a code's name, "" for an unknown code.
func UseName(code string) string {
	for _, u := range Uses {
		if u.Code == code {
			return u.Name
		}
	}
	return ""
}

// useByLabel maps the option labels of the shipped procedures' forms
// (1.013949's "Mục đích đề nghị chuyển sang") to their codes.
var useByLabel = map[string]string{
	"Đất ở tại nông thôn":                "ONT",
	"Đất ở tại đô thị":                   "ODT",
	"Đất thương mại, dịch vụ":            "TMD",
	"Đất cơ sở sản xuất phi nông nghiệp": "SKC",
	"Đất trồng cây hằng năm khác":        "HNK",
	"Đất trồng cây lâu năm":              "CLN",
	"Đất trồng lúa":                      "LUK",
	"Đất nuôi trồng thủy sản":            "NTS",
	"Đất nông nghiệp khác":               "NKH",
}
