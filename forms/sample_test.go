package forms

import (
	"testing"
	"time"

	"github.com/motcua/motcua/calendar"
	"github.com/motcua/motcua/catalog"
	"github.com/motcua/motcua/dossier"
	"github.com/motcua/motcua/typeset"
	"github.com/motcua/motcua/unit"
)

// The renderers are pure functions of a sheet, so these tests build
// sheets by hand (no database) for layout checks and the benchmark; the
// server tests produce every form for real dossiers driven over HTTP.

func at(day, hour, minute int) time.Time {
	return time.Date(2026, 3, day, hour, minute, 0, 0, calendar.Zone)
}

func ptr(t time.Time) *time.Time { return &t }

func testService(t testing.TB) *Service {
	t.Helper()
	fs, err := typeset.LoadFonts()
	if err != nil {
		t.Fatal(err)
	}
	return &Service{fonts: fs, cal: calendar.New(calendar.Options{}), now: func() time.Time { return at(3, 9, 0) }}
}

func builtin(t testing.TB, code string) catalog.Procedure {
	t.Helper()
	ps, err := catalog.Builtin()
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range ps {
		if p.Code == code {
			return p
		}
	}
	t.Fatalf("no builtin procedure %s", code)
	return catalog.Procedure{}
}

var giaLam = unit.Unit{ID: 1, Code: "000.04.07.H40", Name: "UBND xã Gia Lâm", ShortName: "Xã Gia Lâm", Level: unit.Commune}

const sampleCode = "000.04.07.H40-260302-0001"

// sampleSheet is a signature certification (2.000884) received at Gia Lâm
// on Monday 2 March 2026 at 08:30, processed and delivered the same day.
func sampleSheet(t testing.TB) *sheet {
	t.Helper()
	p := builtin(t, "2.000884")
	const commune = "UBND xã Gia Lâm"
	d := &dossier.Dossier{
		Code: sampleCode, Procedure: p.Code, ProcedureVersion: 1, ProcedureName: p.Name,
		Unit: giaLam.Code, UnitName: commune, ReceivingUnit: giaLam.Code, Channel: "counter",
		Status: dossier.Delivered, StatusName: dossier.Delivered.Name(),
		Applicant: dossier.Applicant{Name: "Nguyễn Văn An", IDNumber: "037085001234", Phone: "0912345678",
			Email: "an@example.vn", Address: "Thôn Tân Lập, xã Gia Lâm, huyện Nho Quan, tỉnh Ninh Bình"},
		Form: map[string]string{"ten_giay_to": "Giấy ủy quyền", "ho_ten_nguoi_ky": "Nguyễn Văn An",
			"so_dinh_danh": "037085001234", "so_nguoi_ky": "1", "hinh_thuc": "Ký"},
		Delivery: "counter", SubmittedAt: at(2, 8, 0), ReceivedAt: ptr(at(2, 8, 30)), DueAt: ptr(at(2, 17, 0)),
		ResultAt: ptr(at(2, 14, 0)), DeliveredAt: ptr(at(2, 16, 5)),
		Files: []dossier.File{{ID: 1, Component: "giay_to_can_ky", Kind: "component", Name: "giay-uy-quyen.pdf"}},
		History: []dossier.Event{
			{At: at(2, 8, 0), Actor: "Nguyễn Văn An", Role: dossier.ApplicantRole, Action: "submit", To: dossier.Submitted, Unit: commune},
			{At: at(2, 8, 30), Actor: "Nguyễn Thị Mai", Role: "reception", Action: dossier.Receive, From: dossier.Submitted,
				To: dossier.Processing, Unit: commune, DueAt: ptr(at(2, 17, 0)), Note: "Đã kiểm tra bản chính giấy tờ tùy thân"},
			{At: at(2, 10, 15), Actor: "Vũ Đức Long", Role: "specialist", Action: dossier.Forward, From: dossier.Processing,
				To: dossier.Processing, ToStep: 1, Unit: commune},
			{At: at(2, 14, 0), Actor: "Đặng Văn Quân", Role: "leader", Action: dossier.Approve, From: dossier.Processing,
				To: dossier.ResultReady, FromStep: 1, ToStep: 2, Unit: commune},
			{At: at(2, 16, 5), Actor: "Nguyễn Thị Mai", Role: "reception", Action: dossier.Deliver, From: dossier.ResultReady,
				To: dossier.Delivered, FromStep: 2, ToStep: 2, Unit: commune},
		},
	}
	return &sheet{d: d, p: p, desk: giaLam, track: "https://motcua.example.vn/tra-cuu/" + sampleCode, now: at(3, 9, 0)}
}
