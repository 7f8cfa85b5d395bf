package calendar

import (
	_ "embed"
	"encoding/json"
	"fmt"
	"time"
	"unicode/utf8"
)

// Kinds of announcement entry.
const (
	// AnnounceOff makes a day a day off: a Tết day chosen by the Prime
	// Minister, or a working day swapped away (hoán đổi).
	AnnounceOff = "off"
	// AnnounceWork makes a Saturday or Sunday a working day (làm bù).
	AnnounceWork = "work"
)

// Announcement is one day of an official yearly decision on days off, as
// announced by the Ministry (Bộ LĐTB&XH until 2025, Bộ Nội vụ since) or by
// a province. The statutory rules leave some choices to these decisions —
// which five days are Tết, which day joins 2/9 — and they also swap working
// days to make long weekends.
type Announcement struct {
	// Date is the day, "YYYY-MM-DD".
	Date string `json:"date"`
	// Kind is AnnounceOff or AnnounceWork.
	Kind string `json:"kind"`
	// Name is shown in holiday lists, in Vietnamese.
	Name string `json:"name"`
	// Replaces names a statutory holiday (HolidayTet, HolidayNationalDay…)
	// whose computed days, and their compensatory days, are dropped for the
	// year of Date: the decision's own days take their place. One entry
	// saying so is enough; by convention every day of the block says it.
	Replaces string `json:"replaces,omitempty"`
	// Source cites the decision, Note records any doubt about it.
	Source string `json:"source,omitempty"`
	Note   string `json:"note,omitempty"`
}

// decisionFile is the on-disk format: decisions group days so the source
// and note are written once. Admin uploads use the same format.
type decisionFile struct {
	Decisions []struct {
		Source string         `json:"source"`
		Note   string         `json:"note,omitempty"`
		Days   []Announcement `json:"days"`
	} `json:"decisions"`
}

//go:embed announcements.json
var officialJSON []byte

// Official returns the official decisions shipped with motcua, one entry a
// day, in file order. Each call returns a fresh slice.
func Official() []Announcement {
	anns, err := DecodeAnnouncements(officialJSON)
	if err != nil {
		// The embedded file is checked by tests; reaching this is a build defect.
		panic("calendar: embedded announcements.json: " + err.Error())
	}
	return anns
}

// DecodeAnnouncements parses and validates decisions in the format of
// announcements.json: {"decisions":[{"source":…,"note":…,"days":[…]}]}.
// A decision's source and note are copied to days that have none.
func DecodeAnnouncements(data []byte) ([]Announcement, error) {
	var f decisionFile
	if err := json.Unmarshal(data, &f); err != nil {
		return nil, fmt.Errorf("calendar: announcements: %w", err)
	}
	var out []Announcement
	for _, d := range f.Decisions {
		for _, a := range d.Days {
			if a.Source == "" {
				a.Source = d.Source
			}
			if a.Note == "" {
				a.Note = d.Note
			}
			if err := a.Validate(); err != nil {
				return nil, err
			}
			out = append(out, a)
		}
	}
	return out, nil
}

// Validate reports whether the entry can be applied: a real date, a known
// kind, a known holiday in Replaces, and make-up days only on weekends
// (a "work" weekday would be a typo, as weekdays are working days anyway).
// maxAnnouncementText is the longest name, source or note of an announcement.
const maxAnnouncementText = 500

func (a Announcement) Validate() error {
	t, err := time.ParseInLocation(time.DateOnly, a.Date, Zone)
	if err != nil {
		return fmt.Errorf("calendar: announcement %q: date must be YYYY-MM-DD", a.Date)
	}
	switch a.Kind {
	case AnnounceOff:
	case AnnounceWork:
		if wd := t.Weekday(); wd != time.Saturday && wd != time.Sunday {
			return fmt.Errorf("calendar: announcement %s: a make-up working day must be a Saturday or Sunday, not %s", a.Date, wd)
		}
	default:
		return fmt.Errorf("calendar: announcement %s: kind must be %q or %q, not %q", a.Date, AnnounceOff, AnnounceWork, a.Kind)
	}
	if a.Replaces != "" && !knownHoliday(a.Replaces) {
		return fmt.Errorf("calendar: announcement %s: replaces unknown holiday %q", a.Date, a.Replaces)
	}
	if a.Name == "" {
		return fmt.Errorf("calendar: announcement %s: name is required", a.Date)
	}
	// Names and sources are printed on every deadline they move.
	if utf8.RuneCountInString(a.Name) > maxAnnouncementText || utf8.RuneCountInString(a.Source) > maxAnnouncementText ||
		utf8.RuneCountInString(a.Note) > maxAnnouncementText {
		return fmt.Errorf("calendar: announcement %s: name, source and note have at most %d characters", a.Date, maxAnnouncementText)
	}
	return nil
}

// announced is an Announcement resolved to a day number.
type announced struct {
	jdn int
	Announcement
}

// indexAnnouncements groups entries by Gregorian year. Later entries win
// on the same date, so extra (admin) entries listed after the official
// ones override them.
func indexAnnouncements(lists ...[]Announcement) map[int][]announced {
	byDate := map[int]int{} // jdn → index in flat
	var flat []announced
	for _, list := range lists {
		for _, a := range list {
			t, err := time.ParseInLocation(time.DateOnly, a.Date, Zone)
			if err != nil {
				continue // rejected by Validate before we get here
			}
			jdn := jdFromDate(t.Day(), int(t.Month()), t.Year())
			if i, ok := byDate[jdn]; ok {
				flat[i] = announced{jdn, a}
				continue
			}
			byDate[jdn] = len(flat)
			flat = append(flat, announced{jdn, a})
		}
	}
	out := map[int][]announced{}
	for _, a := range flat {
		_, _, y := jdToDate(a.jdn)
		out[y] = append(out[y], a)
	}
	return out
}
