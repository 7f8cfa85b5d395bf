package edxml_test

import (
	"bytes"
	"time"

	"github.com/motcua/motcua/document/edxml"
)

// sampleMessage is a commune's reply to the province, with two files:
// every optional part of the message is set, so a round trip covers all.
func sampleMessage() *edxml.Message {
	ict := edxml.Zone()
	return &edxml.Message{
		From: edxml.Organization{
			OrganID: "000.01.24.H35", OrganizationInCharge: "UBND tỉnh Hà Nam",
			OrganName: "UBND xã Thanh Sơn", OrganAdd: "Thôn 1, xã Thanh Sơn",
			Email: "vanthu@thanhson.hanam.gov.vn", Telephone: "0226 3851 234", Fax: "0226 3851 235",
			Website: "https://thanhson.hanam.gov.vn",
		},
		To: []edxml.Organization{
			{OrganID: "000.00.00.H35", OrganName: "UBND tỉnh Hà Nam"},
			{OrganID: "H35.151.01", OrganName: "Sở Nội vụ"},
		},
		Code:             edxml.Code{Number: "15", Notation: "QĐ-UBND"},
		PromulgationInfo: edxml.PromulgationInfo{Place: "Thanh Sơn", Date: edxml.Date{Year: 2026, Month: time.March, Day: 5}},
		DocumentType:     edxml.DocumentType{Type: 1, TypeDetail: 2, TypeName: "Quyết định"},
		Subject:          "Về việc phê duyệt kế hoạch chuyển đổi số năm 2026 & <các> nhiệm vụ",
		Content:          "Nội dung tóm tắt\ncó hai dòng",
		SignerInfo:       edxml.SignerInfo{Competence: "TM. UBND", Position: "Chủ tịch", FullName: "Nguyễn Văn An"},
		DueDate:          edxml.Date{Year: 2026, Month: time.April, Day: 1},
		ToPlaces:         []string{"Như trên", "Lưu: VT, VP"},
		OtherInfo: edxml.OtherInfo{
			Priority: 2, SphereOfPromulgation: "Lưu hành nội bộ", TyperNotation: "NVA",
			PromulgationAmount: 5, PageAmount: 3, Direction: true, Appendixes: []string{"Phụ lục I"},
		},
		ResponseFor: []edxml.ResponseFor{{
			OrganID: "000.00.00.H35", Code: "120/UBND-VX",
			PromulgationDate: edxml.Date{Year: 2026, Month: time.February, Day: 20}, DocumentID: "000.00.00.H35,2026/02/20,120/UBND-VX",
		}},
		SteeringType: 1,
		DocumentID:   "000.01.24.H35,2026/03/05,15/QĐ-UBND",
		TraceHeaders: []edxml.TraceHeader{{OrganID: "000.01.24.H35", Timestamp: time.Date(2026, time.March, 5, 9, 30, 0, 0, ict)}},
		Business:     edxml.Business{DocType: edxml.BusinessNew, DocReason: "Ban hành mới", Paper: 1},
		Attachments: []edxml.Attachment{
			{ContentID: "cid:qd-15", ContentType: "application/pdf", Name: "15-QD-UBND.pdf", Description: "Quyết định đã ký", Data: []byte("%PDF-1.7 signed")},
			{ContentID: "cid:phu-luc", ContentType: "application/pdf", Name: "Phu luc I.pdf", Data: bytes.Repeat([]byte{0, 1, 2, 250}, 100)},
		},
	}
}

func sampleStatus() *edxml.Status {
	return &edxml.Status{
		ResponseFor: edxml.ResponseFor{OrganID: "000.01.24.H35", Code: "15/QĐ-UBND",
			PromulgationDate: edxml.Date{Year: 2026, Month: time.March, Day: 5}, DocumentID: "000.01.24.H35,2026/03/05,15/QĐ-UBND"},
		From:        edxml.Organization{OrganID: "000.00.00.H35", OrganName: "UBND tỉnh Hà Nam"},
		StatusCode:  edxml.StatusAccepted,
		Description: "Đã tiếp nhận",
		Timestamp:   time.Date(2026, time.March, 5, 14, 5, 9, 0, edxml.Zone()),
		StaffInfo:   edxml.StaffInfo{Department: "Văn phòng", Staff: "Trần Thị Bình", Mobile: "0912345678", Email: "binh@hanam.gov.vn"},
	}
}
