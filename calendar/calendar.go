// Package calendar owns the Vietnamese working-day calendar: the lunar
// calendar (UTC+7), public holidays under Labour Code 2019 Art. 112 with
// compensatory days (nghỉ bù, Art. 111(3)), the yearly official decisions
// that place Tết and swap working days (shipped in announcements.json, plus
// any an admin adds, stored in table calendar_announcements by Store),
// office hours, and the working-time arithmetic that turns a statutory
// processing time into a due date.
//
// All times are interpreted in Zone (UTC+7); results are returned in Zone.
package calendar

import (
	"fmt"
	"sync"
	"time"
)

// Zone is Vietnam's time zone, UTC+7 with no daylight saving.
var Zone = time.FixedZone("ICT", 7*3600)

// Session is one block of office hours, as offsets from local midnight:
// Session{7*time.Hour + 30*time.Minute, 11*time.Hour + 30*time.Minute} is
// 07:30–11:30.
type Session struct {
	Start, End time.Duration
}

// DefaultHours returns the usual hours of a one-stop office, 07:30–11:30 and
// 13:00–17:00: eight hours, the length of a working day in deadlines.
func DefaultHours() []Session {
	return []Session{
		{7*time.Hour + 30*time.Minute, 11*time.Hour + 30*time.Minute},
		{13 * time.Hour, 17 * time.Hour},
	}
}

// DefaultCutoff is the time of day after which a same-day or hour-counted
// dossier counts from the next working day.
const DefaultCutoff = 15 * time.Hour

// Options configures a Calendar. The zero value is the national calendar
// with default hours and the shipped official announcements.
type Options struct {
	// Hours are the office sessions of a working day, in order and not
	// overlapping. Empty means DefaultHours.
	Hours []Session
	// Cutoff is the same-day cut-off time of day. Zero means DefaultCutoff.
	Cutoff time.Duration
	// Extra are announcements added by an admin, e.g. a province's own
	// swaps. They are applied after the official ones and win on the same
	// date.
	Extra []Announcement
	// NoOfficial leaves out the shipped announcements, leaving the
	// statutory rule alone (used to test the rule against history).
	NoOfficial bool
	// DueEndOfDay makes a deadline end at the closing time of its last
	// working day rather than at its minute (see DueMoment).
	DueEndOfDay bool
}

// Validate reports the first problem with the options, so a caller with
// untrusted configuration can reject it before calling New.
func (o Options) Validate() error {
	if err := o.validateHours(); err != nil {
		return err
	}
	for _, a := range o.Extra {
		if err := a.Validate(); err != nil {
			return err
		}
	}
	return nil
}

func (o Options) validateHours() error {
	var prevEnd time.Duration
	for i, s := range o.Hours {
		if s.Start < 0 || s.End > 24*time.Hour || s.Start >= s.End {
			return fmt.Errorf("calendar: session %d (%v–%v) must satisfy 0 ≤ start < end ≤ 24h", i+1, s.Start, s.End)
		}
		if i > 0 && s.Start < prevEnd {
			return fmt.Errorf("calendar: session %d starts before session %d ends", i+1, i)
		}
		prevEnd = s.End
	}
	if o.Cutoff < 0 || o.Cutoff > 24*time.Hour {
		return fmt.Errorf("calendar: cutoff %v must be within a day", o.Cutoff)
	}
	return nil
}

// Calendar answers working-day questions. It is immutable after New and
// safe for concurrent use; computed years are cached inside it.
type Calendar struct {
	hours  []Session
	dayLen time.Duration // total of hours: one working day
	cutoff time.Duration
	anns   map[int][]announced // by Gregorian year; read-only after New
	years  sync.Map            // int → *yearInfo

	dueEndOfDay bool
}

// New returns a calendar for opts. Invalid Hours or Cutoff are a
// configuration mistake and make New panic. An invalid Extra announcement
// is skipped instead, so one bad stored row cannot stop the server: check
// each with Announcement.Validate when an admin enters it, or the whole
// Options with Validate.
func New(opts Options) *Calendar {
	if err := opts.validateHours(); err != nil {
		panic(err)
	}
	var extra []Announcement
	for _, a := range opts.Extra {
		if a.Validate() == nil {
			extra = append(extra, a)
		}
	}
	c := &Calendar{
		hours:  append([]Session(nil), opts.Hours...),
		cutoff: opts.Cutoff,

		dueEndOfDay: opts.DueEndOfDay,
	}
	if len(c.hours) == 0 {
		c.hours = DefaultHours()
	}
	if c.cutoff == 0 {
		c.cutoff = DefaultCutoff
	}
	for _, s := range c.hours {
		c.dayLen += s.End - s.Start
	}
	var official []Announcement
	if !opts.NoOfficial {
		official = Official()
	}
	c.anns = indexAnnouncements(official, extra)
	return c
}

// year returns the cached computation for a Gregorian year.
func (c *Calendar) year(y int) *yearInfo {
	if v, ok := c.years.Load(y); ok {
		return v.(*yearInfo)
	}
	// Two goroutines may compute the same year; the result is identical
	// and LoadOrStore keeps one.
	v, _ := c.years.LoadOrStore(y, computeYear(y, c.anns[y]))
	return v.(*yearInfo)
}

// Holidays returns every day off in year that is not an ordinary weekend:
// statutory holidays (including those on a weekend), compensatory days and
// announced days off, sorted by date. Holidays are computed for any year;
// the lunar ones are accurate for 1900–2100.
func (c *Calendar) Holidays(year int) []Day {
	return append([]Day(nil), c.year(year).days...)
}

// IsWorkingDay reports whether the day of t (in Zone) is a working day:
// Monday to Friday unless off, or a weekend day announced as a make-up day.
func (c *Calendar) IsWorkingDay(t time.Time) bool {
	jdn, _ := split(t)
	return c.isWorking(jdn)
}

func (c *Calendar) isWorking(jdn int) bool {
	_, _, y := jdToDate(jdn)
	switch c.year(y).statusOf(jdn) {
	case statusOff:
		return false
	case statusWork:
		return true
	}
	return !isWeekend(jdn)
}

// unixEpochJDN is the day number of 1970-01-01.
const unixEpochJDN = 2440588

// split returns the day number of t's local date in Zone and the time
// elapsed since that local midnight.
func split(t time.Time) (jdn int, sinceMidnight time.Duration) {
	local := t.Unix() + 7*3600
	days := local / 86400
	if local%86400 < 0 {
		days--
	}
	jdn = int(days) + unixEpochJDN
	return jdn, t.Sub(midnight(jdn))
}

// midnight returns the start of local day jdn, in Zone.
func midnight(jdn int) time.Time {
	return time.Unix(int64(jdn-unixEpochJDN)*86400-7*3600, 0).In(Zone)
}
