package calendar

import "math"

// This file is a port of Hồ Ngọc Đức's published lunar calendar algorithm
// ("Âm lịch Việt Nam", amlich.js), which follows Jean Meeus, "Astronomical
// Algorithms". Vietnam reckons the lunar calendar at UTC+7 (since 1968 in the
// North, 1975 nationwide); the Chinese calendar uses UTC+8, and the two put
// Tết on different days in e.g. 1985, 2007 and 2030. The function names
// mirror the original so the port can be checked line by line; the one
// deviation is marked in convertSolar2Lunar.

// lunarTZ is the time zone, in hours, of the Vietnamese lunar calendar.
const lunarTZ = 7.0

// LunarDate is a date in the Vietnamese lunar calendar. Leap marks the
// intercalary month (tháng nhuận), which repeats the number of the month
// before it.
type LunarDate struct {
	Year, Month, Day int
	Leap             bool
}

// SolarToLunar converts a Gregorian date to the Vietnamese lunar calendar.
// It is accurate for 1900–2100, the range the algorithm is published for.
func SolarToLunar(y, m, d int) LunarDate {
	return convertSolar2Lunar(d, m, y, lunarTZ)
}

// LunarToSolar converts a Vietnamese lunar date to the Gregorian calendar.
// ok is false when the date does not exist: a leap flag on a month that is
// not the leap month of its year, day 30 of a 29-day month, or a field out
// of range.
func LunarToSolar(ld LunarDate) (y, m, d int, ok bool) {
	if ld.Month < 1 || ld.Month > 12 || ld.Day < 1 || ld.Day > 30 {
		return 0, 0, 0, false
	}
	start, ok := lunarMonthStart(ld.Month, ld.Year, ld.Leap, lunarTZ)
	if !ok {
		return 0, 0, 0, false
	}
	// A lunar month lasts from one new moon to the next, 29 or 30 days.
	next := nextMonthStart(start, lunarTZ)
	if ld.Day > next-start {
		return 0, 0, 0, false
	}
	d, m, y = jdToDate(start + ld.Day - 1)
	return y, m, d, true
}

// jdFromDate returns the Julian day number of a date; dates before
// 15 October 1582 are taken as Julian-calendar dates, as in the original.
func jdFromDate(dd, mm, yy int) int {
	a := (14 - mm) / 12
	y := yy + 4800 - a
	m := mm + 12*a - 3
	jd := dd + (153*m+2)/5 + 365*y + y/4 - y/100 + y/400 - 32045
	if jd < 2299161 {
		jd = dd + (153*m+2)/5 + 365*y + y/4 - 32083
	}
	return jd
}

// jdToDate is the inverse of jdFromDate.
func jdToDate(jd int) (dd, mm, yy int) {
	var b, c int
	if jd > 2299160 {
		a := jd + 32044
		b = (4*a + 3) / 146097
		c = a - (b*146097)/4
	} else {
		c = jd + 32082
	}
	d := (4*c + 3) / 1461
	e := c - (1461*d)/4
	m := (5*e + 2) / 153
	dd = e - (153*m+2)/5 + 1
	mm = m + 3 - 12*(m/10)
	yy = b*100 + d - 4800 + m/10
	return dd, mm, yy
}

// newMoon returns the Julian date (with fraction, UTC) of the k-th new moon
// after the one of 1 January 1900.
func newMoon(k int) float64 {
	const dr = math.Pi / 180
	kf := float64(k)
	t := kf / 1236.85
	t2 := t * t
	t3 := t2 * t
	jd1 := 2415020.75933 + 29.53058868*kf + 0.0001178*t2 - 0.000000155*t3
	jd1 += 0.00033 * math.Sin((166.56+132.87*t-0.009173*t2)*dr)
	m := 359.2242 + 29.10535608*kf - 0.0000333*t2 - 0.00000347*t3    // sun's mean anomaly
	mpr := 306.0253 + 385.81691806*kf + 0.0107306*t2 + 0.00001236*t3 // moon's mean anomaly
	f := 21.2964 + 390.67050646*kf - 0.0016528*t2 - 0.00000239*t3    // moon's argument of latitude
	c1 := (0.1734-0.000393*t)*math.Sin(m*dr) + 0.0021*math.Sin(2*dr*m)
	c1 = c1 - 0.4068*math.Sin(mpr*dr) + 0.0161*math.Sin(dr*2*mpr)
	c1 = c1 - 0.0004*math.Sin(dr*3*mpr)
	c1 = c1 + 0.0104*math.Sin(dr*2*f) - 0.0051*math.Sin(dr*(m+mpr))
	c1 = c1 - 0.0074*math.Sin(dr*(m-mpr)) + 0.0004*math.Sin(dr*(2*f+m))
	c1 = c1 - 0.0004*math.Sin(dr*(2*f-m)) - 0.0006*math.Sin(dr*(2*f+mpr))
	c1 = c1 + 0.0010*math.Sin(dr*(2*f-mpr)) + 0.0005*math.Sin(dr*(2*mpr+m))
	var deltat float64
	if t < -11 {
		deltat = 0.001 + 0.000839*t + 0.0002261*t2 - 0.00000845*t3 - 0.000000081*t*t3
	} else {
		deltat = -0.000278 + 0.000265*t + 0.000262*t2
	}
	return jd1 + c1 - deltat
}

// sunLongitude returns the sun's apparent longitude in radians, in [0, 2π),
// at Julian date jdn (UTC).
func sunLongitude(jdn float64) float64 {
	const dr = math.Pi / 180
	t := (jdn - 2451545.0) / 36525
	t2 := t * t
	m := 357.52910 + 35999.05030*t - 0.0001559*t2 - 0.00000048*t*t2
	l0 := 280.46645 + 36000.76983*t + 0.0003032*t2
	dl := (1.914600 - 0.004817*t - 0.000014*t2) * math.Sin(dr*m)
	dl += (0.019993-0.000101*t)*math.Sin(dr*2*m) + 0.000290*math.Sin(dr*3*m)
	l := (l0 + dl) * dr
	return l - math.Pi*2*math.Floor(l/(math.Pi*2))
}

// getNewMoonDay returns the local day number of the k-th new moon.
func getNewMoonDay(k int, tz float64) int {
	return int(math.Floor(newMoon(k) + 0.5 + tz/24))
}

// getSunLongitude returns which of the twelve 30° sectors (0–11) the sun is
// in at the start of local day dayNumber; the month containing the winter
// solstice (sector 9) is month 11.
func getSunLongitude(dayNumber int, tz float64) int {
	return int(math.Floor(sunLongitude(float64(dayNumber)-0.5-tz/24) / math.Pi * 6))
}

// getLunarMonth11 returns the day number of the first day of lunar month 11
// of year yy: the new moon on or before the winter solstice.
func getLunarMonth11(yy int, tz float64) int {
	off := float64(jdFromDate(31, 12, yy) - 2415021)
	k := int(math.Floor(off / 29.530588853))
	nm := getNewMoonDay(k, tz)
	if getSunLongitude(nm, tz) >= 9 {
		nm = getNewMoonDay(k-1, tz)
	}
	return nm
}

// getLeapMonthOffset returns the offset, counted in months after month 11
// starting at a11, of the leap month: the first month during which the sun
// enters no new sector (the month without a major solar term).
func getLeapMonthOffset(a11 int, tz float64) int {
	k := int(math.Floor((float64(a11)-2415021.076998695)/29.530588853 + 0.5))
	i := 1
	arc := getSunLongitude(getNewMoonDay(k+i, tz), tz)
	for {
		last := arc
		i++
		arc = getSunLongitude(getNewMoonDay(k+i, tz), tz)
		if arc == last || i >= 14 {
			break
		}
	}
	return i - 1
}

func convertSolar2Lunar(dd, mm, yy int, tz float64) LunarDate {
	dayNumber := jdFromDate(dd, mm, yy)
	k := int(math.Floor((float64(dayNumber) - 2415021.076998695) / 29.530588853))
	monthStart := getNewMoonDay(k+1, tz)
	// The original tries new moons k+1 and k only. When new moon k falls
	// just after local midnight following dayNumber (2054-05-07 is such a
	// day) it returned lunar day 0; walking back one more lunation fixes it.
	for ; monthStart > dayNumber; k-- {
		monthStart = getNewMoonDay(k, tz)
	}
	a11 := getLunarMonth11(yy, tz)
	b11 := a11
	var lunarYear int
	if a11 >= monthStart {
		lunarYear = yy
		a11 = getLunarMonth11(yy-1, tz)
	} else {
		lunarYear = yy + 1
		b11 = getLunarMonth11(yy+1, tz)
	}
	lunarDay := dayNumber - monthStart + 1
	diff := (monthStart - a11) / 29
	leap := false
	lunarMonth := diff + 11
	if b11-a11 > 365 {
		leapMonthDiff := getLeapMonthOffset(a11, tz)
		if diff >= leapMonthDiff {
			lunarMonth = diff + 10
			if diff == leapMonthDiff {
				leap = true
			}
		}
	}
	if lunarMonth > 12 {
		lunarMonth -= 12
	}
	if lunarMonth >= 11 && diff < 4 {
		lunarYear--
	}
	return LunarDate{Year: lunarYear, Month: lunarMonth, Day: lunarDay, Leap: leap}
}

// lunarMonthStart is convertLunar2Solar without the final day offset: it
// returns the day number of day 1 of the given lunar month.
func lunarMonthStart(lunarMonth, lunarYear int, leap bool, tz float64) (int, bool) {
	var a11, b11 int
	if lunarMonth < 11 {
		a11 = getLunarMonth11(lunarYear-1, tz)
		b11 = getLunarMonth11(lunarYear, tz)
	} else {
		a11 = getLunarMonth11(lunarYear, tz)
		b11 = getLunarMonth11(lunarYear+1, tz)
	}
	k := int(math.Floor(0.5 + (float64(a11)-2415021.076998695)/29.530588853))
	off := lunarMonth - 11
	if off < 0 {
		off += 12
	}
	if b11-a11 > 365 {
		leapOff := getLeapMonthOffset(a11, tz)
		leapMonth := leapOff - 2
		if leapMonth < 0 {
			leapMonth += 12
		}
		if leap && lunarMonth != leapMonth {
			return 0, false
		}
		if leap || off >= leapOff {
			off++
		}
	} else if leap {
		return 0, false
	}
	return getNewMoonDay(k+off, tz), true
}

// nextMonthStart returns the day number of the new moon following the
// month that starts on day number start.
func nextMonthStart(start int, tz float64) int {
	// Start the search one lunation early so rounding can never skip a month.
	k := int(math.Floor((float64(start)-2415021.076998695)/29.530588853+0.5)) - 1
	for {
		nm := getNewMoonDay(k, tz)
		if nm > start {
			return nm
		}
		k++
	}
}
