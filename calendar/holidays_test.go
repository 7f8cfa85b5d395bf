package calendar

import (
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"
)

// dayList renders days as "date kind name" lines, for readable diffs.
func dayList(days []Day) string {
	var b strings.Builder
	for _, d := range days {
		fmt.Fprintf(&b, "%s %s %s\n", d.Date, d.Kind, d.Name)
	}
	return b.String()
}

// TestHolidaysOfficialYears checks the holiday list of each year with
// shipped announcements against the official decisions, typed from the
// notices (see announcements.json for sources).
func TestHolidaysOfficialYears(t *testing.T) {
	tests := []struct {
		year int
		want string
		work []string // make-up working days
	}{
		{2024, `
2024-01-01 holiday Tết Dương lịch
2024-02-08 announced Tết Nguyên đán
2024-02-09 announced Tết Nguyên đán
2024-02-10 announced Tết Nguyên đán
2024-02-11 announced Tết Nguyên đán
2024-02-12 announced Tết Nguyên đán
2024-02-13 announced Nghỉ bù Tết Nguyên đán
2024-02-14 announced Nghỉ bù Tết Nguyên đán
2024-04-18 holiday Giỗ Tổ Hùng Vương (10/3 âm lịch)
2024-04-29 announced Nghỉ hoán đổi dịp 30/4–1/5 (làm bù thứ Bảy 04/05/2024)
2024-04-30 holiday Ngày Chiến thắng (30/4)
2024-05-01 holiday Ngày Quốc tế Lao động (1/5)
2024-09-02 announced Quốc khánh (2/9)
2024-09-03 announced Quốc khánh (ngày liền kề)
`, []string{"2024-05-04"}},
		{2025, `
2025-01-01 holiday Tết Dương lịch
2025-01-27 announced Tết Nguyên đán
2025-01-28 announced Tết Nguyên đán
2025-01-29 announced Tết Nguyên đán
2025-01-30 announced Tết Nguyên đán
2025-01-31 announced Tết Nguyên đán
2025-04-07 holiday Giỗ Tổ Hùng Vương (10/3 âm lịch)
2025-04-30 holiday Ngày Chiến thắng (30/4)
2025-05-01 holiday Ngày Quốc tế Lao động (1/5)
2025-05-02 announced Nghỉ hoán đổi dịp 30/4–1/5 (làm bù thứ Bảy 26/04/2025)
2025-09-01 announced Quốc khánh (ngày liền kề)
2025-09-02 announced Quốc khánh (2/9)
`, []string{"2025-04-26"}},
		{2026, `
2026-01-01 holiday Tết Dương lịch
2026-01-02 announced Nghỉ hoán đổi dịp Tết Dương lịch (làm bù thứ Bảy 10/01/2026)
2026-02-16 announced Tết Nguyên đán
2026-02-17 announced Tết Nguyên đán
2026-02-18 announced Tết Nguyên đán
2026-02-19 announced Tết Nguyên đán
2026-02-20 announced Tết Nguyên đán
2026-04-26 holiday Giỗ Tổ Hùng Vương (10/3 âm lịch)
2026-04-27 compensatory Nghỉ bù Giỗ Tổ Hùng Vương
2026-04-30 holiday Ngày Chiến thắng (30/4)
2026-05-01 holiday Ngày Quốc tế Lao động (1/5)
2026-08-31 announced Nghỉ hoán đổi dịp Quốc khánh (làm bù thứ Bảy 22/08/2026)
2026-09-01 announced Quốc khánh (ngày liền kề)
2026-09-02 announced Quốc khánh (2/9)
`, []string{"2026-01-10", "2026-08-22"}},
	}
	c := New(Options{})
	for _, tt := range tests {
		t.Run(fmt.Sprint(tt.year), func(t *testing.T) {
			if got, want := dayList(c.Holidays(tt.year)), strings.TrimPrefix(tt.want, "\n"); got != want {
				t.Errorf("Holidays(%d):\n%s\nwant:\n%s", tt.year, got, want)
			}
			for _, w := range tt.work {
				if !c.IsWorkingDay(at(t, w+" 09:00")) {
					t.Errorf("make-up day %s is not a working day", w)
				}
			}
		})
	}
}

// TestRuleMatchesHistory runs the statutory rule alone (no announcements)
// on years whose decisions needed no override, and on the parts of other
// years the rule alone must get right. Expected days are typed from the
// yearly notices.
func TestRuleMatchesHistory(t *testing.T) {
	rule := New(Options{NoOfficial: true})
	t.Run("2022 whole year: nghỉ bù for 1/1 Sat, Giỗ Tổ Sun, 30/4 Sat, 1/5 Sun", func(t *testing.T) {
		want := `2022-01-01 holiday Tết Dương lịch
2022-01-03 compensatory Nghỉ bù Tết Dương lịch
2022-01-31 holiday Tết Nguyên đán
2022-02-01 holiday Tết Nguyên đán
2022-02-02 holiday Tết Nguyên đán
2022-02-03 holiday Tết Nguyên đán
2022-02-04 holiday Tết Nguyên đán
2022-04-10 holiday Giỗ Tổ Hùng Vương (10/3 âm lịch)
2022-04-11 compensatory Nghỉ bù Giỗ Tổ Hùng Vương
2022-04-30 holiday Ngày Chiến thắng (30/4)
2022-05-01 holiday Ngày Quốc tế Lao động (1/5)
2022-05-02 compensatory Nghỉ bù Ngày Chiến thắng
2022-05-03 compensatory Nghỉ bù Ngày Quốc tế Lao động
2022-09-01 holiday Quốc khánh (ngày liền kề)
2022-09-02 holiday Quốc khánh (2/9)
`
		if got := dayList(rule.Holidays(2022)); got != want {
			t.Errorf("Holidays(2022):\n%s\nwant:\n%s", got, want)
		}
	})

	// Days off (weekdays and weekends) in a window, from the rule alone.
	tests := []struct {
		name     string
		from, to string
		off      []string // weekdays off in [from, to]
	}{
		{"2023 Giỗ Tổ Sat 29/4, 30/4 Sun, 1/5 Mon: nghỉ bù Tue 2/5 and Wed 3/5", "2023-04-24", "2023-05-07",
			[]string{"2023-05-01", "2023-05-02", "2023-05-03"}},
		{"2023 Quốc khánh Sat: 1/9 Fri and nghỉ bù Mon 4/9", "2023-08-28", "2023-09-08",
			[]string{"2023-09-01", "2023-09-04"}},
		{"2021 Quốc khánh Thu: 3/9 Fri", "2021-08-30", "2021-09-10",
			[]string{"2021-09-02", "2021-09-03"}},
		{"2024 Quốc khánh Mon: 3/9 Tue", "2024-08-26", "2024-09-06",
			[]string{"2024-09-02", "2024-09-03"}},
		{"2025 Quốc khánh Tue: 1/9 Mon", "2025-08-25", "2025-09-05",
			[]string{"2025-09-01", "2025-09-02"}},
		{"2026 Quốc khánh Wed: 1/9 Tue", "2026-08-24", "2026-09-04",
			[]string{"2026-09-01", "2026-09-02"}},
		{"2026 Tết: the default split equals the decision, 16/2–20/2", "2026-02-09", "2026-02-27",
			[]string{"2026-02-16", "2026-02-17", "2026-02-18", "2026-02-19", "2026-02-20"}},
		{"2029 Quốc khánh Sun: 3/9 Mon and nghỉ bù Tue 4/9", "2029-08-27", "2029-09-07",
			[]string{"2029-09-03", "2029-09-04"}},
		{"2027 Tết Sat 6/2: 5/2 Fri, 8–9/2, nghỉ bù 10–11/2 for 6–7/2", "2027-02-01", "2027-02-14",
			[]string{"2027-02-05", "2027-02-08", "2027-02-09", "2027-02-10", "2027-02-11"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := weekdaysOff(t, rule, tt.from, tt.to); strings.Join(got, " ") != strings.Join(tt.off, " ") {
				t.Errorf("weekdays off %s..%s = %v, want %v", tt.from, tt.to, got, tt.off)
			}
		})
	}
}

func weekdaysOff(t *testing.T, c *Calendar, from, to string) []string {
	t.Helper()
	var off []string
	for d := at(t, from+" 12:00"); !d.After(at(t, to+" 12:00")); d = d.AddDate(0, 0, 1) {
		if wd := d.Weekday(); wd != time.Saturday && wd != time.Sunday && !c.IsWorkingDay(d) {
			off = append(off, d.Format(time.DateOnly))
		}
	}
	return off
}

// TestDecisionsKeepStatutoryTotal guards the data file against typos: a
// decision may place Tết differently and swap days, but the number of
// weekdays off minus make-up days must equal what the law alone gives.
func TestDecisionsKeepStatutoryTotal(t *testing.T) {
	official, rule := New(Options{}), New(Options{NoOfficial: true})
	net := func(c *Calendar, year int) int {
		n := 0
		for d := time.Date(year, 1, 1, 12, 0, 0, 0, Zone); d.Year() == year; d = d.AddDate(0, 0, 1) {
			weekend := d.Weekday() == time.Saturday || d.Weekday() == time.Sunday
			switch working := c.IsWorkingDay(d); {
			case !weekend && !working:
				n++
			case weekend && working:
				n--
			}
		}
		return n
	}
	for _, year := range []int{2024, 2025, 2026} {
		if got, want := net(official, year), net(rule, year); got != want {
			t.Errorf("%d: official decisions give %d net weekdays off, the rule %d", year, got, want)
		}
	}
}

func TestExtraAnnouncements(t *testing.T) {
	tests := []struct {
		name    string
		extra   []Announcement
		date    string
		working bool
		listed  string // expected Holidays line for date, "" if not listed
	}{
		{"province swap: Friday off", []Announcement{
			{Date: "2027-04-30", Kind: AnnounceOff, Name: "x"}, // already a holiday: name overridden
			{Date: "2027-03-12", Kind: AnnounceOff, Name: "Nghỉ hoán đổi (tỉnh)"},
			{Date: "2027-03-20", Kind: AnnounceWork, Name: "Làm bù"},
		}, "2027-03-12", false, "2027-03-12 announced Nghỉ hoán đổi (tỉnh)"},
		{"province swap: Saturday worked", []Announcement{
			{Date: "2027-03-20", Kind: AnnounceWork, Name: "Làm bù"},
		}, "2027-03-20", true, ""},
		{"extra overrides official entry on the same date", []Announcement{
			{Date: "2026-08-31", Kind: AnnounceOff, Name: "Nghỉ hoán đổi (Cần Thơ)"},
		}, "2026-08-31", false, "2026-08-31 announced Nghỉ hoán đổi (Cần Thơ)"},
		{"replaces drops computed Tết and its nghỉ bù", []Announcement{
			{Date: "2027-02-04", Kind: AnnounceOff, Name: "Tết Nguyên đán", Replaces: HolidayTet},
			{Date: "2027-02-05", Kind: AnnounceOff, Name: "Tết Nguyên đán", Replaces: HolidayTet},
			{Date: "2027-02-08", Kind: AnnounceOff, Name: "Tết Nguyên đán", Replaces: HolidayTet},
		}, "2027-02-10", true, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := New(Options{Extra: tt.extra})
			if got := c.IsWorkingDay(at(t, tt.date+" 09:00")); got != tt.working {
				t.Errorf("IsWorkingDay(%s) = %v, want %v", tt.date, got, tt.working)
			}
			got := ""
			for _, line := range strings.Split(dayList(c.Holidays(at(t, tt.date+" 09:00").Year())), "\n") {
				if strings.HasPrefix(line, tt.date) {
					got = line
				}
			}
			if got != tt.listed {
				t.Errorf("Holidays line for %s = %q, want %q", tt.date, got, tt.listed)
			}
		})
	}
}

func TestValidation(t *testing.T) {
	hm := func(h, m int) time.Duration { return time.Duration(h)*time.Hour + time.Duration(m)*time.Minute }
	tests := []struct {
		name   string
		opts   Options
		want   string // substring of the error, "" for valid
		panics bool   // New panics (hours); otherwise it skips the bad entry
	}{
		{"zero value", Options{}, "", false},
		{"custom hours", Options{Hours: []Session{{hm(8, 0), hm(12, 0)}, {hm(13, 30), hm(17, 30)}}}, "", false},
		{"overlapping sessions", Options{Hours: []Session{{hm(8, 0), hm(12, 0)}, {hm(11, 0), hm(17, 0)}}}, "starts before", true},
		{"empty session", Options{Hours: []Session{{hm(8, 0), hm(8, 0)}}}, "start < end", true},
		{"session past midnight", Options{Hours: []Session{{hm(20, 0), hm(25, 0)}}}, "start < end", true},
		{"cutoff beyond a day", Options{Cutoff: 25 * time.Hour}, "cutoff", true},
		{"bad date", Options{Extra: []Announcement{{Date: "2026-02-30", Kind: AnnounceOff, Name: "x"}}}, "YYYY-MM-DD", false},
		{"bad kind", Options{Extra: []Announcement{{Date: "2026-03-03", Kind: "holiday", Name: "x"}}}, "kind", false},
		{"make-up on a weekday", Options{Extra: []Announcement{{Date: "2026-03-03", Kind: AnnounceWork, Name: "x"}}}, "Saturday or Sunday", false},
		{"unknown replaces", Options{Extra: []Announcement{{Date: "2026-03-03", Kind: AnnounceOff, Name: "x", Replaces: "xmas"}}}, "unknown holiday", false},
		{"missing name", Options{Extra: []Announcement{{Date: "2026-03-03", Kind: AnnounceOff}}}, "name", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := tt.opts.Validate()
			switch {
			case tt.want == "" && err != nil:
				t.Fatalf("Validate() = %v, want nil", err)
			case tt.want != "" && (err == nil || !strings.Contains(err.Error(), tt.want)):
				t.Fatalf("Validate() = %v, want error containing %q", err, tt.want)
			}
			defer func() {
				if r := recover(); (r != nil) != tt.panics {
					t.Errorf("New panicked: %v, want panic %v", r, tt.panics)
				}
			}()
			c := New(tt.opts)
			// A skipped entry leaves Tuesday 3/3/2026 an ordinary working day.
			if !c.IsWorkingDay(at(t, "2026-03-03 09:00")) {
				t.Error("invalid announcement was applied")
			}
		})
	}
}

func TestDecodeAnnouncements(t *testing.T) {
	good := `{"decisions":[{"source":"QĐ 1/UBND","note":"n","days":[
		{"date":"2027-03-12","kind":"off","name":"Nghỉ"},
		{"date":"2027-03-20","kind":"work","name":"Làm bù","source":"QĐ 2/UBND"}]}]}`
	anns, err := DecodeAnnouncements([]byte(good))
	if err != nil {
		t.Fatal(err)
	}
	if len(anns) != 2 || anns[0].Source != "QĐ 1/UBND" || anns[0].Note != "n" || anns[1].Source != "QĐ 2/UBND" {
		t.Errorf("decoded %+v: want source and note copied only where missing", anns)
	}
	for _, bad := range []string{
		`not json`,
		`{"decisions":[{"days":[{"date":"12/03/2027","kind":"off","name":"x"}]}]}`,
	} {
		if _, err := DecodeAnnouncements([]byte(bad)); err == nil {
			t.Errorf("DecodeAnnouncements(%s) succeeded, want error", bad)
		}
	}
	// The shipped file decodes and covers the years the brief requires.
	years := map[string]bool{}
	for _, a := range Official() {
		years[a.Date[:4]] = true
		if a.Source == "" {
			t.Errorf("official entry %s has no source", a.Date)
		}
	}
	for _, y := range []string{"2024", "2025", "2026"} {
		if !years[y] {
			t.Errorf("announcements.json has no decision for %s", y)
		}
	}
}

// TestConcurrentUse exercises the year cache from many goroutines; run
// with -race.
func TestConcurrentUse(t *testing.T) {
	c := New(Options{})
	want := dayList(New(Options{}).Holidays(2026))
	var wg sync.WaitGroup
	for g := range 8 {
		wg.Go(func() {
			for y := 2020 + g; y < 2040; y++ {
				c.Holidays(y)
				c.IsWorkingDay(time.Date(y, 5, 2, 9, 0, 0, 0, Zone))
			}
			if got := dayList(c.Holidays(2026)); got != want {
				t.Errorf("concurrent Holidays(2026) differs")
			}
		})
	}
	wg.Wait()
}

func TestHolidaysReturnsCopy(t *testing.T) {
	c := New(Options{})
	c.Holidays(2026)[0].Name = "changed"
	if c.Holidays(2026)[0].Name == "changed" {
		t.Error("Holidays exposes the cached slice")
	}
}

// at parses "YYYY-MM-DD HH:MM" in Zone.
func at(t testing.TB, s string) time.Time {
	t.Helper()
	tm, err := time.ParseInLocation("2006-01-02 15:04", s, Zone)
	if err != nil {
		t.Fatal(err)
	}
	return tm
}
