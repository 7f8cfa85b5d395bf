package document

import (
	"bytes"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/signintech/gopdf"
	"golang.org/x/text/unicode/norm"

	"github.com/motcua/motcua/calendar"
	"github.com/motcua/motcua/document/layout"
)

// RegisterSheet is a register of a period to print (Decree 30/2020/NĐ-CP
// Appendix IV: a register kept in the system is printed and signed).
type RegisterSheet struct {
	// Direction is In (the incoming register) or Out (the outgoing one).
	Direction string
	// Organ names the organ whose register it is ("" when the reader's
	// organs are printed together).
	Organ string
	// From and To (YYYY-MM-DD, either may be empty) are the period.
	From, To string
	// Docs are the entries in the register's order; an outgoing one's
	// Recipients are its "Nơi nhận".
	Docs []Document
	// Truncated says the period holds more entries than were printed.
	Truncated bool
}

// The columns of Appendix IV's registers, widths in points on landscape A4.
var (
	incomingColumns = []regColumn{{"Ngày đến", 58}, {"Số đến", 40}, {"Tác giả", 100}, {"Số, ký hiệu", 78}, {"Ngày tháng", 58},
		{"Tên loại và trích yếu nội dung", 170}, {"Đơn vị hoặc người nhận", 92}, {"Ngày chuyển", 50}, {"Ký nhận", 50}, {"Ghi chú", 70}}
	outgoingColumns = []regColumn{{"Số, ký hiệu văn bản", 80}, {"Ngày tháng văn bản", 58}, {"Tên loại và trích yếu nội dung văn bản", 170},
		{"Người ký", 78}, {"Nơi nhận văn bản", 110}, {"Đơn vị, người nhận bản lưu", 80}, {"Số lượng bản", 40}, {"Ngày chuyển", 50},
		{"Ký nhận", 50}, {"Ghi chú", 50}}
)

type regColumn struct {
	title string
	width float64
}

// Margins of the printed register (landscape: binding on the left).
const regLeft, regTop, regBottom, regPad, regSize = 42.5, 42.5, 42.5, 3.0, 9.5

// RenderRegister sets the register as a landscape A4 PDF in Liberation
// Serif (document/layout's fonts): the organ, the register's name and
// period, then the table in Appendix IV's columns with their numbers,
// repeated on each page. The columns nobody fills in the system (transfer
// date, the receiver's signature, the number of copies) stay blank for
// the pen, as on the paper register.
func RenderRegister(r RegisterSheet) ([]byte, error) {
	cols, name := incomingColumns, "SỔ ĐĂNG KÝ VĂN BẢN ĐẾN"
	if r.Direction == Out {
		cols, name = outgoingColumns, "SỔ ĐĂNG KÝ VĂN BẢN ĐI"
	}
	t := &regTable{cols: cols, fonts: map[layout.Style]string{}}
	t.pdf.Start(gopdf.Config{PageSize: *gopdf.PageSizeA4Landscape, Unit: gopdf.UnitPT})
	t.pdf.SetInfo(gopdf.PdfInfo{Title: norm.NFC.String(name), Author: norm.NFC.String(r.Organ), Creator: "motcua"})
	for st, font := range map[layout.Style]string{layout.Regular: "serif", layout.Bold: "serif-bold"} {
		data, err := layout.Font(st)
		if err != nil {
			return nil, err
		}
		if err := t.pdf.AddTTFFontData(font, data); err != nil {
			return nil, err
		}
		t.fonts[st] = font
	}
	t.pdf.AddPage()
	t.y = regTop
	if r.Organ != "" {
		t.centred(layout.Bold, 12, strings.ToUpper(norm.NFC.String(r.Organ)))
	}
	t.centred(layout.Bold, 15, name)
	if period := periodText(r.From, r.To); period != "" {
		t.centred(layout.Regular, 12, period)
	}
	t.y += 8
	t.header()
	for _, d := range r.Docs {
		t.row(registerCells(r.Direction, d))
	}
	if len(r.Docs) == 0 {
		t.y += 6
		t.centred(layout.Regular, 11, "Không có văn bản nào trong kỳ.")
	}
	if r.Truncated {
		t.y += 6
		t.centred(layout.Regular, 11, fmt.Sprintf("Sổ in %d văn bản đầu của kỳ; hãy chọn kỳ ngắn hơn để in phần còn lại.", len(r.Docs)))
	}
	if t.err != nil {
		return nil, t.err
	}
	var b bytes.Buffer
	if _, err := t.pdf.WriteTo(&b); err != nil {
		return nil, err
	}
	return b.Bytes(), nil
}

// registerCells is one entry in the register's columns.
func registerCells(dir string, d Document) []string {
	subject := d.Subject
	if d.TypeName != "" {
		subject = d.TypeName + ": " + d.Subject
	}
	if dir == Out {
		var to []string
		for _, rc := range d.Recipients {
			to = append(to, rc.Organ.Name)
		}
		return []string{d.NumberSymbol, dayText(d.IssuedDate), subject, d.Signer.FullName, strings.Join(to, "; "), d.DraftingUnit, "", "", "", ""}
	}
	var sender, receiver, note string
	if d.Sender != nil {
		sender = d.Sender.Name
	}
	if x := d.Assignment; x != nil {
		receiver = x.LeadUnit
		if x.Specialist != "" {
			receiver += " · " + x.Specialist
		}
	}
	if d.Overdue {
		note = "Quá hạn"
	}
	arrived := ""
	if !d.ArrivalAt.IsZero() {
		arrived = d.ArrivalAt.In(calendar.Zone).Format("02/01/2006")
	}
	return []string{arrived, strconv.FormatInt(d.ArrivalNumber, 10), sender, d.NumberSymbol, dayText(d.IssuedDate), subject, receiver, "", "", note}
}

// dayText writes a YYYY-MM-DD date as dd/mm/yyyy.
func dayText(day string) string {
	t, err := time.Parse(time.DateOnly, day)
	if err != nil {
		return day
	}
	return t.Format("02/01/2006")
}

func periodText(from, to string) string {
	switch {
	case from != "" && to != "":
		return "Từ ngày " + dayText(from) + " đến ngày " + dayText(to)
	case from != "":
		return "Từ ngày " + dayText(from)
	case to != "":
		return "Đến ngày " + dayText(to)
	}
	return ""
}

// regTable lays out the register's table over pages.
type regTable struct {
	pdf   gopdf.GoPdf
	cols  []regColumn
	fonts map[layout.Style]string
	y     float64
	err   error
}

func (t *regTable) fail(err error) {
	if err != nil && t.err == nil {
		t.err = err
	}
}

func (t *regTable) centred(st layout.Style, size float64, s string) {
	t.fail(t.pdf.SetFont(t.fonts[st], "", size))
	w, err := t.pdf.MeasureTextWidth(s)
	t.fail(err)
	t.pdf.SetXY(regLeft+(t.width()-w)/2, t.y+size)
	t.fail(t.pdf.Text(s))
	t.y += size * 1.4
}

func (t *regTable) width() float64 {
	w := 0.0
	for _, c := range t.cols {
		w += c.width
	}
	return w
}

// header draws the column titles and their numbers (1)…(n).
func (t *regTable) header() {
	titles, numbers := make([]string, len(t.cols)), make([]string, len(t.cols))
	for i, c := range t.cols {
		titles[i], numbers[i] = c.title, "("+strconv.Itoa(i+1)+")"
	}
	t.cells(layout.Bold, titles, true)
	t.cells(layout.Regular, numbers, true)
}

// row draws one entry, on a new page (with the header again) when it
// does not fit.
func (t *regTable) row(cells []string) {
	if t.y+t.height(layout.Regular, cells) > gopdf.PageSizeA4Landscape.H-regBottom {
		t.pdf.AddPage()
		t.y = regTop
		t.header()
	}
	t.cells(layout.Regular, cells, false)
}

func (t *regTable) lines(st layout.Style, s string, w float64) []string {
	t.fail(t.pdf.SetFont(t.fonts[st], "", regSize))
	s = norm.NFC.String(strings.TrimSpace(s))
	if s == "" {
		return nil
	}
	out, err := t.pdf.SplitTextWithWordWrap(s, w-2*regPad)
	if err != nil {
		// A word wider than the column is cut where it overflows.
		out, err = t.pdf.SplitText(s, w-2*regPad)
		t.fail(err)
	}
	return out
}

func (t *regTable) height(st layout.Style, cells []string) float64 {
	n := 1
	for i, c := range cells {
		n = max(n, len(t.lines(st, c, t.cols[i].width)))
	}
	return float64(n)*regSize*1.25 + 2*regPad
}

func (t *regTable) cells(st layout.Style, cells []string, centre bool) {
	h := t.height(st, cells)
	x := regLeft
	for i, c := range cells {
		w := t.cols[i].width
		t.pdf.RectFromUpperLeft(x, t.y, w, h)
		for j, l := range t.lines(st, c, w) {
			lx := x + regPad
			if centre {
				lw, err := t.pdf.MeasureTextWidth(l)
				t.fail(err)
				lx = x + (w-lw)/2
			}
			t.pdf.SetXY(lx, t.y+regPad+float64(j)*regSize*1.25+regSize)
			t.fail(t.pdf.Text(l))
		}
		x += w
	}
	t.y += h
}
