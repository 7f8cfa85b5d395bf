package dancu

// The population database's lookup service as this file models it: the
// one mapping file of every assumed name [M].
//
// The national population database (Cơ sở dữ liệu quốc gia về dân cư,
// Ministry of Public Security) is reached by a province's systems through
// the province's LGSP and the national data exchange platform (NDXP); its
// service description is handed over with the connection, not published.
// The shape follows NDXP services as provinces describe them — JSON over
// HTTPS, POST, a bearer token issued by the LGSP, PascalCase Vietnamese
// field names, a request code for tracing, a result code in the reply —
// but every path, field name, code and format below is assumed [M]. When
// the real description is at hand this file changes, with package
// dancusim, which speaks the same format.

// lookupPath is the lookup service below the LGSP's base URL. [M]
const lookupPath = "/api/csdldc/v1/tra-cuu-cong-dan"

// WireRequest asks for one person by their personal ID number. [M]
type WireRequest struct {
	// RequestID traces the call through the LGSP and NDXP. [M]
	RequestID string `json:"MaYeuCau"`
	// Agency is the requesting system's agency code (the province's). [M]
	Agency string `json:"MaDonVi"`
	// Purpose: "prefill" (a citizen's online application) or "verify"
	// (reception checks the applicant). [M]
	Purpose string `json:"MucDich"`
	// IDNumber is the 12-digit personal ID number. [M]
	IDNumber string `json:"SoDinhDanh"`
	// Requester is the account on whose behalf motcua asks. [M]
	Requester string `json:"NguoiYeuCau"`
	// ConsentID is motcua's record of the data subject's consent. [M]
	ConsentID int64 `json:"MaDongY"`
}

// WireReply is the answer. [M]
type WireReply struct {
	// Result is "0" when found, "404" when no one has the ID number;
	// anything else is a fault of the service. [M]
	Result  string      `json:"MaKetQua"`
	Message string      `json:"MoTa,omitempty"`
	Person  *WirePerson `json:"CongDan,omitempty"`
}

// Result codes. [M]
const (
	wireFound    = "0"
	wireNotFound = "404"
)

// WirePerson is one person as the register holds them. [M]
type WirePerson struct {
	IDNumber string `json:"SoDinhDanh"`
	FullName string `json:"HoVaTen"`
	// BirthDate is dd/MM/yyyy. [M]
	BirthDate string `json:"NgayThangNamSinh"`
	// Sex is "1" male, "2" female. [M]
	Sex       string      `json:"GioiTinh"`
	Permanent WireAddress `json:"ThuongTru"`
	Current   WireAddress `json:"NoiOHienTai"`
}

// WireAddress is an address; motcua reads only the full text. [M]
type WireAddress struct {
	Full string `json:"DiaChiDayDu"`
}

// wireDate is the register's date layout. [M]
const wireDate = "02/01/2006"

// Sexes as the register codes them. [M]
var wireSexes = map[string]string{"1": "nam", "2": "nu"}
