package blob

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io"
	"os"
	"time"

	"github.com/motcua/motcua/store"
)

// ChunkSize is how many bytes one blob_chunks row holds: what one read
// or write of the database store keeps in memory, whatever the file's
// size (a 20 MB scan is 80 rows).
const ChunkSize = 256 << 10

// DB keeps blobs in the database (tables blobs and blob_chunks), so that
// every instance on one PostgreSQL database reads what any of them
// stored. Uploads in progress still go to a local temporary directory:
// they are checked (type, virus scan) before anything is written here.
// It works on SQLite too, where the tests run it; SQLite deployments use
// Dir.
type DB struct {
	db     *store.DB
	tmpDir string
	now    func() time.Time
}

// NewDB returns the database store; tmpDir is this instance's directory
// for uploads in progress, now the clock of stored_at (nil: time.Now).
func NewDB(db *store.DB, tmpDir string, now func() time.Time) *DB {
	if now == nil {
		now = time.Now
	}
	return &DB{db: db, tmpDir: tmpDir, now: now}
}

// TempFile creates the upload's file in the local temporary directory.
func (s *DB) TempFile() (*os.File, error) { return tempFile(s.tmpDir) }

// SweepTemp deletes stale files of the local temporary directory.
func (s *DB) SweepTemp(cutoff time.Time) (int, error) { return sweepTemp(s.tmpDir, cutoff) }

// Put writes f's content in chunks, in one transaction: a blob row exists
// only with all its chunks. Content already held only has its time
// renewed. Two instances storing the same new content at once: the
// second's insert waits for the first's commit, fails on the key, and
// its retry finds the row.
func (s *DB) Put(ctx context.Context, sum string, f *os.File, size int64) error {
	if !ValidSum(sum) {
		return fmt.Errorf("blob: put: invalid sum %q", sum)
	}
	err := s.put(ctx, sum, f, size)
	if store.IsUniqueViolation(err) {
		err = s.put(ctx, sum, f, size)
	}
	return err
}

func (s *DB) put(ctx context.Context, sum string, f *os.File, size int64) error {
	now := s.now().UnixMilli()
	return s.db.InTx(ctx, func(tx *store.Tx) error {
		res, err := tx.ExecContext(ctx, `UPDATE blobs SET stored_at = ? WHERE sha256 = ?`, now, sum)
		if err != nil {
			return err
		}
		if n, err := res.RowsAffected(); err != nil || n > 0 {
			return err
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO blobs (sha256, size, chunk_size, stored_at) VALUES (?, ?, ?, ?)`,
			sum, size, ChunkSize, now); err != nil {
			return err
		}
		buf := make([]byte, ChunkSize)
		var total int64
		for n := int64(0); ; n++ {
			m, err := io.ReadFull(io.NewSectionReader(f, n*ChunkSize, ChunkSize), buf)
			if m > 0 {
				if _, err := tx.ExecContext(ctx, `INSERT INTO blob_chunks (sha256, n, data) VALUES (?, ?, ?)`, sum, n, buf[:m]); err != nil {
					return err
				}
				total += int64(m)
			}
			if errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) {
				break
			}
			if err != nil {
				return fmt.Errorf("blob: read upload: %w", err)
			}
		}
		if total != size {
			return fmt.Errorf("blob: put %s: read %d bytes, expected %d", sum, total, size)
		}
		return nil
	})
}

// Open returns a reader that fetches one chunk at a time, as it is read.
func (s *DB) Open(ctx context.Context, sum string) (io.ReadSeekCloser, error) {
	if !ValidSum(sum) {
		return nil, ErrNotFound
	}
	o := &object{ctx: ctx, db: s.db, sum: sum, cur: -1}
	err := s.db.QueryRowContext(ctx, `SELECT size, chunk_size FROM blobs WHERE sha256 = ?`, sum).Scan(&o.size, &o.chunk)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, ErrNotFound
	}
	if err != nil {
		return nil, err
	}
	return o, nil
}

// Touch renews stored_at of a blob held with this size.
func (s *DB) Touch(ctx context.Context, sum string, size int64) error {
	res, err := s.db.ExecContext(ctx, `UPDATE blobs SET stored_at = ? WHERE sha256 = ? AND size = ?`, s.now().UnixMilli(), sum, size)
	if err != nil {
		return err
	}
	if n, err := res.RowsAffected(); err != nil || n == 0 {
		return errors.Join(ErrNotFound, err)
	}
	return nil
}

// Old lists the blobs stored or touched before cutoff.
func (s *DB) Old(ctx context.Context, cutoff time.Time) ([]string, int, error) {
	old, err := store.Strings(ctx, s.db, `SELECT sha256 FROM blobs WHERE stored_at < ? ORDER BY sha256`, cutoff.UnixMilli())
	if err != nil {
		return nil, 0, err
	}
	var young int
	err = s.db.QueryRowContext(ctx, `SELECT COUNT(*) FROM blobs WHERE stored_at >= ?`, cutoff.UnixMilli()).Scan(&young)
	return old, young, err
}

// Remove deletes the blob and its chunks in one transaction if it is
// still old. A Put of the same content at that moment either renewed the
// row first (the delete's condition then fails) or waits on the deleted
// row and stores the content anew.
func (s *DB) Remove(ctx context.Context, sum string, cutoff time.Time) (int64, error) {
	var size int64 = -1
	err := s.db.InTx(ctx, func(tx *store.Tx) error {
		err := tx.QueryRowContext(ctx, `DELETE FROM blobs WHERE sha256 = ? AND stored_at < ? RETURNING size`, sum, cutoff.UnixMilli()).Scan(&size)
		if errors.Is(err, sql.ErrNoRows) {
			var one int
			err = tx.QueryRowContext(ctx, `SELECT 1 FROM blobs WHERE sha256 = ?`, sum).Scan(&one)
			if errors.Is(err, sql.ErrNoRows) {
				size = 0 // another collector took it
				return nil
			}
			size = -1
			return err
		}
		if err != nil {
			return err
		}
		_, err = tx.ExecContext(ctx, `DELETE FROM blob_chunks WHERE sha256 = ?`, sum)
		return err
	})
	if err != nil {
		return 0, err
	}
	return size, nil
}

// object reads a DB blob chunk by chunk: at most one chunk in memory.
type object struct {
	ctx         context.Context
	db          *store.DB
	sum         string
	size, chunk int64
	off         int64
	cur         int64 // index of the chunk in buf; -1: none
	buf         []byte
}

func (o *object) Read(p []byte) (int, error) {
	if o.off >= o.size {
		return 0, io.EOF
	}
	n := o.off / o.chunk
	if n != o.cur {
		var data []byte
		err := o.db.QueryRowContext(o.ctx, `SELECT data FROM blob_chunks WHERE sha256 = ? AND n = ?`, o.sum, n).Scan(&data)
		if errors.Is(err, sql.ErrNoRows) {
			return 0, fmt.Errorf("blob: %s: chunk %d missing", o.sum, n)
		}
		if err != nil {
			return 0, err
		}
		o.buf, o.cur = data, n
	}
	start := o.off - n*o.chunk
	if start >= int64(len(o.buf)) {
		return 0, fmt.Errorf("blob: %s: chunk %d short", o.sum, n)
	}
	m := copy(p, o.buf[start:])
	o.off += int64(m)
	return m, nil
}

func (o *object) Seek(offset int64, whence int) (int64, error) {
	switch whence {
	case io.SeekStart:
	case io.SeekCurrent:
		offset += o.off
	case io.SeekEnd:
		offset += o.size
	default:
		return 0, errors.New("blob: seek: invalid whence")
	}
	if offset < 0 {
		return 0, errors.New("blob: seek: negative position")
	}
	o.off = offset
	return offset, nil
}

func (o *object) Close() error { o.buf = nil; return nil }
