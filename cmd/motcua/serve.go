package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"strings"
	"time"

	"github.com/motcua/motcua/catalog"
	"github.com/motcua/motcua/clientip"
	"github.com/motcua/motcua/demo"
	"github.com/motcua/motcua/schema"
	"github.com/motcua/motcua/server"
	"github.com/motcua/motcua/store"
)

func runServe(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("serve", flag.ContinueOnError)
	var sf serveFlags
	sf.register(fs)
	if err := parse(fs, args); err != nil {
		return err
	}
	if sf.backupDir != "" && sf.backupKeep < 1 {
		return fmt.Errorf("--backup-keep must be at least 1 (got %d)", sf.backupKeep)
	}
	loadDemo := sf.demo.world != ""
	if err := checkActivity(fs, sf.activity, loadDemo); err != nil {
		return err
	}
	trust, err := loadTrust(sf.trust)
	if err != nil {
		return err
	}
	trusted, err := clientip.ParseList(sf.trustedProxies)
	if err != nil {
		return fmt.Errorf("--trusted-proxies: %w", err)
	}
	var level slog.Level
	if err := level.UnmarshalText([]byte(sf.logLevel)); err != nil {
		return fmt.Errorf("--log-level: %w", err)
	}
	log := slog.New(slog.NewJSONHandler(stderr, &slog.HandlerOptions{Level: level}))

	// Listening first gives the real address (--addr with port 0 too),
	// which the demo's simulated post needs to call back.
	ln, err := net.Listen("tcp", sf.addr)
	if err != nil {
		return err
	}
	defer ln.Close()
	db, err := store.Open(ctx, store.Config{URL: sf.db.db, Dir: sf.db.data, Replica: sf.dbReplica, Log: log})
	if err != nil {
		return err
	}
	defer db.Close()
	// The blob store --blobs chooses (before this, serve never read the
	// flag: the default always won, and DATA/files was never imported).
	if sf.db.blobs, err = server.Blobs(db, sf.db.data, sf.db.kind); err != nil {
		return err
	}
	if sf.loginMemory <= 0 {
		return errors.New("--login-memory must be positive")
	}
	cfg := server.Config{DataDir: sf.db.data, SecretKey: sf.db.key, Blobs: sf.db.blobs, Log: log, Trust: trust, TrustedProxies: trusted, MetricsToken: sf.metricsToken}
	cfg.Login.HashMemory = sf.loginMemory << 20
	for _, h := range strings.Split(sf.webhookHosts, ",") {
		if h = strings.TrimSpace(h); h != "" {
			cfg.Webhooks.AllowHosts = append(cfg.Webhooks.AllowHosts, h)
		}
	}
	exchangeNote, exchangeSim, err := sf.exchange.configure(&cfg, ln.Addr().String(), sf.demo.world, log)
	if err != nil {
		return err
	}
	if err := configureScanner(ctx, &cfg, sf.clamd, log); err != nil {
		return err
	}
	stopSMS, err := sf.notify.configure(&cfg, ln.Addr().String(), loadDemo, log)
	if err != nil {
		return err
	}
	defer stopSMS()
	payNote, err := sf.payment.configure(&cfg, sf.addr, loadDemo, log)
	if err != nil {
		return err
	}
	postNote, err := sf.postal.configure(&cfg, ln.Addr().String(), loadDemo)
	if err != nil {
		return err
	}
	portalNote, err := sf.portal.configure(&cfg, ln.Addr().String(), loadDemo)
	if err != nil {
		return err
	}
	esignNote, closeSeal, err := sf.esign.configure(&cfg, ln.Addr().String(), loadDemo, sf.demo.world)
	if err != nil {
		return err
	}
	defer closeSeal()
	docsNote, closeSigners, err := sf.documents.configure(&cfg, sf.esign.module)
	defer closeSigners()
	if err != nil {
		return err
	}
	docsNote += remoteNote(&cfg, ln.Addr().String())
	ssoNote, err := sf.vneid.configure(&cfg, loadDemo, log)
	if err != nil {
		return err
	}
	dancuNote := sf.dancu.configure(&cfg, loadDemo)
	landNote := sf.land.configure(&cfg, ln.Addr().String(), loadDemo)
	if err := prepare(ctx, db); err != nil {
		return err
	}
	if err := importFiles(ctx, &sf.db, log); err != nil {
		return err
	}
	app, err := server.New(ctx, db, cfg)
	if err != nil {
		return err
	}
	world := ""
	if loadDemo {
		var sim http.Handler
		if exchangeSim != nil {
			sim = exchangeSim
		}
		if world, err = loadDemoWorld(ctx, db, app, sf.demo.world, sim, stdout, log); err != nil {
			return err
		}
		// The calendar was built before the demo's province existed: read
		// it again so the province's lateness rule is in force at once,
		// not at the first periodic refresh.
		if err := app.Calendar.Refresh(ctx); err != nil {
			return fmt.Errorf("calendar after the demo world: %w", err)
		}
		if err := liveDemo(ctx, db, sf.db.data, world, sf.activity, stdout); err != nil {
			return err
		}
	}
	srv := &http.Server{
		Handler:           app.Handler,
		ReadHeaderTimeout: 10 * time.Second,
		// Uploads from a slow rural line can take minutes; only idle is capped tightly.
		ReadTimeout:  10 * time.Minute,
		WriteTimeout: 2 * time.Minute,
		IdleTimeout:  2 * time.Minute,
		ErrorLog:     slog.NewLogLogger(log.Handler(), slog.LevelWarn),
	}
	var conns connTracker
	srv.ConnState = conns.hook
	url := "http://" + ln.Addr().String()
	fmt.Fprintf(stdout, "motcua is serving at %s (database: %s)\n", url, db.Dialect)
	if loadDemo {
		fmt.Fprintf(stdout, "Demo logins (password %q):\n", demo.Password)
		for _, a := range demo.Logins(world) {
			fmt.Fprintf(stdout, "  %-20s %s, %s\n", a.Username, a.Role, a.UnitCode)
		}
		fmt.Fprintf(stdout, "  %-20s citizen\n", demo.Citizen.Username)
	}
	fmt.Fprintln(stdout, payNote)
	fmt.Fprintln(stdout, postNote)
	if cfg.MailSimulator != nil {
		fmt.Fprintf(stdout, "E-mail: a simulated mail server at %s%s/ shows every e-mail the demo sends (none leaves this machine; --smtp-addr for a real relay).\n", url, server.MailSimulatorPath)
	}
	fmt.Fprintln(stdout, portalNote)
	fmt.Fprintln(stdout, esignNote)
	fmt.Fprintln(stdout, docsNote)
	fmt.Fprintln(stdout, ssoNote)
	fmt.Fprintln(stdout, dancuNote)
	fmt.Fprintln(stdout, landNote)
	if exchangeNote != "" {
		fmt.Fprintln(stdout, exchangeNote)
	}
	// The workers run beside the server and stop after it, when serve
	// returns (not at the signal: requests still draining may queue
	// work), before the database closes; each finishes the item it is
	// sending (package outbox) and releases the rest for later.
	workerCtx, stopWorker := context.WithCancel(context.WithoutCancel(ctx))
	workerDone := make(chan struct{})
	go func() { app.Notifier.Run(workerCtx); close(workerDone) }()
	defer func() { stopWorker(); <-workerDone }()
	// Orders abandoned at the gateway expire in the background too (reads
	// expire the ones they meet).
	sweepDone := make(chan struct{})
	go func() { app.Payments.Sweep(workerCtx, time.Minute); close(sweepDone) }()
	defer func() { stopWorker(); <-sweepDone }()
	// Announcements added on another instance reach this one's calendar
	// within a minute; this instance's own take effect at once.
	calDone := make(chan struct{})
	go func() { app.Calendar.Run(workerCtx); close(calDone) }()
	defer func() { stopWorker(); <-calDone }()
	// Each finished day's audit chain head goes to the log output, the
	// anchor `motcua audit verify` is compared with.
	headsDone := make(chan struct{})
	go func() { app.Audit.RunAnnouncer(workerCtx, log, time.Now, 10*time.Minute); close(headsDone) }()
	defer func() { stopWorker(); <-headsDone }()
	// Dossiers whose applicant let the supplement time limit pass are
	// closed by the system (dossier.LapseSupplements; safe on several instances).
	lapseDone := make(chan struct{})
	go func() { app.Dossiers.RunSupplementSweep(workerCtx, 10*time.Minute, log); close(lapseDone) }()
	defer func() { stopWorker(); <-lapseDone }()
	// Closed work files entering their 30 days before the archive is due
	// are announced to their keepers once (document.WarnDueFiles; safe
	// on several instances); checked at start, then hourly.
	warnDone := make(chan struct{})
	go func() { app.Documents.RunArchiveWarnings(workerCtx, time.Hour, log); close(warnDone) }()
	defer func() { stopWorker(); <-warnDone }()
	// Reorganisation plans scheduled for a date are carried out when it
	// comes: checked at start, then hourly.
	reorgDone := make(chan struct{})
	go func() { app.Reorg.Run(workerCtx, time.Hour); close(reorgDone) }()
	defer func() { stopWorker(); <-reorgDone }()
	// The national portal: the outbox is sent in each dossier's order, and
	// dossiers filed there come into the reception queue (package dvcqg).
	if app.PortalSync != nil {
		syncDone := make(chan struct{})
		go func() { app.PortalSync.Run(workerCtx); close(syncDone) }()
		defer func() { stopWorker(); <-syncDone }()
	}
	// The land registry's changes go to the national land information
	// system, each parcel's in order (package land).
	if app.LandSender != nil {
		landDone := make(chan struct{})
		go func() { app.LandSender.Run(workerCtx); close(landDone) }()
		defer func() { stopWorker(); <-landDone }()
	}
	if app.PortalPull != nil {
		pullDone := make(chan struct{})
		go func() { app.PortalPull.Run(workerCtx); close(pullDone) }()
		defer func() { stopWorker(); <-pullDone }()
	}
	// The integrators' webhooks: each subscription's events of a dossier
	// in order, retried for a day (package webhook).
	// The edXML exchange: documents to outside agencies and statuses
	// back to the agencies that sent documents here (package document).
	exchangeDone := make(chan struct{})
	go func() { app.ExchangeSender.Run(workerCtx); close(exchangeDone) }()
	defer func() { stopWorker(); <-exchangeDone }()
	if exchangeSim != nil {
		// The simulated agencies' automatic 01s go back from here.
		simDone := make(chan struct{})
		go func() { exchangeSim.Run(workerCtx); close(simDone) }()
		defer func() { stopWorker(); <-simDone }()
	}
	hooksDone := make(chan struct{})
	go func() { app.WebhookSender.Run(workerCtx); close(hooksDone) }()
	defer func() { stopWorker(); <-hooksDone }()
	// The daily backup (--backup-dir), under the advisory lock the
	// instances share (package backup).
	if sf.backupDir != "" {
		daily := dailyBackup(db, app.Blobs, &sf.db, sf.backupDir, sf.backupKeep, log)
		backupDone := make(chan struct{})
		go func() { daily.Run(workerCtx); close(backupDone) }()
		defer func() { stopWorker(); <-backupDone }()
	}
	// Closed dossiers whose procedure's retention ended are anonymised
	// daily (dossier.Anonymise; each dossier claimed once, so safe on
	// several instances); their files then go with the collection below.
	retentionDone := make(chan struct{})
	go func() { app.Dossiers.RunRetention(workerCtx, 24*time.Hour, log); close(retentionDone) }()
	defer func() { stopWorker(); <-retentionDone }()
	// Files nothing refers to any more (deleted drafts') go once a day.
	gcDone := make(chan struct{})
	go func() { collectDaily(workerCtx, app.Dossiers, log); close(gcDone) }()
	defer func() { stopWorker(); <-gcDone }()
	errc := make(chan error, 2)
	if sf.metricsAddr != "" {
		// Metrics get their own listener (for the monitoring network only).
		mln, err := net.Listen("tcp", sf.metricsAddr)
		if err != nil {
			return fmt.Errorf("--metrics-addr: %w", err)
		}
		msrv := &http.Server{Handler: app.Metrics, ReadHeaderTimeout: 10 * time.Second}
		defer msrv.Close()
		go func() {
			if err := msrv.Serve(mln); !errors.Is(err, http.ErrServerClosed) {
				errc <- err
			}
		}()
		fmt.Fprintf(stdout, "Metrics: http://%s/metrics\n", mln.Addr())
	}
	served := make(chan error, 1)
	go func() { served <- srv.Serve(ln) }()
	select {
	case err := <-errc:
		return err
	case err := <-served:
		return err
	case <-ctx.Done():
	}
	if sf.drain > 0 {
		// New connections are still accepted, and answered, while the
		// load balancer's checks see 503: closing the listener at once
		// would reset connections the kernel had already queued for it,
		// and a request sent on one of those fails although no instance
		// was down.
		log.Info("draining: /healthz answers 503", "for", sf.drain)
		app.Drain()
		srv.SetKeepAlivesEnabled(false)
		select {
		case <-time.After(sf.drain):
		case err := <-errc:
			return err
		case err := <-served:
			return err
		}
	}
	log.Info("shutting down: finishing requests in flight")
	shutdownCtx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	return stopServing(shutdownCtx, srv, ln, served, &conns)
}

// prepare brings the database up to date before the app is built on it:
// every module's migrations, then the built-in procedure catalog (a
// procedure whose shipped text changed gets a new version).
func prepare(ctx context.Context, db *store.DB) error {
	if _, err := schema.Migrate(ctx, db); err != nil {
		return err
	}
	cat := catalog.NewStore(db, time.Now)
	return db.InTx(ctx, func(tx *store.Tx) error {
		_, err := cat.SeedBuiltin(ctx, tx)
		return err
	})
}

func runMigrate(ctx context.Context, args []string, stdout io.Writer) error {
	fs := flag.NewFlagSet("migrate", flag.ContinueOnError)
	var dbf dbFlags
	dbf.register(fs)
	dry := fs.Bool("dry-run", false, "list, per module, the migrations that would run, and change nothing")
	if err := parse(fs, args); err != nil {
		return err
	}
	db, err := dbf.open(ctx)
	if err != nil {
		return err
	}
	defer db.Close()
	if *dry {
		pending, err := schema.Pending(ctx, db)
		if err != nil {
			return err
		}
		printPending(stdout, db.Dialect, pending)
		return nil
	}
	n, err := schema.Migrate(ctx, db)
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "applied %d migration(s) on %s\n", n, db.Dialect)
	return nil
}

// printPending lists the dry run's migrations under their module, in the
// order Migrate would run them, one file name a line.
func printPending(w io.Writer, d store.Dialect, pending []store.Migration) {
	fmt.Fprintf(w, "%d migration(s) would run on %s\n", len(pending), d)
	for i, m := range pending {
		if i == 0 || pending[i-1].Module != m.Module {
			fmt.Fprintf(w, "%s:\n", m.Module)
		}
		fmt.Fprintf(w, "  %03d_%s.sql\n", m.Version, m.Name)
	}
}
