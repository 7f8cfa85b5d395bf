package main

import (
	"bytes"
	"context"
	"database/sql"
	"fmt"
	"io"
	"path/filepath"
	"strings"
	"testing"

	"github.com/motcua/motcua/schema"
)

// TestMigrateDryRunAndNewerDatabase: migrate --dry-run lists every
// module's pending migration files and changes nothing; once a newer
// motcua's migration is in the database (a fake future row), migrate,
// its dry run and serve all refuse it in Vietnamese and English, naming
// the module, the migration and this binary's version, with the code.
func TestMigrateDryRunAndNewerDatabase(t *testing.T) {
	ctx := t.Context()
	dir := t.TempDir()
	total := 0
	for _, m := range schema.Modules() {
		ms, err := m.Migrations()
		if err != nil {
			t.Fatal(err)
		}
		total += len(ms)
	}
	cmd := func(args ...string) (string, error) {
		var out bytes.Buffer
		err := run(ctx, append(args, "--data", dir), nil, &out, io.Discard)
		return out.String(), err
	}
	out, err := cmd("migrate", "--dry-run")
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{fmt.Sprintf("%d migration(s) would run on sqlite", total), "\ndossier:\n  001_dossiers.sql\n  002_drafts.sql\n", "\ndocument:\n  001_"} {
		if !strings.Contains(out, want) {
			t.Errorf("dry run lacks %q:\n%s", want, out)
		}
	}
	if out, err := cmd("migrate", "--dry-run"); err != nil || !strings.Contains(out, fmt.Sprintf("%d migration(s) would run", total)) {
		t.Fatalf("the first dry run changed something: %v\n%s", err, out)
	}
	if _, err := cmd("migrate"); err != nil {
		t.Fatal(err)
	}
	if out, err := cmd("migrate", "--dry-run"); err != nil || out != "0 migration(s) would run on sqlite\n" {
		t.Fatalf("dry run after migrate: %v\n%q", err, out)
	}

	raw, err := sql.Open("sqlite", "file:"+filepath.Join(dir, "motcua.db"))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := raw.ExecContext(ctx, `INSERT INTO schema_versions (module, version, name, applied_at) VALUES ('dossier', 999, 'from_the_future', 0)`); err != nil {
		t.Fatal(err)
	}
	raw.Close()
	wants := []string{
		"phân hệ dossier có migration 999_from_the_future.sql mà bản motcua đang chạy (" + binaryVersion() + ") không biết",
		"module dossier has migration 999_from_the_future.sql, which this motcua (" + binaryVersion() + ") does not know",
		"[schema_newer]",
	}
	for _, args := range [][]string{{"migrate"}, {"migrate", "--dry-run"}, {"serve", "--addr", "127.0.0.1:0", "--public-url", "http://127.0.0.1"}} {
		t.Run(strings.Join(args, " "), func(t *testing.T) {
			c, cancel := context.WithCancel(ctx)
			defer cancel()
			err := run(c, append(args, "--data", dir), nil, io.Discard, io.Discard)
			if err == nil {
				t.Fatal("the newer database was accepted")
			}
			for _, w := range wants {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("the refusal lacks %q:\n%v", w, err)
				}
			}
		})
	}
}
