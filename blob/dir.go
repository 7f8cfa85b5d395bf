package blob

import (
	"context"
	"io"
	"os"
	"path/filepath"
	"time"
)

// Dir keeps blobs as files under one directory: <dir>/<ab>/<sha256>, and
// uploads in progress in <dir>/tmp (the same file system, so storing is a
// rename). A blob's time is its file's modification time.
type Dir struct {
	dir string
	now func() time.Time
}

// NewDir returns the store under dir, created on first write. now is the
// clock Put and Touch stamp files with (nil: time.Now).
func NewDir(dir string, now func() time.Time) *Dir {
	if now == nil {
		now = time.Now
	}
	return &Dir{dir: dir, now: now}
}

func (d *Dir) path(sum string) string { return filepath.Join(d.dir, sum[:2], sum) }

// TempFile creates the upload's file in <dir>/tmp.
func (d *Dir) TempFile() (*os.File, error) { return tempFile(filepath.Join(d.dir, "tmp")) }

// Put moves f (a file of TempFile, on the same file system) into place.
// Renaming over an existing blob of the same content loses nothing and
// renews its time.
func (d *Dir) Put(_ context.Context, sum string, f *os.File, _ int64) error {
	final := d.path(sum)
	if err := os.MkdirAll(filepath.Dir(final), 0o700); err != nil {
		return err
	}
	if err := f.Sync(); err != nil {
		return err
	}
	if err := os.Rename(f.Name(), final); err != nil {
		return err
	}
	now := d.now()
	return os.Chtimes(final, now, now)
}

// Open opens the blob's file.
func (d *Dir) Open(_ context.Context, sum string) (io.ReadSeekCloser, error) {
	if !ValidSum(sum) {
		return nil, ErrNotFound
	}
	f, err := os.Open(d.path(sum))
	if os.IsNotExist(err) {
		return nil, ErrNotFound
	}
	if err != nil {
		return nil, err
	}
	return f, nil
}

// Touch renews the file's modification time after checking its size.
func (d *Dir) Touch(_ context.Context, sum string, size int64) error {
	if !ValidSum(sum) {
		return ErrNotFound
	}
	st, err := os.Stat(d.path(sum))
	if err != nil || st.Size() != size {
		return ErrNotFound
	}
	now := d.now()
	return os.Chtimes(d.path(sum), now, now)
}

// Old lists the blob files modified before cutoff.
func (d *Dir) Old(_ context.Context, cutoff time.Time) ([]string, int, error) {
	dirs, err := os.ReadDir(d.dir)
	if os.IsNotExist(err) {
		return nil, 0, nil
	}
	if err != nil {
		return nil, 0, err
	}
	var out []string
	young := 0
	for _, sub := range dirs {
		if !sub.IsDir() || len(sub.Name()) != 2 {
			continue
		}
		ents, err := os.ReadDir(filepath.Join(d.dir, sub.Name()))
		if err != nil {
			return nil, 0, err
		}
		for _, e := range ents {
			sum := e.Name()
			if !e.Type().IsRegular() || !ValidSum(sum) || sum[:2] != sub.Name() {
				continue
			}
			info, err := e.Info()
			if os.IsNotExist(err) {
				continue
			}
			if err != nil {
				return nil, 0, err
			}
			if info.ModTime().Before(cutoff) {
				out = append(out, sum)
			} else {
				young++
			}
		}
	}
	return out, young, nil
}

// Remove first renames the blob aside and checks its time again: if an
// upload of the same content landed meanwhile, it is put back. The one
// remaining race is a blob missing for that instant, which a concurrent
// attach reports as missing (try again).
func (d *Dir) Remove(_ context.Context, sum string, cutoff time.Time) (int64, error) {
	tmp := filepath.Join(d.dir, "tmp")
	if err := os.MkdirAll(tmp, 0o700); err != nil {
		return 0, err
	}
	path := d.path(sum)
	aside := filepath.Join(tmp, "gc-"+sum)
	if err := os.Rename(path, aside); os.IsNotExist(err) {
		return 0, nil // another collector took it
	} else if err != nil {
		return 0, err
	}
	info, err := os.Stat(aside)
	if err != nil {
		return 0, err
	}
	if !info.ModTime().Before(cutoff) {
		// Same content as any blob of this name, so putting it back over a
		// newer copy loses nothing.
		return -1, os.Rename(aside, path)
	}
	return info.Size(), os.Remove(aside)
}

// SweepTemp deletes stale files in <dir>/tmp.
func (d *Dir) SweepTemp(cutoff time.Time) (int, error) {
	return sweepTemp(filepath.Join(d.dir, "tmp"), cutoff)
}
