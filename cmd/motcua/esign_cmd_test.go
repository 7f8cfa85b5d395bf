package main

import (
	"flag"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/motcua/motcua/server"
)

// TestESignFlags: what serve makes of the signing flags. A CSC service
// without a seal, or without the client secret, is refused; the secret
// comes from a file; --demo mounts the simulator with a demo seal.
func TestESignFlags(t *testing.T) {
	parseFlags := func(args ...string) *esignFlags {
		var f esignFlags
		fs := flag.NewFlagSet("serve", flag.ContinueOnError)
		fs.SetOutput(io.Discard)
		f.register(fs)
		if err := fs.Parse(args); err != nil {
			t.Fatal(err)
		}
		return &f
	}
	t.Setenv("MOTCUA_CSC_CLIENT_SECRET", "")
	t.Setenv("MOTCUA_SEAL_PIN", "")
	var cfg server.Config
	note, _, err := parseFlags().configure(&cfg, "127.0.0.1:8080", false, "")
	if err != nil || !strings.Contains(note, "off") || cfg.ESign.CSC.BaseURL != "" {
		t.Fatalf("no flags: %q %v", note, err)
	}
	if _, _, err := parseFlags("--csc-url", "https://rs.example.vn/csc/v2").configure(&cfg, "127.0.0.1:8080", false, ""); err == nil || !strings.Contains(err.Error(), "seal") {
		t.Fatalf("a CSC service without a seal: %v", err)
	}
	if _, _, err := parseFlags("--seal-pkcs11-module", "/nonexistent.so").configure(&cfg, "127.0.0.1:8080", false, ""); err == nil || !strings.Contains(err.Error(), "PIN") {
		t.Fatalf("a token without its PIN: %v", err)
	}
	pin := filepath.Join(t.TempDir(), "pin")
	os.WriteFile(pin, []byte("1234\n"), 0o600)
	if got, err := secret(pin, "MOTCUA_SEAL_PIN"); got != "1234" || err != nil {
		t.Fatalf("secret from a file: %q %v", got, err)
	}

	cfg = server.Config{}
	note, closeSeal, err := parseFlags().configure(&cfg, "127.0.0.1:8080", true, "")
	defer closeSeal()
	if err != nil || cfg.ESign.Simulator == nil || cfg.ESign.Seal == nil || cfg.Trust == nil ||
		cfg.ESign.CSC.BaseURL != "http://127.0.0.1:8080/_sim/csc/csc/v2" || !strings.Contains(note, "/_sim/csc/") {
		t.Fatalf("demo: %q %v %+v", note, err, cfg.ESign.CSC)
	}
	// The documents' leaders sign through the same simulator.
	if n := remoteNote(&cfg, "127.0.0.1:8080"); !strings.Contains(n, "http://127.0.0.1:8080/_sim/csc/") || !strings.Contains(n, "Gửi mã OTP") {
		t.Fatalf("the documents' remote signing note: %q", n)
	}
	if n := remoteNote(&server.Config{}, "127.0.0.1:8080"); n != "" {
		t.Fatalf("without a CSC service: %q", n)
	}
}
