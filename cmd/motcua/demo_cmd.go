package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"time"

	"github.com/motcua/motcua/catalog"
	"github.com/motcua/motcua/demo"
	"github.com/motcua/motcua/schema"
	"github.com/motcua/motcua/server"
	"github.com/motcua/motcua/store"
)

const demoUsage = `usage: motcua demo generate [--year 2022] [--years 1] [--scale 1.0] [--seed 1] [--data DIR | --db URL]
       motcua demo bulk --dossiers N [--years 1] [--year 2022] [--seed 1] [--batch 5000] [--data DIR | --db URL]`

// runDemo is `motcua demo generate`: a year of demo dossiers (package
// demo), and `motcua demo bulk`: millions of them for measuring.
func runDemo(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	if len(args) > 0 && args[0] == "bulk" {
		return runDemoBulk(ctx, args[1:], stdout)
	}
	if len(args) == 0 || args[0] != "generate" {
		return errors.New(demoUsage)
	}
	fs := flag.NewFlagSet("demo generate", flag.ContinueOnError)
	var dbf dbFlags
	dbf.register(fs)
	year := fs.Int("year", 2022, "the (last) year to generate")
	years := fs.Int("years", 1, "how many years to generate, counting back from --year (--year 2022 --years 3: 2020 to 2022)")
	scale := fs.Float64("scale", 1, "share of Nho Quan's 2022 volume (67,120 dossiers at 1)")
	seed := fs.Uint64("seed", 1, "random seed; the same seed on an empty database gives the same year")
	if err := parse(fs, args[1:]); err != nil {
		return err
	}
	if *scale <= 0 || *scale > 1000 {
		return fmt.Errorf("--scale must be positive and at most 1000, not %g", *scale)
	}
	if err := demo.CheckYears(*year, *years); err != nil {
		return err
	}
	first := *year - *years + 1
	db, err := dbf.open(ctx)
	if err != nil {
		return err
	}
	defer db.Close()
	// The demo world is loaded first, as `serve --demo=2022` does it, with
	// the shipped catalog in force from the generated year's first day:
	// seeded at its files' dates (2025) first, as prepare does, no
	// procedure would be in force in 2022 and the generator would stop at
	// its first dossier.
	if _, err := schema.Migrate(ctx, db); err != nil {
		return err
	}
	cat := catalog.NewStore(db, time.Now)
	if err := db.InTx(ctx, func(tx *store.Tx) error {
		_, err := cat.SeedBuiltinFrom(ctx, tx, fmt.Sprintf("%04d-01-01", first))
		return err
	}); err != nil {
		return err
	}
	app, err := server.New(ctx, db, server.Config{DataDir: dbf.data, SecretKey: dbf.key, Blobs: dbf.blobs, Log: slog.New(slog.NewTextHandler(stderr, &slog.HandlerOptions{Level: slog.LevelWarn}))})
	if err != nil {
		return err
	}
	// The year is generated at the units of 2022; a database in the
	// two-tier world (serve --demo) has no district to file at.
	if world, err := demo.WorldOf(ctx, app.Units); err != nil {
		return err
	} else if world != "" && world != demo.World2022 {
		return demo.ErrNot2022
	}
	if loaded, err := demo.Load(ctx, db, app.Units, app.Auth); err != nil {
		return fmt.Errorf("load demo: %w", err)
	} else if loaded {
		fmt.Fprintln(stdout, "demo world loaded (Nho Quan district)")
	}
	if _, err := demo.LoadPartnerAgencies(ctx, db, app.Units); err != nil {
		return fmt.Errorf("load demo partner agencies: %w", err)
	}
	if _, err := demo.LoadCivil(ctx, app.Auth, app.Civil); err != nil {
		return fmt.Errorf("load demo civil service records: %w", err)
	}
	d, c := demo.Targets(*scale)
	if *years == 1 {
		fmt.Fprintf(stdout, "generating %d: %d dossiers (%d district, %d communes) on %s\n", *year, d+c, d, c, db.Dialect)
	} else {
		fmt.Fprintf(stdout, "generating %d to %d: %d dossiers a year (%d district, %d communes) on %s\n", first, *year, d+c, d, c, db.Dialect)
	}
	st, err := demo.Generate(ctx, demo.GenerateConfig{DB: db, DataDir: dbf.data, Year: *year, Years: *years, Scale: *scale, Seed: *seed, Progress: stdout})
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "received %d dossiers: %.1f%% online, %d district / %d commune, %d late (apologized), %d refused, %d supplemented\n",
		st.Dossiers, 100*st.OnlineShare(), st.District, st.Commune, st.Late, st.Refused, st.Supplemented+st.SupplementedLater)
	fmt.Fprintf(stdout, "%d paused, %d withdrawn, %d stopped; fees paid %d online (VNPAY simulator) and %d at the desk; %d results by post (simulated post); %d ratings\n",
		st.Paused, st.Withdrawn, st.Stopped, st.PaidOnline, st.PaidDesk, st.Posted, st.Rated)
	if st.Documents > 0 {
		fmt.Fprintf(stdout, "%d documents in the registers, %.1f%% handled entirely online\n", st.Documents, 100*float64(st.DocumentsOnline)/float64(st.Documents))
	}
	fmt.Fprintf(stdout, "%d results in the outgoing registers as issued decisions (%d e-results)\n", st.ResultDocuments, st.ResultsOnline)
	fmt.Fprintf(stdout, "%d actions, %d demo accounts created (password %q), took %s\n", st.Actions, st.Users, demo.Password, st.Elapsed.Round(1e6))
	return nil
}

// runDemoBulk is `motcua demo bulk`: dossiers of the 2022 world written
// straight into an empty dossier table for load tests and benchmarks
// (demo.Bulk), with a progress line and the rate at the end.
func runDemoBulk(ctx context.Context, args []string, stdout io.Writer) error {
	fs := flag.NewFlagSet("demo bulk", flag.ContinueOnError)
	var dbf dbFlags
	dbf.register(fs)
	n := fs.Int("dossiers", 0, "how many dossiers to write (67,120 is the seed district's year)")
	year := fs.Int("year", 2022, "the last year of the data")
	years := fs.Int("years", 1, "over how many years, counting back from --year, the dossiers are spread evenly")
	seed := fs.Uint64("seed", 1, "random seed; the same seed on an empty database gives the same data")
	batch := fs.Int("batch", 5000, "dossiers written per transaction")
	if err := parse(fs, args); err != nil {
		return err
	}
	if *n <= 0 {
		return fmt.Errorf("--dossiers must be positive, not %d\n%s", *n, demoUsage)
	}
	if *batch <= 0 {
		return fmt.Errorf("--batch must be positive, not %d", *batch)
	}
	if err := demo.CheckYears(*year, *years); err != nil {
		return err
	}
	db, err := dbf.open(ctx)
	if err != nil {
		return err
	}
	defer db.Close()
	fmt.Fprintf(stdout, "bulk: %d dossiers over %d to %d on %s (benchmark data: no notification, audit entry or payment is made)\n",
		*n, *year-*years+1, *year, db.Dialect)
	st, err := demo.Bulk(ctx, demo.BulkConfig{DB: db, Dossiers: *n, Years: *years, Year: *year, Seed: *seed, Batch: *batch, Progress: stdout})
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "bulk: wrote %d dossiers (%.1f%% online, %d not closed at the end, %d late) and %d events in %s: %.0f dossiers/s, %.0f rows/s\n",
		st.Dossiers, 100*float64(st.Online)/float64(max(st.Dossiers, 1)), st.Open, st.Late, st.Events, st.Elapsed.Round(time.Second),
		st.Rate(), float64(st.Dossiers+st.Events)/st.Elapsed.Seconds())
	return nil
}
