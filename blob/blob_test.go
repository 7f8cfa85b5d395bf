package blob_test

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"io"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/motcua/motcua/blob"
	"github.com/motcua/motcua/store"
	"github.com/motcua/motcua/store/storetest"
)

// clock is a settable time for the stores' stamps.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) Now() time.Time  { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *clock) Set(t time.Time) { c.mu.Lock(); c.t = t; c.mu.Unlock() }
func newClock() *clock           { return &clock{t: time.Date(2026, 3, 2, 8, 0, 0, 0, time.UTC)} }
func sumOf(b []byte) string      { s := sha256.Sum256(b); return hex.EncodeToString(s[:]) }
func content(n int, seed byte) []byte {
	b := make([]byte, n)
	for i := range b {
		b[i] = byte(i*7) + seed
	}
	return b
}

// stores runs fn on each store: the directory, and the database store on
// both engines.
func stores(t *testing.T, fn func(t *testing.T, s blob.Store, c *clock)) {
	t.Run("dir", func(t *testing.T) {
		c := newClock()
		fn(t, blob.NewDir(filepath.Join(t.TempDir(), "files"), c.Now), c)
	})
	storetest.Engines(t, func(t *testing.T, db *store.DB) {
		c := newClock()
		fn(t, blob.NewDB(db, filepath.Join(t.TempDir(), "tmp"), c.Now), c)
	})
}

// put stores b as an upload does: a temporary file, then Put.
func put(t *testing.T, s blob.Store, b []byte) string {
	t.Helper()
	f, err := s.TempFile()
	if err != nil {
		t.Fatal(err)
	}
	defer os.Remove(f.Name())
	defer f.Close()
	if _, err := f.Write(b); err != nil {
		t.Fatal(err)
	}
	sum := sumOf(b)
	if err := s.Put(t.Context(), sum, f, int64(len(b))); err != nil {
		t.Fatalf("put: %v", err)
	}
	return sum
}

// TestRoundTrip: what is put reads back the same, whole and from any
// offset (a Range request), across chunk boundaries and a short last
// chunk; the same content put twice is held once.
func TestRoundTrip(t *testing.T) {
	stores(t, func(t *testing.T, s blob.Store, _ *clock) {
		ctx := t.Context()
		cases := []struct {
			name string
			size int
		}{
			{"one byte", 1},
			{"exactly one chunk", blob.ChunkSize},
			{"two chunks and a bit", 2*blob.ChunkSize + 123},
		}
		for _, c := range cases {
			t.Run(c.name, func(t *testing.T) {
				b := content(c.size, byte(c.size))
				sum := put(t, s, b)
				o, err := s.Open(ctx, sum)
				if err != nil {
					t.Fatal(err)
				}
				defer o.Close()
				got, err := io.ReadAll(o)
				if err != nil || !bytes.Equal(got, b) {
					t.Fatalf("read back %d bytes (err %v), want %d equal", len(got), err, len(b))
				}
				if end, err := o.Seek(0, io.SeekEnd); err != nil || end != int64(c.size) {
					t.Fatalf("seek end: %d %v", end, err)
				}
				from := int64(c.size) / 2
				if _, err := o.Seek(from, io.SeekStart); err != nil {
					t.Fatal(err)
				}
				part, err := io.ReadAll(io.LimitReader(o, blob.ChunkSize))
				want := b[from:min(int64(len(b)), from+blob.ChunkSize)]
				if err != nil || !bytes.Equal(part, want) {
					t.Fatalf("range from %d: %d bytes (err %v), want %d equal", from, len(part), err, len(want))
				}
			})
		}
		b := content(1000, 9)
		put(t, s, b)
		put(t, s, b)
		old, young, err := s.Old(ctx, time.Date(2100, 1, 1, 0, 0, 0, 0, time.UTC))
		if err != nil || len(old) != len(cases)+1 || young != 0 {
			t.Fatalf("after putting %d contents, one twice: %d old, %d young, %v", len(cases)+1, len(old), young, err)
		}
		if _, err := s.Open(ctx, sumOf([]byte("never stored"))); !errors.Is(err, blob.ErrNotFound) {
			t.Fatalf("open of a blob never stored: %v", err)
		}
		if _, err := s.Open(ctx, "../../etc/passwd"); !errors.Is(err, blob.ErrNotFound) {
			t.Fatalf("open of a path: %v", err)
		}
	})
}

// TestAgeing: the collector's view. A blob is old once its last Put or
// Touch is before the cutoff; Remove deletes only an old one, keeps one
// touched after the listing (-1), and finds nothing the second time.
func TestAgeing(t *testing.T) {
	stores(t, func(t *testing.T, s blob.Store, c *clock) {
		ctx := t.Context()
		t0 := c.Now()
		a := content(3000, 1)
		sa := put(t, s, a)
		sb := put(t, s, content(10, 2))
		c.Set(t0.Add(2 * time.Hour))
		cutoff := t0.Add(time.Hour)
		if err := s.Touch(ctx, sb, 11); !errors.Is(err, blob.ErrNotFound) {
			t.Fatalf("touch with the wrong size: %v", err)
		}
		if err := s.Touch(ctx, sumOf([]byte("absent")), 6); !errors.Is(err, blob.ErrNotFound) {
			t.Fatalf("touch of an absent blob: %v", err)
		}
		old, young, err := s.Old(ctx, cutoff)
		if err != nil || len(old) != 2 || young != 0 {
			t.Fatalf("old %v young %d err %v, want both old", old, young, err)
		}
		// b is attached (touched) after the listing: kept.
		if err := s.Touch(ctx, sb, 10); err != nil {
			t.Fatal(err)
		}
		if n, err := s.Remove(ctx, sb, cutoff); n != -1 || err != nil {
			t.Fatalf("remove of a blob touched since the listing: %d %v, want -1", n, err)
		}
		if n, err := s.Remove(ctx, sa, cutoff); n != int64(len(a)) || err != nil {
			t.Fatalf("remove of an old blob: %d %v, want %d", n, err, len(a))
		}
		if n, err := s.Remove(ctx, sa, cutoff); n != 0 || err != nil {
			t.Fatalf("second remove: %d %v, want 0", n, err)
		}
		if _, err := s.Open(ctx, sa); !errors.Is(err, blob.ErrNotFound) {
			t.Fatalf("open after remove: %v", err)
		}
		if o, err := s.Open(ctx, sb); err != nil {
			t.Fatalf("the kept blob: %v", err)
		} else {
			o.Close()
		}
		old, young, err = s.Old(ctx, cutoff)
		if err != nil || len(old) != 0 || young != 1 {
			t.Fatalf("after: old %v young %d err %v, want 0 old, 1 young", old, young, err)
		}
		// Stored again after its removal: back, and young.
		put(t, s, a)
		if _, err := s.Open(ctx, sa); err != nil {
			t.Fatalf("stored again: %v", err)
		}
	})
}

// TestConcurrentPut: instances storing the same new content at once all
// succeed, and it is held once with its bytes whole.
func TestConcurrentPut(t *testing.T) {
	stores(t, func(t *testing.T, s blob.Store, _ *clock) {
		b := content(blob.ChunkSize+5, 3)
		var wg sync.WaitGroup
		for range 6 {
			wg.Go(func() { put(t, s, b) })
		}
		wg.Wait()
		o, err := s.Open(t.Context(), sumOf(b))
		if err != nil {
			t.Fatal(err)
		}
		defer o.Close()
		got, _ := io.ReadAll(o)
		if !bytes.Equal(got, b) {
			t.Fatalf("read %d bytes, want %d equal", len(got), len(b))
		}
	})
}

// TestSweepTemp: uploads cut off by a crash leave temporary files; those
// older than the cutoff go, a fresh one (an upload in progress) stays.
func TestSweepTemp(t *testing.T) {
	stores(t, func(t *testing.T, s blob.Store, _ *clock) {
		stale, err := s.TempFile()
		if err != nil {
			t.Fatal(err)
		}
		stale.Close()
		old := time.Now().Add(-2 * time.Hour)
		os.Chtimes(stale.Name(), old, old)
		fresh, err := s.TempFile()
		if err != nil {
			t.Fatal(err)
		}
		fresh.Close()
		n, err := s.SweepTemp(time.Now().Add(-time.Hour))
		if err != nil || n != 1 {
			t.Fatalf("swept %d (%v), want 1", n, err)
		}
		if _, err := os.Stat(fresh.Name()); err != nil {
			t.Fatalf("the fresh upload's file: %v", err)
		}
	})
}

// TestImport: a deployment moving to the database store keeps the files
// its directory held; importing again copies nothing.
func TestImport(t *testing.T) {
	storetest.Engines(t, func(t *testing.T, db *store.DB) {
		ctx := t.Context()
		dir := blob.NewDir(filepath.Join(t.TempDir(), "files"), nil)
		to := blob.NewDB(db, t.TempDir(), nil)
		a, b := content(2*blob.ChunkSize+1, 4), content(77, 5)
		put(t, dir, a)
		put(t, dir, b)
		put(t, to, b)
		n, err := blob.Import(ctx, dir, to)
		if err != nil || n != 1 {
			t.Fatalf("imported %d (%v), want 1 (the other was held)", n, err)
		}
		o, err := to.Open(ctx, sumOf(a))
		if err != nil {
			t.Fatal(err)
		}
		got, _ := io.ReadAll(o)
		o.Close()
		if !bytes.Equal(got, a) {
			t.Fatalf("imported blob reads %d bytes, want %d equal", len(got), len(a))
		}
		if n, err := blob.Import(ctx, dir, to); err != nil || n != 0 {
			t.Fatalf("second import: %d %v, want 0", n, err)
		}
	})
}
