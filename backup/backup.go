// Package backup takes online, consistent backups of a motcua
// installation and restores them (motcua backup, motcua restore, and the
// daily backup of motcua serve). It owns no table: it reads through
// store (a snapshot, the inventory of tables and migrations) and blob
// (the stored files).
//
// A backup is one tar.gz archive: the database (motcua.db, a VACUUM INTO
// copy, on SQLite; postgres.dump, pg_dump -Fc of an exported snapshot,
// on PostgreSQL), DATA/secret.key when there is one (TOTP secrets are
// sealed with it), the stored files when they are kept in a directory
// (files/<ab>/<sha256>; with the database store they are in the dump),
// and manifest.json last: the version, the migrations applied, each
// table's rows as of the snapshot and each file's SHA-256.
package backup

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"time"

	"github.com/motcua/motcua/blob"
	"github.com/motcua/motcua/store"
)

// Names of the archive's entries besides the stored files.
const (
	ManifestName = "manifest.json"
	SQLiteName   = "motcua.db"
	DumpName     = "postgres.dump"
	KeyName      = "secret.key"
	filesDir     = "files"
)

// Manifest describes an archive; it is its last entry.
type Manifest struct {
	Format  int       `json:"format"`
	Motcua  string    `json:"motcua"`
	Engine  string    `json:"engine"`
	Blobs   string    `json:"blobs"` // "dir": in the archive under files/; "db": in the database
	Started time.Time `json:"started"`
	store.Inventory
	Files []File `json:"files"`
}

// File is one entry of the archive and its checksum.
type File struct {
	Name   string `json:"name"`
	Size   int64  `json:"size"`
	SHA256 string `json:"sha256"`
}

// Config is what a backup reads.
type Config struct {
	DB    *store.DB
	Blobs blob.Store // a *blob.Dir's files go into the archive; a *blob.DB's are in the database
	// URL is the PostgreSQL URL pg_dump connects to (with --db).
	URL string
	// DataDir holds secret.key, copied when present.
	DataDir string
	Version string
	Now     func() time.Time
}

// Take writes a backup to `to`: a directory gets motcua-YYYYMMDD-HHMMSS.tar.gz
// (the UTC start time; Newest and motcua doctor read that name), a path
// ending in .tar.gz or .tgz is the archive's path, and any other path
// that does not exist is a directory, made then. The archive appears
// under its name only once complete. It returns the archive's path and
// its manifest.
func Take(ctx context.Context, cfg Config, to string) (string, Manifest, error) {
	now := time.Now
	if cfg.Now != nil {
		now = cfg.Now
	}
	m := Manifest{Format: 1, Motcua: cfg.Version, Engine: cfg.DB.Dialect.String(), Blobs: "db", Started: now().UTC().Truncate(time.Second)}
	// `motcua backup --to /var/backups/motcua` on a machine where that
	// directory is not there yet must not write a file named "motcua":
	// serve --backup-dir and doctor want a directory there.
	if _, err := os.Stat(to); errors.Is(err, fs.ErrNotExist) && !archiveName(to) {
		if err := os.MkdirAll(to, 0o700); err != nil {
			return "", m, fmt.Errorf("backup: %w", err)
		}
		path, m, err := take(ctx, cfg, filepath.Join(to, Name(m.Started)), m)
		if err != nil {
			os.Remove(to) // only when still empty: a refused backup leaves nothing
		}
		return path, m, err
	}
	if st, err := os.Stat(to); err == nil && st.IsDir() {
		to = filepath.Join(to, Name(m.Started))
	}
	return take(ctx, cfg, to, m)
}

// archiveName: the path names an archive file, not a directory.
func archiveName(p string) bool {
	return strings.HasSuffix(p, ".tar.gz") || strings.HasSuffix(p, ".tgz")
}

// take writes the archive to the file path to.
func take(ctx context.Context, cfg Config, to string, m Manifest) (string, Manifest, error) {
	if _, err := os.Stat(to); err == nil {
		return "", m, fmt.Errorf("backup: %s exists already", to)
	}
	work, err := os.MkdirTemp(filepath.Dir(to), ".motcua-backup-")
	if err != nil {
		return "", m, fmt.Errorf("backup: %w", err)
	}
	defer os.RemoveAll(work)
	dbFile, err := snapshot(ctx, cfg, work, &m)
	if err != nil {
		return "", m, err
	}
	if len(m.Migrations) == 0 {
		// A mistyped --data opens a new, empty database: say so rather
		// than keep a backup of nothing.
		return "", m, errors.New("backup: the database has no motcua tables (not migrated): is --data or --db right?")
	}
	// Written beside the target under a name no reader of the directory
	// takes for a backup, then renamed: a half-written archive never
	// counts as the newest.
	part := filepath.Join(work, "archive.partial")
	w, err := createArchive(part)
	if err != nil {
		return "", m, err
	}
	defer w.abort()
	if err := w.addFile(ctx, filepath.Base(dbFile), dbFile, &m); err != nil {
		return "", m, err
	}
	if cfg.DataDir != "" {
		key := filepath.Join(cfg.DataDir, KeyName)
		if _, err := os.Stat(key); err == nil {
			if err := w.addFile(ctx, KeyName, key, &m); err != nil {
				return "", m, err
			}
		}
	}
	if dir, ok := cfg.Blobs.(*blob.Dir); ok {
		m.Blobs = "dir"
		if err := addBlobs(ctx, w, dir, &m); err != nil {
			return "", m, err
		}
	}
	if err := w.finish(m); err != nil {
		return "", m, err
	}
	if err := os.Rename(part, to); err != nil {
		return "", m, fmt.Errorf("backup: %w", err)
	}
	return to, m, nil
}

// snapshot writes the database's consistent copy into work and records
// its inventory as of that copy.
func snapshot(ctx context.Context, cfg Config, work string, m *Manifest) (string, error) {
	if cfg.DB.Dialect == store.Postgres {
		return pgDump(ctx, cfg, work, m)
	}
	dir := filepath.Join(work, "db")
	if err := os.Mkdir(dir, 0o700); err != nil {
		return "", err
	}
	path := filepath.Join(dir, SQLiteName)
	if err := cfg.DB.VacuumInto(ctx, path); err != nil {
		return "", fmt.Errorf("backup: %w", err)
	}
	// The copy is counted, not the live database, which has moved on.
	cp, err := store.Open(ctx, store.Config{Dir: dir})
	if err != nil {
		return "", err
	}
	m.Inventory, err = cp.Inventory(ctx)
	if cerr := cp.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return "", fmt.Errorf("backup: inventory of the copy: %w", err)
	}
	return path, nil
}

// PgTool finds a PostgreSQL client program on PATH, or says what to install.
func PgTool(name string) (string, error) {
	p, err := exec.LookPath(name)
	if err != nil {
		return "", fmt.Errorf("backup: %s not found on PATH: install PostgreSQL's client programs (Debian: postgresql-client), of the server's major version or newer", name)
	}
	return p, nil
}

// pgDump dumps the exported snapshot the inventory was counted in.
func pgDump(ctx context.Context, cfg Config, work string, m *Manifest) (string, error) {
	bin, err := PgTool("pg_dump")
	if err != nil {
		return "", err
	}
	path := filepath.Join(work, DumpName)
	m.Inventory, err = cfg.DB.ExportSnapshot(ctx, func(snap string) error {
		return runTool(ctx, bin, "--format=custom", "--no-owner", "--no-privileges", "--snapshot="+snap, "--file="+path, "--dbname="+LibpqURL(cfg.URL))
	})
	if err != nil {
		return "", fmt.Errorf("backup: %w", err)
	}
	return path, nil
}

// runTool runs a PostgreSQL client program, its complaints in the error.
func runTool(ctx context.Context, bin string, args ...string) error {
	out, err := exec.CommandContext(ctx, bin, args...).CombinedOutput()
	if err != nil {
		return fmt.Errorf("%s: %w\n%s", filepath.Base(bin), err, out)
	}
	return nil
}

// addBlobs adds every file of the directory store. Listed after the
// snapshot, they include every file it refers to (collection removes only
// files no row refers to and older than its grace period of an hour) and
// perhaps a few uploaded since, which the next collection after a restore
// removes.
func addBlobs(ctx context.Context, w *archiveWriter, dir *blob.Dir, m *Manifest) error {
	sums, _, err := dir.Old(ctx, time.Now().Add(24*time.Hour))
	if err != nil {
		return fmt.Errorf("backup: list stored files: %w", err)
	}
	for _, sum := range sums {
		r, err := dir.Open(ctx, sum)
		if errors.Is(err, blob.ErrNotFound) {
			continue // collected since listed: nothing refers to it
		}
		if err != nil {
			return err
		}
		f := r.(*os.File)
		err = w.add(ctx, filesDir+"/"+sum[:2]+"/"+sum, f, m)
		f.Close()
		if err != nil {
			return err
		}
		if got := m.Files[len(m.Files)-1].SHA256; got != sum {
			return fmt.Errorf("backup: stored file %s reads as %s: the file store is damaged", sum, got)
		}
	}
	return nil
}

// Name is the archive name of a backup started at t.
func Name(t time.Time) string { return "motcua-" + t.UTC().Format("20060102-150405") + ".tar.gz" }

// sha is a hashing writer.
func sha(w io.Writer) (io.Writer, func() string) {
	h := sha256.New()
	return io.MultiWriter(w, h), func() string { return hex.EncodeToString(h.Sum(nil)) }
}
