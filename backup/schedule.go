package backup

import (
	"context"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"sort"
	"time"
)

// Archive is one backup in a directory, by the start time in its name.
type Archive struct {
	Path    string
	Started time.Time
}

// List returns the backups in dir (files named as Name makes them),
// oldest first.
func List(dir string) ([]Archive, error) {
	ents, err := os.ReadDir(dir)
	if os.IsNotExist(err) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	var out []Archive
	for _, e := range ents {
		if t, ok := parseName(e.Name()); ok && e.Type().IsRegular() {
			out = append(out, Archive{Path: filepath.Join(dir, e.Name()), Started: t})
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Started.Before(out[j].Started) })
	return out, nil
}

// Prune deletes the oldest backups in dir beyond the newest keep, and
// returns what it deleted.
func Prune(dir string, keep int) ([]string, error) {
	list, err := List(dir)
	if err != nil {
		return nil, err
	}
	var gone []string
	for len(list) > keep {
		if err := os.Remove(list[0].Path); err != nil && !os.IsNotExist(err) {
			return gone, err
		}
		gone = append(gone, list[0].Path)
		list = list[1:]
	}
	return gone, nil
}

// Daily is motcua serve's backup: one a day into Dir, the newest Keep
// kept.
type Daily struct {
	Config
	Dir  string
	Keep int
	Log  *slog.Logger
}

// lockKey names the advisory lock the instances take turns under (the
// migrations' is 7468111).
const lockKey = 7468112

// Every is how often a backup is taken.
const Every = 24 * time.Hour

// Once takes a backup if the newest in Dir is older than Every (or there
// is none), then prunes; of several instances sharing the database and
// Dir, the one holding the lock does it and the others find it done.
// It returns the archive's path, "" when none was due.
func (d *Daily) Once(ctx context.Context) (string, error) {
	var path string
	_, err := d.DB.TryLock(ctx, lockKey, func(ctx context.Context) error {
		// Judged under the lock: another instance may have just taken one.
		if next, err := d.due(); err != nil || next > 0 {
			return err
		}
		if err := os.MkdirAll(d.Dir, 0o700); err != nil {
			return err
		}
		p, m, err := Take(ctx, d.Config, d.Dir)
		if err != nil {
			return err
		}
		path = p
		d.Log.Info("backup taken", "path", p, "files", len(m.Files), "tables", len(m.Counts))
		gone, err := Prune(d.Dir, d.Keep)
		for _, g := range gone {
			d.Log.Info("old backup deleted", "path", g)
		}
		return err
	})
	return path, err
}

// due says how long until the next backup is due (≤ 0: now).
func (d *Daily) due() (time.Duration, error) {
	list, err := List(d.Dir)
	if err != nil || len(list) == 0 {
		return 0, err
	}
	return time.Until(list[len(list)-1].Started.Add(Every)), nil
}

// Run takes the daily backup until ctx ends: at once when the newest is
// older than a day, then a day after the newest; a failed one is retried
// an hour later.
func (d *Daily) Run(ctx context.Context) {
	if d.Keep < 1 {
		d.Keep = 1
	}
	for {
		wait := time.Hour
		if _, err := d.Once(ctx); err != nil {
			if ctx.Err() != nil {
				return
			}
			d.Log.Error("backup failed", "dir", d.Dir, "err", err)
		} else if next, err := d.due(); err == nil && next > 0 {
			wait = next
		}
		select {
		case <-ctx.Done():
			return
		case <-time.After(max(wait, time.Minute)):
		}
	}
}

// Check validates serve's flags.
func (d *Daily) Check() error {
	if d.Keep < 1 {
		return fmt.Errorf("--backup-keep must be at least 1 (got %d)", d.Keep)
	}
	return nil
}
