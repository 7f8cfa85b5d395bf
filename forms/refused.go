package forms

import (
	"context"
	"strings"

	"github.com/motcua/motcua/auth"
	"github.com/motcua/motcua/dossier"
)

// A dossier refused during processing (dossier.Refuse by the leader, from
// Processing) has a result all the same: the written answer that the
// request is not granted, with the reasons (Decree 118/2025/NĐ-CP: a
// dossier that does not qualify is answered in writing, stating why). It
// replaces the procedure's own result template — a refused birth
// registration never prints a birth certificate — and is issued under
// the heading of the unit that decided, signed by the leader who refused.
// A refusal at reception is Mẫu 03, issued by the desk, not this.

const refusalTitle = "Thông báo từ chối giải quyết hồ sơ"

// refusalSeries numbers the written refusals: "03/TB-UBND".
const refusalSeries = "KQ-TB-TC"

// refusedDuring is the refusal during processing of d, or nil.
func refusedDuring(d *dossier.Dossier) *dossier.Event {
	for i := len(d.History) - 1; i >= 0; i-- {
		if e := &d.History[i]; e.Action == dossier.Refuse && e.From == dossier.Processing {
			return e
		}
	}
	return nil
}

func (s *Service) refusalResult(ctx context.Context, sh *sheet) (*rendered, error) {
	e := refusedDuring(sh.d)
	if e == nil {
		return nil, errNotApplicable("ket-qua")
	}
	ag, err := s.issuer(ctx, sh, unitAt(sh.d, e))
	if err != nil {
		return nil, err
	}
	// Signed by whoever refused, not by an earlier step's approver.
	l := leader{name: e.Actor}
	if e.ActorID != 0 && s.db != nil {
		if l.title, err = auth.Title(ctx, s.db, e.ActorID); err != nil {
			return nil, err
		}
	}
	n, err := s.number(ctx, ag.u.ID, refusalSeries, sh.d.Code, e.At)
	if err != nil {
		return nil, err
	}
	return s.renderRefusalResult(sh, e, ag, l, n)
}

// renderRefusalResult lays out the written refusal e, issued by ag and
// signed by the leader l who refused, numbered n.
func (s *Service) renderRefusalResult(sh *sheet, e *dossier.Event, ag agency, l leader, n int) (*rendered, error) {
	d, u := sh.d, ag.u
	doc := newDoc(s.fonts, false, meta{Title: refusalTitle + " " + d.Code, Author: u.Name, Subject: d.ProcedureName, Created: e.At})
	doc.head(agencyHeading(ag, symbol(n, "TB", true, u.Name), e.At,
		"THÔNG BÁO", "Về việc từ chối giải quyết hồ sơ "+d.Code))
	addressee(doc, d.Applicant.Name)
	received := d.SubmittedAt
	if d.ReceivedAt != nil {
		received = *d.ReceivedAt
	}
	doc.Paragraph(upperFirst(dateVN(received))+", "+desk+" – "+sh.desk.Name+" tiếp nhận hồ sơ đề nghị "+
		lowerFirst(d.ProcedureName)+" của Ông/Bà (mã hồ sơ "+d.Code+").", body)
	doc.Paragraph("Sau khi xem xét, thẩm định hồ sơ, "+u.Name+" không giải quyết yêu cầu của Ông/Bà, lý do:", body)
	doc.Paragraph(strings.TrimSuffix(e.Note, ".")+".", para{Size: 13, Style: italic, Align: justify, Indent: 10 * mm, After: 6})
	doc.Paragraph("Ông/Bà liên hệ "+desk+" – "+sh.desk.Name+" để nhận lại hồ sơ (nếu có) và được hướng dẫn. "+
		"Trường hợp không đồng ý, Ông/Bà có quyền khiếu nại, khởi kiện theo quy định của pháp luật.", body)
	doc.Paragraph(u.Name+" thông báo để Ông/Bà được biết./.", body)
	doc.signatures(nil, &signer{Position: signBlock(ag, l), Hint: sealHint, Name: l.name},
		[]string{"- Như trên;", "- " + desk + " – " + sh.desk.Name + ";", "- Lưu: VT, hồ sơ " + d.Code + "."}, sh.link())
	return doc.finish()
}
