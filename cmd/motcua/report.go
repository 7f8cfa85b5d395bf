package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"net/url"
	"time"

	"github.com/motcua/motcua/calendar"
	"github.com/motcua/motcua/report"
	"github.com/motcua/motcua/schema"
	"github.com/motcua/motcua/tally"
)

const reportUsage = "usage: motcua report ii06a --unit CODE --from YYYY-MM-DD --to YYYY-MM-DD [--view unit|field|procedure] [--format json|xlsx|pdf] [--data DIR | --db URL] > out\n" +
	"       motcua report rebuild [--data DIR | --db URL]   (refill the reports' tally from the dossiers' history)"

// runReport is `motcua report ii06a`: the periodic report Biểu
// II.06a/VPCP/KSTT of a unit for a period, written to stdout in the same
// bytes the API and the leaders' page give. It reads the database only;
// the request is checked as the API checks it (report.ParseII06a).
func runReport(ctx context.Context, args []string, stdout io.Writer) error {
	if len(args) > 0 && args[0] == "rebuild" {
		return runReportRebuild(ctx, args[1:], stdout)
	}
	if len(args) == 0 || args[0] != "ii06a" {
		return errors.New(reportUsage)
	}
	fs := flag.NewFlagSet("report ii06a", flag.ContinueOnError)
	var dbf dbFlags
	dbf.register(fs)
	unitCode := fs.String("unit", "", "the reporting unit's code (current or former)")
	from := fs.String("from", "", "the period's first day, YYYY-MM-DD")
	to := fs.String("to", "", "the period's last day (included), YYYY-MM-DD")
	view := fs.String("view", report.ViewUnit, "rows by unit (the unit and its subtree), field or procedure")
	format := fs.String("format", report.FormatJSON, "json, xlsx or pdf")
	if err := parse(fs, args[1:]); err != nil {
		return err
	}
	q, err := report.ParseII06a(url.Values{"unit": {*unitCode}, "from": {*from}, "to": {*to}, "view": {*view}, "format": {*format}})
	if err != nil {
		return err
	}
	db, err := dbf.open(ctx)
	if err != nil {
		return err
	}
	defer db.Close()
	// The calendar in force judges early, on time and late, as the
	// dossiers' own deadlines and the served pages do.
	cal, err := calendar.NewStore(ctx, db, calendar.StoreConfig{})
	if err != nil {
		return err
	}
	q.Now = time.Now()
	// The tally when it is ready, else the recount: the same figures.
	rep, err := report.New(db).WithTally(tally.New(db, cal)).II06a(ctx, q, cal)
	if err != nil {
		return err
	}
	body, _, err := rep.Encode(q.Format, time.Now())
	if err != nil {
		return err
	}
	_, err = stdout.Write(body)
	return err
}

// runReportRebuild is `motcua report rebuild`: the tally refilled from
// every dossier's history in one transaction, for after a calendar change
// that re-judges past deadlines (the tally judged each dossier when it
// ended) or a restore of the dossier tables alone. On PostgreSQL serving
// instances may keep running: their acts wait for it, none is lost. On
// SQLite it holds the one writer throughout (docs/reports.md).
func runReportRebuild(ctx context.Context, args []string, stdout io.Writer) error {
	fs := flag.NewFlagSet("report rebuild", flag.ContinueOnError)
	var dbf dbFlags
	dbf.register(fs)
	if err := parse(fs, args); err != nil {
		return err
	}
	db, err := dbf.open(ctx)
	if err != nil {
		return err
	}
	defer db.Close()
	if _, err := schema.Migrate(ctx, db); err != nil {
		return err
	}
	cal, err := calendar.NewStore(ctx, db, calendar.StoreConfig{})
	if err != nil {
		return err
	}
	start := time.Now()
	if err := report.New(db).RebuildTally(ctx, tally.New(db, cal), cal); err != nil {
		return err
	}
	_, err = fmt.Fprintf(stdout, "tally rebuilt from the history in %s\n", time.Since(start).Round(time.Millisecond))
	return err
}
