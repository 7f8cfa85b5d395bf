package report

import (
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/motcua/motcua/problem"
	"github.com/motcua/motcua/vntext"
)

// The periodic report on receiving and resolving administrative
// procedures, Biểu II.06a/VPCP/KSTT (Circular 01/2020/TT-VPCP), built from
// Counts: what each column counts is said once, in counts.go. This file
// is the request every surface (API, leader's page, CLI) parses alike and
// the report's shape; ii06a_build.go fills it, ii06a_xlsx.go and
// ii06a_pdf.go lay it out as the official form.

// Views of the report: rows by unit (the unit and its subtree as it stood
// at the end of the period, parents summing their children), by field
// (lĩnh vực) or by procedure under its field.
const (
	ViewUnit      = "unit"
	ViewField     = "field"
	ViewProcedure = "procedure"
)

// Output formats.
const (
	FormatJSON = "json"
	FormatXLSX = "xlsx"
	FormatPDF  = "pdf"
)

// II06aQuery is one request for the report: a unit, a period of whole
// days in Vietnam, a view and a format.
type II06aQuery struct {
	Unit string // the unit's code, current or one it had
	// From is the first day's start; To the start of the day after the
	// last, so the period is [From, To).
	From, To time.Time
	View     string
	Format   string
	// Now, when set, ends the figures at that instant if the period runs
	// past it: a dossier in progress is then judged against its deadline
	// now, not at the end of a day still to come. The form still prints
	// the days asked for.
	Now time.Time
}

// MaxII06aYears bounds one report's period: enough for a multi-year
// review, short of a request that reads the whole history for nothing.
const MaxII06aYears = 10

// ParseII06a reads a request from query values: unit, from and to
// (YYYY-MM-DD, both days included), view (unit, field, procedure; unit
// by default) and format (json, xlsx, pdf; json by default). Errors are
// problems with stable codes on the field at fault: unit_required,
// invalid_period (a malformed or missing day, an end before the start, a
// period over MaxII06aYears), invalid_view, invalid_format.
func ParseII06a(v url.Values) (II06aQuery, error) {
	q := II06aQuery{
		Unit:   strings.TrimSpace(v.Get("unit")),
		View:   strings.TrimSpace(v.Get("view")),
		Format: strings.ToLower(strings.TrimSpace(v.Get("format"))),
	}
	if q.Unit == "" {
		return q, problem.Invalid("unit", "unit_required.report")
	}
	from, err := reportDay(v, "from")
	if err != nil {
		return q, err
	}
	last, err := reportDay(v, "to")
	if err != nil {
		return q, err
	}
	if last.Before(from) {
		return q, problem.Invalid("to", "invalid_period")
	}
	q.From, q.To = from, last.AddDate(0, 0, 1)
	if q.To.After(from.AddDate(MaxII06aYears, 0, 0)) {
		return q, problem.Invalid("to", "invalid_period.too_long", MaxII06aYears)
	}
	switch q.View {
	case "":
		q.View = ViewUnit
	case ViewUnit, ViewField, ViewProcedure:
	default:
		return q, problem.Invalid("view", "invalid_view", q.View)
	}
	switch q.Format {
	case "":
		q.Format = FormatJSON
	case FormatJSON, FormatXLSX, FormatPDF:
	default:
		return q, problem.Invalid("format", "invalid_format", q.Format)
	}
	return q, nil
}

// reportDay is the start (Vietnam) of the day in field name.
func reportDay(v url.Values, name string) (time.Time, error) {
	s := strings.TrimSpace(v.Get(name))
	if s == "" {
		return time.Time{}, problem.Invalid(name, "invalid_period.missing")
	}
	t, err := time.ParseInLocation(time.DateOnly, s, vietnam)
	if err != nil || t.Year() < 2000 || t.Year() > 2200 {
		return time.Time{}, problem.Invalid(name, "invalid_period.date", s)
	}
	return t, nil
}

// FileName is the download's name, e.g. "II06a-000.00.31.H40-20220101-20221231-unit.xlsx".
func (q II06aQuery) FileName() string {
	return "II06a-" + q.Unit + "-" + q.From.Format("20060102") + "-" + q.To.AddDate(0, 0, -1).Format("20060102") + "-" + q.View + "." + q.Format
}

// Figures are one row's columns 3 to 13 of the form, and the ends that
// lie outside its columns (see Count).
type Figures struct {
	Received   int64 `json:"received"`    // (3) Tổng số
	NewOnline  int64 `json:"new_online"`  // (4) Trực tuyến
	NewCounter int64 `json:"new_counter"` // (5) Trực tiếp, dịch vụ bưu chính
	Carried    int64 `json:"carried"`     // (6) Từ kỳ trước
	Resolved   int64 `json:"resolved"`    // (7) Tổng số đã giải quyết
	Early      int64 `json:"early"`       // (8) Trước hạn
	OnTime     int64 `json:"on_time"`     // (9) Đúng hạn
	Late       int64 `json:"late"`        // (10) Quá hạn
	InProgress int64 `json:"in_progress"` // (11) Tổng số đang giải quyết
	Within     int64 `json:"within"`      // (12) Trong hạn
	Overdue    int64 `json:"overdue"`     // (13) Quá hạn
	Withdrawn  int64 `json:"withdrawn"`
	Stopped    int64 `json:"stopped"`
	Refused    int64 `json:"refused"`
}

func figuresOf(c Count) Figures {
	return Figures{Received: c.Received, NewOnline: c.NewOnline, NewCounter: c.NewCounter, Carried: c.Carried,
		Resolved: c.Resolved, Early: c.Early, OnTime: c.OnTime, Late: c.Late,
		InProgress: c.InProgress, Within: c.Within, Overdue: c.Overdue,
		Withdrawn: c.Withdrawn, Stopped: c.Stopped, Refused: c.Refused}
}

func (f *Figures) add(o Figures) {
	f.Received += o.Received
	f.NewOnline += o.NewOnline
	f.NewCounter += o.NewCounter
	f.Carried += o.Carried
	f.Resolved += o.Resolved
	f.Early += o.Early
	f.OnTime += o.OnTime
	f.Late += o.Late
	f.InProgress += o.InProgress
	f.Within += o.Within
	f.Overdue += o.Overdue
	f.Withdrawn += o.Withdrawn
	f.Stopped += o.Stopped
	f.Refused += o.Refused
}

// Columns are the form's columns 3 to 13, in order.
func (f Figures) Columns() [11]int64 {
	return [11]int64{f.Received, f.NewOnline, f.NewCounter, f.Carried, f.Resolved, f.Early, f.OnTime, f.Late,
		f.InProgress, f.Within, f.Overdue}
}

// II06aRow is one line of the form.
type II06aRow struct {
	No    string `json:"no"`    // column 1: "1", "1.2", …
	Depth int    `json:"depth"` // 0 for the top rows
	Code  string `json:"code"`  // the unit's code as it stood, the field's or the procedure's code
	Name  string `json:"name"`  // column 2
	Figures
}

// II06a is the report, ready to lay out.
type II06a struct {
	Unit       string `json:"unit"` // as it stood at the end of the period
	UnitName   string `json:"unit_name"`
	ParentName string `json:"parent_name,omitempty"` // the unit above, for the form's heading
	From       string `json:"from"`                  // first day, YYYY-MM-DD
	To         string `json:"to"`                    // last day, included
	View       string `json:"view"`
	// Rows in order; by unit, the first is the unit itself, summing all.
	Rows  []II06aRow `json:"rows"`
	Total Figures    `json:"total"`
}

// Period is the reporting period as the form prints it.
func (r *II06a) Period() string {
	return "Từ ngày " + dayVN(r.From) + " đến ngày " + dayVN(r.To)
}

func dayVN(s string) string {
	t, err := time.Parse(time.DateOnly, s)
	if err != nil {
		return s
	}
	return t.Format("02/01/2006")
}

// HasTotalRow says whether the form shows a "Tổng cộng" row above the
// others: by unit, the unit's own row is the total.
func (r *II06a) HasTotalRow() bool { return r.View != ViewUnit }

// HeadCell is one cell of the form's column headings, spanning rows and
// columns from Row, Col (0-based) on; every layout draws the same cells.
type HeadCell struct {
	Text             string
	Row, Col         int
	RowSpan, ColSpan int
}

// II06aHeadRows is the number of heading rows, the numbered row included.
const II06aHeadRows = 4

// II06aColumns is the number of the form's columns.
const II06aColumns = 13

// II06aHead is the form's column headings, the last row numbering the
// columns (1) to (13). Column 2 names what the rows are.
func II06aHead(view string) []HeadCell {
	second := "Tên đơn vị"
	switch view {
	case ViewField:
		second = "Lĩnh vực giải quyết"
	case ViewProcedure:
		second = "Lĩnh vực, thủ tục hành chính"
	}
	cells := []HeadCell{
		{"STT", 0, 0, 3, 1},
		{second, 0, 1, 3, 1},
		{"Số hồ sơ nhận giải quyết", 0, 2, 1, 4},
		{"Kết quả giải quyết", 0, 6, 1, 7},
		{"Tổng số", 1, 2, 2, 1},
		{"Trong kỳ", 1, 3, 1, 2},
		{"Từ kỳ trước chuyển qua", 1, 5, 2, 1},
		{"Số hồ sơ đã giải quyết", 1, 6, 1, 4},
		{"Số hồ sơ đang giải quyết", 1, 10, 1, 3},
		{"Trực tuyến", 2, 3, 1, 1},
		{"Trực tiếp, dịch vụ bưu chính", 2, 4, 1, 1},
		{"Tổng số", 2, 6, 1, 1},
		{"Trước hạn", 2, 7, 1, 1},
		{"Đúng hạn", 2, 8, 1, 1},
		{"Quá hạn", 2, 9, 1, 1},
		{"Tổng số", 2, 10, 1, 1},
		{"Trong hạn", 2, 11, 1, 1},
		{"Quá hạn", 2, 12, 1, 1},
	}
	for i := range II06aColumns {
		cells = append(cells, HeadCell{"(" + strconv.Itoa(i+1) + ")", 3, i, 1, 1})
	}
	return cells
}

// Form's fixed wording, shared by the layouts.
const (
	II06aSymbol  = "Biểu số II.06a/VPCP/KSTT"
	II06aTitle   = "TÌNH HÌNH, KẾT QUẢ GIẢI QUYẾT THỦ TỤC HÀNH CHÍNH TẠI CƠ QUAN, ĐƠN VỊ TRỰC TIẾP GIẢI QUYẾT THỦ TỤC HÀNH CHÍNH"
	II06aUnitOf  = "Đơn vị tính: Số hồ sơ TTHC"
	II06aTotal   = "Tổng cộng"
	NationalName = "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"
	Motto        = "Độc lập - Tự do - Hạnh phúc"
)

// Outside is the sentence under the table accounting for the received
// dossiers that ended outside the form's columns.
func (r *II06a) Outside() string {
	t := r.Total
	return "Ngoài các cột trên: rút hồ sơ " + vntext.Thousands(t.Withdrawn) + "; dừng giải quyết " + vntext.Thousands(t.Stopped) +
		"; từ chối giải quyết sau khi xem xét " + vntext.Thousands(t.Refused) + "."
}
