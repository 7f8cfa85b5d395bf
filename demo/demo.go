// Package demo loads the demo worlds. The 2022 world (Load) is Ninh Bình
// province, Nho Quan district with its departments and 27 communes as they
// were in 2022 (the place of the news article motcua grew from), an
// account for every role at the district and at Gia Lâm commune, and the
// province's admin. The two-tier world (LoadTwoTier) is the 2022 world
// carried through the two real reorganisations of 2025 (plans/*.json) by
// the reorganisation service, so its history is real. Agency codes are
// illustrative; statistical codes are the real ones.
package demo

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/motcua/motcua/auth"
	"github.com/motcua/motcua/dossier"
	"github.com/motcua/motcua/store"
	"github.com/motcua/motcua/unit"
)

// Password is every demo account's password. The demo is for trying
// motcua out; never load it into a production database.
const Password = "motcua-demo"

// Codes of the demo units used by tests and the README.
const (
	ProvinceCode = "000.00.00.H40"
	DistrictCode = "000.00.07.H40"
	GiaLamCode   = "000.04.07.H40"
)

// communes are the 27 communes of Nho Quan in 2022; the demo's agency code
// of the i-th is 000.{i+1}.07.H40.
var communes = []string{
	"Thị trấn Nho Quan", "Xã Gia Thủy", "Xã Gia Sơn", "Xã Gia Lâm", "Xã Gia Tường", "Xã Xích Thổ",
	"Xã Cúc Phương", "Xã Kỳ Phú", "Xã Phú Long", "Xã Quảng Lạc", "Xã Thạch Bình", "Xã Sơn Hà",
	"Xã Sơn Lai", "Xã Sơn Thành", "Xã Văn Phú", "Xã Văn Phương", "Xã Văn Phong", "Xã Lạng Phong",
	"Xã Yên Quang", "Xã Đức Long", "Xã Đồng Phong", "Xã Phú Lộc", "Xã Thượng Hòa", "Xã Quỳnh Lưu",
	"Xã Lạc Vân", "Xã Thanh Lạc", "Xã Phú Sơn",
}

// statCodes2022 are the statistical codes of 2022 (the GSO list under
// Decision 124/2004/QĐ-TTg, as mirrored in github.com/daohoangson/dvhcvn
// tag v20221001; see demo/plans/README.md).
var statCodes2022 = map[string]string{
	"Thị trấn Nho Quan": "14383", "Xã Xích Thổ": "14386", "Xã Gia Lâm": "14389", "Xã Gia Sơn": "14392",
	"Xã Thạch Bình": "14395", "Xã Gia Thủy": "14398", "Xã Gia Tường": "14401", "Xã Cúc Phương": "14404",
	"Xã Phú Sơn": "14407", "Xã Đức Long": "14410", "Xã Lạc Vân": "14413", "Xã Đồng Phong": "14416",
	"Xã Yên Quang": "14419", "Xã Lạng Phong": "14422", "Xã Thượng Hòa": "14425", "Xã Văn Phong": "14428",
	"Xã Văn Phương": "14431", "Xã Thanh Lạc": "14434", "Xã Sơn Lai": "14437", "Xã Sơn Thành": "14440",
	"Xã Văn Phú": "14443", "Xã Phú Lộc": "14446", "Xã Kỳ Phú": "14449", "Xã Quỳnh Lưu": "14452",
	"Xã Sơn Hà": "14455", "Xã Phú Long": "14458", "Xã Quảng Lạc": "14461",
}

var departments = []unit.Department{
	{Code: "VP", Name: "Văn phòng HĐND và UBND huyện (Trung tâm Một cửa liên thông)"},
	{Code: "TNMT", Name: "Phòng Tài nguyên và Môi trường"},
	{Code: "TP", Name: "Phòng Tư pháp"},
	{Code: "KTHT", Name: "Phòng Kinh tế và Hạ tầng"},
	{Code: "TCKH", Name: "Phòng Tài chính – Kế hoạch"},
	{Code: "LDTBXH", Name: "Phòng Lao động – Thương binh và Xã hội"},
}

// Account is one demo login.
type Account struct {
	Username, FullName, Role, UnitCode, Title string
}

// Accounts lists the demo logins (all with Password).
var Accounts = []Account{
	// The province's admin publishes procedures and calendar announcements,
	// which every unit lives by (auth.Scopes).
	{"tinh.quantri", "Ngô Thanh Tâm", auth.Admin, ProvinceCode, "Quản trị hệ thống cấp tỉnh"},
	{"huyen.tiepnhan", "Phạm Thị Hoa", auth.Reception, DistrictCode, "Công chức Trung tâm Một cửa liên thông"},
	{"huyen.chuyenvien", "Đinh Văn Thắng", auth.Specialist, DistrictCode, "Chuyên viên Phòng Tài nguyên và Môi trường"},
	{"huyen.lanhdao", "Lê Trần Hương", auth.Leader, DistrictCode, "Phó Chủ tịch UBND huyện"},
	{"huyen.vanthu", "Bùi Thị Lan", auth.Clerk, DistrictCode, "Văn thư UBND huyện"},
	{"huyen.quantri", "Trần Minh Đức", auth.Admin, DistrictCode, "Quản trị hệ thống"},
	{"huyen.giamsat", "Hoàng Văn Bình", auth.Supervisor, DistrictCode, "Thanh tra huyện"},
	{"gialam.tiepnhan", "Nguyễn Thị Mai", auth.Reception, GiaLamCode, "Công chức Bộ phận một cửa xã"},
	{"gialam.chuyenvien", "Vũ Đức Long", auth.Specialist, GiaLamCode, "Công chức Tư pháp – Hộ tịch"},
	{"gialam.lanhdao", "Đặng Văn Quân", auth.Leader, GiaLamCode, "Chủ tịch UBND xã"},
	{"gialam.vanthu", "Lương Thị Thu", auth.Clerk, GiaLamCode, "Văn thư UBND xã"},
	{"gialam.quantri", "Mai Văn Tú", auth.Admin, GiaLamCode, "Quản trị xã"},
	{"gialam.congnghe", "Phạm Minh Khoa", auth.Community, GiaLamCode, "Tổ công nghệ số cộng đồng thôn Tân Lập"},
}

// PartnerAgencies are the agencies outside the unit tree that the demo
// province's dossiers are sent to for coordination (cơ quan phối hợp): the
// tax office for a land dossier's financial obligations, the branch of the
// Land Registration Office, the commune police for residence. The names
// follow the 2025 reorganisation of the tax and land offices (the number
// of the tax office is a lead to confirm); their electronic agency codes
// are not known, and the addresses are the demo's own (example.vn). The
// commune police has no address: its requests go on paper.
var PartnerAgencies = []dossier.PartnerAgency{
	{Name: "Thuế cơ sở 9 tỉnh Ninh Bình", Email: "thuecoso9.ninhbinh@example.vn", Active: true},
	{Name: "Chi nhánh Văn phòng đăng ký đất đai huyện Nho Quan", Email: "vpdkdd.nhoquan@example.vn", Active: true},
	{Name: "Công an xã Gia Lâm", Active: true},
}

// Citizen is the demo citizen account.
var Citizen = auth.User{Username: "congdan", FullName: "Nguyễn Văn An", Kind: "citizen",
	Email: "nguyenvanan@example.vn", Phone: "0912345678", IDNumber: "037085001234", Address: "Thôn Tân Lập, xã Gia Lâm, huyện Nho Quan, tỉnh Ninh Bình"}

// Load creates the 2022 demo world unless a demo world is already there.
// It reports whether it loaded anything.
func Load(ctx context.Context, db *store.DB, units *unit.Store, au *auth.Service) (bool, error) {
	if _, err := units.ByCode(ctx, ProvinceCode); err == nil {
		return false, nil
	}
	err := db.InTx(ctx, func(tx *store.Tx) error {
		if _, err := units.Create(ctx, tx, unit.Unit{Code: ProvinceCode, Name: "UBND tỉnh Ninh Bình", ShortName: "Ninh Bình", Level: unit.Province, StatCode: "37"}, ""); err != nil {
			return err
		}
		district, err := units.Create(ctx, tx, unit.Unit{Code: DistrictCode, Name: "UBND huyện Nho Quan", ShortName: "Nho Quan", Level: unit.District, StatCode: "372"}, ProvinceCode)
		if err != nil {
			return err
		}
		for _, d := range departments {
			if err := units.AddDepartment(ctx, tx, district.ID, d); err != nil {
				return err
			}
		}
		for i, name := range communes {
			code := fmt.Sprintf("000.%02d.07.H40", i+1)
			if _, err := units.Create(ctx, tx, unit.Unit{Code: code, Name: "UBND " + lowerFirst(name), ShortName: name, Level: unit.Commune, StatCode: statCodes2022[name]}, DistrictCode); err != nil {
				return err
			}
		}
		for _, acc := range Accounts {
			if err := createAccount(ctx, tx, units, au, acc); err != nil {
				return err
			}
		}
		_, err = au.CreateUser(ctx, tx, auth.NewUser{User: Citizen, Password: Password})
		return err
	})
	return err == nil, err
}

// LoadPartnerAgencies fills the demo province's registry of partner
// agencies when it is empty (a demo world loaded before the registry
// existed gets it too). It is apart from Load because the registry is
// package dossier's, whose tables a database migrated only part of the way
// (the migration tests' old schemas) does not have yet. It reports
// whether it added anything.
func LoadPartnerAgencies(ctx context.Context, db *store.DB, units *unit.Store) (bool, error) {
	province, err := units.ByCode(ctx, ProvinceCode)
	if err != nil {
		return false, err
	}
	added := false
	err = db.InTx(ctx, func(tx *store.Tx) error {
		if n, err := dossier.PartnerAgencyCount(ctx, tx, province.ID); err != nil || n > 0 {
			return err
		}
		for _, p := range PartnerAgencies {
			if _, err := dossier.AddPartnerAgency(ctx, tx, province.ID, p, time.Now()); err != nil {
				return err
			}
		}
		added = true
		return nil
	})
	return added, err
}

// lowerFirst turns "Xã Gia Lâm" into "xã Gia Lâm" for "UBND xã Gia Lâm".
func lowerFirst(s string) string {
	for _, p := range []string{"Xã ", "Thị trấn "} {
		if rest, ok := strings.CutPrefix(s, p); ok {
			return strings.ToLower(p) + rest
		}
	}
	return s
}
