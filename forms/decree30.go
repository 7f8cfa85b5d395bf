package forms

import (
	"fmt"
	"strings"
	"time"

	qrcode "github.com/skip2/go-qrcode"

	"github.com/motcua/motcua/typeset"
)

// The layout of an administrative document's parts (Decree 30/2020,
// Appendix I): the header with the agency on the left and the national
// name and motto on the right, number and symbol under the agency, place
// and date under the motto, the title, and the signature block.

// heading is the head of a document.
type heading struct {
	Parent string // the parent agency (cơ quan chủ quản), upper case regular; may be empty
	Issuer string // the issuing agency or desk, upper case bold, with a rule under it
	Number string // "05/PXL"; empty: no "Số:" line
	Place  string // "Gia Lâm"
	Date   time.Time
	Title  string   // bold, centred
	Sub    []string // lines under the title (bold 13), e.g. the trích yếu
	Notes  []string // lines under those (regular 13), e.g. "Mã hồ sơ: …"
}

// head draws the heading at the top of page 1.
func (d *doc) head(h heading) {
	split := d.Split()
	lx, lw := d.M.Left, split-d.M.Left
	rx, rw := split, d.M.Left+d.Width()-split
	y0 := d.Y
	if h.Issuer == "" {
		d.stateHead(h)
		return
	}

	var agency []styled
	if h.Parent != "" {
		agency = append(agency, styled{Text: upper(h.Parent), Style: regular, Size: 13})
	}
	agency = append(agency, styled{Text: upper(h.Issuer), Style: bold, Size: 13})
	ly := d.Centred(lx, lw, y0, agency)
	// The rule under the issuing agency: a third to a half of its line.
	d.Font(bold, 13)
	lines := d.Wrap(upper(h.Issuer), lw, lw)
	rule := d.Measure(lines[len(lines)-1]) * 0.45
	d.Line(lx+(lw-rule)/2, ly+2.5, lx+(lw+rule)/2, ly+2.5)
	ly += 5

	ry := d.National(rx, rw, y0, 13)
	y := max(ly, ry) + 6
	if h.Number != "" {
		d.Centred(lx, lw, y, []styled{{Text: "Số: " + h.Number, Style: regular, Size: 13}})
	}
	if h.Place != "" {
		d.Centred(rx, rw, y, []styled{{Text: placeDate(h.Place, h.Date), Style: italic, Size: 13}})
	}
	d.Y = y + 13*1.2 + 6*mm
	d.titles(h)
}

// titles draws the title and the lines under it.
func (d *doc) titles(h heading) {
	if h.Title != "" {
		d.Y = d.Centred(d.M.Left, d.Width(), d.Y, []styled{{Text: h.Title, Style: bold, Size: 14}})
	}
	var sub []styled
	for _, s := range h.Sub {
		sub = append(sub, styled{Text: s, Style: bold, Size: 13})
	}
	for _, s := range h.Notes {
		sub = append(sub, styled{Text: s, Style: regular, Size: 13})
	}
	d.Y = d.Centred(d.M.Left, d.Width(), d.Y, sub) + 4*mm
}

// stateHead draws the heading of a paper that names no issuer (the
// Ministry's civil-status blanks): the national name and motto centred
// over the title.
func (d *doc) stateHead(h heading) {
	d.Y = d.Centred(d.M.Left, d.Width(), d.Y, []styled{{Text: typeset.NationalName, Style: bold, Size: 13},
		{Text: typeset.Motto, Style: bold, Size: 14, Underline: true}}) + 8*mm
	h.Issuer, h.Parent, h.Number, h.Place = "", "", "", ""
	d.titles(h)
}

// signer is one signature block.
type signer struct {
	Position []string // upper case bold, e.g. "NGƯỜI TIẾP NHẬN HỒ SƠ" or "TM. ỦY BAN NHÂN DÂN"
	Hint     string   // "(Ký, ghi rõ họ tên)"
	Name     string
	Seal     bool   // signed for a body, with its seal: the larger gap (any hint)
	Title    string // the signer's position under the name, as a civil-status paper asks ("chức vụ")
}

const signHint = "(Ký, ghi rõ họ tên)"

// signGap is the room for the signature and the seal between the
// position (or its hint) and the name: five blank 13 pt lines, more than
// the four an official expects on paper, and room for the signature
// appearance of a digital signature.
const signGap = 5 * 13 * 1.2

// personGap is the room on the desk's own slips (01–03, 07), signed by
// a person without a seal: the blank of the templates, which keeps each
// copy of a receipt on one page.
const personGap = 18 * mm

// gap is the blank under the block's position for the signature.
func (s *signer) gap() float64 {
	if s.Hint == sealHint || s.Seal {
		return signGap
	}
	return personGap
}

// link is the QR code of a form: the page it opens and a caption.
type link struct{ url, caption string }

const qrSize = 20 * mm

// signatures draws one signature block on the right, or two side by side.
// With one block, the left column holds the recipients ("Nơi nhận") and
// the QR code; with two, the QR code follows below. The group is kept on
// one page.
func (d *doc) signatures(leftSig, rightSig *signer, recipients []string, qr link) {
	split := d.Split()
	lx, lw := d.M.Left, split-d.M.Left-4*mm
	rx, rw := split, d.M.Left+d.Width()-split
	if leftSig != nil {
		lw = d.Width() / 2
		rx, rw = d.M.Left+lw, d.Width()/2
	}
	height := func(s *signer) float64 {
		if s == nil {
			return 0
		}
		lines := len(s.Position) + 2
		if s.Title != "" {
			lines += 2 // the title, and a hint long enough to wrap
		}
		return float64(lines)*13*1.2 + s.gap()
	}
	leftH := height(leftSig)
	if leftSig == nil {
		d.Font(regular, 11)
		leftH = float64(len(recipients)+1)*12*1.2 + 3*mm + d.qrHeight(qr, lw)
	}
	d.Need(max(leftH, height(rightSig)) + 2*mm)
	y0 := d.Y + 1*mm
	end := y0
	block := func(s *signer, x, w float64) {
		var lines []styled
		for _, p := range s.Position {
			lines = append(lines, styled{Text: upper(p), Style: bold, Size: 13})
		}
		if s.Hint != "" {
			lines = append(lines, styled{Text: s.Hint, Style: italic, Size: 13})
		}
		y := d.Centred(x, w, y0, lines)
		if s == rightSig && d.spot == nil {
			d.spot = &Spot{Page: d.Page, X: x, Y: d.H - y - s.gap(), W: w, H: s.gap()}
		}
		name := []styled{{Text: s.Name, Style: bold, Size: 13}}
		if s.Title != "" && s.Name != "" {
			name = append(name, styled{Text: s.Title, Style: regular, Size: 13})
		}
		end = max(end, d.Centred(x, w, y+s.gap(), name))
	}
	if rightSig != nil {
		block(rightSig, rx, rw)
	}
	if leftSig != nil {
		block(leftSig, lx, lw)
		d.Y = end + 1*mm
		d.qr(qr)
		return
	}
	y := y0
	if len(recipients) > 0 {
		d.Font(boldItalic, 12)
		d.Text(lx, d.Baseline(y), "Nơi nhận:")
		y += d.LineHeight()
		d.Font(regular, 11)
		for _, r := range recipients {
			for _, ln := range d.Wrap(r, lw, lw) {
				d.Text(lx, d.Baseline(y), ln)
				y += d.LineHeight()
			}
		}
		y += 3 * mm
	}
	y = d.qrBlock(qr, lx, y, lw)
	d.Y = max(end, y) + 3*mm
}

// qrHeight is the height qrBlock takes in a column of width w.
func (d *doc) qrHeight(qr link, w float64) float64 {
	if qr.url == "" {
		return 0
	}
	d.Font(italic, 10)
	h := float64(len(d.Wrap(qr.caption, w, w)))*d.LineHeight() + qrSize + 1.5*mm
	d.Font(regular, 8)
	return h + float64(len(d.Wrap(qr.url, w, w)))*d.LineHeight()
}

// qrBlock draws the caption, the code and its address in a column at
// (x, y) of width w, returning the y below it.
func (d *doc) qrBlock(qr link, x, y, w float64) float64 {
	if qr.url == "" {
		return y
	}
	d.Font(italic, 10)
	for _, ln := range d.Wrap(qr.caption, w, w) {
		d.Text(x, d.Baseline(y), ln)
		y += d.LineHeight()
	}
	d.qrCode(qr.url, x, y+0.5*mm)
	y += qrSize + 1.5*mm
	d.Font(regular, 8)
	for _, ln := range d.Wrap(qr.url, w, w) {
		d.Text(x, d.Baseline(y), ln)
		y += d.LineHeight()
	}
	return y
}

// qr draws the QR code at the left margin with its caption and address
// beside it (forms with no free column beside a signature).
func (d *doc) qr(qr link) {
	if qr.url == "" {
		return
	}
	tx := d.M.Left + qrSize + 4*mm
	tw := d.M.Left + d.Width() - tx
	d.Font(italic, 10)
	caption := d.Wrap(qr.caption, tw, tw)
	ch := float64(len(caption)) * d.LineHeight()
	d.Font(regular, 9)
	url := d.Wrap(qr.url, tw, tw)
	d.Need(max(qrSize, ch+float64(len(url))*d.LineHeight()) + 3*mm)
	y0 := d.Y + 2*mm
	d.qrCode(qr.url, d.M.Left, y0)
	y := y0 + 2*mm
	d.Font(italic, 10)
	for _, ln := range caption {
		d.Text(tx, d.Baseline(y), ln)
		y += d.LineHeight()
	}
	d.Font(regular, 9)
	for _, ln := range url {
		d.Text(tx, d.Baseline(y), ln)
		y += d.LineHeight()
	}
	d.Y = max(y, y0+qrSize) + 1*mm
}

// qrCode draws a QR code of url with its top left at (x, y), qrSize wide.
// It is vector squares (no image), one filled rectangle per horizontal run
// of dark modules; the page around it is the quiet zone.
func (d *doc) qrCode(url string, x, y float64) {
	q, err := qrcode.New(url, qrcode.Medium)
	if err != nil {
		d.Fail(fmt.Errorf("forms: QR code: %w", err))
		return
	}
	q.DisableBorder = true
	bm := q.Bitmap()
	cell := qrSize / float64(len(bm))
	d.PDF.SetFillColor(0, 0, 0)
	for r, row := range bm {
		for c := 0; c < len(row); {
			if !row[c] {
				c++
				continue
			}
			start := c
			for c < len(row) && row[c] {
				c++
			}
			// A hair of overlap keeps renderers from drawing seams between rows.
			d.PDF.RectFromUpperLeftWithStyle(x+float64(start)*cell, y+float64(r)*cell, float64(c-start)*cell, cell+0.15, "F")
		}
	}
}

// upper is Vietnamese upper case (strings.ToUpper handles ư, đ, ờ…).
func upper(s string) string { return strings.ToUpper(nfc(s)) }
