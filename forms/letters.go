package forms

import (
	"context"
	"strconv"
	"strings"
	"time"
	"unicode"

	"github.com/motcua/motcua/dossier"
)

// Forms 04 and 05 are letters of the agency resolving the dossier to the
// applicant, signed on behalf of the agency and sealed.

const sealHint = "(Ký, ghi rõ họ tên, đóng dấu)"

// addressee is the centred "Kính gửi:" line.
func addressee(doc *doc, name string) {
	doc.Paragraph("Kính gửi: Ông/Bà "+name+".", para{Size: 14, Align: center, Before: 2, After: 8})
}

func (s *Service) apology(ctx context.Context, sh *sheet) (*rendered, error) {
	e := lastEvent(sh.d, dossier.Apologize)
	if e == nil {
		return nil, errNotApplicable(Apology)
	}
	ag, err := s.issuer(ctx, sh, unitAt(sh.d, e))
	if err != nil {
		return nil, err
	}
	l, err := s.leaderOf(ctx, sh.d, e)
	if err != nil {
		return nil, err
	}
	subject := sh.d.Code + "#" + strconv.Itoa(countEvents(sh.d, dossier.Apologize, e))
	n, err := s.number(ctx, ag.u.ID, Apology, subject, e.At)
	if err != nil {
		return nil, err
	}
	return s.renderApology(sh, e, ag, l, n)
}

// dueBefore is the appointment in force just before event e.
func dueBefore(d *dossier.Dossier, e *dossier.Event) *time.Time {
	var due *time.Time
	for i := range d.History {
		if &d.History[i] == e {
			break
		}
		if d.History[i].DueAt != nil {
			due = d.History[i].DueAt
		}
	}
	return due
}

// renderApology lays out Mẫu 04 for the apology e, issued by ag and
// signed by its leader l.
func (s *Service) renderApology(sh *sheet, e *dossier.Event, ag agency, l leader, n int) (*rendered, error) {
	d, u := sh.d, ag.u
	doc := newDoc(s.fonts, false, meta{Title: Name(Apology) + " " + d.Code, Author: u.Name, Subject: d.ProcedureName, Created: e.At})
	doc.head(agencyHeading(ag, symbol(n, series[Apology].symbol, false, ""), e.At,
		"PHIẾU XIN LỖI VÀ HẸN LẠI NGÀY TRẢ KẾT QUẢ", "(Xin lỗi và đề nghị gia hạn thời gian giải quyết hồ sơ)"))
	addressee(doc, d.Applicant.Name)
	received := d.SubmittedAt
	if d.ReceivedAt != nil {
		received = *d.ReceivedAt
	}
	doc.Paragraph(upperFirst(dateVN(received))+", "+desk+" – "+sh.desk.Name+" tiếp nhận hồ sơ đề nghị "+
		lowerFirst(d.ProcedureName)+" của Ông/Bà. Mã hồ sơ: "+d.Code+".", body)
	old := dueBefore(d, e)
	if old != nil {
		doc.Paragraph("Thời hẹn trả kết quả giải quyết hồ sơ: "+clockVN(*old)+".", body)
	}
	// An apology made after the due moment does not announce a delay: the
	// dossier is already late (quá hạn) and the letter says so.
	if late := d.ApologyLate || (old != nil && e.At.After(*old)); late {
		doc.Paragraph("Đến nay, hồ sơ của Ông/Bà đã quá hạn giải quyết mà "+u.Name+" chưa trả kết quả, lý do: "+
			strings.TrimSuffix(e.Note, ".")+".", body)
	} else {
		doc.Paragraph("Tuy nhiên, đến nay "+u.Name+" chưa thể trả kết quả giải quyết hồ sơ của Ông/Bà đúng hẹn, lý do: "+
			strings.TrimSuffix(e.Note, ".")+".", body)
	}
	newDue := "ngày hẹn mới"
	if e.DueAt != nil {
		newDue = clockVN(*e.DueAt)
	}
	doc.Paragraph("Sự chậm trễ này đã gây phiền hà, tốn kém chi phí đi lại của Ông/Bà. "+u.Name+
		" thành thật xin lỗi Ông/Bà và hẹn trả kết quả giải quyết hồ sơ vào "+newDue+".", body)
	doc.Paragraph("Xin trân trọng cảm ơn sự hợp tác của Ông/Bà./.", body)
	doc.signatures(nil, &signer{Position: signBlock(ag, l), Hint: sealHint, Name: l.name},
		[]string{"- Như trên;", "- " + desk + " – " + sh.desk.Name + ";", "- Lưu: VT, hồ sơ " + d.Code + "."}, sh.link())
	return doc.finish()
}

func (s *Service) stopNotice(ctx context.Context, sh *sheet) (*rendered, error) {
	e := lastEvent(sh.d, dossier.Stop)
	if e == nil {
		return nil, errNotApplicable(StopNotice)
	}
	ag, err := s.issuer(ctx, sh, unitAt(sh.d, e))
	if err != nil {
		return nil, err
	}
	l, err := s.leaderOf(ctx, sh.d, e)
	if err != nil {
		return nil, err
	}
	n, err := s.number(ctx, ag.u.ID, StopNotice, sh.d.Code, e.At)
	if err != nil {
		return nil, err
	}
	return s.renderStop(sh, e, ag, l, n)
}

// renderStop lays out Mẫu 05, the notice that processing stopped (e),
// issued by ag and signed by its leader l.
func (s *Service) renderStop(sh *sheet, e *dossier.Event, ag agency, l leader, n int) (*rendered, error) {
	d, u := sh.d, ag.u
	st := series[StopNotice]
	doc := newDoc(s.fonts, false, meta{Title: Name(StopNotice) + " " + d.Code, Author: u.Name, Subject: d.ProcedureName, Created: e.At})
	doc.head(agencyHeading(ag, symbol(n, st.symbol, st.agency, u.Name), e.At,
		"THÔNG BÁO", "Về việc dừng giải quyết hồ sơ "+d.Code))
	addressee(doc, d.Applicant.Name)
	received := d.SubmittedAt
	if d.ReceivedAt != nil {
		received = *d.ReceivedAt
	}
	text := upperFirst(dateVN(received)) + ", " + desk + " – " + sh.desk.Name + " tiếp nhận hồ sơ đề nghị " +
		lowerFirst(d.ProcedureName) + " của Ông/Bà (mã hồ sơ " + d.Code + ")"
	if due := dueBefore(d, e); due != nil {
		text += ", hẹn trả kết quả vào " + clockVN(*due)
	}
	doc.Paragraph(text+".", body)
	doc.Paragraph(u.Name+" thông báo dừng giải quyết hồ sơ nêu trên kể từ "+clockVN(e.At)+", lý do: "+
		strings.TrimSuffix(e.Note, ".")+".", body)
	doc.Paragraph("Ông/Bà liên hệ "+desk+" – "+sh.desk.Name+" để nhận lại hồ sơ và được hướng dẫn thực hiện thủ tục (nếu có nhu cầu).", body)
	doc.Paragraph(u.Name+" thông báo để Ông/Bà được biết./.", body)
	doc.signatures(nil, &signer{Position: signBlock(ag, l), Hint: sealHint, Name: l.name},
		[]string{"- Như trên;", "- " + desk + " – " + sh.desk.Name + ";", "- Lưu: VT, hồ sơ " + d.Code + "."}, sh.link())
	return doc.finish()
}

// lowerFirst puts a procedure's name inside a sentence: "Đăng ký…" → "đăng ký…".
func lowerFirst(s string) string {
	r := []rune(s)
	if len(r) > 1 && !unicode.IsUpper(r[1]) {
		r[0] = unicode.ToLower(r[0])
	}
	return string(r)
}

// upperFirst capitalises the first letter: "ngày 05…" → "Ngày 05…".
func upperFirst(s string) string {
	r := []rune(s)
	if len(r) > 0 {
		r[0] = []rune(strings.ToUpper(string(r[0])))[0]
	}
	return string(r)
}
