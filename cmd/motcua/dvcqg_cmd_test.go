package main

import (
	"bytes"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/motcua/motcua/dvcqg/dvcqgsim"
	"github.com/motcua/motcua/server"
)

// TestPortalReconcileCommand runs `motcua portal reconcile` against a
// simulated portal: a day with nothing sent prints the summary and
// succeeds; without a portal, or with a malformed date, it says why. What
// reconciliation finds and repairs is covered in server/dvcqg_test.go.
func TestPortalReconcileCommand(t *testing.T) {
	srv := httptest.NewServer(dvcqgsim.New(dvcqgsim.Config{Token: "cli"}))
	defer srv.Close()
	dir := t.TempDir()
	reconcile := func(args ...string) (string, error) {
		var out bytes.Buffer
		err := run(t.Context(), append([]string{"portal", "reconcile", "--data", dir}, args...), strings.NewReader(""), &out, &out)
		return out.String(), err
	}
	out, err := reconcile("--date", "2026-03-02", "--dvcqg-url", srv.URL+"/api", "--dvcqg-token", "cli")
	if err != nil || !strings.Contains(out, "Đối soát đồng bộ Cổng DVC quốc gia ngày 2026-03-02: 0 hồ sơ, 0 lệch.") {
		t.Fatalf("clean day: %v\n%s", err, out)
	}
	if _, err := reconcile("--date", "2026-03-02"); err == nil || !strings.Contains(err.Error(), "--dvcqg-url") {
		t.Fatalf("without a portal: %v", err)
	}
	if _, err := reconcile("--date", "2.3.2026", "--dvcqg-url", srv.URL+"/api"); err == nil || !strings.Contains(err.Error(), "YYYY-MM-DD") {
		t.Fatalf("bad date: %v", err)
	}
	if _, err := reconcile("--dvcqg-url", "ftp://x"); err == nil {
		t.Fatal("a non-HTTP portal URL was taken")
	}
}

// TestPortalSimulatorOnlyInDemo: the simulated portal (its /_sim/dvcqg/
// pages let anyone file dossiers and read what was sent) is mounted only
// by --demo without --dvcqg-url; a real connection never mounts it, and
// the file hosts given reach the client's configuration.
func TestPortalSimulatorOnlyInDemo(t *testing.T) {
	for _, c := range []struct {
		url  string
		demo bool
		sim  bool
	}{{"", true, true}, {"", false, false}, {"https://lgsp.example.gov.vn/dvcqg", true, false}, {"https://lgsp.example.gov.vn/dvcqg", false, false}} {
		p := dvcqgFlags{url: c.url, token: "t", pull: true, fileHosts: " files.example.gov.vn , ,cdn.example.gov.vn:8443"}
		var cfg server.Config
		if _, err := p.configure(&cfg, "127.0.0.1:8080", c.demo); err != nil {
			t.Fatal(err)
		}
		if (cfg.DVCQG.Simulator != nil) != c.sim {
			t.Fatalf("url %q demo %v: simulator mounted %v, want %v", c.url, c.demo, cfg.DVCQG.Simulator != nil, c.sim)
		}
		if c.url != "" && strings.Join(cfg.DVCQG.FileHosts, "|") != "files.example.gov.vn|cdn.example.gov.vn:8443" {
			t.Fatalf("file hosts %q", cfg.DVCQG.FileHosts)
		}
	}
}
