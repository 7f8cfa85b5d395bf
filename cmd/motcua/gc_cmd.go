package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"path/filepath"
	"time"

	"github.com/motcua/motcua/blob"
	"github.com/motcua/motcua/dossier"
	"github.com/motcua/motcua/schema"
)

// gcGrace is how old an unreferenced blob must be before it is deleted:
// an upload stores its blob a moment before the row or draft that refers
// to it, and this leaves that moment a wide margin.
const gcGrace = time.Hour

// runGC implements "motcua gc": delete stored files nothing refers to
// (deleted drafts' files among them). It is safe while serve runs.
func runGC(ctx context.Context, args []string, stdout io.Writer) error {
	fs := flag.NewFlagSet("gc", flag.ContinueOnError)
	var dbf dbFlags
	dbf.register(fs)
	grace := fs.Duration("grace", gcGrace, "keep unreferenced files younger than this (uploads in flight)")
	if err := parse(fs, args); err != nil {
		return err
	}
	if *grace < time.Minute {
		return fmt.Errorf("gc: --grace %v is too short to be safe beside running uploads", *grace)
	}
	db, err := dbf.open(ctx)
	if err != nil {
		return err
	}
	defer db.Close()
	if _, err := schema.Migrate(ctx, db); err != nil {
		return err
	}
	rep, err := dossier.CollectBlobs(ctx, db, dbf.blobs, time.Now().Add(-*grace))
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "removed %d file(s) (%d bytes) and %d temporary file(s); kept %d\n",
		rep.Removed, rep.RemovedBytes, rep.Temp, rep.Kept)
	return nil
}

// collectDaily runs the blob collection now and then every day until ctx
// ends (motcua serve). File ages are judged by the real clock, which is
// what the file system stamps them with.
func collectDaily(ctx context.Context, ds *dossier.Service, log *slog.Logger) {
	collectEvery(ctx, 24*time.Hour, ds.CollectBlobs, log)
}

// collectEvery runs collect at once and then every interval until ctx ends,
// logging what each run did; a failed run is logged and retried next time.
func collectEvery(ctx context.Context, every time.Duration, collect func(context.Context, time.Time) (dossier.BlobReport, error), log *slog.Logger) {
	for {
		rep, err := collect(ctx, time.Now().Add(-gcGrace))
		if err != nil && ctx.Err() == nil {
			log.Error("collect unreferenced files", "err", err)
		} else if err == nil {
			log.Info("collected unreferenced files", "removed", rep.Removed, "bytes", rep.RemovedBytes, "temp", rep.Temp, "kept", rep.Kept)
		}
		select {
		case <-ctx.Done():
			return
		case <-time.After(every):
		}
	}
}

// importFiles copies into the database store (--blobs=db, the default
// with --db) the files an earlier version, or --blobs=dir, kept in
// DATA/files, so that every instance reads them; those already in the
// database are skipped (blob.Import).
func importFiles(ctx context.Context, dbf *dbFlags, log *slog.Logger) error {
	to, ok := dbf.blobs.(*blob.DB)
	if !ok {
		return nil
	}
	n, err := blob.Import(ctx, blob.NewDir(filepath.Join(dbf.data, "files"), nil), to)
	if n > 0 {
		log.Info("copied stored files from the data directory into the database", "files", n)
	}
	if err != nil {
		return fmt.Errorf("import DATA/files into the database: %w", err)
	}
	return nil
}
