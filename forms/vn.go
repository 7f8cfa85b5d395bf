package forms

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/motcua/motcua/calendar"
	"github.com/motcua/motcua/catalog"
	"github.com/motcua/motcua/vntext"
)

// Dates are written as Decree 30/2020 (Appendix I, §II.4) prescribes:
// days below 10 and the months January and February with a leading zero
// ("ngày 05 tháng 01 năm 2026", "ngày 12 tháng 3 năm 2026"), always in
// Vietnam time.

func dayMonth(t time.Time) (string, string) {
	t = t.In(calendar.Zone)
	m := strconv.Itoa(int(t.Month()))
	if t.Month() <= time.February {
		m = "0" + m
	}
	return fmt.Sprintf("%02d", t.Day()), m
}

// dateVN is "ngày 05 tháng 01 năm 2026".
func dateVN(t time.Time) string {
	d, m := dayMonth(t)
	return fmt.Sprintf("ngày %s tháng %s năm %d", d, m, t.In(calendar.Zone).Year())
}

// placeDate is the place-and-date line: "Gia Lâm, ngày 05 tháng 01 năm 2026".
func placeDate(place string, t time.Time) string { return place + ", " + dateVN(t) }

// clockVN is "08 giờ 30 phút, ngày 02 tháng 3 năm 2026".
func clockVN(t time.Time) string {
	t = t.In(calendar.Zone)
	return fmt.Sprintf("%02d giờ %02d phút, %s", t.Hour(), t.Minute(), dateVN(t))
}

// clockShort is the same for table cells: "08 giờ 30 phút, ngày 02/03/2026".
func clockShort(t time.Time) string {
	t = t.In(calendar.Zone)
	return fmt.Sprintf("%02d giờ %02d phút, ngày %s", t.Hour(), t.Minute(), t.Format("02/01/2006"))
}

// dateTimeCell is a date with the time under it, for the register.
func dateTimeCell(t *time.Time) string {
	if t == nil {
		return ""
	}
	v := t.In(calendar.Zone)
	return v.Format("02/01/2006") + "\n" + v.Format("15:04")
}

// money is an amount of đồng with dots between thousands: "10.000 đồng".
func money(n int64) string { return vntext.Thousands(n) + " đồng" }

// two writes numbers below 10 with a leading zero, as document numbers are.
func two(n int) string { return fmt.Sprintf("%02d", n) }

// statutoryTime is the processing time as the receipt states it.
func statutoryTime(d catalog.Duration) string {
	switch d.Unit {
	case catalog.UnitSameDay:
		return "Trong ngày làm việc (hồ sơ nhận sau 15 giờ trả trong ngày làm việc tiếp theo)"
	case catalog.UnitHour:
		return two(d.Value) + " giờ làm việc"
	}
	return two(d.Value) + " ngày làm việc"
}

// kindName is how a component's form is written on the forms.
func kindName(kind string) string {
	switch kind {
	case "original":
		return "Bản chính"
	case "copy":
		return "Bản sao"
	case "certified_copy":
		return "Bản sao có chứng thực"
	case "show":
		return "Xuất trình bản chính"
	}
	return kind
}

// feeText is one fee as the receipt states it.
func feeText(f catalog.Fee) string {
	if f.Typical {
		// A provincial fee the unit has not confirmed (catalog.Fee.Typical).
		return feeAmount(f) + " (mức thu tham khảo, chờ đơn vị xác nhận)"
	}
	return feeAmount(f)
}

func feeAmount(f catalog.Fee) string {
	switch {
	case f.Amount == 0 && len([]rune(f.Note)) <= 120 && f.Note != "":
		return f.Name + ": " + f.Note
	case f.Amount == 0:
		return f.Name + ": theo quy định"
	case f.Kind == "per_page":
		return f.Name + ": " + money(f.Amount) + "/trang"
	case f.Kind == "per_copy":
		return f.Name + ": " + money(f.Amount) + "/bản"
	}
	return f.Name + ": " + money(f.Amount)
}

// placeName is the place in the date line: the unit's short name without
// its level word ("Xã Gia Lâm" → "Gia Lâm").
func placeName(short, name string) string {
	s := short
	if s == "" {
		s = name
	}
	for _, p := range []string{"UBND ", "Ủy ban nhân dân ", "Xã ", "xã ", "Phường ", "phường ", "Thị trấn ", "thị trấn ",
		"Huyện ", "huyện ", "Quận ", "quận ", "Thị xã ", "thị xã ", "Thành phố ", "thành phố ", "Tỉnh ", "tỉnh "} {
		s = strings.TrimPrefix(s, p)
	}
	return s
}

// clip shortens s to n runes with an ellipsis.
func clip(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return strings.TrimSpace(string(r[:n-1])) + "…"
}
