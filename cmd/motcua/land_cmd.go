package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"time"

	"github.com/motcua/motcua/audit"
	"github.com/motcua/motcua/event"
	"github.com/motcua/motcua/land"
	"github.com/motcua/motcua/land/landsim"
	"github.com/motcua/motcua/schema"
	"github.com/motcua/motcua/server"
)

const landUsage = `usage: motcua land import FILE.geojson [--data DIR | --db URL]
       motcua land export [--commune CODE] [--out FILE.geojson] [--data DIR | --db URL]
The file is a GeoJSON FeatureCollection of parcels (docs/land.md).`

// runLand is `motcua land import|export`: the land registry's parcels in
// and out as GeoJSON, in the national land database's attribute names
// (docs/land.md). An import is one transaction, recorded in the audit log.
func runLand(ctx context.Context, args []string, stdout io.Writer) error {
	if len(args) == 0 || (args[0] != "import" && args[0] != "export") {
		return fmt.Errorf("%s", landUsage)
	}
	fs := flag.NewFlagSet("land "+args[0], flag.ContinueOnError)
	var dbf dbFlags
	dbf.register(fs)
	commune := fs.String("commune", "", "export: only this commune's parcels (its unit code)")
	out := fs.String("out", "", "export: write to this file (default: standard output)")
	pos, err := parseInterleaved(fs, args[1:])
	if err != nil {
		return err
	}
	var file string
	switch {
	case args[0] == "import" && len(pos) == 1:
		file = pos[0]
	case args[0] == "import" || len(pos) > 0:
		return fmt.Errorf("%s", landUsage)
	}
	db, err := dbf.open(ctx)
	if err != nil {
		return err
	}
	defer db.Close()
	if _, err := schema.Migrate(ctx, db); err != nil {
		return err
	}
	bus := event.New()
	audit.New(db).Subscribe(bus)
	svc := land.New(db, land.Config{Bus: bus, Now: time.Now})
	if args[0] == "import" {
		f, err := os.Open(file)
		if err != nil {
			return err
		}
		defer f.Close()
		parcels, err := land.ReadCollection(f)
		if err != nil {
			return err
		}
		n, err := svc.Import(ctx, parcels, "motcua land import "+file)
		if err != nil {
			return err
		}
		fmt.Fprintf(stdout, "%d parcels imported\n", n)
		return nil
	}
	w := stdout
	if *out != "" {
		f, err := os.Create(*out)
		if err != nil {
			return err
		}
		defer f.Close()
		w = f
	}
	n, err := svc.Export(ctx, w, *commune)
	if err != nil {
		return err
	}
	if *out != "" {
		fmt.Fprintf(stdout, "%d parcels exported to %s\n", n, *out)
	}
	return nil
}

// landFlags connect the registry to the national land information system
// (MOTCUA_LAND_URL, MOTCUA_LAND_TOKEN); docs/land.md.
type landFlags struct{ url, token string }

func (l *landFlags) register(fs *flag.FlagSet) {
	fs.StringVar(&l.url, "land-url", "", "the national land information system's endpoint (base URL) the registry's changes are POSTed to (with --demo and none: the simulator at /_sim/dat-dai/)")
	fs.StringVar(&l.token, "land-token", "", "bearer token the national land information system issued to motcua")
}

// configure fills cfg.Land; with demo and no URL the simulator is mounted
// on this server (self is its listening address) and motcua sends there.
func (l *landFlags) configure(cfg *server.Config, self string, demo bool) string {
	if l.url == "" && demo {
		token := l.token
		if token == "" {
			token = landsim.DemoToken
		}
		cfg.Land = server.LandConfig{URL: "http://" + loopback(self) + server.LandSimulatorPath, Token: token, Simulator: landsim.New(token).Handler()}
		return fmt.Sprintf("National land information system: simulated at http://%s%s/ (the registry's changes arrive there).", publicHost(self), server.LandSimulatorPath)
	}
	if l.url == "" {
		return "National land information system: not connected; the registry's changes wait in the outbox (set --land-url, --land-token)."
	}
	cfg.Land = server.LandConfig{URL: l.url, Token: l.token}
	return fmt.Sprintf("National land information system: changes sent to %s.", l.url)
}
