package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"math"
	"net"
	"net/http"
	"time"

	"github.com/motcua/motcua/demo"
	"github.com/motcua/motcua/server"
	"github.com/motcua/motcua/store"
)

// demoFlag is serve's --demo: alone (or =true, =2025) the two-tier world of
// today, =2022 the Nho Quan district of 2022, =false none. It is a boolean
// flag that also takes a value, so `--demo` keeps working as it did.
type demoFlag struct{ world string }

func (d *demoFlag) String() string   { return d.world }
func (d *demoFlag) IsBoolFlag() bool { return true }

func (d *demoFlag) Set(s string) error {
	switch s {
	case "true", "1", demo.WorldTwoTier:
		d.world = demo.WorldTwoTier
	case demo.World2022:
		d.world = demo.World2022
	case "false", "0", "":
		d.world = ""
	default:
		return fmt.Errorf("--demo takes no value (the two-tier world of today) or =2022 (Nho Quan district in 2022), not %q", s)
	}
	return nil
}

// loadDemoWorld loads the world asked for on first start and returns the
// world the database holds, whose logins are printed. A database that
// holds the other world is served as it is, with a note saying so: the
// 2022 world moves to the two-tier one only by `motcua reorg apply`, and
// the two-tier world never goes back.
//
// sim, when set, is the simulated exchange (mounted at
// server.EdXMLSimulatorPath): what the documents' outbox holds while the
// demo is made is delivered to it on a listener of its own, before the
// server listens (demo.LoadDocumentsDelivering says why).
func loadDemoWorld(ctx context.Context, db *store.DB, app *server.App, want string, sim http.Handler, stdout io.Writer, log *slog.Logger) (string, error) {
	loaded := false
	var err error
	switch want {
	case demo.World2022:
		world, err := demo.WorldOf(ctx, app.Units)
		if err != nil {
			return "", err
		}
		if world != "" && world != demo.World2022 {
			fmt.Fprintln(stdout, "Note: this database holds the two-tier demo world, not the 2022 one; for Nho Quan district in 2022 start on an empty database (another --data directory) with --demo=2022.")
			return world, nil
		}
		loaded, err = demo.Load(ctx, db, app.Units, app.Auth)
		if err != nil {
			return "", fmt.Errorf("load demo: %w", err)
		}
	default:
		loaded, err = demo.LoadTwoTier(ctx, db, app.Units, app.Auth, app.Reorg)
		if errors.Is(err, demo.ErrWorld2022) {
			fmt.Fprintln(stdout, "Note: this database holds the 2022 demo world (Nho Quan district), served as it is. To carry it into the two-tier world of today:")
			for _, f := range demo.PlanFiles {
				fmt.Fprintf(stdout, "  motcua reorg apply demo/%s\n", f)
			}
			fmt.Fprintln(stdout, "or start on an empty database (another --data directory).")
		} else if err != nil {
			return "", fmt.Errorf("load demo: %w", err)
		}
	}
	if _, err := demo.LoadPartnerAgencies(ctx, db, app.Units); err != nil {
		return "", fmt.Errorf("load demo partner agencies: %w", err)
	}
	if _, err := demo.LoadCivil(ctx, app.Auth, app.Civil); err != nil {
		return "", fmt.Errorf("load demo civil service records: %w", err)
	}
	world, err := demo.WorldOf(ctx, app.Units)
	if err != nil {
		return "", err
	}
	// Documents in every state in the registers of the units whose clerk,
	// leader and specialist log in (a unit that has some is left alone).
	deliver, stop, err := simulatorClient(sim)
	if err != nil {
		return "", err
	}
	_, err = demo.LoadDocumentsDelivering(ctx, app.Documents, app.Auth, world, deliver)
	stop()
	if err != nil {
		return "", fmt.Errorf("load demo documents: %w", err)
	}
	// The two-tier world's communes get cadastral records, so their land
	// dossiers are checked and change the registry.
	if _, err := demo.LoadLand(ctx, app.Land, world); err != nil {
		return "", fmt.Errorf("load demo land parcels: %w", err)
	}
	log.Info("demo world", "world", world, "loaded_now", loaded)
	return world, nil
}

// checkActivity refuses a --demo-activity that makes no sense, or one
// given without --demo.
func checkActivity(fs *flag.FlagSet, share float64, loadDemo bool) error {
	set := false
	fs.Visit(func(f *flag.Flag) { set = set || f.Name == "demo-activity" })
	switch {
	case set && !loadDemo:
		return errors.New("--demo-activity needs --demo: it generates activity on the demo world")
	case math.IsNaN(share) || share < 0 || share > 10:
		return fmt.Errorf("--demo-activity is a share of the seed district's rate between 0 (none) and 10, not %g", share)
	}
	return nil
}

// liveDemo generates the last 60 days of activity on the two-tier world
// at share of the seed district's rate, on first start only (an empty
// database: demo.Live does nothing where a dossier exists).
func liveDemo(ctx context.Context, db *store.DB, dataDir, world string, share float64, stdout io.Writer) error {
	if world != demo.WorldTwoTier || share == 0 {
		return nil
	}
	st, ran, err := demo.Live(ctx, demo.LiveConfig{DB: db, DataDir: dataDir, Share: share})
	if err != nil {
		return fmt.Errorf("demo activity: %w", err)
	}
	if ran {
		fmt.Fprintf(stdout, "Demo activity: the last %d days, %d dossiers (%.0f%% online), %d acts; fees paid %d online and %d at the desk, "+
			"%d results by post, %d ratings; open dossiers wait in every queue (took %s)\n",
			demo.LiveDays, st.Dossiers, 100*st.OnlineShare(), st.Actions, st.PaidOnline, st.PaidDesk, st.Posted, st.Rated, st.Elapsed.Round(1e8))
	}
	return nil
}

// simulatorClient serves sim, mounted as the server mounts it, on a
// loopback listener of its own and returns a client whose every request
// goes there (the outbox addresses it at the server's own address, which
// does not answer yet), and the function that stops it. A nil sim gives
// a nil client.
func simulatorClient(sim http.Handler) (*http.Client, func(), error) {
	if sim == nil {
		return nil, func() {}, nil
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, nil, fmt.Errorf("the demo's exchange simulator: %w", err)
	}
	mux := http.NewServeMux()
	mux.Handle(server.EdXMLSimulatorPath+"/", http.StripPrefix(server.EdXMLSimulatorPath, sim))
	srv := &http.Server{Handler: mux, ReadHeaderTimeout: 10 * time.Second}
	go srv.Serve(ln)
	addr := ln.Addr().String()
	var d net.Dialer
	tr := &http.Transport{DialContext: func(ctx context.Context, network, _ string) (net.Conn, error) {
		return d.DialContext(ctx, network, addr)
	}}
	stop := func() { srv.Close(); tr.CloseIdleConnections() }
	return &http.Client{Transport: tr, Timeout: time.Minute}, stop, nil
}
