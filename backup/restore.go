package backup

import (
	"archive/tar"
	"compress/gzip"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path"
	"path/filepath"
	"sort"
	"strings"

	"github.com/motcua/motcua/blob"
	"github.com/motcua/motcua/store"
)

// RestoreConfig says what to restore where.
type RestoreConfig struct {
	From string // the archive
	// Dir is the data directory: the SQLite database goes there, and the
	// stored files and secret.key of any archive. It must be empty or
	// absent (for a PostgreSQL restore, only if the archive has files).
	Dir string
	// URL, when set, is an empty PostgreSQL database pg_restore fills.
	URL string
	// Verify checks the restored database's audit chains (motcua audit
	// verify's code) and returns its summary line.
	Verify func(context.Context, *store.DB) (string, error)
	// Out hears the checks and the manifest comparison.
	Out io.Writer
}

// ErrMismatch is a restore whose counts or migrations differ from the manifest's.
var ErrMismatch = errors.New("backup: the restored database differs from the manifest")

// Restore unpacks the archive, verifies every file's checksum, restores
// the database, checks it (SQLite's integrity_check, the audit chains)
// and compares its inventory with the manifest's, one line per table.
func Restore(ctx context.Context, cfg RestoreConfig) error {
	out := cfg.Out
	if out == nil {
		out = io.Discard
	}
	if cfg.URL == "" {
		if err := emptyDir(cfg.Dir); err != nil {
			return err
		}
	} else if err := emptyDB(ctx, cfg.URL); err != nil {
		return err
	}
	abs, err := filepath.Abs(cfg.Dir)
	if err != nil {
		return err
	}
	// Unpacked beside the target and renamed into place once every
	// checksum holds: a damaged archive leaves nothing behind.
	if err := os.MkdirAll(filepath.Dir(abs), 0o700); err != nil {
		return err
	}
	stage, err := os.MkdirTemp(filepath.Dir(abs), "."+filepath.Base(abs)+".restoring-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(stage)
	m, err := unpack(cfg.From, stage)
	if err != nil {
		return err
	}
	fmt.Fprintf(out, "archive: motcua %s, %s, started %s; %d files, checksums verified\n", m.Motcua, m.Engine, m.Started.Format("2006-01-02 15:04:05Z"), len(m.Files))
	var db *store.DB
	if cfg.URL == "" {
		if m.Engine != store.SQLite.String() {
			return fmt.Errorf("backup: this is a %s backup: restore it with --db postgres://…", m.Engine)
		}
		if err := placeData(stage, abs, true); err != nil {
			return err
		}
		if db, err = store.Open(ctx, store.Config{Dir: abs}); err != nil {
			return err
		}
		defer db.Close()
		bad, err := db.IntegrityCheck(ctx)
		if err != nil {
			return err
		}
		if len(bad) > 0 {
			fmt.Fprintf(out, "integrity_check: FAILED\n  %s\n", strings.Join(bad, "\n  "))
			return fmt.Errorf("backup: PRAGMA integrity_check found %d problem(s)", len(bad))
		}
		fmt.Fprintln(out, "integrity_check: ok")
	} else {
		if m.Engine != store.Postgres.String() {
			return fmt.Errorf("backup: this is a %s backup: restore it with --data DIR", m.Engine)
		}
		bin, err := PgTool("pg_restore")
		if err != nil {
			return err
		}
		if err := runTool(ctx, bin, "--no-owner", "--no-privileges", "--exit-on-error", "--single-transaction",
			"--dbname="+LibpqURL(cfg.URL), filepath.Join(stage, DumpName)); err != nil {
			return fmt.Errorf("backup: %w", err)
		}
		fmt.Fprintln(out, "pg_restore: ok")
		if err := os.Remove(filepath.Join(stage, DumpName)); err != nil {
			return err
		}
		if err := placeData(stage, abs, false); err != nil {
			return err
		}
		if db, err = store.Open(ctx, store.Config{URL: cfg.URL}); err != nil {
			return err
		}
		defer db.Close()
	}
	if cfg.Verify != nil {
		line, err := cfg.Verify(ctx, db)
		if err != nil {
			fmt.Fprintf(out, "audit chain: BROKEN: %v\n", err)
			return err
		}
		fmt.Fprintf(out, "audit chain: %s\n", line)
	}
	inv, err := db.Inventory(ctx)
	if err != nil {
		return err
	}
	if !Compare(out, m.Inventory, inv) {
		return ErrMismatch
	}
	return nil
}

// Compare prints the manifest's counts beside the restored ones, one line
// per table, marking each difference, and says whether all agree.
func Compare(out io.Writer, want, got store.Inventory) bool {
	ok := true
	names := map[string]bool{}
	for t := range want.Counts {
		names[t] = true
	}
	for t := range got.Counts {
		names[t] = true
	}
	tables := make([]string, 0, len(names))
	for t := range names {
		tables = append(tables, t)
	}
	sort.Strings(tables)
	fmt.Fprintf(out, "%-36s %12s %12s\n", "table", "manifest", "restored")
	for _, t := range tables {
		w, inW := want.Counts[t]
		g, inG := got.Counts[t]
		mark := ""
		if w != g || inW != inG {
			mark, ok = "  MISMATCH", false
		}
		fmt.Fprintf(out, "%-36s %12s %12s%s\n", t, count(w, inW), count(g, inG), mark)
	}
	if strings.Join(want.Migrations, ",") != strings.Join(got.Migrations, ",") {
		ok = false
		fmt.Fprintf(out, "migrations: MISMATCH: manifest %d, restored %d\n", len(want.Migrations), len(got.Migrations))
	} else {
		fmt.Fprintf(out, "migrations: %d, as in the manifest\n", len(got.Migrations))
	}
	return ok
}

func count(n int64, ok bool) string {
	if !ok {
		return "-"
	}
	return fmt.Sprint(n)
}

// emptyDir refuses a target directory that holds anything.
func emptyDir(dir string) error {
	ents, err := os.ReadDir(dir)
	if os.IsNotExist(err) {
		return nil
	}
	if err != nil {
		return err
	}
	if len(ents) > 0 {
		return fmt.Errorf("backup: %s is not empty (%d entries): restore into a new or empty directory, never over a live one", dir, len(ents))
	}
	return nil
}

// emptyDB refuses a PostgreSQL database that has any table.
func emptyDB(ctx context.Context, url string) error {
	db, err := store.Open(ctx, store.Config{URL: url})
	if err != nil {
		return err
	}
	defer db.Close()
	tables, err := db.Tables(ctx)
	if err != nil {
		return err
	}
	if len(tables) > 0 {
		return fmt.Errorf("backup: the database has %d tables already: restore into a new, empty database (createdb), never over a live one", len(tables))
	}
	return nil
}

// placeData moves the unpacked data directory into place: all of it on
// SQLite (the staging directory becomes the target), only the stored
// files and the key beside a PostgreSQL restore.
func placeData(stage, dir string, whole bool) error {
	if whole {
		if err := os.Remove(dir); err != nil && !os.IsNotExist(err) {
			return err // not empty after all: checked before
		}
		return os.Rename(stage, dir)
	}
	ents, err := os.ReadDir(stage)
	if err != nil || len(ents) == 0 {
		return err
	}
	if err := emptyDir(dir); err != nil {
		return fmt.Errorf("%w (the archive's stored files and key go there)", err)
	}
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return err
	}
	for _, e := range ents {
		if err := os.Rename(filepath.Join(stage, e.Name()), filepath.Join(dir, e.Name())); err != nil {
			return err
		}
	}
	return nil
}

// unpack extracts the archive into dir, checks every entry against the
// manifest's size and SHA-256, and returns the manifest.
func unpack(from, dir string) (Manifest, error) {
	var m Manifest
	f, err := os.Open(from)
	if err != nil {
		return m, err
	}
	defer f.Close()
	damaged := func(err error) error {
		return fmt.Errorf("backup: %s is damaged (compression checksum or structure): %w", from, err)
	}
	gz, err := gzip.NewReader(f)
	if err != nil {
		return m, damaged(err)
	}
	tr := tar.NewReader(gz)
	got := map[string]File{}
	var manifest []byte
	for {
		hdr, err := tr.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			return m, damaged(err)
		}
		if hdr.Name == ManifestName {
			if manifest, err = io.ReadAll(io.LimitReader(tr, 64<<20)); err != nil {
				return m, damaged(err)
			}
			continue
		}
		if !entryName(hdr.Name) || hdr.Typeflag != tar.TypeReg {
			return m, fmt.Errorf("backup: %s: unexpected entry %q: not a motcua backup", from, hdr.Name)
		}
		if _, dup := got[hdr.Name]; dup {
			return m, fmt.Errorf("backup: %s: entry %q twice", from, hdr.Name)
		}
		target := filepath.Join(dir, filepath.FromSlash(hdr.Name))
		if err := os.MkdirAll(filepath.Dir(target), 0o700); err != nil {
			return m, err
		}
		w, err := os.OpenFile(target, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
		if err != nil {
			return m, err
		}
		hw, sum := sha(w)
		n, err := io.Copy(hw, tr)
		if cerr := w.Close(); err == nil {
			err = cerr
		}
		if err != nil {
			return m, damaged(err)
		}
		got[hdr.Name] = File{Name: hdr.Name, Size: n, SHA256: sum()}
	}
	// Read to the end so gzip checks its CRC over every byte, the tar's
	// padding too.
	if _, err := io.Copy(io.Discard, gz); err != nil {
		return m, damaged(err)
	}
	if manifest == nil {
		return m, fmt.Errorf("backup: %s has no %s: not a complete motcua backup", from, ManifestName)
	}
	if err := json.Unmarshal(manifest, &m); err != nil {
		return m, fmt.Errorf("backup: %s: %s: %w", from, ManifestName, err)
	}
	for _, want := range m.Files {
		g, ok := got[want.Name]
		if !ok {
			return m, fmt.Errorf("backup: %s: %s is missing from the archive", from, want.Name)
		}
		if g.Size != want.Size || g.SHA256 != want.SHA256 {
			return m, fmt.Errorf("backup: %s: checksum mismatch on %s (sha256 %s, manifest says %s): the archive is damaged", from, want.Name, g.SHA256, want.SHA256)
		}
		delete(got, want.Name)
	}
	for name := range got {
		return m, fmt.Errorf("backup: %s: %s is not in the manifest", from, name)
	}
	return m, nil
}

// entryName reports whether name is one an archive may hold: never a
// path out of the target.
func entryName(name string) bool {
	switch name {
	case SQLiteName, DumpName, KeyName:
		return true
	}
	parts := strings.Split(name, "/")
	return len(parts) == 3 && parts[0] == filesDir && path.Clean(name) == name &&
		blob.ValidSum(parts[2]) && parts[1] == parts[2][:2]
}
