package main

import (
	"bytes"
	"context"
	"errors"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/motcua/motcua/dossier"
)

// TestGCCommand: `motcua gc` deletes an old file nothing refers to and
// keeps a young one (issue 8, finding 12: nothing ever deleted a blob).
func TestGCCommand(t *testing.T) {
	ctx := t.Context()
	dir := t.TempDir()
	blob := func(sum string, age time.Duration) string {
		p := filepath.Join(dir, "files", sum[:2], sum)
		if err := os.MkdirAll(filepath.Dir(p), 0o700); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte("%PDF-1.4 "+sum), 0o600); err != nil {
			t.Fatal(err)
		}
		at := time.Now().Add(-age)
		os.Chtimes(p, at, at)
		return p
	}
	old := blob(strings.Repeat("a", 64), 2*time.Hour)
	young := blob(strings.Repeat("b", 64), time.Minute)
	var out bytes.Buffer
	if err := run(ctx, []string{"gc", "--data", dir}, strings.NewReader(""), &out, &out); err != nil {
		t.Fatalf("%v\n%s", err, out.String())
	}
	if !strings.Contains(out.String(), "removed 1 file(s)") {
		t.Fatalf("output: %s", out.String())
	}
	if _, err := os.Stat(old); !os.IsNotExist(err) {
		t.Fatalf("old unreferenced file kept: %v", err)
	}
	if _, err := os.Stat(young); err != nil {
		t.Fatalf("young file removed: %v", err)
	}
	if err := run(ctx, []string{"gc", "--data", dir, "--grace", "1s"}, strings.NewReader(""), &out, &out); err == nil {
		t.Fatal("a grace period shorter than an upload was accepted")
	}
}

// TestCollectEvery: serve's collection runs at once, again at each
// interval, goes on after a failed run, and stops with the server.
func TestCollectEvery(t *testing.T) {
	ctx, cancel := context.WithCancel(t.Context())
	calls := 0
	done := make(chan struct{})
	go func() {
		collectEvery(ctx, time.Millisecond, func(context.Context, time.Time) (dossier.BlobReport, error) {
			calls++
			if calls == 3 {
				cancel()
			}
			if calls == 1 {
				return dossier.BlobReport{}, errors.New("database away")
			}
			return dossier.BlobReport{}, nil
		}, slog.New(slog.NewTextHandler(io.Discard, nil)))
		close(done)
	}()
	select {
	case <-done:
	case <-time.After(10 * time.Second):
		t.Fatal("collectEvery did not stop with its context")
	}
	if calls != 3 {
		t.Fatalf("%d runs, want 3", calls)
	}
}
