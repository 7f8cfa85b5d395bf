package backup

import (
	"archive/tar"
	"compress/gzip"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/url"
	"os"
	"strings"
	"time"
)

// archiveWriter writes the tar.gz, recording each entry in the manifest.
type archiveWriter struct {
	f  *os.File
	gz *gzip.Writer
	tw *tar.Writer
}

// createArchive creates the file (the service account's alone: it holds
// the whole database and the key).
func createArchive(path string) (*archiveWriter, error) {
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return nil, fmt.Errorf("backup: %w", err)
	}
	gz := gzip.NewWriter(f)
	return &archiveWriter{f: f, gz: gz, tw: tar.NewWriter(gz)}, nil
}

func (w *archiveWriter) addFile(ctx context.Context, name, path string, m *Manifest) error {
	f, err := os.Open(path)
	if err != nil {
		return fmt.Errorf("backup: %w", err)
	}
	defer f.Close()
	return w.add(ctx, name, f, m)
}

// add writes f's content as entry name and its checksum to the manifest.
func (w *archiveWriter) add(ctx context.Context, name string, f *os.File, m *Manifest) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	st, err := f.Stat()
	if err != nil {
		return err
	}
	hdr := &tar.Header{Name: name, Mode: 0o600, Size: st.Size(), ModTime: st.ModTime(), Typeflag: tar.TypeReg, Format: tar.FormatPAX}
	if err := w.tw.WriteHeader(hdr); err != nil {
		return fmt.Errorf("backup: %s: %w", name, err)
	}
	hw, sum := sha(w.tw)
	if _, err := io.CopyN(hw, f, st.Size()); err != nil {
		return fmt.Errorf("backup: %s: %w", name, err)
	}
	m.Files = append(m.Files, File{Name: name, Size: st.Size(), SHA256: sum()})
	return nil
}

// finish writes the manifest and closes the archive durably.
func (w *archiveWriter) finish(m Manifest) error {
	b, err := json.MarshalIndent(m, "", "  ")
	if err != nil {
		return err
	}
	hdr := &tar.Header{Name: ManifestName, Mode: 0o600, Size: int64(len(b)), ModTime: m.Started, Typeflag: tar.TypeReg, Format: tar.FormatPAX}
	if err := w.tw.WriteHeader(hdr); err != nil {
		return err
	}
	if _, err := w.tw.Write(b); err != nil {
		return err
	}
	if err := w.tw.Close(); err != nil {
		return err
	}
	if err := w.gz.Close(); err != nil {
		return err
	}
	if err := w.f.Sync(); err != nil {
		return err
	}
	err = w.f.Close()
	w.f = nil
	return err
}

// abort closes an archive that was not finished.
func (w *archiveWriter) abort() {
	if w.f != nil {
		w.f.Close()
	}
}

// LibpqURL is a --db URL as pg_dump and pg_restore read it: without the
// parameters only pgx knows (libpq refuses unknown ones).
func LibpqURL(u string) string {
	p, err := url.Parse(u)
	if err != nil {
		return u
	}
	q := p.Query()
	for k := range q {
		switch {
		case k == "default_query_exec_mode", k == "statement_cache_capacity", k == "description_cache_capacity",
			strings.HasPrefix(k, "pool_"):
			q.Del(k)
		}
	}
	p.RawQuery = q.Encode()
	return p.String()
}

// parseName reads the start time out of an archive's name (Name).
func parseName(name string) (time.Time, bool) {
	s, ok := strings.CutPrefix(name, "motcua-")
	if !ok {
		return time.Time{}, false
	}
	s, ok = strings.CutSuffix(s, ".tar.gz")
	if !ok {
		return time.Time{}, false
	}
	t, err := time.Parse("20060102-150405", s)
	return t, err == nil
}
