// Package blob keeps the files motcua stores (attachments, results,
// papers), content-addressed by their SHA-256: the same bytes are kept
// once, whoever uploads them. It owns the tables of its database store
// (blobs, blob_chunks) and nothing else; what a blob is for, and whether
// anything still refers to it, is its caller's business (package
// dossier's StoreBlob and CollectBlobs).
//
// Two stores: Dir, files under a directory (files/<ab>/<sha256>), the
// zero-set-up default beside SQLite; and DB, the bytes in the database in
// chunks, which every instance of a PostgreSQL deployment reaches without
// a shared file system (docs/scale-out.md).
package blob

import (
	"context"
	"errors"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"time"
)

// ErrNotFound is the answer for a blob the store does not hold (or holds
// with another size than the caller recorded).
var ErrNotFound = errors.New("blob: not found")

// Store keeps blobs. An upload is written to a local temporary file
// first (TempFile), checked by the caller while it is hashed, and only
// then handed to Put: a refused file never reaches the store.
type Store interface {
	// TempFile creates a private temporary file on this instance's disk
	// for an upload in progress. The caller removes it when done (Put
	// may have moved it already: the removal then finds nothing).
	TempFile() (*os.File, error)
	// Put stores the content of f (size bytes, whose SHA-256 is sum),
	// reading it from the start. Storing content the store already holds
	// renews its time (see Old).
	Put(ctx context.Context, sum string, f *os.File, size int64) error
	// Open opens a blob for reading; it is an io.Seeker for Range
	// requests. ErrNotFound when the store does not hold it.
	Open(ctx context.Context, sum string) (io.ReadSeekCloser, error)
	// Touch renews the time of a blob about to be referenced, and says
	// ErrNotFound when the store does not hold it with this size.
	Touch(ctx context.Context, sum string, size int64) error
	// Old lists the blobs last stored or touched before cutoff, and
	// counts the younger ones.
	Old(ctx context.Context, cutoff time.Time) (old []string, young int, err error)
	// Remove deletes a blob if it is still older than cutoff and returns
	// its size; -1 when it turned young again (stored or touched since
	// Old listed it) and was kept; 0 when another collector took it.
	Remove(ctx context.Context, sum string, cutoff time.Time) (int64, error)
	// SweepTemp deletes temporary files older than cutoff (uploads cut
	// off by a crash) and says how many.
	SweepTemp(cutoff time.Time) (int, error)
}

var sumRE = regexp.MustCompile(`^[0-9a-f]{64}$`)

// ValidSum reports whether s is a SHA-256 as the stores name blobs: 64
// lower-case hex digits, so never a path.
func ValidSum(s string) bool { return sumRE.MatchString(s) }

// tempFile creates upload-* in dir (0600 by os.CreateTemp).
func tempFile(dir string) (*os.File, error) {
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, err
	}
	return os.CreateTemp(dir, "upload-*")
}

// sweepTemp deletes the temporary files (upload-*, and a Dir's gc-*)
// in dir last modified before cutoff.
func sweepTemp(dir string, cutoff time.Time) (int, error) {
	ents, err := os.ReadDir(dir)
	if os.IsNotExist(err) {
		return 0, nil
	}
	if err != nil {
		return 0, err
	}
	n := 0
	for _, e := range ents {
		name := e.Name()
		if !e.Type().IsRegular() || !(strings.HasPrefix(name, "upload-") || strings.HasPrefix(name, "gc-")) {
			continue
		}
		info, err := e.Info()
		if os.IsNotExist(err) {
			continue
		}
		if err != nil {
			return n, err
		}
		if info.ModTime().Before(cutoff) {
			if err := os.Remove(filepath.Join(dir, name)); err != nil && !os.IsNotExist(err) {
				return n, err
			}
			n++
		}
	}
	return n, nil
}
