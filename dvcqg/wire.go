package dvcqg

import (
	"encoding/json"
	"time"

	"github.com/motcua/motcua/calendar"
)

// The exchange format of the national portal (docs/dvcqg.md): each call is
// a JSON POST {"service": name, "isUpdating": "True"|"False", "data": [...]}
// answered by {"error_code": "00", "message": ..., "data": ...}. Field names
// are the portal's own, verbatim; values are strings as the portal's
// integrations send them.

// Request is one call's body.
type Request struct {
	Service    string          `json:"service"`
	IsUpdating string          `json:"isUpdating,omitempty"`
	Data       json.RawMessage `json:"data"`
}

// Reply is the portal's answer.
type Reply struct {
	ErrorCode string          `json:"error_code"`
	Message   string          `json:"message,omitempty"`
	Data      json.RawMessage `json:"data,omitempty"`
}

// Reply codes. CodeOK is the portal's success; CodeDuplicate, that it
// already holds what was sent [M] — for a repeat, also a success.
const (
	CodeOK        = "00"
	CodeDuplicate = "03"
)

// Record is a dossier as DongBoHoSoMC sends it.
type Record struct {
	// IdDongBo is the dedupe key ("<MaHoSo>/<seq>") [M].
	IdDongBo        string `json:"IdDongBo,omitempty"`
	MaHoSo          string `json:"MaHoSo"`
	MaTTHC          string `json:"MaTTHC"`
	TenTTHC         string `json:"TenTTHC"`
	MaLinhVuc       string `json:"MaLinhVuc"`
	TenLinhVuc      string `json:"TenLinhVuc"`
	ChuHoSo         string `json:"ChuHoSo"`
	LoaiDoiTuong    string `json:"LoaiDoiTuong"`
	MaDoiTuong      string `json:"MaDoiTuong"`
	ThongTinKhac    string `json:"ThongTinKhac"`
	Email           string `json:"Email"`
	Fax             string `json:"Fax"`
	SoDienThoai     string `json:"SoDienThoai"`
	TrichYeuHoSo    string `json:"TrichYeuHoSo"`
	NgayTiepNhan    string `json:"NgayTiepNhan"`
	NgayHenTra      string `json:"NgayHenTra"`
	TrangThaiHoSo   string `json:"TrangThaiHoSo"`
	NgayTra         string `json:"NgayTra"`
	ThongTinTra     string `json:"ThongTinTra"`
	HinhThuc        string `json:"HinhThuc"`
	NgayKetThucXuLy string `json:"NgayKetThucXuLy"`
	DonViXuLy       string `json:"DonViXuLy"`
	GhiChu          string `json:"GhiChu"`
	// DiaChi is the applicant's address [M] (needed for a result by post).
	DiaChi string `json:"DiaChi,omitempty"`
	// MaDonVi is the receiving agency's code [M]: the key by which the
	// portal lists a unit's dossiers.
	MaDonVi              string       `json:"MaDonVi,omitempty"`
	DanhSachLePhi        []Fee        `json:"DanhSachLePhi"`
	TaiLieuNop           []Document   `json:"TaiLieuNop"`
	DanhSachGiayToKetQua []Result     `json:"DanhSachGiayToKetQua"`
	DanhSachHoSoBoSung   []Supplement `json:"DanhSachHoSoBoSung"`
}

// Fee is one fee of DanhSachLePhi.
type Fee struct {
	TenPhiLePhi  string `json:"TenPhiLePhi"`
	MaPhiLePhi   string `json:"MaPhiLePhi"`
	HinhThucThu  string `json:"HinhThucThu"`
	Gia          string `json:"Gia"`
	LoaiPhiLePhi string `json:"LoaiPhiLePhi"`
}

// Document is one filed paper of TaiLieuNop: its content inline (Base64)
// or at a URL. MaThanhPhanHoSo names the procedure's component it is for [M].
type Document struct {
	TenTepDinhKem   string `json:"TenTepDinhKem"`
	Base64          string `json:"Base64,omitempty"`
	URL             string `json:"URL,omitempty"`
	MaThanhPhanHoSo string `json:"MaThanhPhanHoSo,omitempty"`
}

// Supplement is one supplement request of DanhSachHoSoBoSung. The papers
// brought and the new appointment are not itemised: the papers are in
// TaiLieuNop, the appointment in the record's NgayHenTra.
type Supplement struct {
	HoSoBoSungId         string     `json:"HoSoBoSungId"`
	NguoiYeuCauBoSung    string     `json:"NguoiYeuCauBoSung"`
	NoiDungBoSung        string     `json:"NoiDungBoSung"`
	NgayBoSung           string     `json:"NgayBoSung"`
	NguoiTiepNhanBoSung  string     `json:"NguoiTiepNhanBoSung"`
	ThongTinTiepNhan     string     `json:"ThongTinTiepNhan"`
	NgayTiepNhanBoSung   string     `json:"NgayTiepNhanBoSung"`
	TrangThaiBoSung      string     `json:"TrangThaiBoSung"`
	DanhSachGiayToBoSung []Document `json:"DanhSachGiayToBoSung"`
	DanhSachLePhiBoSung  []Fee      `json:"DanhSachLePhiBoSung"`
	NgayHenTraTruoc      string     `json:"NgayHenTraTruoc"`
	NgayHenTraMoi        string     `json:"NgayHenTraMoi"`
}

// Result is one result paper of DanhSachGiayToKetQua.
type Result struct {
	TenGiayTo            string `json:"TenGiayTo"`
	MaThanhPhanHoSo      string `json:"MaThanhPhanHoSo"`
	GiayToId             string `json:"GiayToId"`
	DuongDanTepTinKetQua string `json:"DuongDanTepTinKetQua"`
}

// Step is one progress step as CapNhatTienDoHoSoMC sends it.
type Step struct {
	IdDongBo               string `json:"IdDongBo,omitempty"`
	MaHoSo                 string `json:"MaHoSo"`
	NguoiXuLy              string `json:"NguoiXuLy"`
	ChucDanh               string `json:"ChucDanh"`
	ThoiDiemXuLy           string `json:"ThoiDiemXuLy"`
	PhongBanXuLy           string `json:"PhongBanXuLy"`
	NoiDungXuLy            string `json:"NoiDungXuLy"`
	TrangThai              string `json:"TrangThai"`
	NgayBatDau             string `json:"NgayBatDau"`
	NgayKetThucTheoQuyDinh string `json:"NgayKetThucTheoQuyDinh"`
}

// Lookup is TraCuuHoSo's data: the record and its steps as the portal holds them [M].
type Lookup struct {
	HoSo   *Record `json:"HoSo"`
	TienDo []Step  `json:"TienDo"`
}

// Filed is a dossier filed on the portal, as LayDanhSachHoSoDVCQG lists it
// [M]: the record, with its files in TaiLieuNop and its e-form in
// ThongTinKhac (JSON of field → value).
type Filed = Record

// ListQuery is LayDanhSachHoSoDVCQG's data [M]: the agencies' codes and
// the earliest filing time wanted.
type ListQuery struct {
	MaDonVi []string `json:"MaDonVi"`
	TuNgay  string   `json:"TuNgay"`
}

// LookupQuery is TraCuuHoSo's data.
type LookupQuery struct {
	MaHoSo string `json:"MaHoSo"`
}

// timeLayout is yyyyMMddHHmmss.
const timeLayout = "20060102150405"

// FormatTime writes t as the portal does: yyyyMMddHHmmss in Asia/Ho_Chi_Minh.
func FormatTime(t time.Time) string { return t.In(calendar.Zone).Format(timeLayout) }

// ParseTime reads the portal's yyyyMMddHHmmss (Asia/Ho_Chi_Minh).
func ParseTime(s string) (time.Time, error) {
	return time.ParseInLocation(timeLayout, s, calendar.Zone)
}

func formatPtr(t *time.Time) string {
	if t == nil {
		return ""
	}
	return FormatTime(*t)
}
