package calendar

import (
	"fmt"
	"testing"
	"time"
)

// Expected dates below are typed from published Vietnamese sources, not
// produced by this code: Tết from printed Vietnamese calendars (lịch vạn
// niên, lịch bloc) and the government's yearly Tết holiday notices; Giỗ Tổ
// Hùng Vương from the yearly holiday notices of the Ministry of Labour
// (Bộ LĐTB&XH) since the day became a public holiday in 2007. The rows
// marked "UTC+8 differs" are the years in which the Chinese calendar puts
// the new year on another day; they catch a port that uses the wrong zone.

func TestTetDates(t *testing.T) {
	tests := []struct {
		year int
		want string
		why  string
	}{
		{1985, "1985-01-21", "UTC+8 differs (China 1985-02-20)"},
		{1990, "1990-01-27", ""},
		{1995, "1995-01-31", ""},
		{1999, "1999-02-16", ""},
		{2000, "2000-02-05", ""},
		{2001, "2001-01-24", ""},
		{2002, "2002-02-12", ""},
		{2003, "2003-02-01", ""},
		{2004, "2004-01-22", ""},
		{2005, "2005-02-09", ""},
		{2006, "2006-01-29", ""},
		{2007, "2007-02-17", "UTC+8 differs (China 2007-02-18)"},
		{2008, "2008-02-07", ""},
		{2009, "2009-01-26", ""},
		{2010, "2010-02-14", ""},
		{2011, "2011-02-03", ""},
		{2012, "2012-01-23", ""},
		{2013, "2013-02-10", ""},
		{2014, "2014-01-31", ""},
		{2015, "2015-02-19", ""},
		{2016, "2016-02-08", ""},
		{2017, "2017-01-28", ""},
		{2018, "2018-02-16", ""},
		{2019, "2019-02-05", ""},
		{2020, "2020-01-25", ""},
		{2021, "2021-02-12", ""},
		{2022, "2022-02-01", ""},
		{2023, "2023-01-22", ""},
		{2024, "2024-02-10", ""},
		{2025, "2025-01-29", ""},
		{2026, "2026-02-17", ""},
		{2027, "2027-02-06", ""},
		{2028, "2028-01-26", ""},
		{2029, "2029-02-13", ""},
		{2030, "2030-02-02", "UTC+8 differs (China 2030-02-03)"},
		{2031, "2031-01-23", ""},
		{2032, "2032-02-11", ""},
		{2033, "2033-01-31", ""},
		{2034, "2034-02-19", ""},
		{2035, "2035-02-08", ""},
	}
	for _, tt := range tests {
		t.Run(fmt.Sprint(tt.year), func(t *testing.T) {
			y, m, d, ok := LunarToSolar(LunarDate{Year: tt.year, Month: 1, Day: 1})
			if got := fmt.Sprintf("%04d-%02d-%02d", y, m, d); !ok || got != tt.want {
				t.Errorf("mùng 1 Tết %d = %s (ok=%v), want %s %s", tt.year, got, ok, tt.want, tt.why)
			}
			if got, want := SolarToLunar(parseDate(t, tt.want)), (LunarDate{Year: tt.year, Month: 1, Day: 1}); got != want {
				t.Errorf("SolarToLunar(%s) = %+v, want %+v", tt.want, got, want)
			}
		})
	}
}

func TestHungKingsDates(t *testing.T) {
	tests := []struct {
		year int
		want string
	}{
		{2007, "2007-04-26"},
		{2008, "2008-04-15"},
		{2009, "2009-04-04"},
		{2010, "2010-04-23"},
		{2011, "2011-04-12"},
		{2012, "2012-03-31"},
		{2013, "2013-04-19"},
		{2014, "2014-04-09"},
		{2015, "2015-04-28"},
		{2016, "2016-04-16"},
		{2017, "2017-04-06"},
		{2018, "2018-04-25"},
		{2019, "2019-04-14"},
		{2020, "2020-04-02"},
		{2021, "2021-04-21"},
		{2022, "2022-04-10"},
		{2023, "2023-04-29"},
		{2024, "2024-04-18"},
		{2025, "2025-04-07"},
		{2026, "2026-04-26"},
	}
	for _, tt := range tests {
		t.Run(fmt.Sprint(tt.year), func(t *testing.T) {
			y, m, d, ok := LunarToSolar(LunarDate{Year: tt.year, Month: 3, Day: 10})
			if got := fmt.Sprintf("%04d-%02d-%02d", y, m, d); !ok || got != tt.want {
				t.Errorf("10/3 âm lịch %d = %s (ok=%v), want %s", tt.year, got, ok, tt.want)
			}
		})
	}
}

// TestLunarKnownDays checks days with other features: leap months and the
// 29- or 30-day last month (the year-end day is a Tết holiday).
func TestLunarKnownDays(t *testing.T) {
	tests := []struct {
		solar string
		want  LunarDate
	}{
		// The 2024 notice calls 8/2/2024 "29 tháng Chạp năm Quý Mão".
		{"2024-02-08", LunarDate{2023, 12, 29, false}},
		{"2024-02-09", LunarDate{2023, 12, 30, false}},
		// The 2026 notice: 14/2 is 27 Chạp, 16/2 is 29 Chạp, 20/2 is mùng 4.
		{"2026-02-14", LunarDate{2025, 12, 27, false}},
		{"2026-02-16", LunarDate{2025, 12, 29, false}},
		{"2026-02-20", LunarDate{2026, 1, 4, false}},
		// The 2025 notice: 25/1 is 26 Chạp Giáp Thìn, 2/2 is mùng 5 Ất Tỵ.
		{"2025-01-25", LunarDate{2024, 12, 26, false}},
		{"2025-02-02", LunarDate{2025, 1, 5, false}},
		// Leap months (tháng nhuận): 2023 has a leap 2nd month, 2025 a leap
		// 6th month, 2020 a leap 4th month.
		{"2023-03-22", LunarDate{2023, 2, 1, true}},
		{"2025-07-25", LunarDate{2025, 6, 1, true}},
		{"2020-05-23", LunarDate{2020, 4, 1, true}},
	}
	for _, tt := range tests {
		t.Run(tt.solar, func(t *testing.T) {
			if got := SolarToLunar(parseDate(t, tt.solar)); got != tt.want {
				t.Errorf("SolarToLunar(%s) = %+v, want %+v", tt.solar, got, tt.want)
			}
		})
	}
}

func TestLunarToSolarRejects(t *testing.T) {
	tests := []struct {
		name string
		in   LunarDate
	}{
		{"leap flag on a non-leap month", LunarDate{2024, 3, 1, true}},
		{"leap flag in a year without leap month", LunarDate{2024, 6, 1, true}},
		{"30th of a 29-day month (Chạp Giáp Thìn)", LunarDate{2024, 12, 30, false}},
		{"month 13", LunarDate{2024, 13, 1, false}},
		{"day 0", LunarDate{2024, 1, 0, false}},
		{"day 31", LunarDate{2024, 1, 31, false}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if y, m, d, ok := LunarToSolar(tt.in); ok {
				t.Errorf("LunarToSolar(%+v) = %d-%d-%d, want not ok", tt.in, y, m, d)
			}
		})
	}
}

// TestLunarRoundTrip converts every day of 1900–2100 and back, and checks
// that lunar days advance by one without gaps.
func TestLunarRoundTrip(t *testing.T) {
	start := jdFromDate(1, 1, 1900)
	end := jdFromDate(31, 12, 2100)
	prev := SolarToLunar(1899, 12, 31)
	for j := start; j <= end; j++ {
		d, m, y := jdToDate(j)
		ld := SolarToLunar(y, m, d)
		if y2, m2, d2, ok := LunarToSolar(ld); !ok || y2 != y || m2 != m || d2 != d {
			t.Fatalf("%04d-%02d-%02d → %+v → %04d-%02d-%02d ok=%v", y, m, d, ld, y2, m2, d2, ok)
		}
		if ld.Day != prev.Day+1 && (ld.Day != 1 || prev.Day < 29) {
			t.Fatalf("%04d-%02d-%02d: lunar day %+v follows %+v", y, m, d, ld, prev)
		}
		prev = ld
	}
}

func FuzzLunarRoundTrip(f *testing.F) {
	for _, seed := range []int{0, 1, 29, 30, 365, 31000, 44000, 73000} {
		f.Add(seed)
	}
	start := jdFromDate(1, 1, 1900)
	span := jdFromDate(31, 12, 2100) - start + 1
	f.Fuzz(func(t *testing.T, n int) {
		if n < 0 {
			n = -(n + 1)
		}
		d, m, y := jdToDate(start + n%span)
		ld := SolarToLunar(y, m, d)
		y2, m2, d2, ok := LunarToSolar(ld)
		if !ok || y2 != y || m2 != m || d2 != d {
			t.Fatalf("%04d-%02d-%02d → %+v → %04d-%02d-%02d ok=%v", y, m, d, ld, y2, m2, d2, ok)
		}
		if ld.Day < 1 || ld.Day > 30 || ld.Month < 1 || ld.Month > 12 {
			t.Fatalf("%04d-%02d-%02d → out-of-range %+v", y, m, d, ld)
		}
	})
}

func TestJulianDayNumbers(t *testing.T) {
	// Reference values from the astronomical literature.
	tests := []struct {
		y, m, d, jdn int
	}{
		{2000, 1, 1, 2451545},
		{1970, 1, 1, 2440588},
		{1582, 10, 15, 2299161}, // first Gregorian day
		{1582, 10, 4, 2299160},  // last Julian day
	}
	for _, tt := range tests {
		if got := jdFromDate(tt.d, tt.m, tt.y); got != tt.jdn {
			t.Errorf("jdFromDate(%d-%d-%d) = %d, want %d", tt.y, tt.m, tt.d, got, tt.jdn)
		}
		if d, m, y := jdToDate(tt.jdn); y != tt.y || m != tt.m || d != tt.d {
			t.Errorf("jdToDate(%d) = %d-%d-%d, want %d-%d-%d", tt.jdn, y, m, d, tt.y, tt.m, tt.d)
		}
	}
}

func parseDate(t testing.TB, s string) (y, m, d int) {
	t.Helper()
	tm, err := time.Parse(time.DateOnly, s)
	if err != nil {
		t.Fatal(err)
	}
	return tm.Year(), int(tm.Month()), tm.Day()
}
