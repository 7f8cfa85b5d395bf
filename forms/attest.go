package forms

import (
	"context"
	"strconv"
	"strings"
	"time"

	"github.com/motcua/motcua/calendar"
	"github.com/motcua/motcua/dossier"
)

// A certification (chứng thực) issues no document of its own: the
// certifying person writes the lời chứng on the certified paper itself —
// at the foot of its last page, or on a page attached to it and sealed
// across the join (đóng dấu giáp lai) — with the number of the
// certification in its book (Decree 23/2015/NĐ-CP Arts. 12, 13, 20, 24,
// 36 as amended; the lời chứng templates of its Appendix, Decree
// 280/2025/NĐ-CP, and of Circular 01/2020/TT-BTP). So the result of a
// certification procedure is that lời chứng block: no heading, no
// document number, no recipients; the number is the book's.
//
// The books (sổ chứng thực) are kept per kind (catalog.Books) by each
// certifying unit and opened anew each year: "Số chứng thực 15, quyển số
// 01/2026-SCT/BS" is the 15th entry of 2026 in the unit's book of
// copies. A dossier takes one entry, kept when it is printed again.

// Placeholders an attestation's template may name besides the dossier's.
const (
	certNumber   = "cert.number" // the entry in the book: "15"
	certBook     = "cert.book"   // the book: "01/2026-SCT/BS"
	certifier    = "certifier.name"
	certPosition = "certifier.position" // "Chủ tịch Ủy ban nhân dân xã Gia Lâm"
	receiverName = "receiver.name"      // the desk officer before whom the paper was signed
	dateWords    = "result_date_words"  // "ngày hai tháng ba năm hai nghìn không trăm hai mươi sáu"
	certPlace    = "cert.place"         // where it was certified: "Ủy ban nhân dân xã Gia Lâm"
)

// attestation numbers and renders the lời chứng of a certification.
func (s *Service) attestation(ctx context.Context, sh *sheet) (*rendered, error) {
	t := sh.p.ResultTemplate
	ag, l, err := s.issuedBy(ctx, sh)
	if err != nil {
		return nil, err
	}
	at, n, draft := sh.now, 0, sh.d.ResultAt == nil
	if !draft {
		at = *sh.d.ResultAt
		if n, err = s.number(ctx, ag.u.ID, t.Book, sh.d.Code, at); err != nil {
			return nil, err
		}
	}
	return s.renderAttestation(sh, ag, l, n, at, draft)
}

// bookName is the book an entry of year is written in: "01/2026-SCT/BS".
// One book a year per kind: a unit whose book fills up mid-year opens
// "02/…" by hand, which motcua does not model.
func bookName(book string, at time.Time) string {
	return "01/" + strconv.Itoa(at.In(calendar.Zone).Year()) + "-" + book
}

// certifierPosition is the position of the certifying person with the
// name of the body, as the templates' note (4) asks: "Phó Chủ tịch Ủy
// ban nhân dân xã Gia Lâm".
func certifierPosition(ag agency, l leader) string {
	_, issuer := ag.names()
	issuer = strings.ReplaceAll(issuer, "\n", " ")
	head, deputy := position(l.title)
	switch {
	case head != "" && deputy:
		return "Phó " + head + " " + issuer
	case head != "":
		return head + " " + issuer
	case strings.TrimSpace(l.title) != "":
		return strings.TrimSpace(l.title) + ", " + issuer
	case ag.committee():
		// As signBlock: a leader whose title names no position certifies
		// as the head (Decree 23/2015/NĐ-CP Art. 5: the Chairman or a Vice-Chairman).
		return "Chủ tịch " + issuer
	}
	return "người thực hiện chứng thực, " + issuer
}

// renderAttestation lays out the lời chứng of sh's certification made by
// the leader l of ag, entry n of the year's book (0 and draft while
// processing: the number is written when it is certified).
func (s *Service) renderAttestation(sh *sheet, ag agency, l leader, n int, at time.Time, draft bool) (*rendered, error) {
	t, d := sh.p.ResultTemplate, sh.d
	number := "………"
	if n > 0 {
		number = strconv.Itoa(n)
	}
	var receiver string
	if rec := lastEvent(d, dossier.Receive); rec != nil {
		receiver = rec.Actor
	}
	_, issuer := ag.names()
	sh.extra = map[string]string{
		certNumber: number, certBook: bookName(t.Book, at), certifier: l.name,
		certPosition: certifierPosition(ag, l), receiverName: receiver,
		dateWords: dateInWords(at), certPlace: strings.ReplaceAll(issuer, "\n", " "),
	}
	defer func() { sh.extra = nil }()
	doc := newDoc(s.fonts, false, meta{Title: t.Title + " " + d.Code, Author: ag.u.Name, Subject: d.ProcedureName, Created: at})
	if draft {
		doc.Paragraph("DỰ THẢO – chưa có giá trị pháp lý", para{Size: 11, Style: boldItalic, Align: right, After: 2})
	}
	// Where the block goes: the officer prints it at the foot of the
	// paper's last page or on a page attached to it.
	doc.Paragraph("Lời chứng ghi tại trang cuối của giấy tờ, văn bản được chứng thực; nếu ghi trên trang riêng thì phải đóng dấu giáp lai giữa giấy tờ, văn bản và trang lời chứng. Mã hồ sơ: "+d.Code+".",
		para{Size: 10, Style: italic, Align: justify, After: 8})
	doc.Line(doc.M.Left, doc.Y, doc.M.Left+doc.Width(), doc.Y)
	doc.Space(6 * mm)
	for _, p := range t.Body {
		text := upperFirst(fill(p, sh, at))
		o := para{Size: 13, Align: justify, After: 4}
		if strings.TrimSuffix(text, ":") == "Chứng thực" {
			o = para{Size: 13, Style: bold, Align: center, Before: 2, After: 4}
		}
		doc.Paragraph(text, o)
	}
	var witness *signer
	if t.Witness != "" {
		witness = &signer{Position: []string{t.Witness}, Hint: signHint, Name: receiver}
	}
	doc.signatures(witness, &signer{Position: t.Signer, Hint: sealHint, Name: l.name}, nil, link{})
	return doc.finish()
}

var digitWords = []string{"không", "một", "hai", "ba", "bốn", "năm", "sáu", "bảy", "tám", "chín"}

// numberWords writes 0 ≤ n ≤ 9999 in Vietnamese words as dates in words
// are written: 21 "hai mươi mốt", 15 "mười lăm", 24 "hai mươi tư",
// 2026 "hai nghìn không trăm hai mươi sáu", 2005 "hai nghìn không trăm linh năm".
func numberWords(n int) string {
	if n < 10 {
		return digitWords[n]
	}
	var parts []string
	if n >= 1000 {
		parts = append(parts, digitWords[n/1000], "nghìn")
		if n%1000 == 0 {
			return strings.Join(parts, " ")
		}
		n %= 1000
		parts = append(parts, digitWords[n/100], "trăm")
	} else if n >= 100 {
		parts = append(parts, digitWords[n/100], "trăm")
		if n%100 == 0 {
			return strings.Join(parts, " ")
		}
	}
	if len(parts) > 0 {
		n %= 100
		if n == 0 {
			return strings.Join(parts, " ")
		}
		if n < 10 {
			return strings.Join(append(parts, "linh", digitWords[n]), " ")
		}
	}
	tens, unit := n/10, n%10
	if tens == 1 {
		parts = append(parts, "mười")
	} else {
		parts = append(parts, digitWords[tens], "mươi")
	}
	switch {
	case unit == 0:
	case unit == 5:
		parts = append(parts, "lăm")
	case unit == 1 && tens > 1:
		parts = append(parts, "mốt")
	case unit == 4 && tens > 1:
		parts = append(parts, "tư")
	default:
		parts = append(parts, digitWords[unit])
	}
	return strings.Join(parts, " ")
}

// dateInWords is a date in words for the "(Bằng chữ …)" of a lời chứng.
func dateInWords(t time.Time) string {
	t = t.In(calendar.Zone)
	month := numberWords(int(t.Month()))
	if t.Month() == time.April {
		month = "tư"
	}
	return "ngày " + numberWords(t.Day()) + " tháng " + month + " năm " + numberWords(t.Year())
}
