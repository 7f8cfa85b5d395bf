package forms

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/motcua/motcua/auth"
	"github.com/motcua/motcua/calendar"
	"github.com/motcua/motcua/dossier"
)

// A civil-status paper (giấy tờ hộ tịch: Giấy khai sinh, Giấy chứng
// nhận kết hôn, the trích lục of each event, Giấy xác nhận tình trạng hôn
// nhân) is not an administrative letter: its forms (Circular
// 04/2020/TT-BTP, as amended by Circular 03/2023/TT-BTP) are labelled
// lines filled from the civil-status book, with the entry's "Số" and the
// book's "Quyển số", no recipients, and two signatures — the civil
// servant who entered the event (Người thực hiện) and the person who
// signs the paper for the People's Committee ("Người ký Giấy khai sinh").
// The Ministry's printed blanks (Giấy khai sinh, Giấy chứng nhận kết
// hôn) carry the national name and motto only; the extracts printed by
// the unit carry its name too. Which is which, and every word, is data:
// catalog.ResultTemplate with Layout catalog.CivilStatus.
//
// Each book is kept per unit and year, numbered from 1: the procedures
// that write in the same book (a birth, a re-registered birth, a birth
// with recognition of the father) share its series, and a dossier keeps
// its entry when the paper is printed again.

const (
	clerkHint  = "(Ký, ghi rõ họ, chữ đệm, tên)"
	signerHint = "(Ký, ghi rõ họ, chữ đệm, tên, chức vụ, đóng dấu)"
)

// civilLine is a labelled line of a civil-status paper: left, no indent.
var civilLine = para{Size: 13, Align: left, After: 3}

// civilResult numbers and renders the civil-status paper of sh.
func (s *Service) civilResult(ctx context.Context, sh *sheet) (*rendered, error) {
	ag, l, err := s.issuedBy(ctx, sh)
	if err != nil {
		return nil, err
	}
	return s.civilPaper(ctx, sh, ag, l)
}

// civilPaper takes the dossier's entry in the template's book (none for
// a draft) and renders the paper issued by ag and signed by l.
func (s *Service) civilPaper(ctx context.Context, sh *sheet, ag agency, l leader) (*rendered, error) {
	t, d := sh.p.ResultTemplate, sh.d
	at, draft := sh.now, d.ResultAt == nil
	if !draft {
		at = *d.ResultAt
	}
	entry := ""
	if t.Register != "" {
		entry = "Số: ……, Quyển số: ……"
		if !draft {
			n, err := s.number(ctx, ag.u.ID, "HT-"+t.Register, d.Code, at)
			if err != nil {
				return nil, err
			}
			entry = bookEntryLine(n, at)
		}
	}
	return s.renderCivil(sh, ag, l, clerkOf(d), entry, at, draft)
}

// bookEntryLine is the number line of a paper entered as the n-th event
// of the year's book: "Số: 15, Quyển số: 01/2026". One book a year: a
// unit whose book fills up opens "02/…" by hand, which motcua does not model.
func bookEntryLine(n int, at time.Time) string {
	return fmt.Sprintf("Số: %d, Quyển số: 01/%d", n, at.In(calendar.Zone).Year())
}

// clerkOf is the civil servant who processed the dossier: the last
// specialist in its history ("" when none has: written by hand).
func clerkOf(d *dossier.Dossier) string {
	for i := len(d.History) - 1; i >= 0; i-- {
		if d.History[i].Role == auth.Specialist {
			return d.History[i].Actor
		}
	}
	return ""
}

func (s *Service) renderCivil(sh *sheet, ag agency, l leader, clerk, entry string, at time.Time, draft bool) (*rendered, error) {
	t, d := sh.p.ResultTemplate, sh.d
	doc := newDoc(s.fonts, false, meta{Title: t.Title + " " + d.Code, Author: ag.u.Name, Subject: d.ProcedureName, Created: at})
	if draft {
		doc.Paragraph("DỰ THẢO – chưa có giá trị pháp lý", para{Size: 11, Style: boldItalic, Align: right, After: 2})
	}
	var sub []string
	for _, line := range t.Subtitle {
		sub = append(sub, fill(line, sh, at))
	}
	h := heading{Title: upper(t.Title), Sub: sub}
	if !t.NoIssuer {
		h = agencyHeading(ag, "", at, upper(t.Title), sub...)
	}
	if entry != "" {
		h.Notes = []string{entry}
	}
	doc.head(h)
	for _, p := range t.Body {
		doc.Paragraph(fill(p, sh, at), civilLine)
	}
	doc.Space(4 * mm)
	doc.signatures(&signer{Position: t.Clerk, Hint: clerkHint, Name: clerk},
		&signer{Position: t.Signer, Hint: signerHint, Name: l.name, Title: l.title, Seal: true}, nil, sh.link())
	return doc.finish()
}

// spelledValue is a date placeholder's value in words ({{….words}}), ""
// when the date is not known.
func spelledValue(name string, sh *sheet, at time.Time) string {
	switch name {
	case "result_date":
		return spelledDate(at)
	case "received_date":
		if sh.d.ReceivedAt != nil {
			return spelledDate(*sh.d.ReceivedAt)
		}
	default:
		if key, ok := strings.CutPrefix(name, "form."); ok {
			if t, err := time.ParseInLocation("2006-01-02", sh.d.Form[key], calendar.Zone); err == nil {
				return spelledDate(t)
			}
		}
	}
	return ""
}

// spelledDate writes a date in words as civil-status papers write a date
// of birth beside its figures: "ngày hai mươi, tháng mười một, năm hai
// nghìn không trăm mười chín".
func spelledDate(t time.Time) string {
	t = t.In(calendar.Zone)
	month := spelled(int(t.Month()))
	if t.Month() == time.April {
		month = "tư"
	}
	return "ngày " + spelled(t.Day()) + ", tháng " + month + ", năm " + spelled(t.Year())
}

var units = []string{"không", "một", "hai", "ba", "bốn", "năm", "sáu", "bảy", "tám", "chín"}

// spelled writes 0 ≤ n < 10000 in Vietnamese words: 15 "mười lăm", 21
// "hai mươi mốt", 24 "hai mươi tư", 105 "một trăm linh năm", 2026 "hai
// nghìn không trăm hai mươi sáu".
func spelled(n int) string {
	switch {
	case n < 10:
		return units[n]
	case n < 100:
		tens, u := n/10, n%10
		s := "mười"
		if tens > 1 {
			s = units[tens] + " mươi"
		}
		switch {
		case u == 0:
			return s
		case u == 1 && tens > 1:
			return s + " mốt"
		case u == 4 && tens > 1:
			return s + " tư"
		case u == 5:
			return s + " lăm"
		}
		return s + " " + units[u]
	case n < 1000:
		s, r := units[n/100]+" trăm", n%100
		switch {
		case r == 0:
			return s
		case r < 10:
			return s + " linh " + units[r]
		}
		return s + " " + spelled(r)
	}
	s, r := units[n/1000]+" nghìn", n%1000
	switch {
	case r == 0:
		return s
	case r < 10:
		return s + " không trăm linh " + units[r]
	case r < 100:
		return s + " không trăm " + spelled(r)
	}
	return s + " " + spelled(r)
}
