package forms

import (
	"context"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/motcua/motcua/auth"
	"github.com/motcua/motcua/calendar"
	"github.com/motcua/motcua/catalog"
	"github.com/motcua/motcua/dossier"
)

// Mẫu 06, the process control slip, follows the dossier through every
// hand-off: the one-stop desk hands it to the first processing step, each
// step to the next, the last back to the desk, the desk to the applicant.
// Each row says whether the giving side did its part early, on time or
// late.

// Timeliness as Decision 766/QĐ-TTg counts it.
const (
	early  = "Trước hạn"
	onTime = "Đúng hạn"
	late   = "Quá hạn"
)

const deskShort = "Bộ phận TN&TKQ"

// handoff is one row of the slip.
type handoff struct {
	Giver, Receiver         string
	At                      time.Time
	GiverName, ReceiverName string
	Result, Note            string
}

// judge says early, on time or late by the one rule of the calendar
// (calendar.Calendar.Judge), the same answer the delivery check, the
// dashboards and the reports give.
func judge(cal dossier.Calendar, finish, deadline time.Time) string {
	switch cal.Judge(deadline, finish) {
	case calendar.Late:
		return late
	case calendar.OnTime:
		return onTime
	}
	return early
}

// stepLabel names who does step i: the desk, or the role at its unit.
func stepLabel(p catalog.Procedure, i int, unitName string) string {
	if i < 0 || i >= len(p.Steps) || p.Steps[i].Role == auth.Reception {
		return deskShort
	}
	return auth.RoleName(p.Steps[i].Role) + " – " + unitName
}

// pausedWithin is the working time of the clock pauses inside [a, b).
func pausedWithin(cal dossier.Calendar, pauses []dossier.Pause, a, b time.Time) time.Duration {
	var total time.Duration
	for _, p := range pauses {
		end := b
		if p.End != nil && p.End.Before(b) {
			end = *p.End
		}
		start := p.Start
		if start.Before(a) {
			start = a
		}
		total += cal.WorkingBetween(start, end)
	}
	return total
}

// pauseKindAt names the kind of the pause that began at t.
func pauseKindAt(pauses []dossier.Pause, t time.Time) string {
	for _, p := range pauses {
		if p.Start.Equal(t) {
			return p.KindName
		}
	}
	return ""
}

// handoffs reads the slip's rows from the history. A step's deadline is
// its start plus its allotted working hours plus any pause inside it; the
// hand-off to the applicant is judged against the appointment as the law
// sets it (an apology's new date does not make a late dossier on time).
func handoffs(sh *sheet, cal dossier.Calendar) []handoff {
	d, p := sh.d, sh.p
	var rows []handoff
	var stepStart time.Time
	var legalDue *time.Time
	unitName := sh.desk.Name
	var notes []string
	consults := 0 // consult events seen: the n-th is the dossier's n-th request
	answered := map[int64]bool{}
	// receiverAfter is the officer who took what event i handed over: the
	// next to act at the step it handed to, or, for a hand-back to the
	// desk, the officer who delivered. An apology, the applicant's acts or
	// a withdrawal acknowledged at the desk are not the step's work.
	receiverAfter := func(i int) string {
		e := d.History[i]
		for _, n := range d.History[i+1:] {
			switch {
			case e.To == dossier.ResultReady:
				if n.Action == dossier.Deliver {
					return n.Actor
				}
			case n.FromStep == e.ToStep && slices.Contains(stepActs, n.Action) && n.Role != dossier.ApplicantRole:
				return n.Actor
			}
		}
		return ""
	}
	for i, e := range d.History {
		prevUnit := unitName
		if e.Unit != "" {
			unitName = e.Unit
		}
		switch e.Action {
		case dossier.Receive:
			legalDue = e.DueAt
			if e.To == dossier.Transferring {
				continue // received for another unit: the transfer is the hand-off
			}
			rows = append(rows, handoff{Giver: deskShort, Receiver: stepLabel(p, e.ToStep, unitName), At: e.At,
				GiverName: e.Actor, ReceiverName: receiverAfter(i), Result: onTime, Note: e.Note})
			stepStart = e.At
		case dossier.Forward, dossier.Approve, dossier.SendBack:
			receiver := stepLabel(p, e.ToStep, unitName)
			if e.To == dossier.ResultReady {
				receiver = returnDesk(sh)
			}
			h := handoff{Giver: stepLabel(p, e.FromStep, prevUnit), Receiver: receiver, At: e.At,
				GiverName: e.Actor, ReceiverName: receiverAfter(i)}
			if e.FromStep >= 0 && e.FromStep < len(p.Steps) && !stepStart.IsZero() {
				allotted := time.Duration(p.Steps[e.FromStep].Hours)*time.Hour + pausedWithin(cal, sh.pauses, stepStart, e.At)
				h.Result = judge(cal, e.At, cal.AddWorking(stepStart, allotted))
			}
			if e.Action == dossier.SendBack {
				notes = append(notes, "Trả lại bước trước: "+e.Note)
			} else if e.Note != "" {
				notes = append(notes, e.Note)
			}
			h.Note = joinNotes(notes)
			notes = nil
			rows = append(rows, h)
			stepStart = e.At
		case dossier.Transfer:
			// Phi địa giới: the receiving desk hands the dossier to the
			// competent unit, judged against the transfer time.
			h := handoff{Giver: deskShort + " – " + sh.desk.Name + " (nơi tiếp nhận)", Receiver: stepLabel(p, e.ToStep, unitName), At: e.At,
				GiverName: e.Actor, ReceiverName: receiverAfter(i),
				Note: joinNotes(append(notes, "Chuyển hồ sơ tiếp nhận không phụ thuộc địa giới hành chính đến "+unitName, e.Note))}
			if d.TransferDueAt != nil {
				h.Result = judge(cal, e.At, *d.TransferDueAt)
			}
			notes = nil
			rows = append(rows, h)
			stepStart = e.At
		case dossier.Deliver:
			h := handoff{Giver: deskShort, Receiver: "Người nộp hồ sơ (trả kết quả)", At: e.At,
				GiverName: e.Actor, ReceiverName: d.Applicant.Name, Note: joinNotes(append(notes, e.Note))}
			if legalDue != nil {
				h.Result = judge(cal, e.At, *legalDue)
			}
			rows = append(rows, h)
		case dossier.Supplement:
			if e.From == dossier.SupplementRequested {
				if e.DueAt != nil {
					legalDue = e.DueAt
				}
				notes = append(notes, "Đã bổ sung "+clockShort(e.At))
			}
		case dossier.RequestSupplement:
			if e.From == dossier.Processing {
				notes = append(notes, "Yêu cầu bổ sung "+clockShort(e.At)+": "+e.Note)
			}
		case dossier.PauseClock:
			notes = append(notes, "Tạm dừng tính thời gian: "+pauseKindAt(sh.pauses, e.At)+" từ "+clockShort(e.At)+" ("+e.Note+")")
		case dossier.ResumeClock:
			// The period the law excludes moved the appointment on (dossier.resumeClock).
			if e.DueAt != nil {
				legalDue = e.DueAt
				notes = append(notes, "Tiếp tục tính thời gian "+clockShort(e.At)+", hẹn trả "+clockShort(*e.DueAt))
			}
		case dossier.Apologize:
			notes = append(notes, "Xin lỗi, hẹn lại "+clockShort(*e.DueAt))
		case dossier.Consult, dossier.RecordAnswer:
			if h, ok := coordinationRow(sh, cal, e, stepLabel(p, e.FromStep, unitName), consults, answered); ok {
				rows = append(rows, h)
			}
			if e.Action == dossier.Consult {
				consults++
			}
		case dossier.Refuse:
			if e.From != dossier.Processing {
				continue // refused at reception: never handed over
			}
			// The refusal is the result: the leader hands it to the desk.
			h := handoff{Giver: stepLabel(p, e.FromStep, prevUnit), Receiver: returnDesk(sh), At: e.At,
				GiverName: e.Actor, ReceiverName: receiverAfter(i), Note: joinNotes(append(notes, e.ActionName+": "+e.Note))}
			if e.FromStep >= 0 && e.FromStep < len(p.Steps) && !stepStart.IsZero() {
				allotted := time.Duration(p.Steps[e.FromStep].Hours)*time.Hour + pausedWithin(cal, sh.pauses, stepStart, e.At)
				h.Result = judge(cal, e.At, cal.AddWorking(stepStart, allotted))
			}
			rows = append(rows, h)
			notes, stepStart = nil, e.At
		case dossier.Withdraw, dossier.AcknowledgeWithdrawal, dossier.Stop:
			if e.From == dossier.Submitted || e.From == dossier.Returned {
				continue // never received: nothing was handed over
			}
			if e.To == dossier.WithdrawalRequested {
				// Only a request: the dossier moves when the desk acknowledges it.
				notes = append(notes, "Người nộp đề nghị rút hồ sơ "+clockShort(e.At)+": "+e.Note)
				continue
			}
			// The dossier goes back to the desk, to be returned to the
			// applicant. A stop is the leader's act; a withdrawal is taken
			// back by the desk officer from whoever held the step.
			act := e.ActionName
			if e.Note != "" {
				act += ": " + e.Note
			}
			h := handoff{Giver: stepLabel(p, e.FromStep, prevUnit), Receiver: deskShort, At: e.At,
				GiverName: e.Actor, Note: joinNotes(append(notes, act))}
			if e.Action != dossier.Stop {
				h.GiverName, h.ReceiverName = "", e.Actor
			}
			rows = append(rows, h)
			notes = nil
		}
	}
	return rows
}

// coordinationRow is the row of a hand-off to a partner agency (consult:
// the n-th request, out) or back from it (record-answer: the request
// answered at that moment with that due, not yet shown), judged against
// the request's own due by the one rule of the calendar.
func coordinationRow(sh *sheet, cal dossier.Calendar, e dossier.Event, step string, n int, shown map[int64]bool) (handoff, bool) {
	cs := sh.d.Consultations
	if e.Action == dossier.Consult {
		if n >= len(cs) {
			return handoff{}, false
		}
		c := cs[n]
		return handoff{Giver: step, Receiver: c.Agency, At: e.At, GiverName: e.Actor,
			Note: joinNotes([]string{"Đề nghị phối hợp: " + c.Question, "Hạn trả lời: " + clockShort(c.DueAt)})}, true
	}
	for _, c := range cs {
		if c.RecordedAt != nil && c.AnsweredAt != nil && c.RecordedAt.Equal(e.At) && e.DueAt != nil && c.DueAt.Equal(*e.DueAt) && !shown[c.ID] {
			shown[c.ID] = true
			return handoff{Giver: c.Agency, Receiver: step, At: *c.AnsweredAt, GiverName: c.AnsweredBy, ReceiverName: c.RecordedBy,
				Result: judge(cal, *c.AnsweredAt, c.DueAt), Note: joinNotes([]string{"Trả lời: " + c.Answer})}, true
		}
	}
	return handoff{}, false
}

// partnerAgencies names the agencies outside the unit tree the dossier
// was sent to, once each, in the order first asked.
func partnerAgencies(d *dossier.Dossier) []string {
	var out []string
	for _, c := range d.Consultations {
		if !contains(out, c.Agency) {
			out = append(out, c.Agency)
		}
	}
	return out
}

// returnDesk names the desk a result goes back to: the one-stop desk, and
// for a dossier received elsewhere (phi địa giới) which unit's.
func returnDesk(sh *sheet) string {
	switch {
	case sh.d.ReturnAt == dossier.ReturnCompetent:
		return deskShort + " – " + sh.d.CompetentUnitName
	case sh.d.CompetentUnit != "":
		return deskShort + " – " + sh.desk.Name
	}
	return deskShort
}

// stepActs are the acts an officer takes at a processing step, which
// show who received the step.
var stepActs = []dossier.Action{dossier.Forward, dossier.Approve, dossier.SendBack, dossier.RequestSupplement,
	dossier.Refuse, dossier.Stop, dossier.Consult, dossier.RecordAnswer}

// joinNotes joins the non-empty notes of a row, each without its final
// full stop ("…kinh doanh; Đã bổ sung…", not "…kinh doanh.; Đã…").
func joinNotes(notes []string) string {
	var out []string
	for _, n := range notes {
		if n = strings.TrimSuffix(strings.TrimSpace(n), "."); n != "" {
			out = append(out, n)
		}
	}
	return strings.Join(out, "; ")
}

func (s *Service) controlSlip(ctx context.Context, sh *sheet) (*rendered, error) {
	if sh.d.ReceivedAt == nil {
		return nil, errNotApplicable(ControlSlip)
	}
	n, err := s.number(ctx, sh.desk.ID, Receipt, sh.d.Code, *sh.d.ReceivedAt)
	if err != nil {
		return nil, err
	}
	return s.renderControl(sh, n)
}

// renderControl lays out Mẫu 06; n is the number of the dossier's receipt.
func (s *Service) renderControl(sh *sheet, receipt int) (*rendered, error) {
	d := sh.d
	doc := newDoc(s.fonts, false, meta{Title: Name(ControlSlip) + " " + d.Code, Author: sh.desk.Name, Subject: d.ProcedureName, Created: sh.now})
	h := deskHeading(sh, "", sh.now, "PHIẾU KIỂM SOÁT QUÁ TRÌNH GIẢI QUYẾT HỒ SƠ")
	h.Notes = append(h.Notes, "(Kèm theo Giấy tiếp nhận hồ sơ và hẹn trả kết quả số: "+symbol(receipt, series[Receipt].symbol, false, "")+")")
	doc.head(h)
	doc.Paragraph("Người nộp hồ sơ: "+d.Applicant.Name, field)
	doc.Paragraph("Thủ tục: "+d.ProcedureName, field)
	doc.Paragraph("Ngày tiếp nhận hồ sơ: "+clockVN(*d.ReceivedAt), field)
	rec := lastEvent(d, dossier.Receive)
	if rec != nil && rec.DueAt != nil {
		doc.Paragraph("Ngày hẹn trả kết quả: "+clockVN(*rec.DueAt), field)
	}
	switch {
	case d.DueAt != nil && d.Apologized:
		doc.Paragraph("Ngày hẹn trả kết quả mới (sau khi xin lỗi): "+clockVN(*d.DueAt), field)
	case d.DueAt != nil && rec != nil && rec.DueAt != nil && !d.DueAt.Equal(*rec.DueAt):
		// A supplement or a pause the law excludes moved the appointment:
		// the slip shows the one the rows are judged against.
		doc.Paragraph("Ngày hẹn trả kết quả (sau thời gian tạm dừng): "+clockVN(*d.DueAt), field)
	}
	lead, others := processingUnits(d, sh.p, sh.desk.Name)
	others = append(others, partnerAgencies(d)...)
	doc.Paragraph("Cơ quan (bộ phận) giải quyết hồ sơ: "+lead, field)
	doc.Paragraph("Cơ quan phối hợp giải quyết hồ sơ: "+or(strings.Join(others, "; "), "Không"), field)
	doc.qr(sh.link()) // on page 1, before a table that may run over several pages
	doc.Space(2 * mm)
	var rows [][]string
	for i, h := range handoffs(sh, s.cal) {
		who := strconv.Itoa(i+1) + ". Giao: " + h.Giver + "\nNhận: " + h.Receiver
		when := clockShort(h.At) + "\nNgười giao: " + or(h.GiverName, "……………") + "\nNgười nhận: " + or(h.ReceiverName, "……………")
		rows = append(rows, []string{who, when, h.Result, clip(h.Note, 300)})
	}
	doc.drawTable(table{size: 11, cols: []column{
		{"TÊN CƠ QUAN", 48, left}, {"THỜI GIAN GIAO, NHẬN HỒ SƠ", 52, left},
		{"KẾT QUẢ GIẢI QUYẾT HỒ SƠ (Trước hạn/ Đúng hạn/ Quá hạn)", 28, center}, {"GHI CHÚ", 37, left},
	}, rows: rows})
	return doc.finish()
}

// processingUnits are the unit that decides (where the leader's step ran,
// else the last processing unit, else the desk's own) and the other units
// that processed the dossier.
func processingUnits(d *dossier.Dossier, p catalog.Procedure, deskName string) (string, []string) {
	var units []string
	lead := ""
	for _, e := range d.History {
		if e.Unit == "" || e.ToStep < 0 || e.ToStep >= len(p.Steps) || p.Steps[e.ToStep].Role == auth.Reception ||
			e.To != dossier.Processing {
			continue
		}
		if !contains(units, e.Unit) {
			units = append(units, e.Unit)
		}
		if p.Steps[e.ToStep].Role == auth.Leader {
			lead = e.Unit
		}
	}
	if lead == "" && len(units) > 0 {
		lead = units[len(units)-1]
	}
	if lead == "" {
		lead = deskName
	}
	var others []string
	for _, u := range units {
		if u != lead {
			others = append(others, u)
		}
	}
	return lead, others
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}
