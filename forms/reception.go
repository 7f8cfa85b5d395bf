package forms

import (
	"context"
	"strconv"
	"time"

	"github.com/motcua/motcua/calendar"
	"github.com/motcua/motcua/dossier"
)

// Forms 01–03 are issued by the one-stop desk of the receiving unit
// (Decree 118/2025; Circular 03/2025/TT-VPCP).

const desk = "Bộ phận Một cửa"

// field is a line of particulars: left-aligned, 13 pt, a little air after.
var field = para{Size: 13, Align: left, After: 1.5}

// section is a numbered heading inside a form.
var section = para{Size: 13, Style: bold, Align: left, Before: 4, After: 2}

// particulars are the applicant's details as the forms list them.
func particulars(d *doc, sh *sheet, lead string) {
	a := sh.d.Applicant
	d.Paragraph(lead+a.Name, field)
	if a.IDNumber != "" {
		d.Paragraph("Số định danh cá nhân: "+a.IDNumber, field)
	}
	d.Paragraph("Địa chỉ: "+or(a.Address, "……………"), field)
	d.Paragraph("Số điện thoại: "+or(a.Phone, "……………")+"; Email: "+or(a.Email, "……………"), field)
	d.Paragraph("Nội dung yêu cầu giải quyết: "+sh.d.ProcedureName+" (mã thủ tục "+sh.d.Procedure+")", field)
}

func or(s, alt string) string {
	if s == "" {
		return alt
	}
	return s
}

// deskHeading is the heading of 01–03: the unit, then its one-stop desk.
func deskHeading(sh *sheet, number string, at time.Time, title string) heading {
	return heading{Parent: sh.desk.Name, Issuer: desk, Number: number, Place: placeName(sh.desk.ShortName, sh.desk.Name),
		Date: at, Title: title, Notes: []string{"Mã hồ sơ: " + sh.d.Code}}
}

func (s *Service) receipt(ctx context.Context, sh *sheet) (*rendered, error) {
	if sh.d.ReceivedAt == nil {
		return nil, errNotApplicable(Receipt)
	}
	n, err := s.number(ctx, sh.desk.ID, Receipt, sh.d.Code, *sh.d.ReceivedAt)
	if err != nil {
		return nil, err
	}
	return s.renderReceipt(sh, n)
}

// renderReceipt lays out Mẫu 01 for a received dossier whose register
// entry (and receipt number) is n.
func (s *Service) renderReceipt(sh *sheet, n int) (*rendered, error) {
	d := sh.d
	rec := lastEvent(d, dossier.Receive)
	due := d.DueAt
	if rec != nil && rec.DueAt != nil {
		due = rec.DueAt // the appointment as made at reception, before any apology
	}
	doc := newDoc(s.fonts, false, meta{Title: Name(Receipt) + " " + d.Code, Author: sh.desk.Name, Subject: d.ProcedureName, Created: *d.ReceivedAt})
	for _, mark := range receiptCopies {
		doc.NewCopy(mark)
		s.receiptCopy(doc, sh, n, rec, due)
	}
	return doc.finish()
}

// receiptCopies are the copies (liên) Mẫu 01 is made in: one kept by the
// desk with the dossier's control slip (Mẫu 06), one handed to the
// applicant. The PDF holds both, each from a new page and marked in its
// top margin (the mark says which is which, so no note is needed, and a
// short dossier's copy stays on one page).
var receiptCopies = []string{"Liên 1: Lưu tại " + desk, "Liên 2: Giao người nộp hồ sơ"}

// receiptCopy lays out one copy of Mẫu 01.
func (s *Service) receiptCopy(doc *doc, sh *sheet, n int, rec *dossier.Event, due *time.Time) {
	d := sh.d
	doc.head(deskHeading(sh, symbol(n, series[Receipt].symbol, false, ""), *d.ReceivedAt, "GIẤY TIẾP NHẬN HỒ SƠ VÀ HẸN TRẢ KẾT QUẢ"))
	particulars(doc, sh, desk+" – "+sh.desk.Name+" tiếp nhận hồ sơ của: ")
	if d.CompetentUnit != "" {
		// Phi địa giới (Decree 118/2025): received on the competent unit's
		// behalf, to be transferred there within the transfer time.
		transfer := "Hồ sơ được tiếp nhận không phụ thuộc vào địa giới hành chính, thay cho " + d.CompetentUnitName +
			" (cơ quan có thẩm quyền giải quyết), và được chuyển đến " + d.CompetentUnitName
		if d.TransferDueAt != nil {
			transfer += " chậm nhất " + clockVN(*d.TransferDueAt)
		}
		doc.Paragraph(transfer+".", field)
	}

	doc.Paragraph("1. Thành phần hồ sơ nộp gồm:", section)
	var rows [][]string
	for _, it := range dossier.Checklist(sh.p, d.Files, nil) {
		c := it.Component
		if !c.Required && len(it.Files) == 0 {
			continue
		}
		rows = append(rows, []string{strconv.Itoa(len(rows) + 1), c.Name, kindName(c.Kind), two(c.Quantity)})
	}
	doc.drawTable(table{cols: []column{
		{"STT", 12, center}, {"Tên loại giấy tờ", 88, left}, {"Hình thức (bản chính, bản sao)", 40, center}, {"Số lượng", 25, center},
	}, rows: rows})
	doc.Space(2 * mm)
	doc.Paragraph("2. Số lượng hồ sơ: 01 (bộ).", field)
	statutory := statutoryTime(sh.p.Time)
	if d.CompetentUnit != "" && sh.p.Boundless != nil {
		statutory += "; cộng thời gian chuyển hồ sơ đến cơ quan có thẩm quyền: " + lowerFirst(statutoryTime(sh.p.Boundless.TransferTime()))
	}
	doc.Paragraph("3. Thời gian giải quyết hồ sơ theo quy định: "+statutory+".", field)
	doc.Paragraph("4. Thời gian nhận hồ sơ: "+clockVN(*d.ReceivedAt)+".", field)
	if due != nil {
		doc.Paragraph("5. Thời gian trả kết quả giải quyết hồ sơ: "+clockVN(*due)+".", field)
	}
	collect := desk + " – " + sh.desk.Name
	if d.ReturnAt == dossier.ReturnCompetent {
		collect = desk + " – " + d.CompetentUnitName
	}
	if d.Delivery == "post" {
		collect = "Qua dịch vụ bưu chính công ích, địa chỉ: " + or(d.Applicant.Address, "……………")
	}
	doc.Paragraph("6. Đăng ký nhận kết quả tại: "+collect+".", field)
	if len(sh.p.Fees) > 0 {
		doc.Paragraph("7. Phí, lệ phí:", field)
		for _, f := range sh.p.Fees {
			doc.Paragraph("- "+feeText(f)+".", para{Size: 13, Align: left, Indent: 0, X: doc.Left() + 5*mm, W: doc.Width() - 5*mm, After: 2})
		}
	}
	doc.Paragraph("Vào Sổ theo dõi hồ sơ, Quyển số: "+strconv.Itoa(d.ReceivedAt.In(calendar.Zone).Year())+
		", Số thứ tự: "+two(n)+".", para{Size: 13, Style: italic, Align: left, Before: 4, After: 4})
	officer := ""
	if rec != nil {
		officer = rec.Actor
	}
	doc.signatures(&signer{Position: []string{"Người nộp hồ sơ"}, Hint: signHint, Name: d.Applicant.Name},
		&signer{Position: []string{"Người tiếp nhận hồ sơ"}, Hint: signHint, Name: officer}, nil, sh.link())
}

func (s *Service) supplement(ctx context.Context, sh *sheet) (*rendered, error) {
	e := lastEvent(sh.d, dossier.RequestSupplement)
	if e == nil {
		return nil, errNotApplicable(Supplement)
	}
	subject := sh.d.Code + "#" + strconv.Itoa(countEvents(sh.d, dossier.RequestSupplement, e))
	n, err := s.number(ctx, sh.desk.ID, Supplement, subject, e.At)
	if err != nil {
		return nil, err
	}
	return s.renderSupplement(sh, e, n)
}

// renderSupplement lays out Mẫu 02 for the request e: the components the
// officer marked as missing and the other items, each with its reason, and
// the time limit to bring them (issue 10). A request made before the items
// existed prints its written reason alone: guessing the list from the
// uploads named what was only shown, or already brought on paper.
func (s *Service) renderSupplement(sh *sheet, e *dossier.Event, n int) (*rendered, error) {
	d := sh.d
	doc := newDoc(s.fonts, false, meta{Title: Name(Supplement) + " " + d.Code, Author: sh.desk.Name, Subject: d.ProcedureName, Created: e.At})
	doc.head(deskHeading(sh, symbol(n, series[Supplement].symbol, false, ""), e.At, "PHIẾU YÊU CẦU BỔ SUNG, HOÀN THIỆN HỒ SƠ"))
	particulars(doc, sh, "Hồ sơ của: ")
	received := "Ngày nộp hồ sơ: " + clockVN(d.SubmittedAt)
	if d.ReceivedAt != nil && d.ReceivedAt.Before(e.At) {
		received = "Ngày tiếp nhận hồ sơ: " + clockVN(*d.ReceivedAt)
	}
	doc.Paragraph(received+".", field)
	var rows [][]string
	if e.Request != nil {
		for _, it := range e.Request.Items {
			kind := "…………"
			if it.Kind != "" {
				kind = kindName(it.Kind)
			}
			rows = append(rows, []string{strconv.Itoa(len(rows) + 1), it.Name, kind, it.Reason})
		}
	}
	if len(rows) > 0 {
		doc.Paragraph("Yêu cầu hoàn thiện hồ sơ gồm những nội dung sau:", section)
		doc.drawTable(table{cols: []column{
			{"STT", 12, center}, {"Thành phần hồ sơ cần bổ sung, hoàn thiện", 63, left},
			{"Hình thức (bản chính, bản sao chứng thực, bản chụp)", 38, center}, {"Lý do", 52, left},
		}, rows: rows})
		doc.Space(2 * mm)
	} else {
		doc.Paragraph("Yêu cầu hoàn thiện hồ sơ theo các nội dung nêu tại phần Lý do dưới đây.", section)
	}
	doc.Paragraph("Lý do:", section)
	doc.Paragraph(e.Note, body)
	if e.Request != nil {
		doc.Paragraph("Hạn bổ sung: hết "+dateVN(e.Request.LastDay())+". Quá thời hạn này mà hồ sơ chưa được bổ sung, hoàn thiện thì "+
			lapseOutcome(e)+".", para{Size: 13, Style: bold, Align: justify, Indent: 10 * mm, After: 2})
	}
	if e.From == dossier.Processing {
		doc.Paragraph("Thời gian giải quyết hồ sơ tạm dừng từ "+clockVN(e.At)+
			" và tiếp tục được tính khi hồ sơ được bổ sung đầy đủ; thời gian đã giải quyết trước đó vẫn được tính.", body)
	}
	doc.Paragraph("Trong quá trình hoàn thiện hồ sơ, nếu có vướng mắc, ông/bà liên hệ "+e.Actor+" ("+unitAt(d, e)+
		") để được hướng dẫn. Ông/bà có thể tra cứu tình trạng hồ sơ trên Cổng dịch vụ công bằng mã hồ sơ và 4 số cuối số điện thoại của người nộp, hoặc quét mã QR dưới đây.", body)
	doc.signatures(nil, &signer{Position: []string{"Người hướng dẫn"}, Hint: signHint, Name: e.Actor}, nil, sh.link())
	return doc.finish()
}

// lapseOutcome is what happens past the time limit (dossier.LapseSupplements).
func lapseOutcome(e *dossier.Event) string {
	if e.From == dossier.Processing {
		return "cơ quan giải quyết dừng giải quyết hồ sơ"
	}
	return "hồ sơ được coi là không được tiếp nhận"
}

func (s *Service) refusal(ctx context.Context, sh *sheet) (*rendered, error) {
	e := lastEvent(sh.d, dossier.Refuse)
	if e == nil || e.From == dossier.Processing {
		return nil, errNotApplicable(Refusal)
	}
	n, err := s.number(ctx, sh.desk.ID, Refusal, sh.d.Code, e.At)
	if err != nil {
		return nil, err
	}
	return s.renderRefusal(sh, e, n)
}

// renderRefusal lays out Mẫu 03 for the refusal e.
func (s *Service) renderRefusal(sh *sheet, e *dossier.Event, n int) (*rendered, error) {
	d := sh.d
	doc := newDoc(s.fonts, false, meta{Title: Name(Refusal) + " " + d.Code, Author: sh.desk.Name, Subject: d.ProcedureName, Created: e.At})
	doc.head(deskHeading(sh, symbol(n, series[Refusal].symbol, false, ""), e.At, "PHIẾU TỪ CHỐI TIẾP NHẬN GIẢI QUYẾT HỒ SƠ"))
	particulars(doc, sh, desk+" – "+sh.desk.Name+" nhận hồ sơ của: ")
	doc.Paragraph("Ngày nộp hồ sơ: "+clockVN(d.SubmittedAt)+".", field)
	doc.Paragraph("Sau khi xem xét hồ sơ, đối chiếu với các quy định hiện hành, "+desk+" – "+sh.desk.Name+
		" từ chối tiếp nhận, giải quyết hồ sơ này vì lý do sau:", para{Size: 13, Align: justify, Indent: 10 * mm, Before: 4, After: 4})
	doc.Paragraph(e.Note, para{Size: 13, Style: italic, Align: justify, Indent: 10 * mm, After: 6})
	doc.Paragraph("Xin thông báo để ông/bà được biết và thực hiện./.", body)
	doc.signatures(nil, &signer{Position: []string{"Người tiếp nhận hồ sơ"}, Hint: signHint, Name: e.Actor}, nil, sh.link())
	return doc.finish()
}
