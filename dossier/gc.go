package dossier

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/motcua/motcua/store"
)

// BlobReport is what one CollectBlobs run did.
type BlobReport struct {
	// Kept counts the blobs still referenced or too young to judge.
	Kept int
	// Removed and RemovedBytes count the unreferenced blobs deleted.
	Removed      int
	RemovedBytes int64
	// Temp counts leftover temporary files deleted (uploads cut off by a
	// crash, a collection interrupted halfway).
	Temp int
}

// CollectBlobs deletes the blobs under filesDir that no dossier file and
// no draft refers to: those of deleted or abandoned drafts, of uploads
// refused after they were stored (a full component found by the insert's
// check), of uploads whose request died before the row was written. It
// also deletes stale temporary files.
//
// Only files last modified before cutoff are judged. StoreBlob writes a
// blob before the row or draft that refers to it, so a blob younger than
// the grace period may still be about to be referenced; storing an
// existing blob again renews its time, and so does attaching a stored
// blob (checkStored). Files are listed first and
// references read after, so a reference made in between is seen. A blob
// chosen for deletion is first renamed aside and its time checked again:
// if an upload of the same content landed meanwhile, it is put back. The
// one remaining race is a blob missing for that instant, which a
// concurrent attach reports as stored_file_missing (try again).
//
// It is a function of the database and the directory, not of a Service,
// so `motcua gc` runs it without building the application.
func CollectBlobs(ctx context.Context, db *store.DB, filesDir string, cutoff time.Time) (BlobReport, error) {
	var rep BlobReport
	old, err := oldBlobs(filesDir, cutoff, &rep)
	if err != nil {
		return rep, err
	}
	if len(old) > 0 {
		refs, err := blobRefs(ctx, db)
		if err != nil {
			return rep, err
		}
		for _, sum := range old {
			if refs[sum] {
				rep.Kept++
				continue
			}
			n, err := removeBlob(filesDir, sum, cutoff)
			if err != nil {
				return rep, err
			}
			if n < 0 {
				rep.Kept++
				continue
			}
			rep.Removed++
			rep.RemovedBytes += n
		}
	}
	err = removeStaleTemp(filepath.Join(filesDir, "tmp"), cutoff, &rep)
	return rep, err
}

// CollectBlobs is CollectBlobs on the service's database and files.
func (s *Service) CollectBlobs(ctx context.Context, cutoff time.Time) (BlobReport, error) {
	return CollectBlobs(ctx, s.db, s.cfg.FilesDir, cutoff)
}

// oldBlobs lists the blobs (files/<ab>/<sha256>) modified before cutoff,
// counting the younger ones as kept.
func oldBlobs(filesDir string, cutoff time.Time, rep *BlobReport) ([]string, error) {
	dirs, err := os.ReadDir(filesDir)
	if os.IsNotExist(err) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	var out []string
	for _, d := range dirs {
		if !d.IsDir() || len(d.Name()) != 2 {
			continue
		}
		ents, err := os.ReadDir(filepath.Join(filesDir, d.Name()))
		if err != nil {
			return nil, err
		}
		for _, e := range ents {
			sum := e.Name()
			if !e.Type().IsRegular() || !sha256RE.MatchString(sum) || sum[:2] != d.Name() {
				continue
			}
			info, err := e.Info()
			if os.IsNotExist(err) {
				continue
			}
			if err != nil {
				return nil, err
			}
			if info.ModTime().Before(cutoff) {
				out = append(out, sum)
			} else {
				rep.Kept++
			}
		}
	}
	return out, nil
}

// blobRefs reads every blob a draft or a dossier file refers to. Drafts
// are read first: submitting a draft deletes it and inserts its file rows
// in one transaction, so a blob moving from one to the other is seen in
// at least one of the two reads (PostgreSQL's statements each see their
// own snapshot).
func blobRefs(ctx context.Context, db *store.DB) (map[string]bool, error) {
	refs := map[string]bool{}
	rows, err := db.QueryContext(ctx, `SELECT id, data FROM drafts`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var id int64
		var data string
		if err := rows.Scan(&id, &data); err != nil {
			return nil, err
		}
		var d DraftData
		if err := json.Unmarshal([]byte(data), &d); err != nil {
			// An unreadable draft could refer to anything: delete nothing.
			return nil, fmt.Errorf("dossier: collect blobs: draft %d: %w", id, err)
		}
		for _, f := range d.Files {
			refs[f.SHA256] = true
		}
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	rows.Close()
	rows, err = db.QueryContext(ctx, `SELECT DISTINCT sha256 FROM dossier_files`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var sum string
		if err := rows.Scan(&sum); err != nil {
			return nil, err
		}
		refs[sum] = true
	}
	return refs, rows.Err()
}

// removeBlob deletes one unreferenced blob and returns its size, or -1
// when it turned out to be young again (an upload of the same content
// renamed it in after the listing) and was put back.
func removeBlob(filesDir, sum string, cutoff time.Time) (int64, error) {
	tmp := filepath.Join(filesDir, "tmp")
	if err := os.MkdirAll(tmp, 0o700); err != nil {
		return 0, err
	}
	path := filepath.Join(filesDir, sum[:2], sum)
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

// removeStaleTemp deletes temporary files older than cutoff.
func removeStaleTemp(dir string, cutoff time.Time, rep *BlobReport) error {
	ents, err := os.ReadDir(dir)
	if os.IsNotExist(err) {
		return nil
	}
	if err != nil {
		return err
	}
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
			return err
		}
		if info.ModTime().Before(cutoff) {
			if err := os.Remove(filepath.Join(dir, name)); err != nil && !os.IsNotExist(err) {
				return err
			}
			rep.Temp++
		}
	}
	return nil
}
