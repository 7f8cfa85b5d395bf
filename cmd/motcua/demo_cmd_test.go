package main

import (
	"bytes"
	"context"
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/motcua/motcua/demo"
)

// TestDemoGenerateThenReorganise is the README's walk-through: a 2022
// year generated on an empty database, both plans of 2025 applied to it
// by `motcua reorg apply`, after which generating refuses the database.
func TestDemoGenerateThenReorganise(t *testing.T) {
	// -short leaves out the slow proof on a developer's machine; CI runs it always.
	if testing.Short() && os.Getenv("CI") != "true" {
		t.Skip("generates a small year")
	}
	t.Setenv("MOTCUA_DATA", t.TempDir())
	ctx := context.Background()
	var out bytes.Buffer
	if err := run(ctx, []string{"demo", "generate", "--scale", "0.001"}, nil, &out, io.Discard); err != nil {
		t.Fatalf("generate: %v\n%s", err, out.String())
	}
	if !strings.Contains(out.String(), "received 67 dossiers") {
		t.Fatalf("generate printed %s", out.String())
	}
	for _, f := range demo.PlanFiles {
		out.Reset()
		if err := run(ctx, []string{"reorg", "apply", filepath.Join("..", "..", "demo", f)}, nil, &out, io.Discard); err != nil {
			t.Fatalf("reorg apply %s: %v\n%s", f, err, out.String())
		}
	}
	err := run(ctx, []string{"demo", "generate", "--scale", "0.001"}, nil, io.Discard, io.Discard)
	if !errors.Is(err, demo.ErrNot2022) {
		t.Fatalf("generate on the two-tier world: %v", err)
	}
}
