package main

import (
	"bytes"
	"io"
	"log/slog"
	"strings"
	"testing"

	"github.com/motcua/motcua/server"
)

// TestConfigureScanner: --clamd reaches server.Config; a malformed address
// stops serve, a clamd that does not answer yet is logged as an error and
// uploads are refused until it does (the scanner is set all the same).
func TestConfigureScanner(t *testing.T) {
	var logs bytes.Buffer
	log := slog.New(slog.NewTextHandler(&logs, nil))
	var cfg server.Config
	if err := configureScanner(t.Context(), &cfg, "", slog.New(slog.NewTextHandler(io.Discard, nil))); err != nil || cfg.Scanner != nil {
		t.Fatalf("no --clamd: %v %v", cfg.Scanner, err)
	}
	if err := configureScanner(t.Context(), &cfg, "clamd", log); err == nil {
		t.Fatal("a malformed --clamd was accepted")
	}
	if err := configureScanner(t.Context(), &cfg, "unix:"+t.TempDir()+"/none.sock", log); err != nil || cfg.Scanner == nil {
		t.Fatalf("clamd not answering: %v %v", cfg.Scanner, err)
	}
	if !strings.Contains(logs.String(), "level=ERROR") {
		t.Fatalf("no error logged: %s", logs.String())
	}
}
