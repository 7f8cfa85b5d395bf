package document

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/motcua/motcua/calendar"
	"github.com/motcua/motcua/typeset"
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

// The columns of Appendix IV's registers; the widths are shares of the
// landscape page's text width.
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

// regSize is the table's font size: ten columns on landscape A4.
const regSize = 9.5

// RenderRegister sets the register as a landscape A4 PDF, laid out by
// package typeset (Decree 30's margins, Liberation Serif embedded as
// subsets, page numbers from page 2): the organ, the register's name and
// period, then the table in Appendix IV's columns with their numbers,
// repeated at the top of each page. The columns nobody fills in the system
// (transfer date, the receiver's signature, the number of copies) stay
// blank for the pen, as on the paper register.
func RenderRegister(r RegisterSheet) ([]byte, error) {
	out, err := renderRegister(r)
	if err != nil {
		return nil, fmt.Errorf("document: register PDF: %w", err)
	}
	return out, nil
}

func renderRegister(r RegisterSheet) ([]byte, error) {
	cols, name := incomingColumns, "SỔ ĐĂNG KÝ VĂN BẢN ĐẾN"
	if r.Direction == Out {
		cols, name = outgoingColumns, "SỔ ĐĂNG KÝ VĂN BẢN ĐI"
	}
	fs, err := typeset.LoadFonts()
	if err != nil {
		return nil, err
	}
	// Undated: the clock would make every print differ, and the period
	// printed on the page is the register's date.
	d := typeset.New(fs, true, typeset.Info{Title: name, Author: r.Organ})
	// A number and symbol (12/QĐ-UBND) too long for its column breaks
	// after a slash or a dash rather than mid-part.
	d.BreakAfter = "-/.,"
	var head []typeset.Styled
	if r.Organ != "" {
		head = append(head, typeset.Styled{Text: strings.ToUpper(typeset.NFC(r.Organ)), Style: typeset.Bold, Size: 12, Balance: true, After: 4})
	}
	head = append(head, typeset.Styled{Text: name, Style: typeset.Bold, Size: 15, After: 2})
	if period := periodText(r.From, r.To); period != "" {
		head = append(head, typeset.Styled{Text: period, Style: typeset.Regular, Size: 12})
	}
	// The heading is at the top of page 1 and short, so it needs no page break.
	d.Y = d.Centred(d.Left(), d.Width(), d.Y, head) + 8

	t := typeset.Table{Size: regSize, PadX: 3, PadY: 3, Cols: make([]typeset.Column, len(cols))}
	titles, numbers := make([]string, len(cols)), make([]string, len(cols))
	for i, c := range cols {
		t.Cols[i] = typeset.Column{Width: c.width}
		titles[i], numbers[i] = c.title, "("+strconv.Itoa(i+1)+")"
	}
	t.Head = []typeset.Row{{Cells: titles, Style: typeset.Bold}, {Cells: numbers}}
	rows := make([]typeset.Row, len(r.Docs))
	for i, doc := range r.Docs {
		rows[i] = typeset.Row{Cells: registerCells(r.Direction, doc)}
	}
	d.Table(t, rows)

	note := typeset.Para{Size: 11, Align: typeset.AlignCenter, Before: 6}
	if len(r.Docs) == 0 {
		d.Paragraph("Không có văn bản nào trong kỳ.", note)
	}
	if r.Truncated {
		d.Paragraph(fmt.Sprintf("Sổ in %d văn bản đầu của kỳ; hãy chọn kỳ ngắn hơn để in phần còn lại.", len(r.Docs)), note)
	}
	return d.Finish()
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
