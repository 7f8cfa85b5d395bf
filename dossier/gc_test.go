package dossier_test

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/motcua/motcua/dossier"
	"github.com/motcua/motcua/store"
	"github.com/motcua/motcua/store/storetest"
)

// TestCollectBlobs covers issue 8, finding 12: "deleted drafts leave blobs
// forever". Before, nothing ever deleted a stored file. CollectBlobs
// deletes the blobs no dossier file and no draft refers to, once they are
// older than the grace period, and keeps everything else.
func TestCollectBlobs(t *testing.T) {
	storetest.Engines(t, func(t *testing.T, db *store.DB) {
		ctx := t.Context()
		dir := filepath.Join(t.TempDir(), "files")
		w := newWorldWith(t, db, func(c *dossier.Config) { c.FilesDir = dir })
		now := time.Now()
		old := now.Add(-2 * time.Hour)
		stored := func(tag string, age time.Time) dossier.DraftFile {
			f, err := w.ds.StoreBlob(ctx, bytes.NewReader(padded(200, tag)))
			if err != nil {
				t.Fatal(err)
			}
			if err := os.Chtimes(filepath.Join(dir, f.SHA256[:2], f.SHA256), age, age); err != nil {
				t.Fatal(err)
			}
			return dossier.DraftFile{Component: "giay_to_tuy_than", SHA256: f.SHA256, Name: tag + ".pdf", Size: f.Size, ContentType: f.ContentType}
		}
		draftWith := func(files ...dossier.DraftFile) *dossier.Draft {
			data := filled(w)
			data.Files = files
			dr, err := w.ds.CreateDraft(ctx, w.citizen, w.proc.Code, data)
			if err != nil {
				t.Fatal(err)
			}
			return dr
		}

		d := submitted(t, w) // its blobs are young; age them: a dossier's files are kept however old
		attached := stored("attached", old)
		blobPath := func(f dossier.DraftFile) string { return filepath.Join(dir, f.SHA256[:2], f.SHA256) }
		if _, err := w.ds.AttachStored(ctx, w.citizen, d.Code, dossier.File{Component: attached.Component, Name: attached.Name,
			SHA256: attached.SHA256, Size: attached.Size, ContentType: attached.ContentType}); err != nil {
			t.Fatal(err)
		}
		// Attaching renews the blob's time (a collection running meanwhile
		// puts it back); age it again: referenced blobs are kept however old.
		if st, err := os.Stat(blobPath(attached)); err != nil || st.ModTime().Before(now.Add(-time.Minute)) {
			t.Fatalf("attaching an old blob did not renew it: %v", err)
		}
		os.Chtimes(blobPath(attached), old, old)
		inDraft := stored("in-draft", old)
		draftWith(inDraft)
		deleted := stored("deleted-draft", old)
		if err := w.ds.DeleteDraft(ctx, w.citizen, draftWith(deleted).ID); err != nil {
			t.Fatal(err)
		}
		orphan := stored("orphan", old)
		young := stored("young", now)
		staleTmp := filepath.Join(dir, "tmp", "upload-123")
		if err := os.WriteFile(staleTmp, []byte("cut off"), 0o600); err != nil {
			t.Fatal(err)
		}
		os.Chtimes(staleTmp, old, old)
		freshTmp := filepath.Join(dir, "tmp", "upload-456")
		if err := os.WriteFile(freshTmp, []byte("in flight"), 0o600); err != nil {
			t.Fatal(err)
		}

		rep, err := w.ds.CollectBlobs(ctx, now.Add(-time.Hour))
		if err != nil {
			t.Fatal(err)
		}
		cases := []struct {
			name string
			path string
			kept bool
		}{
			{"attached to a dossier", attached.SHA256, true},
			{"in a draft", inDraft.SHA256, true},
			{"of a deleted draft", deleted.SHA256, false},
			{"never referenced", orphan.SHA256, false},
			{"unreferenced but young (an upload in flight)", young.SHA256, true},
			{"stale temporary file", staleTmp, false},
			{"temporary file in flight", freshTmp, true},
		}
		for _, c := range cases {
			t.Run(c.name, func(t *testing.T) {
				path := c.path
				if !filepath.IsAbs(path) {
					path = filepath.Join(dir, path[:2], path)
				}
				_, err := os.Stat(path)
				if kept := err == nil; kept != c.kept {
					t.Fatalf("kept %v, want %v (%v)", kept, c.kept, err)
				}
			})
		}
		if rep.Removed != 2 || rep.RemovedBytes != deleted.Size+orphan.Size || rep.Temp != 1 {
			t.Fatalf("report %+v", rep)
		}
		// The dossier still opens every file.
		got, err := w.ds.Get(ctx, w.citizen, d.Code)
		if err != nil {
			t.Fatal(err)
		}
		for _, f := range got.Files {
			_, fh, err := w.ds.Open(ctx, w.citizen, d.Code, f.ID)
			if err != nil {
				t.Fatalf("%s: %v", f.Name, err)
			}
			fh.Close()
		}
	})
}
