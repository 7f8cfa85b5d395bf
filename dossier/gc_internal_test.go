package dossier

import (
	"os"
	"path/filepath"
	"testing"
	"time"
)

// TestRemoveBlobPutsBackARenewedBlob: the collector listed a blob as old
// and unreferenced, and before it got to deleting it an upload of the same
// content stored it again (renewing its time) to attach it. The collector
// must put it back, not delete the file the upload is about to refer to.
func TestRemoveBlobPutsBackARenewedBlob(t *testing.T) {
	dir := t.TempDir()
	sum := "ab" + "0123456789abcdef0123456789abcdef0123456789abcdef0123456789ab"
	path := filepath.Join(dir, sum[:2], sum)
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte("%PDF-1.4"), 0o600); err != nil {
		t.Fatal(err)
	}
	n, err := removeBlob(dir, sum, time.Now().Add(-time.Hour))
	if err != nil || n != -1 {
		t.Fatalf("removeBlob: %d %v, want -1 (put back)", n, err)
	}
	if b, err := os.ReadFile(path); err != nil || string(b) != "%PDF-1.4" {
		t.Fatalf("the renewed blob is gone: %v", err)
	}
	old := time.Now().Add(-2 * time.Hour)
	os.Chtimes(path, old, old)
	if n, err := removeBlob(dir, sum, time.Now().Add(-time.Hour)); err != nil || n != 8 {
		t.Fatalf("removeBlob of an old blob: %d %v", n, err)
	}
	if _, err := os.Stat(path); !os.IsNotExist(err) {
		t.Fatalf("old blob still there: %v", err)
	}
}
