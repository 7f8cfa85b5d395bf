package calendar

import (
	"strings"
	"testing"
	"time"
)

// Weeks used below: 9–13/3/2026 is an ordinary Monday–Friday; Tết 2026 is
// off 14–22/2; 30/4–4/5/2025 is off with Saturday 26/4/2025 worked; 2026
// Quốc khánh is off 29/8–2/9 with Saturday 22/8/2026 worked.

func TestAddWorking(t *testing.T) {
	c := New(Options{})
	tests := []struct {
		name  string
		start string
		d     time.Duration
		want  string
	}{
		{"zero stays put", "2026-03-09 09:00", 0, "2026-03-09 09:00"},
		{"within the morning", "2026-03-09 09:00", 2 * time.Hour, "2026-03-09 11:00"},
		{"exactly to noon closing stays at 11:30", "2026-03-09 09:00", 150 * time.Minute, "2026-03-09 11:30"},
		{"over the lunch break", "2026-03-09 09:00", 3 * time.Hour, "2026-03-09 13:30"},
		{"exactly to 17:00 stays, not next morning", "2026-03-09 13:00", 4 * time.Hour, "2026-03-09 17:00"},
		{"from lunch break counts from 13:00", "2026-03-09 12:00", time.Hour, "2026-03-09 14:00"},
		{"before opening counts from 07:30", "2026-03-09 06:00", time.Hour, "2026-03-09 08:30"},
		{"after closing counts from next morning", "2026-03-09 17:00", time.Hour, "2026-03-10 08:30"},
		{"Friday afternoon to Monday", "2026-03-13 16:00", 2 * time.Hour, "2026-03-16 08:30"},
		{"from Saturday", "2026-03-14 10:00", 8 * time.Hour, "2026-03-16 17:00"},
		{"seconds are kept", "2026-03-09 09:00", 90 * time.Second, "2026-03-09 09:01:30"},
		{"make-up Saturday counts", "2026-08-21 16:00", 2 * time.Hour, "2026-08-22 08:30"},
		{"over Tết 2026", "2026-02-13 16:00", 2 * time.Hour, "2026-02-23 08:30"},
		{"over nghỉ bù Giỗ Tổ 2026 (Mon 27/4)", "2026-04-24 16:00", 2 * time.Hour, "2026-04-28 08:30"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := c.AddWorking(at(t, tt.start), tt.d); !got.Equal(atSec(t, tt.want)) {
				t.Errorf("AddWorking(%s, %v) = %s, want %s", tt.start, tt.d, got.Format(time.DateTime), tt.want)
			}
		})
	}
}

func TestWorkingBetween(t *testing.T) {
	c := New(Options{})
	tests := []struct {
		name string
		a, b string
		want time.Duration
	}{
		{"b before a", "2026-03-10 09:00", "2026-03-09 09:00", 0},
		{"empty interval", "2026-03-09 09:00", "2026-03-09 09:00", 0},
		{"rest of a day", "2026-03-09 09:00", "2026-03-09 17:00", 6*time.Hour + 30*time.Minute},
		{"overnight is nothing", "2026-03-09 17:00", "2026-03-10 07:30", 0},
		{"over a weekend", "2026-03-13 16:00", "2026-03-16 08:30", 2 * time.Hour},
		{"a whole week", "2026-03-09 00:00", "2026-03-16 00:00", 40 * time.Hour},
		{"Tết 2026 week and a half", "2026-02-13 00:00", "2026-02-23 00:00", 8 * time.Hour},
		{"30/4 week 2025 with make-up Saturday", "2025-04-26 00:00", "2025-05-05 00:00", 3 * 8 * time.Hour},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := c.WorkingBetween(at(t, tt.a), at(t, tt.b)); got != tt.want {
				t.Errorf("WorkingBetween(%s, %s) = %v, want %v", tt.a, tt.b, got, tt.want)
			}
		})
	}
}

func TestDue(t *testing.T) {
	c := New(Options{})
	tests := []struct {
		name     string
		received string
		unit     string
		value    int
		want     string
	}{
		// Working days: N × 8 working hours from receipt.
		{"3 days from Monday 09:00 is Thursday 09:00", "2026-03-09 09:00", UnitDay, 3, "2026-03-12 09:00"},
		{"1 day received after closing", "2026-03-09 18:00", UnitDay, 1, "2026-03-10 17:00"},
		{"1 day received on Saturday", "2026-03-14 10:00", UnitDay, 1, "2026-03-16 17:00"},
		{"5 days across Tết 2026", "2026-02-12 10:00", UnitDay, 5, "2026-02-26 10:00"},
		{"2 days across 30/4 2025 using make-up Saturday 26/4", "2025-04-25 14:00", UnitDay, 2, "2025-04-28 14:00"},
		{"1 day across 30/4–4/5/2025", "2025-04-29 09:00", UnitDay, 1, "2025-05-05 09:00"},
		{"3 days across Quốc khánh 2026 (swap 31/8)", "2026-08-28 09:00", UnitDay, 3, "2026-09-07 09:00"},
		{"3 days across Quốc khánh 2025", "2025-08-29 09:00", UnitDay, 3, "2025-09-05 09:00"},
		{"zero days", "2026-03-09 09:00", UnitDay, 0, "2026-03-09 09:00"},

		// Working hours, with the 15:00 cut-off.
		{"8 hours from 14:00", "2026-03-09 14:00", UnitHour, 8, "2026-03-10 14:00"},
		{"4 hours received 14:59 counts today", "2026-03-09 14:59", UnitHour, 4, "2026-03-10 09:29"},
		{"4 hours received at 15:00 counts tomorrow", "2026-03-09 15:00", UnitHour, 4, "2026-03-10 11:30"},
		{"2 hours received Friday 16:30", "2026-03-13 16:30", UnitHour, 2, "2026-03-16 09:30"},
		{"2 hours received Saturday", "2026-03-14 09:00", UnitHour, 2, "2026-03-16 09:30"},
		{"1 hour received before opening", "2026-03-09 06:00", UnitHour, 1, "2026-03-09 08:30"},
		{"1 hour received at lunch", "2026-03-09 12:00", UnitHour, 1, "2026-03-09 14:00"},
		{"hours received after cut-off before Tết", "2026-02-13 15:30", UnitHour, 4, "2026-02-23 11:30"},
		{"24 hours across 2/9/2026", "2026-08-28 08:00", UnitHour, 24, "2026-09-07 08:00"},

		// Same day.
		{"same day before 15:00", "2026-03-09 14:59", UnitSameDay, 0, "2026-03-09 17:00"},
		{"same day at 15:00 is next day", "2026-03-09 15:00", UnitSameDay, 0, "2026-03-10 17:00"},
		{"same day before opening", "2026-03-09 06:00", UnitSameDay, 0, "2026-03-09 17:00"},
		{"same day Friday afternoon is Monday", "2026-03-13 15:30", UnitSameDay, 0, "2026-03-16 17:00"},
		{"same day Friday before 15:00 is Friday", "2026-03-13 10:00", UnitSameDay, 0, "2026-03-13 17:00"},
		{"same day on Sunday is Monday", "2026-03-15 10:00", UnitSameDay, 0, "2026-03-16 17:00"},
		{"same day skips nghỉ bù Giỗ Tổ 2026", "2026-04-24 16:00", UnitSameDay, 0, "2026-04-28 17:00"},
		{"same day on make-up Saturday", "2026-08-22 10:00", UnitSameDay, 0, "2026-08-22 17:00"},
		{"same day Friday before Tết", "2026-02-13 15:30", UnitSameDay, 0, "2026-02-23 17:00"},
		{"same day on a holiday", "2025-09-02 09:00", UnitSameDay, 0, "2025-09-03 17:00"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := c.Due(at(t, tt.received), tt.unit, tt.value)
			if err != nil {
				t.Fatal(err)
			}
			if !got.Equal(at(t, tt.want)) || got.Location() != Zone {
				t.Errorf("Due(%s, %s, %d) = %s, want %s +07:00", tt.received, tt.unit, tt.value, got.Format(time.RFC3339), tt.want)
			}
		})
	}
}

func TestDueErrors(t *testing.T) {
	c := New(Options{})
	tests := []struct {
		unit  string
		value int
		want  string
	}{
		{"week", 1, "unknown time unit"},
		{"", 1, "unknown time unit"},
		{UnitDay, -1, "negative"},
		{UnitHour, -3, "negative"},
	}
	for _, tt := range tests {
		t.Run(tt.unit+"/"+tt.want, func(t *testing.T) {
			_, err := c.Due(at(t, "2026-03-09 09:00"), tt.unit, tt.value)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("Due(%q, %d) error = %v, want %q", tt.unit, tt.value, err, tt.want)
			}
		})
	}
}

// TestDueOtherZone: callers may pass times in any zone; the office clock
// is UTC+7 and the answer comes back in Zone.
func TestDueOtherZone(t *testing.T) {
	c := New(Options{})
	received := time.Date(2026, 3, 9, 2, 0, 0, 0, time.UTC) // 09:00 in Hà Nội
	got, err := c.Due(received, UnitDay, 3)
	if err != nil {
		t.Fatal(err)
	}
	if want := "2026-03-12T09:00:00+07:00"; got.Format(time.RFC3339) != want {
		t.Errorf("Due = %s, want %s", got.Format(time.RFC3339), want)
	}
}

// TestPauseResume follows a dossier whose clock stops while the applicant
// supplements it (regulations §8, step 6): the time already used counts,
// the rest resumes on resubmission.
func TestPauseResume(t *testing.T) {
	c := New(Options{})
	received := at(t, "2026-03-09 09:00")
	due, err := c.Due(received, UnitDay, 5)
	if err != nil {
		t.Fatal(err)
	}
	if want := at(t, "2026-03-16 09:00"); !due.Equal(want) {
		t.Fatalf("initial due %s, want %s", due, want)
	}
	pausedAt := at(t, "2026-03-11 10:00")  // supplement requested
	resumedAt := at(t, "2026-03-19 14:00") // supplement received
	remaining := c.WorkingBetween(pausedAt, due)
	if want := 23 * time.Hour; remaining != want {
		t.Errorf("remaining = %v, want %v", remaining, want)
	}
	if used := c.WorkingBetween(received, pausedAt); used+remaining != 40*time.Hour {
		t.Errorf("used %v + remaining %v != 40h", used, remaining)
	}
	newDue := c.AddWorking(resumedAt, remaining)
	if want := at(t, "2026-03-24 11:30"); !newDue.Equal(want) {
		t.Errorf("resumed due %s, want %s", newDue.Format(time.DateTime), want.Format(time.DateTime))
	}

	// Paused across Tết: received 2/2/2026 with 10 days, paused 11/2,
	// resumed 24/2 morning.
	received = at(t, "2026-02-02 08:00")
	due, _ = c.Due(received, UnitDay, 10)
	if want := at(t, "2026-02-23 08:00"); !due.Equal(want) {
		t.Fatalf("due across Tết %s, want %s", due, want)
	}
	remaining = c.WorkingBetween(at(t, "2026-02-11 08:00"), due)
	// Wed 11/2 7.5 h, Thu 8 h, Fri 8 h, then Tết, then Mon 23/2 0.5 h.
	if want := 24 * time.Hour; remaining != want {
		t.Errorf("remaining across Tết = %v, want %v", remaining, want)
	}
	if got, want := c.AddWorking(at(t, "2026-02-24 07:30"), remaining), at(t, "2026-02-26 17:00"); !got.Equal(want) {
		t.Errorf("resumed across Tết %s, want %s", got.Format(time.DateTime), want.Format(time.DateTime))
	}
}

func TestCustomHours(t *testing.T) {
	hm := func(h, m int) time.Duration { return time.Duration(h)*time.Hour + time.Duration(m)*time.Minute }
	// A province working 08:00–12:00 and 13:30–17:00: 7.5 h a day.
	c := New(Options{Hours: []Session{{hm(8, 0), hm(12, 0)}, {hm(13, 30), hm(17, 0)}}, Cutoff: hm(16, 0)})
	tests := []struct {
		received, unit string
		value          int
		want           string
	}{
		{"2026-03-09 08:00", UnitDay, 1, "2026-03-09 17:00"},
		{"2026-03-09 09:00", UnitDay, 2, "2026-03-11 09:00"},
		{"2026-03-09 15:30", UnitSameDay, 0, "2026-03-09 17:00"},
		{"2026-03-09 16:00", UnitSameDay, 0, "2026-03-10 17:00"},
		{"2026-03-09 12:15", UnitHour, 1, "2026-03-09 14:30"},
	}
	for _, tt := range tests {
		got, err := c.Due(at(t, tt.received), tt.unit, tt.value)
		if err != nil || !got.Equal(at(t, tt.want)) {
			t.Errorf("Due(%s, %s, %d) = %s, %v; want %s", tt.received, tt.unit, tt.value, got.Format(time.DateTime), err, tt.want)
		}
	}
}

// FuzzAddWorkingInverse checks that WorkingBetween undoes AddWorking and
// that the result is inside office hours of a working day.
func FuzzAddWorkingInverse(f *testing.F) {
	f.Add(int64(0), int64(60))
	f.Add(int64(3*24*60+9*60), int64(8*60))      // 9:00 four days in
	f.Add(int64(40*24*60+17*60), int64(30*8*60)) // after closing, 30 days
	f.Add(int64(240*24*60+12*60), int64(150))    // lunch, late August
	base := time.Date(2024, 1, 1, 0, 0, 0, 0, Zone)
	c := New(Options{})
	f.Fuzz(func(t *testing.T, startMin, dMin int64) {
		startMin = abs(startMin) % (3 * 366 * 24 * 60)
		dMin = abs(dMin) % (200 * 8 * 60)
		start := base.Add(time.Duration(startMin) * time.Minute)
		d := time.Duration(dMin) * time.Minute
		end := c.AddWorking(start, d)
		if got := c.WorkingBetween(start, end); got != d {
			t.Fatalf("WorkingBetween(%s, AddWorking(…, %v) = %s) = %v", start, d, end, got)
		}
		if d > 0 {
			if !c.IsWorkingDay(end) {
				t.Fatalf("AddWorking(%s, %v) = %s, not a working day", start, d, end)
			}
			if _, off := split(end); off <= 7*time.Hour+30*time.Minute || off > 17*time.Hour ||
				(off > 11*time.Hour+30*time.Minute && off <= 13*time.Hour) {
				t.Fatalf("AddWorking(%s, %v) = %s, outside (session start, session end]", start, d, end)
			}
		}
	})
}

func abs(n int64) int64 {
	if n < 0 {
		return -(n + 1)
	}
	return n
}

func BenchmarkDue30Days(b *testing.B) {
	c := New(Options{})
	received := time.Date(2026, 1, 5, 9, 0, 0, 0, Zone)
	c.Holidays(2026) // warm the cache, as a running server has
	for b.Loop() {
		if _, err := c.Due(received, UnitDay, 30); err != nil {
			b.Fatal(err)
		}
	}
}

// atSec parses "YYYY-MM-DD HH:MM" or "YYYY-MM-DD HH:MM:SS" in Zone.
func atSec(t testing.TB, s string) time.Time {
	t.Helper()
	if len(s) == len("2006-01-02 15:04") {
		return at(t, s)
	}
	tm, err := time.ParseInLocation(time.DateTime, s, Zone)
	if err != nil {
		t.Fatal(err)
	}
	return tm
}
