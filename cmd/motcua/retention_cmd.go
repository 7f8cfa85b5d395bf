package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"time"

	"github.com/motcua/motcua/calendar"
	"github.com/motcua/motcua/dossier"
	"github.com/motcua/motcua/server"
)

// runRetention implements "motcua retention run": the job serve runs
// daily (dossier.Anonymise), by hand, as of a day.
func runRetention(ctx context.Context, args []string, stdout io.Writer) error {
	if len(args) == 0 || args[0] != "run" {
		return errors.New("retention: usage: motcua retention run [--dry-run] [--as-of YYYY-MM-DD] [--data DIR | --db URL]")
	}
	fs := flag.NewFlagSet("retention run", flag.ContinueOnError)
	var dbf dbFlags
	dbf.register(fs)
	dry := fs.Bool("dry-run", false, "only count, per procedure, the dossiers that would be anonymised; change nothing")
	asOf := fs.String("as-of", "", "judge retention as of this day (YYYY-MM-DD, Vietnam time); default today")
	if err := parse(fs, args[1:]); err != nil {
		return err
	}
	now := time.Now()
	if *asOf != "" {
		d, err := time.ParseInLocation(time.DateOnly, *asOf, calendar.Zone)
		if err != nil {
			return fmt.Errorf("retention: --as-of %q: want YYYY-MM-DD", *asOf)
		}
		now = d
	}
	db, err := dbf.open(ctx)
	if err != nil {
		return err
	}
	defer db.Close()
	if err := prepare(ctx, db); err != nil {
		return err
	}
	app, err := server.New(ctx, db, server.Config{DataDir: dbf.data, SecretKey: dbf.key, Blobs: dbf.blobs})
	if err != nil {
		return err
	}
	rep, err := app.Dossiers.Anonymise(ctx, now, *dry)
	printRetention(stdout, rep)
	return err
}

func printRetention(w io.Writer, rep dossier.RetentionReport) {
	verb := "đã ẩn danh"
	if rep.DryRun {
		verb = "sẽ ẩn danh (chạy thử, không thay đổi gì)"
	}
	fmt.Fprintf(w, "Thời hạn bảo quản tính đến %s: %s %d hồ sơ\n", rep.AsOf, verb, rep.Dossiers)
	for _, p := range rep.Procedures {
		fmt.Fprintf(w, "  %s\t%d năm\t%d hồ sơ\n", p.Procedure, p.Years, p.Dossiers)
	}
	if !rep.DryRun && rep.Dossiers > 0 {
		fmt.Fprintln(w, "Tệp của các hồ sơ này được xóa ở lần dọn tệp kế tiếp (motcua gc, hằng ngày trong serve).")
	}
}
