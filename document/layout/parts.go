package layout

import (
	"strings"

	"github.com/motcua/motcua/typeset"
)

// Sizes within Appendix I's ranges.
const (
	headSize      = 13.0 // the issuer, "Số:", place and date, positions
	parentSize    = 12.0 // the parent agency, often the longer name
	bodySize      = 14.0 // body, type and subject
	vvSize        = 12.0 // a công văn's "V/v"
	recipientHead = 12.0 // "Nơi nhận:"
	recipientSize = 11.0
	indent        = 10 * mm // the body's first-line indent (1 cm)
	paraAfter     = 6.0     // at least 6 pt between paragraphs
)

// header draws page 1's head: the agency on the left and the national name
// and motto on the right, the number under the agency, place and date under
// the motto, then the type and subject (or a công văn's "V/v" on the left).
func (p *page) header(d Document) {
	split := p.Split()
	lx, lw := p.M.Left, split-p.M.Left
	rx, rw := split, p.M.Left+p.Width()-split
	y0 := p.Y

	var agency []styled
	if d.Issuer.Parent != "" {
		agency = append(agency, styled{Text: upper(d.Issuer.Parent), Style: Regular, Size: parentSize})
	}
	agency = append(agency, styled{Text: upper(d.Issuer.Name), Style: Bold, Size: headSize, Rule: true})
	ly := p.centred(lx, lw, y0, agency)

	ry := p.National(rx, rw, y0, headSize)

	y := max(ly, ry) + 6
	p.centred(lx, lw, y, []styled{{Text: d.numberLine(), Style: Regular, Size: headSize}})
	p.centred(rx, rw, y, []styled{{Text: d.placeDate(), Style: Italic, Size: headSize}})
	y += headSize * 1.2
	if d.TypeName == "" {
		y = p.centred(lx, lw, y+2, []styled{{Text: "V/v " + nfc(d.Subject), Style: Regular, Size: vvSize}})
		p.Y = y + 8*mm
		return
	}
	p.Y = p.centred(p.M.Left, p.Width(), y+10*mm, []styled{
		{Text: upper(d.TypeName), Style: Bold, Size: bodySize},
		{Text: nfc(d.Subject), Style: Bold, Size: bodySize, Rule: true},
	}) + 6*mm
}

// addressees writes "Kính gửi:" and the addressees, aligned after it,
// from a quarter of the text width, as the decree's sample công văn does.
func (p *page) addressees(to []string) {
	var names []string
	for _, a := range to {
		if a = strings.TrimSpace(nfc(a)); a != "" {
			names = append(names, strings.TrimRight(a, ";."))
		}
	}
	if len(names) == 0 {
		return
	}
	p.Font(Regular, bodySize)
	const label = "Kính gửi:"
	x := p.M.Left + p.Width()/4
	ax := x + p.Measure(label+" ")
	aw := p.M.Left + p.Width() - ax
	p.Need(p.LineHeight() * float64(len(names)))
	p.Text(x, p.Baseline(p.Y), label)
	for i, n := range names {
		switch {
		case len(names) == 1:
			n += "."
		case i == len(names)-1:
			n = "- " + n + "."
		default:
			n = "- " + n + ";"
		}
		for _, ln := range p.Wrap(n, aw, aw) {
			p.Need(p.LineHeight())
			p.Text(ax, p.Baseline(p.Y), ln)
			p.Y += p.LineHeight()
		}
	}
	p.Y += 4 * mm
}

// bodyPara is a body paragraph over the text width: justified except its
// last line, the first line indented, breaking pages between lines.
var bodyPara = typeset.Para{Style: Regular, Size: bodySize, Align: typeset.Justify, Indent: indent, After: paraAfter}

// body sets the paragraphs.
func (p *page) body(paras []string) {
	for _, s := range paras {
		if isHeading(s) {
			p.Font(Bold, bodySize)
			p.Need(2 * p.LineHeight())
			p.Y = p.centred(p.M.Left, p.Width(), p.Y+paraAfter, []styled{{Text: strings.TrimSpace(s), Style: Bold, Size: bodySize}}) + paraAfter
			continue
		}
		p.Paragraph(s, bodyPara)
	}
}

// signGap is the blank for the signature image and the seal between the
// position and the name: six 14 pt lines (about 30 mm), what a seal of
// 36 mm needs with half of it over the margin of the text around.
const signGap = 6 * bodySize * 1.2

// signature draws the signature block on the right and "Nơi nhận" on the
// left, kept on one page, and returns where the signature goes.
func (p *page) signature(d Document) Spot {
	split := p.Split()
	lx, lw := p.M.Left, split-p.M.Left-4*mm
	rx, rw := split, p.M.Left+p.Width()-split

	var block []styled
	for _, c := range splitLines(d.Signer.Competence) {
		block = append(block, styled{Text: upper(c), Style: Bold, Size: headSize})
	}
	block = append(block, styled{Text: upper(d.Signer.Position), Style: Bold, Size: headSize})
	recipients := recipientLines(d.Recipients, d.Filing)

	p.Font(Regular, recipientSize)
	var wrapped int
	for _, r := range recipients {
		wrapped += len(p.Wrap(r, lw, lw))
	}
	rightH := float64(len(block))*headSize*1.2 + signGap + bodySize*1.2
	leftH := recipientHead*1.2 + float64(wrapped)*recipientSize*1.2
	p.Need(max(rightH, leftH) + 4*mm)

	y0 := p.Y + 2*mm
	y := p.centred(rx, rw, y0, block)
	spot := Spot{Page: p.Page, X: rx, Y: p.H - y - signGap, W: rw, H: signGap}
	end := p.centred(rx, rw, y+signGap, []styled{{Text: nfc(d.Signer.FullName), Style: Bold, Size: bodySize}})

	if len(recipients) > 0 {
		ly := y0
		p.Font(BoldItalic, recipientHead)
		p.Text(lx, p.Baseline(ly), "Nơi nhận:")
		ly += p.LineHeight()
		p.Font(Regular, recipientSize)
		for _, r := range recipients {
			for _, ln := range p.Wrap(r, lw, lw) {
				p.Text(lx, p.Baseline(ly), ln)
				ly += p.LineHeight()
			}
		}
		end = max(end, ly)
	}
	p.Y = end
	return spot
}

// recipientLines formats "Nơi nhận": "- Như Điều 3;" … "- Lưu: VT, VX.".
func recipientLines(rs []string, filing string) []string {
	var out []string
	for _, r := range rs {
		r = strings.TrimSpace(nfc(r))
		if r == "" {
			continue
		}
		if !strings.HasPrefix(r, "-") {
			r = "- " + r
		}
		if !strings.HasSuffix(r, ";") && !strings.HasSuffix(r, ".") {
			r += ";"
		}
		out = append(out, r)
	}
	if f := strings.TrimSpace(nfc(filing)); f != "" {
		out = append(out, "- Lưu: "+strings.TrimSuffix(f, ".")+".")
	}
	return out
}

func splitLines(s string) []string {
	var out []string
	for _, l := range strings.Split(s, "\n") {
		if l = strings.TrimSpace(l); l != "" {
			out = append(out, l)
		}
	}
	return out
}
