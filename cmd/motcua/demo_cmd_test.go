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

// TestDemoGenerateRefusesNonsense: a span of years or a scale that makes
// no sense is refused with a sentence naming the flag, before any work.
func TestDemoGenerateRefusesNonsense(t *testing.T) {
	t.Setenv("MOTCUA_DATA", t.TempDir())
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"--years", "0"}, "--years must be at least 1"},
		{[]string{"--years", "50"}, "--years is at most"},
		{[]string{"--year", "2003", "--years", "5"}, "before 2000"},
		{[]string{"--year", "1990"}, "--year must be between"},
		{[]string{"--scale", "-1"}, "--scale must be positive"},
	} {
		err := run(context.Background(), append([]string{"demo", "generate"}, c.args...), nil, io.Discard, io.Discard)
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("demo generate %v: %v, want %q", c.args, err, c.want)
		}
	}
}

// TestDemoActivityFlag: --demo-activity is a share between 0 and 10, and
// only with --demo; serve refuses anything else before it listens.
func TestDemoActivityFlag(t *testing.T) {
	t.Setenv("MOTCUA_DATA", t.TempDir())
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"--demo-activity", "0.5"}, "--demo-activity needs --demo"},
		{[]string{"--demo", "--demo-activity", "-1"}, "between 0 (none) and 10"},
		{[]string{"--demo", "--demo-activity", "11"}, "between 0 (none) and 10"},
	} {
		err := run(context.Background(), append([]string{"serve", "--addr", "127.0.0.1:0"}, c.args...), nil, io.Discard, io.Discard)
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("serve %v: %v, want %q", c.args, err, c.want)
		}
	}
}

// TestDemoBulk: `demo bulk` writes the dossiers asked for and says how
// fast; on a database that already holds dossiers it refuses, saying why.
func TestDemoBulk(t *testing.T) {
	t.Setenv("MOTCUA_DATA", t.TempDir())
	ctx := context.Background()
	var out bytes.Buffer
	if err := run(ctx, []string{"demo", "bulk", "--dossiers", "120", "--years", "2"}, nil, &out, io.Discard); err != nil {
		t.Fatalf("bulk: %v\n%s", err, out.String())
	}
	if !strings.Contains(out.String(), "wrote 120 dossiers") || !strings.Contains(out.String(), "dossiers/s") {
		t.Fatalf("bulk printed %s", out.String())
	}
	err := run(ctx, []string{"demo", "bulk", "--dossiers", "10"}, nil, io.Discard, io.Discard)
	if err == nil || !strings.Contains(err.Error(), "not empty") {
		t.Errorf("bulk on a loaded database: %v, want a refusal", err)
	}
	for _, args := range [][]string{{"--dossiers", "0"}, {"--dossiers", "5", "--years", "0"}} {
		if err := run(ctx, append([]string{"demo", "bulk"}, args...), nil, io.Discard, io.Discard); err == nil {
			t.Errorf("demo bulk %v: no error", args)
		}
	}
}
