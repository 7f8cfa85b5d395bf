package dossier

import (
	"testing"
	"time"

	"github.com/motcua/motcua/calendar"
	"github.com/motcua/motcua/catalog"
)

// TestBandThresholds: the office dashboard counts bands in SQL by comparing
// due times with BandEdges (AddWorking(now, 1 and 3 working days)); Deadline classifies one
// dossier with WorkingBetween. Both must agree for every due time, across
// lunch breaks, evenings, weekends and Tết.
func TestBandThresholds(t *testing.T) {
	cal := calendar.New(calendar.Options{})
	nows := []time.Time{
		time.Date(2026, 3, 2, 8, 0, 0, 0, calendar.Zone),    // Monday morning
		time.Date(2026, 3, 6, 16, 30, 0, 0, calendar.Zone),  // Friday afternoon
		time.Date(2026, 3, 7, 10, 0, 0, 0, calendar.Zone),   // Saturday
		time.Date(2026, 2, 12, 12, 0, 0, 0, calendar.Zone),  // lunch, days before Tết
		time.Date(2026, 3, 3, 11, 30, 0, 0, calendar.Zone),  // end of the morning session
		time.Date(2026, 3, 3, 17, 0, 0, 0, calendar.Zone),   // closing time
		time.Date(2026, 3, 4, 6, 59, 59, 0, calendar.Zone),  // before opening
		time.Date(2026, 12, 31, 15, 0, 0, 0, calendar.Zone), // New Year's Eve
	}
	for _, now := range nows {
		e := (&Service{cal: cal, cfg: Config{Now: func() time.Time { return now }}}).BandEdges()
		t1, t3 := e.Day, e.Soon
		for step := time.Duration(0); step < 12*24*time.Hour; step += 17 * time.Minute {
			due := now.Add(step)
			got := bandOf(cal.WorkingBetween(now, due))
			want := BandOK
			switch {
			case due.Before(t1):
				want = BandDay
			case due.Before(t3):
				want = BandSoon
			}
			if got != want {
				t.Fatalf("now %v due %v: Deadline says %q, BandEdges say %q", now, due, got, want)
			}
		}
	}
}

func TestDeadline(t *testing.T) {
	now := time.Date(2026, 3, 2, 8, 0, 0, 0, calendar.Zone)
	s := &Service{cal: calendar.New(calendar.Options{}), cfg: Config{Now: func() time.Time { return now }}}
	at := func(d, h, m int) *time.Time {
		t := time.Date(2026, 3, d, h, m, 0, 0, calendar.Zone)
		return &t
	}
	friday := time.Date(2026, 2, 27, 16, 0, 0, 0, calendar.Zone)
	cases := []struct {
		name string
		d    Dossier
		band Band
		left time.Duration
		late time.Duration
	}{
		{"not received", Dossier{Status: Submitted}, BandNone, 0, 0},
		{"due this afternoon", Dossier{Status: Processing, DueAt: at(2, 14, 0)}, BandDay, 4*time.Hour + 30*time.Minute, 0},
		{"due in two days", Dossier{Status: Processing, DueAt: at(4, 8, 0)}, BandSoon, 16 * time.Hour, 0},
		{"due next week", Dossier{Status: ResultReady, DueAt: at(9, 8, 0)}, BandOK, 40 * time.Hour, 0},
		{"late since Friday 16:00", Dossier{Status: Processing, DueAt: &friday}, BandOverdue, 0, 90 * time.Minute},
		{"paused with a day left", Dossier{Status: SupplementRequested, PausedAt: at(2, 8, 0), DueAt: at(3, 8, 0)}, BandPaused, 8 * time.Hour, 0},
		{"delivered late", Dossier{Status: Delivered, DueAt: at(2, 9, 0), DeliveredAt: at(2, 10, 0)}, BandNone, 0, time.Hour},
		{"refused", Dossier{Status: Refused, DueAt: at(1, 9, 0)}, BandNone, 0, 0},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			dl := s.Deadline(&c.d)
			if dl.Band != c.band || dl.Left != c.left || dl.Late != c.late {
				t.Fatalf("got %q left %v late %v, want %q left %v late %v", dl.Band, dl.Left, dl.Late, c.band, c.left, c.late)
			}
		})
	}
}

func TestChecklist(t *testing.T) {
	p := catalog.Procedure{Components: []catalog.Component{
		{Key: "don", Name: "Đơn đề nghị", Required: true},
		{Key: "cccd", Name: "Căn cước", Required: true},
		{Key: "khac", Name: "Giấy tờ khác"},
	}}
	files := []File{{Component: "don", Kind: "component"}, {Component: "cccd", Kind: "result"}}
	cases := []struct {
		name    string
		paper   []string
		missing int
	}{
		{"a result file does not count as a component", nil, 1},
		{"paper check completes it", []string{"cccd"}, 0},
		{"an optional component is never missing", []string{"khac"}, 1},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if m := Missing(Checklist(p, files, c.paper)); len(m) != c.missing {
				t.Fatalf("missing %v, want %d", m, c.missing)
			}
		})
	}
	if !NoteRequired(Submitted, Refuse) || NoteRequired(Submitted, Receive) || !NoteRequired(Submitted, Withdraw) || NoteRequired(Processing, Forward) {
		t.Fatal("NoteRequired disagrees with the lifecycle table")
	}
}
