package main

import (
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"testing"

	"github.com/motcua/motcua/demo"
	"github.com/motcua/motcua/server"
)

// TestExchangeFlags: the edXML simulator, and the demo's public
// credentials that come with it, are wired only by --demo without an
// exchange of its own; an instance given --edxml-peers or
// --edxml-systems, or not a demo, has neither.
func TestExchangeFlags(t *testing.T) {
	dir := t.TempDir()
	peers := filepath.Join(dir, "peers.json")
	systems := filepath.Join(dir, "systems.json")
	for path, body := range map[string]string{
		peers:   `{"000.00.00.H40": {"endpoint": "https://vpdt.ninhbinh.gov.vn/edxml", "system_id": "motcua", "secret_key": "k"}}`,
		systems: `{"qlvb-ninh-binh": {"secret_key": "0123456789abcdef", "organs": ["000.00.00.H40"]}}`,
	} {
		if err := os.WriteFile(path, []byte(body), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	for _, c := range []struct {
		name           string
		flags          exchangeFlags
		world          string
		sim, demoCreds bool
	}{
		{"not a demo", exchangeFlags{}, "", false, false},
		{"not a demo, peers and systems", exchangeFlags{peers: peers, systems: systems}, "", false, false},
		{"demo", exchangeFlags{}, demo.World2022, true, true},
		{"demo with peers", exchangeFlags{peers: peers}, demo.World2022, false, false},
		{"demo with systems", exchangeFlags{systems: systems}, demo.WorldTwoTier, false, false},
	} {
		t.Run(c.name, func(t *testing.T) {
			var cfg server.Config
			note, sim, err := c.flags.configure(&cfg, "0.0.0.0:8080", c.world, slog.New(slog.NewTextHandler(io.Discard, nil)))
			if err != nil {
				t.Fatal(err)
			}
			_, demoCreds := cfg.Exchange.Systems[demo.SimSystemID]
			if (sim != nil) != c.sim || (cfg.Exchange.Simulator != nil) != c.sim || (note != "") != c.sim || demoCreds != c.demoCreds {
				t.Errorf("simulator %v (mounted %v, note %q), demo credentials accepted %v; want %v, %v",
					sim != nil, cfg.Exchange.Simulator != nil, note, demoCreds, c.sim, c.demoCreds)
			}
			if c.sim && cfg.Exchange.Peers[demo.ProvinceCode].Endpoint != "http://127.0.0.1:8080"+server.EdXMLSimulatorPath+"/messages" {
				t.Errorf("the province is reached at %q", cfg.Exchange.Peers[demo.ProvinceCode].Endpoint)
			}
		})
	}
}
