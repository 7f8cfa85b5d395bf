package dossier

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"github.com/motcua/motcua/blob"
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

// CollectBlobs deletes the blobs of the store that no dossier file and
// no draft refers to: those of deleted or abandoned drafts, of uploads
// refused after they were stored (a full component found by the insert's
// check), of uploads whose request died before the row was written. It
// also deletes stale temporary files.
//
// Only blobs last stored before cutoff are judged. StoreBlob stores a
// blob before the row or draft that refers to it, so a blob younger than
// the grace period may still be about to be referenced; storing an
// existing blob again renews its time, and so does attaching a stored
// blob (checkStored). Blobs are listed first and references read after,
// so a reference made in between is seen; Remove checks the time again
// (blob.Store), so a blob stored anew after the listing is kept. Several
// instances may collect at once: a blob is removed by one of them.
//
// It is a function of the database and the store, not of a Service, so
// `motcua gc` runs it without building the application.
func CollectBlobs(ctx context.Context, db *store.DB, blobs blob.Store, cutoff time.Time) (BlobReport, error) {
	var rep BlobReport
	old, young, err := blobs.Old(ctx, cutoff)
	if err != nil {
		return rep, err
	}
	rep.Kept = young
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
			n, err := blobs.Remove(ctx, sum, cutoff)
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
	rep.Temp, err = blobs.SweepTemp(cutoff)
	return rep, err
}

// CollectBlobs is CollectBlobs on the service's database and blobs.
func (s *Service) CollectBlobs(ctx context.Context, cutoff time.Time) (BlobReport, error) {
	return CollectBlobs(ctx, s.db, s.cfg.Blobs, cutoff)
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
