package calendar

import "sort"

// Keys of the statutory holidays of Labour Code 2019, Art. 112(1), used by
// Announcement.Replaces.
const (
	HolidayNewYear       = "new_year"      // Tết Dương lịch, 1/1
	HolidayTet           = "tet"           // Tết Âm lịch, 5 days
	HolidayHungKings     = "hung_kings"    // Giỗ Tổ Hùng Vương, 10/3 lunar
	HolidayReunification = "reunification" // Ngày Chiến thắng, 30/4
	HolidayLabourDay     = "labour_day"    // Ngày Quốc tế Lao động, 1/5
	HolidayNationalDay   = "national_day"  // Quốc khánh, 2/9 and one adjacent day
)

// Kinds of Day.
const (
	DayHoliday      = "holiday"      // a statutory holiday computed by rule
	DayCompensatory = "compensatory" // nghỉ bù for a holiday on a weekend (Art. 111(3))
	DayAnnounced    = "announced"    // from an official or admin announcement
)

// Day is one day off that is not an ordinary weekend.
type Day struct {
	Date string `json:"date"` // "YYYY-MM-DD"
	Name string `json:"name"` // Vietnamese, e.g. "Nghỉ bù Quốc khánh"
	Kind string `json:"kind"` // DayHoliday, DayCompensatory or DayAnnounced
}

// compensatoryName is the name of a nghỉ bù day, by holiday key; ok is
// false for an unknown key.
func compensatoryName(key string) (name string, ok bool) {
	switch key {
	case HolidayNewYear:
		return "Nghỉ bù Tết Dương lịch", true
	case HolidayTet:
		return "Nghỉ bù Tết Nguyên đán", true
	case HolidayHungKings:
		return "Nghỉ bù Giỗ Tổ Hùng Vương", true
	case HolidayReunification:
		return "Nghỉ bù Ngày Chiến thắng", true
	case HolidayLabourDay:
		return "Nghỉ bù Ngày Quốc tế Lao động", true
	case HolidayNationalDay:
		return "Nghỉ bù Quốc khánh", true
	}
	return "", false
}

func knownHoliday(key string) bool {
	_, ok := compensatoryName(key)
	return ok
}

// holiday is a statutory holiday day before announcements apply.
type holiday struct {
	jdn  int
	key  string
	name string
}

// statutory returns the holidays of Labour Code 2019, Art. 112(1), for a
// Gregorian year, by rule. The 2019 rules are applied to every year; before
// 2021 the law differed (one day for Quốc khánh, no Giỗ Tổ before 2007), so
// historical years are approximations.
func statutory(year int) []holiday {
	day := func(m, d int) int { return jdFromDate(d, m, year) }
	hs := []holiday{{day(1, 1), HolidayNewYear, "Tết Dương lịch"}}

	// Tết: the law gives five days and lets the Prime Minister place them.
	// Absent a decision we take the last day of the old lunar year (29 or
	// 30 tháng Chạp) and mùng 1–4 tháng Giêng, the split most decisions use.
	if y, m, d, ok := LunarToSolar(LunarDate{Year: year, Month: 1, Day: 1}); ok {
		first := jdFromDate(d, m, y)
		for i := -1; i <= 3; i++ {
			hs = append(hs, holiday{first + i, HolidayTet, "Tết Nguyên đán"})
		}
	}
	if y, m, d, ok := LunarToSolar(LunarDate{Year: year, Month: 3, Day: 10}); ok {
		hs = append(hs, holiday{jdFromDate(d, m, y), HolidayHungKings, "Giỗ Tổ Hùng Vương (10/3 âm lịch)"})
	}
	hs = append(hs,
		holiday{day(4, 30), HolidayReunification, "Ngày Chiến thắng (30/4)"},
		holiday{day(5, 1), HolidayLabourDay, "Ngày Quốc tế Lao động (1/5)"},
	)
	national := day(9, 2)
	hs = append(hs,
		holiday{national, HolidayNationalDay, "Quốc khánh (2/9)"},
		holiday{national + nationalDayAdjacent(weekday(national)), HolidayNationalDay, "Quốc khánh (ngày liền kề)"},
	)
	return hs
}

// nationalDayAdjacent returns −1 (1/9) or +1 (3/9): which day joins 2/9.
// The law says "one day before or after" and leaves the choice to the
// yearly decision. The rule below picks the weekday that makes the longest
// break with the weekend, and reproduces every decision since the day was
// added: 2021 (Thu → 3/9), 2022 (Fri → 1/9), 2023 (Sat → 1/9, with nghỉ
// bù on Monday 4/9), 2024 (Mon → 3/9), 2025 (Tue → 1/9), 2026 (Wed → 1/9).
// For a Sunday 2/9 it picks Monday 3/9; the nghỉ bù then falls on Tuesday.
func nationalDayAdjacent(wd int) int {
	switch wd {
	case 1, 4, 0: // Monday, Thursday, Sunday
		return +1
	default: // Tuesday, Wednesday, Friday, Saturday
		return -1
	}
}

// weekday of a day number: 0 Sunday … 6 Saturday, as time.Weekday.
func weekday(jdn int) int { return (jdn + 1) % 7 }

func isWeekend(jdn int) bool {
	wd := weekday(jdn)
	return wd == 0 || wd == 6
}

// Day status in yearInfo.status.
const (
	statusNormal uint8 = iota // weekday works, weekend rests
	statusOff
	statusWork
)

// yearInfo is everything computed for one Gregorian year.
type yearInfo struct {
	first  int     // day number of 1 January
	status []uint8 // by day of year, 0-based
	days   []Day   // days off that are not ordinary weekends, by date
}

// computeYear applies, in order: the statutory rule, the year's
// announcements (dropping replaced holidays, adding days off and make-up
// days), and nghỉ bù for the remaining statutory holidays that fall on a
// weekend. Announced days get no nghỉ bù of their own: a decision that
// places days already accounts for the weekend.
func computeYear(year int, anns []announced) *yearInfo {
	first := jdFromDate(1, 1, year)
	yi := &yearInfo{first: first, status: make([]uint8, jdFromDate(1, 1, year+1)-first)}
	byDate := map[int]Day{}
	set := func(jdn int, st uint8, d *Day) {
		if i := jdn - first; i >= 0 && i < len(yi.status) {
			yi.status[i] = st
			if d != nil {
				byDate[jdn] = *d
			} else {
				delete(byDate, jdn)
			}
		}
	}

	replaced := map[string]bool{}
	for _, a := range anns {
		if a.Replaces != "" {
			replaced[a.Replaces] = true
		}
	}
	var kept []holiday
	for _, h := range statutory(year) {
		if !replaced[h.key] {
			kept = append(kept, h)
			set(h.jdn, statusOff, &Day{Date: isoDate(h.jdn), Name: h.name, Kind: DayHoliday})
		}
	}
	for _, a := range anns {
		if a.Kind == AnnounceWork {
			set(a.jdn, statusWork, nil)
		} else {
			set(a.jdn, statusOff, &Day{Date: isoDate(a.jdn), Name: a.Name, Kind: DayAnnounced})
		}
	}

	// Art. 111(3): a holiday on the weekly rest day moves to the next
	// working day. Going in date order lets consecutive weekend holidays
	// (Tết) take consecutive working days.
	sort.Slice(kept, func(i, j int) bool { return kept[i].jdn < kept[j].jdn })
	for _, h := range kept {
		if !isWeekend(h.jdn) || yi.statusOf(h.jdn) == statusWork {
			continue
		}
		j := h.jdn + 1
		for isWeekend(j) || yi.statusOf(j) != statusNormal {
			j++
		}
		name, _ := compensatoryName(h.key)
		set(j, statusOff, &Day{Date: isoDate(j), Name: name, Kind: DayCompensatory})
	}

	for _, d := range byDate {
		yi.days = append(yi.days, d)
	}
	sort.Slice(yi.days, func(i, j int) bool { return yi.days[i].Date < yi.days[j].Date })
	return yi
}

// statusOf returns statusNormal for days outside the year. Only a nghỉ bù
// could reach past 31 December, and no statutory holiday is late enough.
func (yi *yearInfo) statusOf(jdn int) uint8 {
	if i := jdn - yi.first; i >= 0 && i < len(yi.status) {
		return yi.status[i]
	}
	return statusNormal
}

func isoDate(jdn int) string {
	d, m, y := jdToDate(jdn)
	b := []byte("0000-00-00")
	put := func(at, v, width int) {
		for i := width - 1; i >= 0; i-- {
			b[at+i] = byte('0' + v%10)
			v /= 10
		}
	}
	put(0, y, 4)
	put(5, m, 2)
	put(8, d, 2)
	return string(b)
}
