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
	"github.com/motcua/motcua/schema"
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
	rest := args[1:]
	var file string
	if args[0] == "import" {
		if len(rest) == 0 || len(rest[0]) == 0 || rest[0][0] == '-' {
			return fmt.Errorf("%s", landUsage)
		}
		file, rest = rest[0], rest[1:]
	}
	if err := parse(fs, rest); err != nil {
		return err
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
