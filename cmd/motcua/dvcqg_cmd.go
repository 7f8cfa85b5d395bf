package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"strings"
	"time"

	"github.com/motcua/motcua/calendar"
	"github.com/motcua/motcua/dvcqg"
	"github.com/motcua/motcua/dvcqg/dvcqgsim"
	"github.com/motcua/motcua/server"
)

// dvcqgFlags connect motcua to the National Public Service Portal through
// the province's LGSP or the NDXP (MOTCUA_DVCQG_URL, MOTCUA_DVCQG_TOKEN,
// MOTCUA_DVCQG_PULL); see docs/dvcqg.md.
type dvcqgFlags struct {
	url, token, mapping, fileHosts string
	pull                           bool
}

func (p *dvcqgFlags) register(fs *flag.FlagSet) {
	fs.StringVar(&p.url, "dvcqg-url", "", "the national portal's endpoint at the LGSP/NDXP, every call POSTed there (with --demo and none: the simulator at /_sim/dvcqg/)")
	fs.StringVar(&p.token, "dvcqg-token", "", "access token the LGSP/NDXP issued, sent as a bearer token")
	fs.StringVar(&p.mapping, "dvcqg-mapping", "", "a JSON file of status codes and service names replacing those of dvcqg/mapping.json (docs/dvcqg.md)")
	fs.StringVar(&p.fileHosts, "dvcqg-file-hosts", "", "comma-separated hosts besides --dvcqg-url's that the portal's file URLs may name (any other is refused)")
	fs.BoolVar(&p.pull, "dvcqg-pull", true, "bring dossiers filed on the national portal for this province's units into the reception queue")
}

// configure fills cfg.DVCQG. self is the address this server listens on:
// with demo and no --dvcqg-url, the simulated portal is mounted on this
// server and motcua calls it there. The text says what was set up.
func (p *dvcqgFlags) configure(cfg *server.Config, self string, demo bool) (string, error) {
	var m *dvcqg.Mapping
	if p.mapping != "" {
		var err error
		if m, err = dvcqg.LoadMapping(p.mapping); err != nil {
			return "", fmt.Errorf("--dvcqg-mapping: %w", err)
		}
	}
	note, err := p.connect(cfg, self, demo)
	cfg.DVCQG.Mapping = m
	return note, err
}

func (p *dvcqgFlags) connect(cfg *server.Config, self string, demo bool) (string, error) {
	if p.url == "" && demo {
		base := "http://" + loopback(self) + server.DVCQGSimulatorPath
		sim := dvcqgsim.New(dvcqgsim.Config{Token: p.token, BaseURL: base})
		cfg.DVCQG = server.DVCQGConfig{URL: base + "/api", Token: p.token, Pull: p.pull, Simulator: sim}
		return fmt.Sprintf("National portal: simulated at http://%s%s/ (file a dossier there; motcua pulls it within a minute).", publicHost(self), server.DVCQGSimulatorPath), nil
	}
	if p.url == "" {
		return "National portal: not connected; calls wait in the outbox (set --dvcqg-url, --dvcqg-token).", nil
	}
	cfg.DVCQG = server.DVCQGConfig{URL: p.url, Token: p.token, Pull: p.pull}
	for _, h := range strings.Split(p.fileHosts, ",") {
		if h = strings.TrimSpace(h); h != "" {
			cfg.DVCQG.FileHosts = append(cfg.DVCQG.FileHosts, h)
		}
	}
	return "National portal: " + p.url + ".", nil
}

// runPortal is `motcua portal reconcile --date YYYY-MM-DD`.
func runPortal(ctx context.Context, args []string, stdout io.Writer) error {
	if len(args) == 0 || args[0] != "reconcile" {
		return fmt.Errorf("usage: motcua portal reconcile --date YYYY-MM-DD --dvcqg-url URL [--dvcqg-token T] [--data DIR | --db URL]")
	}
	fs := flag.NewFlagSet("portal reconcile", flag.ContinueOnError)
	var dbf dbFlags
	dbf.register(fs)
	var pf dvcqgFlags
	pf.register(fs)
	date := fs.String("date", "", "the day to reconcile, YYYY-MM-DD (default: yesterday)")
	if err := parse(fs, args[1:]); err != nil {
		return err
	}
	day := time.Now().In(calendar.Zone).AddDate(0, 0, -1)
	if *date != "" {
		d, err := time.ParseInLocation(time.DateOnly, *date, calendar.Zone)
		if err != nil {
			return fmt.Errorf("--date: want YYYY-MM-DD, got %q", *date)
		}
		day = d
	}
	if pf.url == "" {
		return fmt.Errorf("no portal to reconcile with: set --dvcqg-url (a running demo's simulator: http://127.0.0.1:8080%s/api)", server.DVCQGSimulatorPath)
	}
	pf.pull = false
	cfg := server.Config{DataDir: dbf.data, SecretKey: dbf.key, Blobs: dbf.blobs, Log: slog.New(slog.NewTextHandler(io.Discard, nil))}
	if _, err := pf.configure(&cfg, "", false); err != nil {
		return err
	}
	db, err := dbf.open(ctx)
	if err != nil {
		return err
	}
	defer db.Close()
	if err := prepare(ctx, db); err != nil {
		return err
	}
	app, err := server.New(ctx, db, cfg)
	if err != nil {
		return err
	}
	rep, err := app.DVCQG.Reconcile(ctx, app.PortalClient, day)
	if err != nil {
		return err
	}
	if err := dvcqg.WriteReport(stdout, rep); err != nil {
		return err
	}
	if n := len(rep.Mismatches); n > 0 {
		return fmt.Errorf("%d dossier(s) out of sync on %s", n, rep.Day)
	}
	return nil
}
