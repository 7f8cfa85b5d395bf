package server

import (
	"net/http"

	"github.com/motcua/motcua/event"
	"github.com/motcua/motcua/land"
)

// subscribeLand has the land registry check a land dossier's
// preconditions at submission and reception and change the registry in
// the transaction that makes its result (land.Service.OnTransitioned):
// after the tally, before esign, so a refusal (a split not measured)
// rolls the whole act back before anything is signed or sent.
func subscribeLand(bus *event.Bus, s *land.Service) {
	event.Subscribe(bus, "land.Registry", s.OnTransitioned)
}

// LandConfig connects the land registry to the national land information
// system (motcua serve --land-url, --land-token): every registry change
// is sent there from the land outbox. Without a URL the changes wait in
// the outbox.
type LandConfig struct {
	URL, Token string
	// Simulator, when set, is served under /_sim/dat-dai/ (package landsim).
	Simulator http.Handler
}

// LandSimulatorPath is where LandConfig.Simulator is mounted.
const LandSimulatorPath = "/_sim/dat-dai"

// newLandSender is the worker sending the land outbox; nil without a URL.
func newLandSender(a *App, cfg Config) *land.Worker {
	if cfg.Land.URL == "" {
		return nil
	}
	return a.Land.NewWorker(land.NewClient(cfg.Land.URL, cfg.Land.Token, nil), land.WorkerConfig{Now: cfg.Now, Log: cfg.Log})
}

// MailSimulatorPath is where Config.MailSimulator is mounted.
const MailSimulatorPath = "/_sim/mail"

// withSimulatorAt serves sim under path beside the application.
func withSimulatorAt(app http.Handler, path string, sim http.Handler) http.Handler {
	mux := http.NewServeMux()
	mux.Handle(path+"/", http.StripPrefix(path, sim))
	mux.Handle("/", app)
	return mux
}

// withLandSimulator serves the national land system simulator beside the application.
func withLandSimulator(app, sim http.Handler) http.Handler {
	return withSimulatorAt(app, LandSimulatorPath, sim)
}
