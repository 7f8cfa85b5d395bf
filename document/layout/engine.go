package layout

import (
	"bytes"
	"embed"
	"fmt"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/signintech/gopdf"
	"golang.org/x/text/unicode/norm"
)

// The prescribed face is Times New Roman (Decree 30/2020, Appendix I);
// Liberation Serif has its metrics, covers Vietnamese and may be embedded
// (SIL OFL 1.1, fonts/LICENSE). They are the same files package forms
// ships (git stores them once); this package keeps its own copy so the
// document module does not depend on the one-stop's forms.
//
//go:embed fonts/LiberationSerif-Regular.ttf fonts/LiberationSerif-Bold.ttf fonts/LiberationSerif-Italic.ttf fonts/LiberationSerif-BoldItalic.ttf
var fontFiles embed.FS

// Style is a face of the family.
type Style int

const (
	Regular Style = iota
	Bold
	Italic
	BoldItalic
)

// faces are the embedded font names, indexed by style; the six-letter
// prefix is the subset tag PDF expects on a subsetted font.
var faces = [...]struct{ family, file string }{
	Regular:    {"MCTDAA+LiberationSerif", "fonts/LiberationSerif-Regular.ttf"},
	Bold:       {"MCTDAB+LiberationSerif-Bold", "fonts/LiberationSerif-Bold.ttf"},
	Italic:     {"MCTDAC+LiberationSerif-Italic", "fonts/LiberationSerif-Italic.ttf"},
	BoldItalic: {"MCTDAD+LiberationSerif-BoldItalic", "fonts/LiberationSerif-BoldItalic.ttf"},
}

// Font is the embedded Liberation Serif in style st, for the signature
// appearances package sign draws over a rendered document.
func Font(st Style) ([]byte, error) {
	if st < Regular || st > BoldItalic {
		return nil, fmt.Errorf("layout: no font style %d", st)
	}
	return fontFiles.ReadFile(faces[st].file)
}

// mm is one millimetre in PDF points; the layout works in points.
const mm = 72 / 25.4

// Decree 30/2020 Appendix I: top and bottom 20–25 mm, left 30–35 mm,
// right 15–20 mm.
const (
	marginTop    = 20 * mm
	marginBottom = 20 * mm
	marginLeft   = 30 * mm
	marginRight  = 15 * mm
)

// page is a document being laid out top to bottom, y being the top of the
// next line in points from the top of the page. Errors are sticky so the
// layout reads as a sequence of calls; finish reports the first.
type page struct {
	pdf   gopdf.GoPdf
	w, h  float64
	y     float64
	n     int // pages so far
	st    Style
	size  float64
	added [len(faces)]bool
	err   error
}

// newPage starts a document. Its information dictionary is dated with the
// document's date, not the clock, so the same document renders to the
// same bytes (what is signed can be rendered again and compared).
func newPage(title, author string, date time.Time) *page {
	p := &page{w: gopdf.PageSizeA4.W, h: gopdf.PageSizeA4.H}
	p.pdf.Start(gopdf.Config{PageSize: *gopdf.PageSizeA4, Unit: gopdf.UnitPT})
	p.pdf.SetInfo(gopdf.PdfInfo{Title: nfc(title), Author: nfc(author), Creator: "motcua", Producer: "motcua (gopdf)", CreationDate: date})
	p.pdf.SetCompressLevel(1)
	p.pdf.SetLineWidth(0.6)
	p.addPage()
	return p
}

func (p *page) finish() ([]byte, error) {
	if p.err != nil {
		return nil, p.err
	}
	var b bytes.Buffer
	if _, err := p.pdf.WriteTo(&b); err != nil {
		return nil, err
	}
	return b.Bytes(), nil
}

func (p *page) fail(err error) {
	if err != nil && p.err == nil {
		p.err = err
	}
}

func (p *page) width() float64  { return p.w - marginLeft - marginRight }
func (p *page) bottom() float64 { return p.h - marginBottom }

// addPage starts a page; from the second on it carries its number,
// centred in the top margin (none on page 1).
func (p *page) addPage() {
	p.pdf.AddPage()
	p.n++
	p.y = marginTop
	if p.n > 1 {
		st, size := p.st, p.size
		p.font(Regular, 13)
		s := strconv.Itoa(p.n)
		p.text(marginLeft+(p.width()-p.measure(s))/2, marginTop/2+4, s)
		p.font(st, size)
	}
}

// need starts a new page unless h more points fit on this one.
func (p *page) need(h float64) {
	if p.y+h > p.bottom() && p.y > marginTop {
		p.addPage()
	}
}

func (p *page) font(st Style, size float64) {
	if size == 0 || (p.st == st && p.size == size) {
		return
	}
	p.st, p.size = st, size
	if !p.added[st] {
		p.added[st] = true
		data, err := fontFiles.ReadFile(faces[st].file)
		p.fail(err)
		if err == nil {
			p.fail(p.pdf.AddTTFFontData(faces[st].family, data))
		}
	}
	p.fail(p.pdf.SetFont(faces[st].family, "", size))
}

func (p *page) lineHeight() float64 { return p.size * 1.2 }

// baseline is where text of the current size sits in a line whose top is y.
func (p *page) baseline(y float64) float64 { return y + p.size*0.94 }

func (p *page) measure(s string) float64 {
	w, err := p.pdf.MeasureTextWidth(s)
	p.fail(err)
	return w
}

func (p *page) text(x, baseline float64, s string) {
	if s == "" {
		return
	}
	p.pdf.SetXY(x, baseline)
	p.fail(p.pdf.Text(s))
}

func (p *page) line(x1, y1, x2, y2 float64) { p.pdf.Line(x1, y1, x2, y2) }

// nfc composes accents: the fonts are not shaped, so a decomposed "ệ"
// would draw its marks beside the letter.
func nfc(s string) string { return norm.NFC.String(s) }

// upper is Vietnamese upper case (strings.ToUpper handles ư, đ, ờ…).
func upper(s string) string { return strings.ToUpper(nfc(s)) }

// wrap breaks s into lines no wider than width, the first no wider than
// first (narrower when indented). A word too long for a line is cut.
func (p *page) wrap(s string, first, width float64) []string {
	var out []string
	space := p.measure(" ")
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
			ww := p.measure(w)
			if line != "" && lineW+space+ww <= limit() {
				line, lineW = line+" "+w, lineW+space+ww
				continue
			}
			if line != "" {
				out = append(out, line)
			}
			for ww > limit() && utf8.RuneCountInString(w) > 1 {
				head := p.cut(w, limit())
				out = append(out, head)
				w = w[len(head):]
				ww = p.measure(w)
			}
			line, lineW = w, ww
		}
		out = append(out, line)
	}
	return out
}

// cut is the longest prefix of w (at least one rune) no wider than width.
func (p *page) cut(w string, width float64) string {
	fit := 0
	for i, r := range w {
		end := i + utf8.RuneLen(r)
		if p.measure(w[:end]) > width {
			break
		}
		fit = end
	}
	if fit == 0 {
		_, fit = utf8.DecodeRuneInString(w)
	}
	return w[:fit]
}

// styled is one line (or wrapped run) of a centred block.
type styled struct {
	text      string
	st        Style
	size      float64
	underline bool    // a rule under the whole text (the motto)
	rule      bool    // a short rule under it, 40% of its last line (agency name, trích yếu)
	after     float64 // space after
}

// centred sets lines centred in the column [x, x+w] from y and returns
// the y below them. It does not break pages: callers keep blocks together.
func (p *page) centred(x, w, y float64, lines []styled) float64 {
	for _, l := range lines {
		p.font(l.st, l.size)
		var last float64
		for _, s := range p.balanced(l.text, w) {
			last = p.measure(s)
			lx := x + (w-last)/2
			p.text(lx, p.baseline(y), s)
			if l.underline {
				u := p.baseline(y) + 1.6
				p.line(lx, u, lx+last, u)
			}
			y += p.lineHeight()
		}
		if l.rule {
			r := last * 0.4
			p.line(x+(w-r)/2, y+4, x+(w+r)/2, y+4)
			y += 7
		}
		y += l.after
	}
	return y
}

// balanced wraps s into as few lines as fit width, as even as they can
// be, so a title does not end on one word; an agency name breaks before
// its administrative level when both parts fit: "ỦY BAN NHÂN DÂN / XÃ
// ĐÔNG DƯ", not "ỦY BAN NHÂN DÂN XÃ ĐÔNG / DƯ".
func (p *page) balanced(s string, width float64) []string {
	lines := p.wrap(s, width, width)
	if len(lines) < 2 {
		return lines
	}
	if len(lines) == 2 && !strings.Contains(s, "\n") {
		at := -1 // the first level word: "THỊ XÃ" before its "XÃ"
		for _, level := range []string{" XÃ ", " PHƯỜNG ", " THỊ TRẤN ", " HUYỆN ", " QUẬN ", " THỊ XÃ ", " THÀNH PHỐ ", " TỈNH "} {
			if i := strings.Index(s, level); i > 0 && (at < 0 || i < at) {
				at = i
			}
		}
		if at > 0 && p.measure(s[:at]) <= width && p.measure(s[at+1:]) <= width {
			return []string{s[:at], s[at+1:]}
		}
	}
	lo, hi := width/float64(len(lines)), width
	for hi-lo > 1 {
		mid := (lo + hi) / 2
		if len(p.wrap(s, mid, mid)) > len(lines) {
			lo = mid
		} else {
			hi = mid
		}
	}
	return p.wrap(s, hi, hi)
}

// paragraph sets a body paragraph over the text width: justified except
// its last line, the first line indented, breaking pages between lines.
func (p *page) paragraph(text string, st Style, size, indent, after float64) {
	p.font(st, size)
	x, w := marginLeft, p.width()
	lines := p.wrap(text, w-indent, w)
	for i, ln := range lines {
		p.need(p.lineHeight())
		lx, lw := x, w
		if i == 0 {
			lx, lw = x+indent, w-indent
		}
		p.justified(ln, lx, lw, i == len(lines)-1)
		p.y += p.lineHeight()
	}
	p.y += after
}

// justified draws one line at p.y, spreading its words over [x, x+w]
// unless it is a paragraph's last line.
func (p *page) justified(s string, x, w float64, last bool) {
	base := p.baseline(p.y)
	words := strings.Fields(s)
	if last || len(words) < 2 {
		p.text(x, base, s)
		return
	}
	widths, total := make([]float64, len(words)), 0.0
	for i, wd := range words {
		widths[i] = p.measure(wd)
		total += widths[i]
	}
	gap := (w - total) / float64(len(words)-1)
	if gap > 4*p.measure(" ") {
		p.text(x, base, s) // a stretched line reads worse than a ragged one
		return
	}
	for i, wd := range words {
		p.text(x, base, wd)
		x += widths[i] + gap
	}
}
