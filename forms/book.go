package forms

import (
	"context"
	"sort"
	"strconv"
	"time"

	"github.com/motcua/motcua/auth"
	"github.com/motcua/motcua/calendar"
	"github.com/motcua/motcua/dossier"
	"github.com/motcua/motcua/problem"
	"github.com/motcua/motcua/unit"
)

// Mẫu 07, the dossier tracking book (Sổ theo dõi hồ sơ), is the register
// of a one-stop desk: one line per dossier it received, with the dates of
// reception, appointment, transfer, result and return. Its entry number is
// the dossier's receipt number (Mẫu 01), one series per desk and year.

// MaxBookDays bounds one printed register.
const MaxBookDays = 366

// bookEntry is one line of the register.
type bookEntry struct {
	n    int
	d    *dossier.Dossier
	lead string
	due  *time.Time
}

// Book renders the tracking book of the unit with code for the days from
// to (inclusive, Vietnam time; zero times: from the first of this month
// to today). It lists every applicant's name and address, so it takes the
// right to read the unit's dossiers (auth.ReadDossier).
func (s *Service) Book(ctx context.Context, a *auth.Actor, code string, from, to time.Time, base string) (*Document, error) {
	if a == nil {
		return nil, problem.New(problem.ErrUnauthorized, "unauthorized")
	}
	u, err := s.units.ByCode(ctx, code)
	if err != nil {
		return nil, err
	}
	chain, err := s.units.Chain(ctx, s.db, u.ID)
	if err != nil {
		return nil, err
	}
	if !a.Can(auth.ReadDossier, chain) {
		return nil, problem.Forbidden("book_unit", u.Name)
	}
	if from.IsZero() {
		now := s.now().In(calendar.Zone)
		from = time.Date(now.Year(), now.Month(), 1, 0, 0, 0, 0, calendar.Zone)
	}
	if to.IsZero() {
		to = s.now()
	}
	from, to = startOfDay(from), startOfDay(to)
	if to.Before(from) {
		return nil, problem.Invalid("to", "invalid_range")
	}
	if to.Sub(from) > MaxBookDays*24*time.Hour {
		return nil, problem.Invalid("to", "range_too_long", MaxBookDays)
	}
	entries, err := s.bookEntries(ctx, a, u, from, to.AddDate(0, 0, 1))
	if err != nil {
		return nil, err
	}
	parent, err := s.parentName(ctx, u)
	if err != nil {
		return nil, err
	}
	out, err := s.renderBook(u, parent, a.FullName, from, to, entries, base+"/tra-cuu")
	if err != nil {
		return nil, err
	}
	if err := s.dossiers.RecordRead(ctx, a, u.ID, "unit:"+u.Code, dossier.PrintBook,
		from.Format(time.DateOnly)+"/"+to.Format(time.DateOnly)); err != nil {
		return nil, err
	}
	return &Document{Name: "so-theo-doi-" + u.Code + "-" + from.Format("20060102") + "-" + to.Format("20060102") + ".pdf",
		Title: Name(TrackingBook), PDF: out.pdf, Signature: out.spot}, nil
}

func startOfDay(t time.Time) time.Time {
	t = t.In(calendar.Zone)
	return time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, calendar.Zone)
}

// bookEntries lists the dossiers u received in [from, end), in the order
// received, numbering any that has no receipt number yet. The dossier
// service offers no date filter, so the unit's dossiers are paged through;
// a register is printed rarely.
func (s *Service) bookEntries(ctx context.Context, a *auth.Actor, u unit.Unit, from, end time.Time) ([]bookEntry, error) {
	var picked []*dossier.Dossier
	for off := 0; ; off += 200 {
		page, err := s.dossiers.List(ctx, a, dossier.Filter{Unit: u.Code, Limit: 200, Offset: off})
		if err != nil {
			return nil, err
		}
		for _, d := range page {
			if d.ReceivingUnit == u.Code && d.ReceivedAt != nil && !d.ReceivedAt.Before(from) && d.ReceivedAt.Before(end) {
				picked = append(picked, d)
			}
		}
		if len(page) < 200 {
			break
		}
	}
	sort.Slice(picked, func(i, j int) bool { return picked[i].ReceivedAt.Before(*picked[j].ReceivedAt) })
	out := make([]bookEntry, 0, len(picked))
	for _, p := range picked {
		d, err := s.dossiers.Get(ctx, a, p.Code)
		if err != nil {
			return nil, err
		}
		proc, err := s.dossiers.ProcedureFor(ctx, d)
		if err != nil {
			return nil, err
		}
		n, err := s.number(ctx, u.ID, Receipt, d.Code, *d.ReceivedAt)
		if err != nil {
			return nil, err
		}
		lead, _ := processingUnits(d, proc, u.Name)
		e := bookEntry{n: n, d: d, lead: lead, due: d.DueAt}
		if rec := lastEvent(d, dossier.Receive); rec != nil && rec.DueAt != nil {
			e.due = rec.DueAt
		}
		out = append(out, e)
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].n < out[j].n })
	return out, nil
}

// bookNote is the register's remark on a dossier: how it ended, or where it stands.
func bookNote(cal dossier.Calendar, e bookEntry) string {
	d := e.d
	note := d.StatusName
	if d.Status == dossier.Delivered && d.DeliveredAt != nil && e.due != nil {
		note = judge(cal, *d.DeliveredAt, *e.due)
	}
	if d.Apologized {
		note += "; đã xin lỗi, hẹn lại"
	}
	return note
}

func (s *Service) renderBook(u unit.Unit, parent, by string, from, to time.Time, entries []bookEntry, track string) (*rendered, error) {
	now := s.now()
	doc := newDoc(s.fonts, true, meta{Title: Name(TrackingBook) + " " + u.Name, Author: u.Name, Created: now})
	period := "Từ ngày " + from.Format("02/01/2006") + " đến ngày " + to.Format("02/01/2006")
	doc.head(heading{Parent: u.Name, Issuer: desk, Place: placeName(u.ShortName, u.Name), Date: now,
		Title: "SỔ THEO DÕI HỒ SƠ", Notes: []string{"Quyển số: " + strconv.Itoa(from.Year()) + " – " + period}})
	rows := make([][]string, 0, len(entries))
	for _, e := range entries {
		d := e.d
		contact := d.Applicant.Address
		if d.Applicant.Phone != "" {
			if contact != "" {
				contact += "; "
			}
			contact += "ĐT: " + d.Applicant.Phone
		}
		var transferred *time.Time
		if rec := lastEvent(d, dossier.Receive); rec != nil {
			transferred = &rec.At // handed to the first processing step when received
		}
		rows = append(rows, []string{two(e.n), d.Code, clip(d.ProcedureName, 160), "01", d.Applicant.Name, contact, e.lead,
			dateTimeCell(d.ReceivedAt), dateTimeCell(e.due), dateTimeCell(transferred), dateTimeCell(d.ResultAt),
			dateTimeCell(d.DeliveredAt), "", bookNote(s.cal, e)})
	}
	if len(rows) == 0 {
		rows = append(rows, []string{"", "", "Không có hồ sơ được tiếp nhận trong thời gian này."})
	}
	doc.drawTable(table{size: 8.5, maxLines: 14, cols: []column{
		{"STT", 9, center}, {"Mã hồ sơ", 25, left}, {"Tên thủ tục hành chính", 30, left}, {"Số lượng hồ sơ (bộ)", 12, center},
		{"Tên cá nhân, tổ chức", 22, left}, {"Địa chỉ, số điện thoại", 24, left}, {"Cơ quan chủ trì giải quyết", 22, left},
		{"Nhận hồ sơ", 18, center}, {"Hẹn trả kết quả", 18, center}, {"Chuyển hồ sơ đến cơ quan giải quyết", 18, center},
		{"Nhận kết quả từ cơ quan giải quyết", 18, center}, {"Trả kết quả", 18, center},
		{"Ký nhận", 11, center}, {"Ghi chú", 17, left},
	}, groups: []group{{"Ngày, tháng, năm", 7, 11}}, rows: rows})
	doc.Paragraph("Tổng số: "+strconv.Itoa(len(entries))+" hồ sơ.", para{Size: 12, Align: left, Before: 4, After: 2})
	doc.signatures(nil, &signer{Position: []string{"Người lập sổ"}, Hint: signHint, Name: by}, nil, link{url: track, caption: "Quét mã QR để tra cứu tình trạng hồ sơ theo mã hồ sơ:"})
	return doc.finish()
}
