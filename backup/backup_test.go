package backup_test

import (
	"archive/tar"
	"bytes"
	"compress/gzip"
	"crypto/sha256"
	"encoding/hex"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/motcua/motcua/backup"
	"github.com/motcua/motcua/blob"
	"github.com/motcua/motcua/schema"
	"github.com/motcua/motcua/store"
)

// world is a migrated SQLite data directory with two stored files and a key.
type world struct {
	data  string
	db    *store.DB
	blobs *blob.Dir
	sums  map[string][]byte
}

func newWorld(t *testing.T) *world {
	t.Helper()
	w := &world{data: filepath.Join(t.TempDir(), "data"), sums: map[string][]byte{}}
	db, err := store.Open(t.Context(), store.Config{Dir: w.data})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	if _, err := schema.Migrate(t.Context(), db); err != nil {
		t.Fatal(err)
	}
	w.db = db
	w.blobs = blob.NewDir(filepath.Join(w.data, "files"), nil)
	for _, b := range [][]byte{[]byte("giấy khai sinh"), bytes.Repeat([]byte("bản chụp "), 5000)} {
		f, err := w.blobs.TempFile()
		if err != nil {
			t.Fatal(err)
		}
		f.Write(b)
		s := sha256.Sum256(b)
		sum := hex.EncodeToString(s[:])
		if err := w.blobs.Put(t.Context(), sum, f, int64(len(b))); err != nil {
			t.Fatal(err)
		}
		f.Close()
		w.sums[sum] = b
	}
	if err := os.WriteFile(filepath.Join(w.data, backup.KeyName), []byte("khoá bí mật"), 0o600); err != nil {
		t.Fatal(err)
	}
	return w
}

func (w *world) take(t *testing.T, to string) string {
	t.Helper()
	path, _, err := backup.Take(t.Context(), backup.Config{DB: w.db, Blobs: w.blobs, DataDir: w.data, Version: "test"}, to)
	if err != nil {
		t.Fatal(err)
	}
	return path
}

// TestRoundTripSQLite: a backup into a directory is named by its UTC
// start; restored into a new directory it gives back the database, the
// stored files and the key, and the counts agree; a second restore into
// the now non-empty directory is refused and changes nothing.
func TestRoundTripSQLite(t *testing.T) {
	w := newWorld(t)
	out := t.TempDir()
	path := w.take(t, out)
	if !regexp.MustCompile(`^motcua-\d{8}-\d{6}\.tar\.gz$`).MatchString(filepath.Base(path)) || filepath.Dir(path) != out {
		t.Fatalf("archive path %s", path)
	}
	if ents, _ := os.ReadDir(out); len(ents) != 1 {
		t.Fatalf("the backup directory holds %d entries, want only the archive", len(ents))
	}
	target := filepath.Join(t.TempDir(), "restored")
	var report strings.Builder
	if err := backup.Restore(t.Context(), backup.RestoreConfig{From: path, Dir: target, Out: &report}); err != nil {
		t.Fatalf("restore: %v\n%s", err, report.String())
	}
	for _, want := range []string{"integrity_check: ok", "schema_versions", "migrations: "} {
		if !strings.Contains(report.String(), want) {
			t.Errorf("report lacks %q:\n%s", want, report.String())
		}
	}
	if strings.Contains(report.String(), "MISMATCH") {
		t.Errorf("mismatch reported:\n%s", report.String())
	}
	for sum, b := range w.sums {
		got, err := os.ReadFile(filepath.Join(target, "files", sum[:2], sum))
		if err != nil || !bytes.Equal(got, b) {
			t.Errorf("stored file %s: %v", sum, err)
		}
	}
	if key, err := os.ReadFile(filepath.Join(target, backup.KeyName)); err != nil || string(key) != "khoá bí mật" {
		t.Errorf("secret.key: %q %v", key, err)
	}
	before, _ := os.ReadDir(target)
	err := backup.Restore(t.Context(), backup.RestoreConfig{From: path, Dir: target})
	if err == nil || !strings.Contains(err.Error(), "not empty") {
		t.Fatalf("restore into a non-empty directory: %v", err)
	}
	if after, _ := os.ReadDir(target); len(after) != len(before) {
		t.Errorf("the refused restore changed the target: %d entries, then %d", len(before), len(after))
	}
}

// TestDamagedArchiveRefused: a byte flipped anywhere in the file, or in
// one entry's content under an intact manifest, is refused with a
// checksum error and leaves no target behind.
func TestDamagedArchiveRefused(t *testing.T) {
	w := newWorld(t)
	path := w.take(t, filepath.Join(t.TempDir(), "b.tar.gz"))
	raw, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	flipped := bytes.Clone(raw)
	flipped[len(flipped)/2] ^= 0x01
	// The same entries, one byte of the database changed, gzip and tar whole.
	tampered := retar(t, raw, func(name string, b []byte) []byte {
		if name == backup.SQLiteName {
			b[len(b)/2] ^= 0x01
		}
		return b
	})
	for _, c := range []struct {
		name string
		data []byte
		want string
	}{
		{"flipped byte", flipped, "damaged"},
		{"entry changed", tampered, "checksum mismatch on motcua.db"},
	} {
		t.Run(c.name, func(t *testing.T) {
			from := filepath.Join(t.TempDir(), "x.tar.gz")
			if err := os.WriteFile(from, c.data, 0o600); err != nil {
				t.Fatal(err)
			}
			target := filepath.Join(t.TempDir(), "restored")
			err := backup.Restore(t.Context(), backup.RestoreConfig{From: from, Dir: target})
			if err == nil || !strings.Contains(err.Error(), c.want) {
				t.Fatalf("restore of a damaged archive: %v, want %q", err, c.want)
			}
			if _, err := os.Stat(target); !os.IsNotExist(err) {
				t.Errorf("a refused restore left %s behind (%v)", target, err)
			}
			if ents, _ := os.ReadDir(filepath.Dir(target)); len(ents) != 0 {
				t.Errorf("a refused restore left %d entries beside the target", len(ents))
			}
		})
	}
}

// retar rewrites a tar.gz with edit applied to each entry's content.
func retar(t *testing.T, raw []byte, edit func(name string, b []byte) []byte) []byte {
	t.Helper()
	gz, err := gzip.NewReader(bytes.NewReader(raw))
	if err != nil {
		t.Fatal(err)
	}
	tr := tar.NewReader(gz)
	var buf bytes.Buffer
	zw := gzip.NewWriter(&buf)
	tw := tar.NewWriter(zw)
	for {
		hdr, err := tr.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(tr)
		b = edit(hdr.Name, b)
		hdr.Size = int64(len(b))
		tw.WriteHeader(hdr)
		tw.Write(b)
	}
	tw.Close()
	zw.Close()
	return buf.Bytes()
}

// TestDaily: the first run takes a backup, the next finds it fresh and
// takes none, and one due again prunes the oldest beyond Keep.
func TestDaily(t *testing.T) {
	w := newWorld(t)
	dir := t.TempDir()
	// Two old archives, named as backups two and three days ago were.
	now := time.Now().UTC()
	for _, d := range []int{2, 3} {
		if err := os.WriteFile(filepath.Join(dir, backup.Name(now.AddDate(0, 0, -d))), []byte("old"), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	d := &backup.Daily{Config: backup.Config{DB: w.db, Blobs: w.blobs, DataDir: w.data}, Dir: dir, Keep: 2,
		Log: slog.New(slog.DiscardHandler)}
	path, err := d.Once(t.Context())
	if err != nil || path == "" {
		t.Fatalf("first run: %q %v", path, err)
	}
	list, err := backup.List(dir)
	if err != nil || len(list) != 2 || list[1].Path != path || list[0].Started.Format("20060102") != now.AddDate(0, 0, -2).Format("20060102") {
		t.Fatalf("after the first run: %+v %v", list, err)
	}
	again, err := d.Once(t.Context())
	if err != nil || again != "" {
		t.Fatalf("second run the same day took %q (%v)", again, err)
	}
	if list, _ := backup.List(dir); len(list) != 2 {
		t.Fatalf("after the second run: %+v", list)
	}
}

// TestPgDumpMissing: without pg_dump on PATH a PostgreSQL backup fails
// saying what to install.
func TestPgDumpMissing(t *testing.T) {
	t.Setenv("PATH", t.TempDir())
	_, err := backup.PgTool("pg_dump")
	if err == nil || !strings.Contains(err.Error(), "pg_dump not found on PATH") || !strings.Contains(err.Error(), "postgresql-client") {
		t.Fatalf("%v", err)
	}
}

// TestEmptyDatabaseRefused: a mistyped --data opens a new, empty
// database; backing it up is refused rather than kept as a backup.
func TestEmptyDatabaseRefused(t *testing.T) {
	db, err := store.Open(t.Context(), store.Config{Dir: t.TempDir()})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	out := t.TempDir()
	_, _, err = backup.Take(t.Context(), backup.Config{DB: db}, out)
	if err == nil || !strings.Contains(err.Error(), "no motcua tables") {
		t.Fatalf("backup of an empty database: %v", err)
	}
	if ents, _ := os.ReadDir(out); len(ents) != 0 {
		t.Errorf("the refused backup left %d entries", len(ents))
	}
}

// TestTakeTarget: where --to puts the archive. A directory, existing or
// not yet made (the README's --to /var/backups/motcua on a new machine),
// gets the archive under its dated name, where serve --backup-dir and
// doctor look; a path named as an archive is the archive itself; an
// existing file is not overwritten.
func TestTakeTarget(t *testing.T) {
	w := newWorld(t)
	dated := regexp.MustCompile(`^motcua-\d{8}-\d{6}\.tar\.gz$`)
	existingFile := filepath.Join(t.TempDir(), "taken.tar.gz")
	os.WriteFile(existingFile, []byte("x"), 0o600)
	for _, c := range []struct {
		name, to string
		inDir    bool // the archive is a dated name inside to
		fails    bool
	}{
		{"existing directory", t.TempDir(), true, false},
		{"missing directory", filepath.Join(t.TempDir(), "backups", "motcua"), true, false},
		{"archive path", filepath.Join(t.TempDir(), "before-upgrade.tar.gz"), false, false},
		{"tgz path", filepath.Join(t.TempDir(), "before-upgrade.tgz"), false, false},
		{"existing file", existingFile, false, true},
	} {
		t.Run(c.name, func(t *testing.T) {
			path, _, err := backup.Take(t.Context(), backup.Config{DB: w.db, Blobs: w.blobs, DataDir: w.data}, c.to)
			if c.fails {
				if err == nil || !strings.Contains(err.Error(), "exists already") {
					t.Fatalf("backup over %s: %v", c.to, err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if c.inDir && (filepath.Dir(path) != c.to || !dated.MatchString(filepath.Base(path))) || !c.inDir && path != c.to {
				t.Fatalf("archive at %s for --to %s", path, c.to)
			}
			if list, err := backup.List(filepath.Dir(path)); c.inDir && (err != nil || len(list) != 1) {
				t.Errorf("backups listed in %s: %v %v", c.to, list, err)
			}
		})
	}
	// A refused backup into a directory it would have made leaves none.
	empty, err := store.Open(t.Context(), store.Config{Dir: t.TempDir()})
	if err != nil {
		t.Fatal(err)
	}
	defer empty.Close()
	missing := filepath.Join(t.TempDir(), "backups")
	if _, _, err := backup.Take(t.Context(), backup.Config{DB: empty}, missing); err == nil {
		t.Fatal("backup of an empty database taken")
	}
	if _, err := os.Stat(missing); !os.IsNotExist(err) {
		t.Errorf("the refused backup left %s: %v", missing, err)
	}
}
