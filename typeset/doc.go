// Package typeset sets Vietnamese text on A4 PDF pages the way Decree
// 30/2020/NĐ-CP Appendix I prescribes: Liberation Serif (Times New Roman's
// metrics) embedded as subsets, the margins, page numbers from page 2,
// measuring, line breaking, justified paragraphs, centred blocks and
// bordered tables whose header repeats on every page. It is the engine
// under the one-stop's forms (package forms), the outgoing documents
// (document/layout) and the document module's work-file and register
// PDFs, which keep only what they lay out; the fonts are embedded in the
// binary here, once.
package typeset

import (
	"bytes"
	"strconv"
	"time"

	"github.com/signintech/gopdf"
	"golang.org/x/text/unicode/norm"
)

// MM is one millimetre in PDF points; the layout works in points.
const MM = 72 / 25.4

// Margins are a page's, in points.
type Margins struct{ Top, Right, Bottom, Left float64 }

// Decree 30/2020 Appendix I: A4, top and bottom 20–25 mm, left 30–35 mm,
// right 15–20 mm. Registers (the tracking book) are printed landscape.
var (
	Portrait  = Margins{Top: 20 * MM, Right: 15 * MM, Bottom: 20 * MM, Left: 30 * MM}
	Landscape = Margins{Top: 20 * MM, Right: 15 * MM, Bottom: 15 * MM, Left: 20 * MM}
)

// compressLevel trades a few per cent of size for speed: the fonts'
// subsets dominate both (flate.BestSpeed).
const compressLevel = 1

// Info is the document information dictionary. Created is the document's
// own date, not the clock, so the same document renders to the same bytes.
type Info struct {
	Title, Author, Subject string
	Created                time.Time
}

// Doc is a document being laid out top to bottom: Y is the top of the
// next line, in points from the top of the page. Drawing errors are sticky
// so layout code reads as a sequence of calls; Finish reports the first.
type Doc struct {
	PDF  gopdf.GoPdf
	W, H float64 // the page size
	M    Margins
	Y    float64
	Page int // pages so far
	// First is the first page of the copy being laid out (1 unless
	// copies); Mark the copy mark (liên) printed in the top margin of its
	// pages; Repeat redraws the header of the table being drawn after a
	// page break.
	First  int
	Mark   string
	Repeat func()
	// BreakAfter are the characters after which a word too long for a
	// line is preferably cut ("-/.,": codes such as
	// 000.04.07.H40-260302-0001 then break readably); empty, anywhere.
	BreakAfter string

	st    Style
	size  float64
	err   error
	fonts *Fonts
	added [len(faces)]bool // faces embedded so far: only those used are
}

// New starts a document on A4, portrait or landscape, on its first page.
func New(fs *Fonts, landscape bool, info Info) *Doc {
	d := &Doc{M: Portrait, First: 1, fonts: fs}
	size := *gopdf.PageSizeA4
	if landscape {
		size, d.M = gopdf.Rect{W: size.H, H: size.W}, Landscape
	}
	d.W, d.H = size.W, size.H
	d.PDF.Start(gopdf.Config{PageSize: size, Unit: gopdf.UnitPT})
	d.PDF.SetInfo(gopdf.PdfInfo{Title: NFC(info.Title), Author: NFC(info.Author), Subject: NFC(info.Subject),
		Creator: "motcua", Producer: "motcua (gopdf)", CreationDate: info.Created})
	d.PDF.SetCompressLevel(compressLevel)
	d.PDF.SetLineWidth(0.6)
	d.AddPage()
	return d
}

// Finish writes the document out, or returns the first drawing error.
func (d *Doc) Finish() ([]byte, error) {
	if d.err != nil {
		return nil, d.err
	}
	var b bytes.Buffer
	if _, err := d.PDF.WriteTo(&b); err != nil {
		return nil, err
	}
	return b.Bytes(), nil
}

// Fail records err unless an error was recorded before.
func (d *Doc) Fail(err error) {
	if err != nil && d.err == nil {
		d.err = err
	}
}

// NFC composes accents: the fonts are not shaped, so a decomposed "ệ"
// (e + two combining marks) would draw its marks beside the letter.
func NFC(s string) string { return norm.NFC.String(s) }

// Left is the left margin, Width the text width, Bottom the lowest y text may reach.
func (d *Doc) Left() float64   { return d.M.Left }
func (d *Doc) Width() float64  { return d.W - d.M.Left - d.M.Right }
func (d *Doc) Bottom() float64 { return d.H - d.M.Bottom }

// AddPage starts a page. Pages from the second on carry their number,
// centred in the top margin (Decree 30: none on page 1); each copy of a
// document made in several (liên) is numbered on its own, and its mark
// sits at the right of the top margin.
func (d *Doc) AddPage() {
	d.PDF.AddPage()
	d.Page++
	d.Y = d.M.Top
	st, size := d.st, d.size
	d.drawMark()
	if n := d.Page - d.First + 1; n > 1 {
		d.Font(Regular, 13)
		s := strconv.Itoa(n)
		d.Text(d.M.Left+(d.Width()-d.Measure(s))/2, d.M.Top/2+4, s)
		if d.Repeat != nil {
			d.Repeat()
		}
	}
	d.Font(st, size)
}

// NewCopy starts a copy (liên) of the document marked mark: the first on
// the current page (call it before drawing anything), the next ones on a
// new page, numbered from 1 again.
func (d *Doc) NewCopy(mark string) {
	first := d.Mark == ""
	d.Mark, d.Repeat = mark, nil
	if first {
		st, size := d.st, d.size
		d.drawMark()
		d.Font(st, size)
		return
	}
	d.First = d.Page + 1
	d.AddPage()
}

// drawMark prints the copy mark at the right of the top margin.
func (d *Doc) drawMark() {
	if d.Mark == "" {
		return
	}
	d.Font(Italic, 12)
	d.Text(d.M.Left+d.Width()-d.Measure(d.Mark), d.M.Top/2+4, d.Mark)
}

// Need starts a new page unless h more points fit on this one.
func (d *Doc) Need(h float64) {
	if d.Y+h > d.Bottom() && d.Y > d.M.Top {
		d.AddPage()
	}
}

// Space moves down h points.
func (d *Doc) Space(h float64) { d.Y += h }

// Font sets the face and size of what is drawn next, embedding the face
// on its first use. A zero size keeps the current font (nothing set yet).
func (d *Doc) Font(st Style, size float64) {
	if size == 0 || (d.st == st && d.size == size) {
		return
	}
	d.st, d.size = st, size
	if !d.added[st] {
		d.added[st] = true
		d.Fail(d.fonts.add(&d.PDF, st))
	}
	d.Fail(d.PDF.SetFont(faces[st].family, "", size))
}

// Size is the current font size.
func (d *Doc) Size() float64 { return d.size }

// LineHeight is single spacing for the current size.
func (d *Doc) LineHeight() float64 { return d.size * 1.2 }

// Baseline is where text of the current size sits in a line whose top is y.
func (d *Doc) Baseline(y float64) float64 { return y + d.size*0.94 }

// Measure is the width of s in the current font.
func (d *Doc) Measure(s string) float64 {
	w, err := d.PDF.MeasureTextWidth(s)
	d.Fail(err)
	return w
}

// Text draws s with its baseline at y.
func (d *Doc) Text(x, baseline float64, s string) {
	if s == "" {
		return
	}
	d.PDF.SetXY(x, baseline)
	d.Fail(d.PDF.Text(s))
}

// Line draws a rule.
func (d *Doc) Line(x1, y1, x2, y2 float64) { d.PDF.Line(x1, y1, x2, y2) }
