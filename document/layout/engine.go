package layout

import (
	"strings"
	"time"

	"github.com/motcua/motcua/typeset"
)

// The drawing engine (Liberation Serif embedded once, measuring, line
// breaking, paragraphs, page numbers) is package typeset, shared with the
// one-stop's forms; what is here is the decree's outgoing document.

// Style is a face of the family.
type Style = typeset.Style

const (
	Regular    = typeset.Regular
	Bold       = typeset.Bold
	Italic     = typeset.Italic
	BoldItalic = typeset.BoldItalic
)

// Font is the embedded Liberation Serif in style st, for the signature
// appearances package sign draws over a rendered document.
func Font(st Style) ([]byte, error) { return typeset.Font(st) }

// mm is one millimetre in PDF points; the layout works in points.
const mm = typeset.MM

// styled is one line (or wrapped run) of a centred block.
type styled = typeset.Styled

// page is a document being laid out (typeset.Doc: portrait A4, the
// decree's margins).
type page struct{ *typeset.Doc }

// newPage starts a document. Its information dictionary is dated with the
// document's date, not the clock, so the same document renders to the
// same bytes (what is signed can be rendered again and compared).
func newPage(fs *typeset.Fonts, title, author string, date time.Time) *page {
	return &page{typeset.New(fs, false, typeset.Info{Title: title, Author: author, Created: date})}
}

// centred sets lines centred in the column [x, x+w] from y, each balanced
// (typeset.Doc.Balanced) so a title or an agency's name does not end on
// one word, and returns the y below them.
func (p *page) centred(x, w, y float64, lines []styled) float64 {
	for i := range lines {
		lines[i].Balance = true
	}
	return p.Centred(x, w, y, lines)
}

func nfc(s string) string { return typeset.NFC(s) }

// upper is Vietnamese upper case (strings.ToUpper handles ư, đ, ờ…).
func upper(s string) string { return strings.ToUpper(nfc(s)) }
