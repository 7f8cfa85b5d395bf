// Package layout renders an outgoing official document as a PDF in the
// form Decree 30/2020/NĐ-CP Appendix I prescribes: A4 portrait, Times New
// Roman's metrics (Liberation Serif, embedded), the agency and national
// name side by side, number and symbol, place and date, type and subject
// (trích yếu), the body, the signature block beside "Nơi nhận", and page
// numbers from page 2. It owns no table and does no I/O: the document
// module gives it a Document and signs what comes back with package sign,
// at the place Rendered.Signature reports.
package layout

import (
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/motcua/motcua/typeset"
)

// Issuer is the issuing agency and its parent (cơ quan chủ quản).
type Issuer struct {
	Parent string // "UBND HUYỆN GIA LÂM"; may be empty
	Name   string // "ỦY BAN NHÂN DÂN XÃ ĐÔNG DƯ"
	Abbrev string // "UBND", the issuer part of the symbol
}

// Signer is who signs and in what capacity (Appendix I §II.7a).
type Signer struct {
	// Competence is the authority line(s) above the position, e.g.
	// "TM. ỦY BAN NHÂN DÂN" or "TM. ỦY BAN NHÂN DÂN\nKT. CHỦ TỊCH"; empty
	// when the head signs in their own name.
	Competence string
	Position   string // "CHỦ TỊCH", "PHÓ CHỦ TỊCH"
	FullName   string
}

// Document is what an outgoing document shows.
type Document struct {
	Issuer Issuer
	Place  string    // the place name in "Đông Dư, ngày 05 tháng 02 năm 2026"
	Date   time.Time // shown in Vietnam time
	// Number is the yearly number (written with a leading zero below 10);
	// Symbol the rest, "QĐ-UBND" or for a công văn "UBND-VX" (SymbolOf).
	Number int
	Symbol string
	// TypeName is the document type, "QUYẾT ĐỊNH", "THÔNG BÁO"…; empty for
	// a công văn, whose subject is then written "V/v …" under the number.
	TypeName string
	Subject  string
	// Addressees are a công văn's "Kính gửi:" (one on its line, several
	// as a list under each other); a document with a type name has none.
	Addressees []string
	// Body holds the paragraphs. One written wholly in capitals and ending
	// in ":" ("QUYẾT ĐỊNH:") is centred in bold, as the decree's samples set it.
	Body   []string
	Signer Signer
	// Recipients are the lines under "Nơi nhận:", without the filing line;
	// each is shown as "- …;".
	Recipients []string
	// Filing is who keeps the copies, "VT, VX": the last line "- Lưu: VT, VX.".
	Filing string
	// Unnumbered leaves the number and the day and month blank, dotted
	// ("Số: ……/QĐ-UBND", "Đông Dư, ngày …… tháng …… năm 2026"; the
	// engine's wrapping would collapse a run of spaces to one):
	// a document signed before the clerk numbers it, whose number and date
	// then live in the metadata and the seal, not in the signed text.
	// Number is ignored and Date gives the year only.
	Unnumbered bool
}

// Spot is where the signature goes on a page, in PDF points from the
// page's lower left corner (package sign's convention): the blank
// between the position title and the signer's name.
type Spot struct {
	Page       int
	X, Y, W, H float64
}

// Rendered is a rendered document.
type Rendered struct {
	PDF       []byte
	Pages     int
	Signature Spot
	// PageW and PageH are the page size in points (A4).
	PageW, PageH float64
}

// SymbolOf composes a symbol: "QĐ-UBND" from a type abbreviation and the
// issuer's, or for a công văn (no type abbreviation) "UBND-VX" from the
// issuer's and the drafting unit's or field's.
func SymbolOf(typeAbbrev, issuerAbbrev, unit string) string {
	if typeAbbrev != "" {
		return typeAbbrev + "-" + issuerAbbrev
	}
	if unit == "" {
		return issuerAbbrev
	}
	return issuerAbbrev + "-" + unit
}

// NumberSymbol is "15/QĐ-UBND", numbers below 10 with a leading zero.
func NumberSymbol(n int, symbol string) string { return fmt.Sprintf("%02d/%s", n, symbol) }

// vietnam is UTC+7 with no daylight saving, so no time zone database is needed.
func vietnam() *time.Location { return time.FixedZone("ICT", 7*3600) }

// PlaceDate is "Đông Dư, ngày 05 tháng 02 năm 2026": the day below 10
// and the months January and February with a leading zero.
func PlaceDate(place string, t time.Time) string {
	t = t.In(vietnam())
	month := fmt.Sprint(int(t.Month()))
	if t.Month() <= time.February {
		month = fmt.Sprintf("%02d", int(t.Month()))
	}
	return fmt.Sprintf("%s, ngày %02d tháng %s năm %d", nfc(place), t.Day(), month, t.Year())
}

// numberLine is "Số: 15/QĐ-UBND", or with the number left blank.
func (d Document) numberLine() string {
	if d.Unnumbered {
		return "Số: ……/" + d.Symbol
	}
	return "Số: " + NumberSymbol(d.Number, d.Symbol)
}

// placeDate is PlaceDate, or with the day and month left blank.
func (d Document) placeDate() string {
	if d.Unnumbered {
		return fmt.Sprintf("%s, ngày …… tháng …… năm %d", nfc(d.Place), d.Date.In(vietnam()).Year())
	}
	return PlaceDate(d.Place, d.Date)
}

// Render lays the document out. Everything but the parent agency, the
// recipients and the filing note is required.
func Render(d Document) (*Rendered, error) {
	switch {
	case d.Issuer.Name == "" || d.Place == "" || d.Date.IsZero():
		return nil, errors.New("layout: the issuer, place and date are required")
	case (d.Number <= 0 && !d.Unnumbered) || d.Symbol == "":
		return nil, errors.New("layout: the number and symbol are required")
	case d.Subject == "" || len(d.Body) == 0:
		return nil, errors.New("layout: the subject and body are required")
	case d.Signer.Position == "" || d.Signer.FullName == "":
		return nil, errors.New("layout: the signer's position and name are required")
	}
	title := d.Subject
	if d.TypeName != "" {
		title = d.TypeName + " " + d.Subject
	}
	fs, err := typeset.LoadFonts()
	if err != nil {
		return nil, fmt.Errorf("layout: %w", err)
	}
	p := newPage(fs, title, d.Issuer.Name, d.Date.In(vietnam()))
	p.header(d)
	p.addressees(d.Addressees)
	p.body(d.Body)
	spot := p.signature(d)
	out, err := p.Finish()
	if err != nil {
		return nil, fmt.Errorf("layout: %w", err)
	}
	return &Rendered{PDF: out, Pages: p.Page, Signature: spot, PageW: p.W, PageH: p.H}, nil
}

// isHeading tells a paragraph set as a centred bold heading ("QUYẾT ĐỊNH:").
func isHeading(s string) bool {
	s = strings.TrimSpace(s)
	return strings.HasSuffix(s, ":") && s == upper(s) && strings.ContainsFunc(s, func(r rune) bool { return r >= 'A' })
}
