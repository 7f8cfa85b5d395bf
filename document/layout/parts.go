package layout

import "strings"

const (
	nationalName = "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"
	motto        = "Độc lập - Tự do - Hạnh phúc"
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

// split is where the agency column ends and the national one starts: the
// national name on one line with some air, at least 92 mm wide.
func (p *page) split() float64 {
	p.font(Bold, 12)
	rw := max(p.measure(nationalName)+6*mm, 92*mm)
	return marginLeft + p.width() - rw
}

// header draws page 1's head: the agency on the left and the national name
// and motto on the right, the number under the agency, place and date under
// the motto, then the type and subject (or a công văn's "V/v" on the left).
func (p *page) header(d Document) {
	split := p.split()
	lx, lw := marginLeft, split-marginLeft
	rx, rw := split, marginLeft+p.width()-split
	y0 := p.y

	var agency []styled
	if d.Issuer.Parent != "" {
		agency = append(agency, styled{text: upper(d.Issuer.Parent), st: Regular, size: parentSize})
	}
	agency = append(agency, styled{text: upper(d.Issuer.Name), st: Bold, size: headSize, rule: true})
	ly := p.centred(lx, lw, y0, agency)

	nameSize := 12.0
	if p.font(Bold, 12); p.measure(nationalName) > rw {
		nameSize = 12 * rw / p.measure(nationalName)
	}
	// The national name sits on the agency's first baseline, the motto on its second.
	p.centred(rx, rw, y0+(headSize-nameSize)*0.94, []styled{{text: nationalName, st: Bold, size: nameSize}})
	ry := p.centred(rx, rw, y0+headSize*1.2, []styled{{text: motto, st: Bold, size: headSize, underline: true}})

	y := max(ly, ry) + 6
	p.centred(lx, lw, y, []styled{{text: d.numberLine(), st: Regular, size: headSize}})
	p.centred(rx, rw, y, []styled{{text: d.placeDate(), st: Italic, size: headSize}})
	y += headSize * 1.2
	if d.TypeName == "" {
		y = p.centred(lx, lw, y+2, []styled{{text: "V/v " + nfc(d.Subject), st: Regular, size: vvSize}})
		p.y = y + 8*mm
		return
	}
	p.y = p.centred(marginLeft, p.width(), y+10*mm, []styled{
		{text: upper(d.TypeName), st: Bold, size: bodySize},
		{text: nfc(d.Subject), st: Bold, size: bodySize, rule: true},
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
	p.font(Regular, bodySize)
	const label = "Kính gửi:"
	x := marginLeft + p.width()/4
	ax := x + p.measure(label+" ")
	aw := marginLeft + p.width() - ax
	p.need(p.lineHeight() * float64(len(names)))
	p.text(x, p.baseline(p.y), label)
	for i, n := range names {
		switch {
		case len(names) == 1:
			n += "."
		case i == len(names)-1:
			n = "- " + n + "."
		default:
			n = "- " + n + ";"
		}
		for _, ln := range p.wrap(n, aw, aw) {
			p.need(p.lineHeight())
			p.text(ax, p.baseline(p.y), ln)
			p.y += p.lineHeight()
		}
	}
	p.y += 4 * mm
}

// body sets the paragraphs.
func (p *page) body(paras []string) {
	for _, s := range paras {
		if isHeading(s) {
			p.font(Bold, bodySize)
			p.need(2 * p.lineHeight())
			p.y = p.centred(marginLeft, p.width(), p.y+paraAfter, []styled{{text: strings.TrimSpace(s), st: Bold, size: bodySize}}) + paraAfter
			continue
		}
		p.paragraph(s, Regular, bodySize, indent, paraAfter)
	}
}

// signGap is the blank for the signature image and the seal between the
// position and the name: six 14 pt lines (about 30 mm), what a seal of
// 36 mm needs with half of it over the margin of the text around.
const signGap = 6 * bodySize * 1.2

// signature draws the signature block on the right and "Nơi nhận" on the
// left, kept on one page, and returns where the signature goes.
func (p *page) signature(d Document) Spot {
	split := p.split()
	lx, lw := marginLeft, split-marginLeft-4*mm
	rx, rw := split, marginLeft+p.width()-split

	var block []styled
	for _, c := range splitLines(d.Signer.Competence) {
		block = append(block, styled{text: upper(c), st: Bold, size: headSize})
	}
	block = append(block, styled{text: upper(d.Signer.Position), st: Bold, size: headSize})
	recipients := recipientLines(d.Recipients, d.Filing)

	p.font(Regular, recipientSize)
	var wrapped int
	for _, r := range recipients {
		wrapped += len(p.wrap(r, lw, lw))
	}
	rightH := float64(len(block))*headSize*1.2 + signGap + bodySize*1.2
	leftH := recipientHead*1.2 + float64(wrapped)*recipientSize*1.2
	p.need(max(rightH, leftH) + 4*mm)

	y0 := p.y + 2*mm
	y := p.centred(rx, rw, y0, block)
	spot := Spot{Page: p.n, X: rx, Y: p.h - y - signGap, W: rw, H: signGap}
	end := p.centred(rx, rw, y+signGap, []styled{{text: nfc(d.Signer.FullName), st: Bold, size: bodySize}})

	if len(recipients) > 0 {
		ly := y0
		p.font(BoldItalic, recipientHead)
		p.text(lx, p.baseline(ly), "Nơi nhận:")
		ly += p.lineHeight()
		p.font(Regular, recipientSize)
		for _, r := range recipients {
			for _, ln := range p.wrap(r, lw, lw) {
				p.text(lx, p.baseline(ly), ln)
				ly += p.lineHeight()
			}
		}
		end = max(end, ly)
	}
	p.y = end
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
