package typeset

import (
	"strings"
	"unicode/utf8"
)

// Wrap breaks s into lines no wider than width (the first line: first,
// which is narrower when the paragraph is indented). Newlines in s are
// kept, an empty paragraph as an empty line; a word too long for a line
// is cut (after one of BreakAfter if one fits).
func (d *Doc) Wrap(s string, first, width float64) []string {
	var out []string
	space := d.Measure(" ")
	for _, para := range strings.Split(NFC(s), "\n") {
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
			ww := d.Measure(w)
			if line != "" && lineW+space+ww <= limit() {
				line, lineW = line+" "+w, lineW+space+ww
				continue
			}
			if line != "" {
				out = append(out, line)
			}
			for ww > limit() && utf8.RuneCountInString(w) > 1 {
				head := d.cut(w, limit())
				out = append(out, head)
				w = w[len(head):]
				ww = d.Measure(w)
			}
			line, lineW = w, ww
		}
		out = append(out, line)
	}
	return out
}

// cut returns the longest prefix of w that fits width, preferring to end
// after one of BreakAfter; at least one rune.
func (d *Doc) cut(w string, width float64) string {
	fit, sep := 0, 0
	for i, r := range w {
		end := i + utf8.RuneLen(r)
		if d.Measure(w[:end]) > width {
			break
		}
		fit = end
		if strings.ContainsRune(d.BreakAfter, r) {
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

// levels are the words that start an administrative level in an agency's
// name, where Balanced prefers to break it.
var levels = []string{" XÃ ", " PHƯỜNG ", " THỊ TRẤN ", " HUYỆN ", " QUẬN ", " THỊ XÃ ", " THÀNH PHỐ ", " TỈNH "}

// Balanced wraps s into as few lines as fit width, as even as they can
// be, so a title does not end on one word; an agency name breaks before
// its administrative level when both parts fit: "ỦY BAN NHÂN DÂN / XÃ
// ĐÔNG DƯ", not "ỦY BAN NHÂN DÂN XÃ ĐÔNG / DƯ".
func (d *Doc) Balanced(s string, width float64) []string {
	lines := d.Wrap(s, width, width)
	if len(lines) < 2 {
		return lines
	}
	if len(lines) == 2 && !strings.Contains(s, "\n") {
		at := -1 // the first level word: "THỊ XÃ" before its "XÃ"
		for _, level := range levels {
			if i := strings.Index(s, level); i > 0 && (at < 0 || i < at) {
				at = i
			}
		}
		if at > 0 && d.Measure(s[:at]) <= width && d.Measure(s[at+1:]) <= width {
			return []string{s[:at], s[at+1:]}
		}
	}
	lo, hi := width/float64(len(lines)), width
	for hi-lo > 1 {
		mid := (lo + hi) / 2
		if len(d.Wrap(s, mid, mid)) > len(lines) {
			lo = mid
		} else {
			hi = mid
		}
	}
	return d.Wrap(s, hi, hi)
}

// Align is how a paragraph's lines sit in their box.
type Align int

const (
	AlignLeft Align = iota
	AlignCenter
	AlignRight
	Justify // all lines but a paragraph's last
)

// Para describes how a paragraph is set.
type Para struct {
	Style  Style
	Size   float64 // 0 is 13
	Align  Align
	Indent float64 // of the first line
	X, W   float64 // the box; W == 0 is the full text width
	Before float64
	After  float64
	Lead   float64 // line height as a multiple of the size; 0 is 1.2
}

// Paragraph sets text in the box of o, breaking pages between lines.
func (d *Doc) Paragraph(text string, o Para) {
	if o.Size == 0 {
		o.Size = 13
	}
	if o.W == 0 {
		o.X, o.W = d.M.Left, d.Width()
	}
	d.Font(o.Style, o.Size)
	lead := o.Size * 1.2
	if o.Lead > 0 {
		lead = o.Size * o.Lead
	}
	d.Y += o.Before
	lines := d.Wrap(text, o.W-o.Indent, o.W)
	for i, ln := range lines {
		d.Need(lead)
		x, w := o.X, o.W
		if i == 0 {
			x, w = x+o.Indent, w-o.Indent
		}
		last := i == len(lines)-1 || lines[i+1] == ""
		d.DrawLine(ln, x, w, o.Align, last)
		d.Y += lead
	}
	d.Y += o.After
}

// DrawLine draws one line of text at the current Y in the box [x, x+w];
// last tells a paragraph's last line, which is not justified.
func (d *Doc) DrawLine(s string, x, w float64, a Align, last bool) {
	base := d.Baseline(d.Y)
	switch a {
	case AlignCenter:
		d.Text(x+(w-d.Measure(s))/2, base, s)
	case AlignRight:
		d.Text(x+w-d.Measure(s), base, s)
	case Justify:
		words := strings.Fields(s)
		if last || len(words) < 2 {
			d.Text(x, base, s)
			return
		}
		widths, total := make([]float64, len(words)), 0.0
		for i, wd := range words {
			widths[i] = d.Measure(wd)
			total += widths[i]
		}
		gap := (w - total) / float64(len(words)-1)
		if gap > 4*d.Measure(" ") {
			d.Text(x, base, s) // a stretched line reads worse than a ragged one
			return
		}
		for i, wd := range words {
			d.Text(x, base, wd)
			x += widths[i] + gap
		}
	default:
		d.Text(x, base, s)
	}
}

// Styled is one line (or wrapped run) of a centred block.
type Styled struct {
	Text      string
	Style     Style
	Size      float64
	Underline bool    // a rule under the whole text (the motto)
	Rule      bool    // a short rule under it, 40% of its last line (agency name, trích yếu)
	Balance   bool    // wrapped by Balanced rather than filling each line
	After     float64 // space after
}

// Centred sets lines centred in the column [x, x+w] from y and returns the
// y below them. It does not break pages: header and signature blocks are
// kept together by their callers.
func (d *Doc) Centred(x, w, y float64, lines []Styled) float64 {
	for _, l := range lines {
		d.Font(l.Style, l.Size)
		var wrapped []string
		if l.Balance {
			wrapped = d.Balanced(l.Text, w)
		} else {
			wrapped = d.Wrap(l.Text, w, w)
		}
		var last float64
		for _, s := range wrapped {
			last = d.Measure(s)
			lx := x + (w-last)/2
			d.Text(lx, d.Baseline(y), s)
			if l.Underline {
				u := d.Baseline(y) + 1.6
				d.Line(lx, u, lx+last, u)
			}
			y += d.LineHeight()
		}
		if l.Rule {
			r := last * 0.4
			d.Line(x+(w-r)/2, y+4, x+(w+r)/2, y+4)
			y += 7
		}
		y += l.After
	}
	return y
}
