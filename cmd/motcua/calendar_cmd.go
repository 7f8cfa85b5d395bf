package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"strconv"
	"time"

	"github.com/motcua/motcua/calendar"
)

const calendarUsage = `usage:
  motcua calendar holidays YEAR
      print every day off of YEAR that is not an ordinary weekend
      (holidays, nghỉ bù, announced days), one "YYYY-MM-DD name" a line
  motcua calendar due [--from RFC3339] (--days N | --hours N | --same-day)
      print when a dossier received at --from (default: now) is due,
      in RFC 3339 at +07:00
`

// runCalendar implements "motcua calendar". It uses the national calendar
// with the official announcements shipped in package calendar.
func runCalendar(args []string, stdout, stderr io.Writer) error {
	if len(args) == 0 {
		fmt.Fprint(stderr, calendarUsage)
		return errors.New("calendar: missing subcommand (holidays or due)")
	}
	cal := calendar.New(calendar.Options{})
	switch args[0] {
	case "holidays":
		return calendarHolidays(cal, args[1:], stdout, stderr)
	case "due":
		return calendarDue(cal, args[1:], stdout, stderr)
	case "help", "-h", "-help", "--help":
		fmt.Fprint(stdout, calendarUsage)
		return nil
	}
	fmt.Fprint(stderr, calendarUsage)
	return fmt.Errorf("calendar: unknown subcommand %q (want holidays or due)", args[0])
}

func calendarHolidays(cal *calendar.Calendar, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("calendar holidays", flag.ContinueOnError)
	if err := parse(fs, args); err != nil {
		return err
	}
	if fs.NArg() != 1 {
		return errors.New("calendar holidays: want exactly one argument, the year")
	}
	year, err := strconv.Atoi(fs.Arg(0))
	// The lunar holidays are only published-accurate for 1900–2100.
	if err != nil || year < 1900 || year > 2100 {
		return fmt.Errorf("calendar holidays: year must be a number from 1900 to 2100, not %q", fs.Arg(0))
	}
	for _, d := range cal.Holidays(year) {
		if _, err := fmt.Fprintf(stdout, "%s %s\n", d.Date, d.Name); err != nil {
			return err
		}
	}
	return nil
}

func calendarDue(cal *calendar.Calendar, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("calendar due", flag.ContinueOnError)
	from := fs.String("from", "", "time of valid receipt, RFC 3339 (default now)")
	days := fs.Int("days", 0, "processing time in working days")
	hours := fs.Int("hours", 0, "processing time in working hours")
	sameDay := fs.Bool("same-day", false, "same-day procedure (15:00 cut-off)")
	if err := parse(fs, args); err != nil {
		return err
	}
	if fs.NArg() != 0 {
		return fmt.Errorf("calendar due: unexpected argument %q", fs.Arg(0))
	}

	var unit, chosen string
	var value, n int
	fs.Visit(func(f *flag.Flag) {
		switch {
		case f.Name == "days":
			unit, value = calendar.UnitDay, *days
		case f.Name == "hours":
			unit, value = calendar.UnitHour, *hours
		case f.Name == "same-day" && *sameDay:
			unit = calendar.UnitSameDay
		default:
			return
		}
		chosen, n = f.Name, n+1
	})
	switch {
	case n == 0:
		return errors.New("calendar due: give one of --days N, --hours N or --same-day")
	case n > 1:
		return errors.New("calendar due: give only one of --days, --hours and --same-day")
	case value < 0:
		return fmt.Errorf("calendar due: --%s must not be negative", chosen)
	}

	received := time.Now()
	if *from != "" {
		t, err := time.Parse(time.RFC3339, *from)
		if err != nil {
			return fmt.Errorf("calendar due: --from %q is not an RFC 3339 time such as 2026-03-09T09:00:00+07:00", *from)
		}
		received = t
	}
	due, err := cal.Due(received, unit, value)
	if err != nil {
		return err
	}
	_, err = fmt.Fprintln(stdout, due.Format(time.RFC3339))
	return err
}
