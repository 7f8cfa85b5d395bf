package forms

import (
	"bytes"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/signintech/gopdf"
	"golang.org/x/text/unicode/norm"
)

// mm is one millimetre in PDF points; the layout works in points.
const mm = 72 / 25.4

type align int

const (
	left align = iota
	center
	right
	justify
)

type margins struct{ top, right, bottom, left float64 }

// Decree 30/2020 Appendix I: A4, top and bottom 20–25 mm, left 30–35 mm,
// right 15–20 mm. Registers (the tracking book) are printed landscape.
var (
	portraitMargins  = margins{top: 20 * mm, right: 15 * mm, bottom: 20 * mm, left: 30 * mm}
	landscapeMargins = margins{top: 20 * mm, right: 15 * mm, bottom: 15 * mm, left: 20 * mm}
)

// doc is a document being laid out top to bottom: y is the top of the
// next line. Drawing errors are sticky (err) so layout code reads as a
// sequence of calls; bytes() reports the first one.
type doc struct {
	pdf    gopdf.GoPdf
	w, h   float64
	m      margins
	y      float64
	page   int
	st     style
	size   float64
	err    error
	repeat func() // redraws the header of the table being drawn after a page break
	spot   *Spot  // the signature's place, set by the first signatures
	first  int    // the first page of the copy being laid out (1 unless copies)
	mark   string // the copy mark (liên) printed in the top margin of its pages
	fonts  *fontSet
	added  [len(faces)]bool // faces embedded so far: only those used are
}

// compressLevel trades a few per cent of size for speed: the fonts'
// subsets dominate both (flate.BestSpeed).
const compressLevel = 1

// rendered is a finished document.
type rendered struct {
	pdf  []byte
	spot *Spot
}

// meta is the document information dictionary.
type meta struct {
	Title, Author, Subject string
	Created                time.Time
}

func newDoc(fs *fontSet, landscape bool, info meta) *doc {
	d := &doc{m: portraitMargins, first: 1}
	size := *gopdf.PageSizeA4
	if landscape {
		size, d.m = gopdf.Rect{W: size.H, H: size.W}, landscapeMargins
	}
	d.w, d.h = size.W, size.H
	d.pdf.Start(gopdf.Config{PageSize: size, Unit: gopdf.UnitPT})
	d.pdf.SetInfo(gopdf.PdfInfo{Title: nfc(info.Title), Author: nfc(info.Author), Subject: nfc(info.Subject),
		Creator: "motcua", Producer: "motcua (gopdf)", CreationDate: info.Created})
	d.fonts = fs
	d.pdf.SetCompressLevel(compressLevel)
	d.pdf.SetLineWidth(0.6)
	d.addPage()
	return d
}

// finish writes the document out.
func (d *doc) finish() (*rendered, error) {
	if d.err != nil {
		return nil, d.err
	}
	var b bytes.Buffer
	if _, err := d.pdf.WriteTo(&b); err != nil {
		return nil, err
	}
	return &rendered{pdf: b.Bytes(), spot: d.spot}, nil
}

// nfc composes accents: the fonts are not shaped, so a decomposed "ệ"
// (e + two combining marks) would draw its marks beside the letter.
func nfc(s string) string { return norm.NFC.String(s) }

func (d *doc) left() float64  { return d.m.left }
func (d *doc) width() float64 { return d.w - d.m.left - d.m.right }
func (d *doc) bottom() float64 {
	return d.h - d.m.bottom
}

// addPage starts a page. Pages from the second on carry their number,
// centred in the top margin (Decree 30: none on page 1); each copy of a
// document made in several (liên) is numbered on its own, and its mark
// sits at the right of the top margin.
func (d *doc) addPage() {
	d.pdf.AddPage()
	d.page++
	d.y = d.m.top
	st, size := d.st, d.size
	d.drawMark()
	if n := d.page - d.first + 1; n > 1 {
		d.font(regular, 13)
		s := strconv.Itoa(n)
		d.textAt(d.m.left+(d.width()-d.measure(s))/2, d.m.top/2+4, s)
		if d.repeat != nil {
			d.repeat()
		}
	}
	if size != 0 {
		d.font(st, size)
	}
}

// newCopy starts a copy (liên) of the document marked mark: the first on
// the current page (call it before drawing anything), the next ones on a
// new page, numbered from 1 again.
func (d *doc) newCopy(mark string) {
	first := d.mark == ""
	d.mark, d.repeat = mark, nil
	if first {
		st, size := d.st, d.size
		d.drawMark()
		if size != 0 {
			d.font(st, size)
		}
		return
	}
	d.first = d.page + 1
	d.addPage()
}

// drawMark prints the copy mark at the right of the top margin.
func (d *doc) drawMark() {
	if d.mark == "" {
		return
	}
	d.font(italic, 12)
	d.textAt(d.m.left+d.width()-d.measure(d.mark), d.m.top/2+4, d.mark)
}

// need starts a new page unless h more points fit on this one.
func (d *doc) need(h float64) {
	if d.y+h > d.bottom() && d.y > d.m.top {
		d.addPage()
	}
}

func (d *doc) space(h float64) { d.y += h }

func (d *doc) font(st style, size float64) {
	if d.st == st && d.size == size && d.page > 0 && d.err == nil {
		return
	}
	d.st, d.size = st, size
	if !d.added[st] {
		d.added[st] = true
		if err := d.fonts.add(&d.pdf, st); err != nil && d.err == nil {
			d.err = err
		}
	}
	if err := d.pdf.SetFont(faces[st].family, "", size); err != nil && d.err == nil {
		d.err = err
	}
}

// lineHeight is single spacing for the current size.
func (d *doc) lineHeight() float64 { return d.size * 1.2 }

func (d *doc) measure(s string) float64 {
	w, err := d.pdf.MeasureTextWidth(s)
	if err != nil && d.err == nil {
		d.err = err
	}
	return w
}

// textAt draws s with its baseline at y.
func (d *doc) textAt(x, baseline float64, s string) {
	if s == "" {
		return
	}
	d.pdf.SetXY(x, baseline)
	if err := d.pdf.Text(s); err != nil && d.err == nil {
		d.err = err
	}
}

// baseline is where text of the current size sits in a line whose top is y.
func (d *doc) baseline(y float64) float64 { return y + d.size*0.94 }

func (d *doc) line(x1, y1, x2, y2 float64) { d.pdf.Line(x1, y1, x2, y2) }

// wrap breaks s into lines no wider than width (the first line: first,
// which is narrower when the paragraph is indented). Newlines in s are
// kept; a word too long for a line is cut, after a '-', '/' or '.' if
// one fits, so codes such as 000.04.07.H40-260302-0001 break readably.
func (d *doc) wrap(s string, first, width float64) []string {
	var out []string
	space := d.measure(" ")
	for _, para := range strings.Split(nfc(s), "\n") {
		words := strings.Fields(para)
		if len(words) == 0 {
			out = append(out, "")
			continue
		}
		limit := func() float64 {
			if len(out) == 0 {
				return first
			}
			return width
		}
		line, lineW := "", 0.0
		for _, w := range words {
			ww := d.measure(w)
			if line != "" && lineW+space+ww <= limit() {
				line, lineW = line+" "+w, lineW+space+ww
				continue
			}
			if line != "" {
				out = append(out, line)
			}
			for ww > limit() {
				head := d.cut(w, limit())
				out = append(out, head)
				w = w[len(head):]
				ww = d.measure(w)
			}
			line, lineW = w, ww
		}
		out = append(out, line)
	}
	return out
}

// cut returns the longest prefix of w that fits width, preferring to end
// after a separator; at least one rune.
func (d *doc) cut(w string, width float64) string {
	fit, sep := 0, 0
	for i, r := range w {
		end := i + utf8.RuneLen(r)
		if d.measure(w[:end]) > width {
			break
		}
		fit = end
		if r == '-' || r == '/' || r == '.' || r == ',' {
			sep = end
		}
	}
	switch {
	case sep > 0:
		return w[:sep]
	case fit > 0:
		return w[:fit]
	}
	_, n := utf8.DecodeRuneInString(w)
	return w[:n]
}

// para describes how a paragraph is set.
type para struct {
	st     style
	size   float64
	align  align
	indent float64 // of the first line
	x, w   float64 // the box; w == 0 is the full text width
	before float64
	after  float64
	lead   float64 // line height as a multiple of the size; 0 is 1.2
}

// body is the Decree 30 body text: 13 pt, justified, first line indented 1 cm, 6 pt after.
var body = para{size: 13, align: justify, indent: 10 * mm, after: 6}

// paragraph sets text in the box of o, breaking pages between lines.
func (d *doc) paragraph(text string, o para) {
	if o.size == 0 {
		o.size = 13
	}
	if o.w == 0 {
		o.x, o.w = d.m.left, d.width()
	}
	d.font(o.st, o.size)
	lead := o.size * 1.2
	if o.lead > 0 {
		lead = o.size * o.lead
	}
	d.y += o.before
	lines := d.wrap(text, o.w-o.indent, o.w)
	for i, ln := range lines {
		d.need(lead)
		x, w := o.x, o.w
		if i == 0 {
			x, w = x+o.indent, w-o.indent
		}
		last := i == len(lines)-1 || lines[i+1] == ""
		d.drawLine(ln, x, w, o.align, last)
		d.y += lead
	}
	d.y += o.after
}

// drawLine draws one line of text at the current y in the box [x, x+w].
func (d *doc) drawLine(s string, x, w float64, a align, last bool) {
	base := d.baseline(d.y)
	switch a {
	case center:
		d.textAt(x+(w-d.measure(s))/2, base, s)
	case right:
		d.textAt(x+w-d.measure(s), base, s)
	case justify:
		words := strings.Fields(s)
		if last || len(words) < 2 {
			d.textAt(x, base, s)
			return
		}
		widths, total := make([]float64, len(words)), 0.0
		for i, wd := range words {
			widths[i] = d.measure(wd)
			total += widths[i]
		}
		gap := (w - total) / float64(len(words)-1)
		if gap > 4*d.measure(" ") {
			d.textAt(x, base, s) // a stretched line reads worse than a ragged one
			return
		}
		for i, wd := range words {
			d.textAt(x, base, wd)
			x += widths[i] + gap
		}
	default:
		d.textAt(x, base, s)
	}
}

// centred sets lines centred in the box [x, x+w], each with its own style,
// starting at y; it returns the y below them. It does not break pages:
// header and signature blocks are kept together by their callers.
func (d *doc) centred(x, w, y float64, lines []styled) float64 {
	for _, l := range lines {
		d.font(l.st, l.size)
		for _, s := range d.wrap(l.text, w, w) {
			sw := d.measure(s)
			lx := x + (w-sw)/2
			d.textAt(lx, d.baseline(y), s)
			if l.underline {
				u := d.baseline(y) + 1.6
				d.line(lx, u, lx+sw, u)
			}
			y += d.lineHeight()
		}
		y += l.after
	}
	return y
}

// styled is one line (or wrapped run) of a centred block.
type styled struct {
	text      string
	st        style
	size      float64
	underline bool
	after     float64
}
