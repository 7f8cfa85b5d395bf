package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"runtime"
	"runtime/debug"
	"strings"

	"github.com/motcua/motcua/backup"
	"github.com/motcua/motcua/blob"
	"github.com/motcua/motcua/store"
)

// runBackup is `motcua backup --to DIR|FILE`: an online, consistent
// backup beside a running serve (package backup).
func runBackup(ctx context.Context, args []string, stdout io.Writer) error {
	fs := flag.NewFlagSet("backup", flag.ContinueOnError)
	var dbf dbFlags
	dbf.register(fs)
	to := fs.String("to", "", "where the archive goes: a directory, made when missing (the archive is named motcua-YYYYMMDD-HHMMSS.tar.gz, UTC, as serve --backup-dir names its own), or a file path ending in .tar.gz")
	if err := parse(fs, args); err != nil {
		return err
	}
	if *to == "" || fs.NArg() > 0 {
		return errors.New("usage: motcua backup --to DIR|FILE [--data DIR | --db URL]")
	}
	db, err := dbf.open(ctx)
	if err != nil {
		return err
	}
	defer db.Close()
	path, m, err := backup.Take(ctx, backupConfig(db, dbf.blobs, &dbf), *to)
	if err != nil {
		return err
	}
	var rows int64
	for _, n := range m.Counts {
		rows += n
	}
	fmt.Fprintf(stdout, "backup written to %s: %s, %d tables, %d rows, %d migrations, %d files in the archive\n",
		path, m.Engine, len(m.Counts), rows, len(m.Migrations), len(m.Files))
	return nil
}

// backupConfig is what a backup of this installation reads.
func backupConfig(db *store.DB, blobs blob.Store, dbf *dbFlags) backup.Config {
	return backup.Config{DB: db, Blobs: blobs, URL: dbf.db, DataDir: dbf.data, Version: motcuaVersion()}
}

// runRestore is `motcua restore FROM --data DIR | --db URL`.
func runRestore(ctx context.Context, args []string, stdout io.Writer) error {
	fs := flag.NewFlagSet("restore", flag.ContinueOnError)
	data := fs.String("data", "./data", "data directory to restore into (new or empty): the SQLite database, and the stored files and secret.key of any archive")
	url := fs.String("db", "", "an empty PostgreSQL database (postgres://…) to restore a PostgreSQL backup into with pg_restore")
	var from string
	if len(args) > 0 && !strings.HasPrefix(args[0], "-") {
		from, args = args[0], args[1:]
	}
	if err := parse(fs, args); err != nil {
		return err
	}
	if from == "" && fs.NArg() == 1 {
		from = fs.Arg(0)
	} else if from == "" || fs.NArg() > 0 {
		return errors.New("usage: motcua restore FROM.tar.gz (--data DIR | --db postgres://…)")
	}
	err := backup.Restore(ctx, backup.RestoreConfig{From: from, Dir: *data, URL: *url, Out: stdout,
		Verify: func(ctx context.Context, db *store.DB) (string, error) {
			rep, err := verifyAudit(ctx, db, "", "")
			if err != nil {
				return "", err
			}
			if rep.Broken != nil {
				return "", fmt.Errorf("audit log broken: %w", rep.Broken)
			}
			return fmt.Sprintf("OK: %d entries, %d history rows anchored", rep.Entries, rep.Anchored), nil
		}})
	if err != nil {
		return err
	}
	fmt.Fprintln(stdout, "restore complete: every check passed")
	return nil
}

// dailyBackup is the backup serve runs with --backup-dir.
func dailyBackup(db *store.DB, blobs blob.Store, dbf *dbFlags, dir string, keep int, log *slog.Logger) *backup.Daily {
	return &backup.Daily{Config: backupConfig(db, blobs, dbf), Dir: dir, Keep: keep, Log: log}
}

// motcuaVersion is the release and commit `motcua version` prints, on one
// line, for a backup's manifest.
func motcuaVersion() string {
	bi, _ := debug.ReadBuildInfo()
	lines := strings.Split(strings.TrimSpace(versionText(release, bi, runtime.Version())), "\n")
	return strings.TrimPrefix(strings.Join(lines[:min(2, len(lines))], "; "), "motcua ")
}
