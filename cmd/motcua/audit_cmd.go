package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"time"

	"github.com/motcua/motcua/audit"
	"github.com/motcua/motcua/dossier"
	"github.com/motcua/motcua/payment"
	"github.com/motcua/motcua/schema"
	"github.com/motcua/motcua/store"
)

// runAudit is `motcua audit verify [--from YYYY-MM-DD] [--to YYYY-MM-DD]
// [--heads LOGFILE]`: it walks the audit log's hash chains of those days
// (all by default), prints each day's head and fails naming the first
// broken entry. With --heads it also compares the chains with the "audit
// chain head" lines serve wrote to its log output (kept elsewhere), which
// catches a rewrite of a day's end together with the database's heads.
func runAudit(ctx context.Context, args []string, stdout io.Writer) error {
	if len(args) == 0 || args[0] != "verify" {
		return fmt.Errorf("usage: motcua audit verify [--from YYYY-MM-DD] [--to YYYY-MM-DD] [--heads LOGFILE] [--data DIR | --db URL]")
	}
	fs := flag.NewFlagSet("audit verify", flag.ContinueOnError)
	var dbf dbFlags
	dbf.register(fs)
	from := fs.String("from", "", "first day to verify, YYYY-MM-DD (default: the first)")
	to := fs.String("to", "", "last day to verify, YYYY-MM-DD (default: the last)")
	headsFile := fs.String("heads", "", "serve's log output: its \"audit chain head\" lines are compared with the chains")
	if err := parse(fs, args[1:]); err != nil {
		return err
	}
	for _, d := range []string{*from, *to} {
		if _, err := time.Parse(time.DateOnly, d); d != "" && err != nil {
			return fmt.Errorf("--from and --to are days, YYYY-MM-DD: %q", d)
		}
	}
	var logged map[audit.Chain]audit.Head
	if *headsFile != "" {
		f, err := os.Open(*headsFile)
		if err != nil {
			return err
		}
		logged, err = audit.ParseLogged(f)
		f.Close()
		if err != nil {
			return err
		}
	}
	db, err := dbf.open(ctx)
	if err != nil {
		return err
	}
	defer db.Close()
	// Verification reads only; an old database is refused rather than migrated.
	if pending, err := schema.Pending(ctx, db); err != nil {
		return err
	} else if len(pending) > 0 {
		return fmt.Errorf("the database needs %d migration(s) first (motcua migrate)", len(pending))
	}
	rep, err := verifyAudit(ctx, db, *from, *to)
	if err != nil {
		return err
	}
	for _, d := range rep.Days {
		fmt.Fprintf(stdout, "%s  lane %2d  %6d entries  head %s\n", d.Day, d.Lane, d.N, d.Head)
	}
	if rep.Legacy > 0 {
		fmt.Fprintf(stdout, "%d entries predate the chain and cannot be verified\n", rep.Legacy)
	}
	if rep.Broken == nil && logged != nil {
		rep.Broken = audit.CheckLogged(rep, logged, *from, *to)
		fmt.Fprintf(stdout, "%d chain heads compared with the log output\n", len(logged))
	}
	if rep.Broken != nil {
		fmt.Fprintf(stdout, "BROKEN: %v\n", rep.Broken)
		return fmt.Errorf("audit log broken: %w", rep.Broken)
	}
	fmt.Fprintf(stdout, "OK: %d entries, %d history rows anchored, %d redacted by the retention job\n", rep.Entries, rep.Anchored, rep.Redacted)
	return nil
}

// verifyAudit walks the audit chains of the days from..to ("": all) with
// the histories they anchor (motcua audit verify; motcua restore checks a
// restored database with it).
func verifyAudit(ctx context.Context, db *store.DB, from, to string) (*audit.Report, error) {
	return audit.New(db).Verify(ctx, from, to, map[string]audit.History{
		"dossier_events": dossier.Events{}, "payment_events": payment.Events{}})
}
