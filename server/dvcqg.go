package server

import (
	"context"
	"net/http"
	"time"

	"github.com/motcua/motcua/auth"
	"github.com/motcua/motcua/dvcqg"
	"github.com/motcua/motcua/sohoa"
	"github.com/motcua/motcua/store"
)

// DVCQGConfig connects motcua to the National Public Service Portal
// (package dvcqg) through the province's LGSP or the NDXP. Without a URL
// the calls wait in the outbox (the officers' sync page says so) and
// nothing is pulled.
type DVCQGConfig struct {
	URL, Token string
	// FileHosts are other hosts the portal's file URLs may name
	// (dvcqg.ClientConfig.FileHosts); files anywhere else are refused.
	FileHosts []string
	// Pull brings dossiers filed on the portal for the units into the
	// reception queue.
	Pull bool
	// PullEvery is the time between pulls (a minute).
	PullEvery time.Duration
	// Mapping replaces the embedded mapping.json (motcua serve
	// --dvcqg-mapping); nil: the embedded one.
	Mapping *dvcqg.Mapping
	// Simulator, when set, is served under /_sim/dvcqg/ (package
	// dvcqgsim), outside the session layer like the other simulators.
	Simulator http.Handler
}

// DVCQGSimulatorPath is where DVCQGConfig.Simulator is mounted; its API is
// at DVCQGSimulatorPath + "/api".
const DVCQGSimulatorPath = "/_sim/dvcqg"

// newDVCQG builds the portal sync: the service whose listener writes the
// outbox, and, when connected, the worker sending it and the puller.
func newDVCQG(db *store.DB, a *App, cfg Config) error {
	public := cfg.PublicURL
	if public == "" {
		public = "http://localhost" // as server.New defaults it later
	}
	svc, err := dvcqg.New(db, dvcqg.Config{Now: cfg.Now, Mapping: cfg.DVCQG.Mapping,
		Catalog: a.Catalog, ResultCodes: sohoa.CodesOf, Blobs: a.Dossiers, PublicURL: public})
	if err != nil {
		return err
	}
	a.DVCQG = svc
	if cfg.DVCQG.URL == "" {
		return nil
	}
	client, err := dvcqg.NewClient(dvcqg.ClientConfig{URL: cfg.DVCQG.URL, Token: cfg.DVCQG.Token, FileHosts: cfg.DVCQG.FileHosts, Mapping: svc.Mapping()})
	if err != nil {
		return err
	}
	a.PortalClient = client
	a.PortalSync = dvcqg.NewWorker(db, client, dvcqg.WorkerConfig{Now: cfg.Now, Log: cfg.Log})
	if cfg.DVCQG.Pull {
		a.PortalPull = dvcqg.NewPuller(db, client, a.Dossiers, dvcqg.PullConfig{Now: cfg.Now, Log: cfg.Log, Every: cfg.DVCQG.PullEvery,
			Units: func(ctx context.Context) ([]string, error) {
				us, err := a.Units.List(ctx)
				var codes []string
				for _, u := range us {
					if u.Active {
						codes = append(codes, u.Code)
					}
				}
				return codes, err
			}})
	}
	return nil
}

// reach is where an officer holds a right (unit.Store.Reach), for the
// back office's portal sync page.
func (a *App) reach(ctx context.Context, actor *auth.Actor, r auth.Right) ([]int64, error) {
	return a.Units.Reach(ctx, a.DB, actor, r)
}

// withDVCQGSimulator serves the portal simulator beside the application.
func withDVCQGSimulator(app, sim http.Handler) http.Handler {
	mux := http.NewServeMux()
	mux.Handle(DVCQGSimulatorPath+"/", http.StripPrefix(DVCQGSimulatorPath, sim))
	mux.Handle("/", app)
	return mux
}
