package forms

import "github.com/motcua/motcua/typeset"

// The drawing engine (fonts, measuring, line breaking, paragraphs, page
// numbers and copies) is package typeset, shared with the outgoing
// documents' layout; these names keep the forms' layout code short.

// mm is one millimetre in PDF points; the layout works in points.
const mm = typeset.MM

type style = typeset.Style

const (
	regular    = typeset.Regular
	bold       = typeset.Bold
	italic     = typeset.Italic
	boldItalic = typeset.BoldItalic
)

type align = typeset.Align

const (
	left    = typeset.AlignLeft
	center  = typeset.AlignCenter
	right   = typeset.AlignRight
	justify = typeset.Justify
)

// para describes how a paragraph is set; styled is one line (or wrapped
// run) of a centred block; meta is the document information dictionary.
type (
	para   = typeset.Para
	styled = typeset.Styled
	meta   = typeset.Info
)

// body is the Decree 30 body text: 13 pt, justified, first line indented 1 cm, 6 pt after.
var body = para{Size: 13, Align: justify, Indent: 10 * mm, After: 6}

// doc is a form being laid out: the shared engine and the signature's
// place, set by the first signatures.
type doc struct {
	*typeset.Doc
	spot *Spot
}

// rendered is a finished document.
type rendered struct {
	pdf  []byte
	spot *Spot
}

// breakAfter: a code such as 000.04.07.H40-260302-0001 too long for its
// column breaks after a separator, readably.
const breakAfter = "-/.,"

func newDoc(fs *typeset.Fonts, landscape bool, info meta) *doc {
	d := &doc{Doc: typeset.New(fs, landscape, info)}
	d.BreakAfter = breakAfter
	return d
}

// finish writes the document out.
func (d *doc) finish() (*rendered, error) {
	out, err := d.Finish()
	if err != nil {
		return nil, err
	}
	return &rendered{pdf: out, spot: d.spot}, nil
}

func nfc(s string) string { return typeset.NFC(s) }
