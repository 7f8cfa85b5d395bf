package server

import (
	"net/http"
	"time"

	"github.com/motcua/motcua/dancu"
	"github.com/motcua/motcua/dancu/dancusim"
	"github.com/motcua/motcua/store"
)

// DancuConfig is the connection to the national population database
// through the province's LGSP (motcua serve --dancu-url, --dancu-token,
// --dancu-agency). Without a URL the lookups are off and citizens and
// officers type the applicant's data.
type DancuConfig struct {
	URL, Token, Agency string
	// Timeout bounds one lookup (zero: package dancu's default).
	Timeout time.Duration
	// Simulator, when set, is served under /_sim/dancu/ (package
	// dancusim), outside the session layer like the other simulators.
	Simulator *dancusim.Sim
}

// DancuSimulatorPath is where DancuConfig.Simulator is mounted.
const DancuSimulatorPath = "/_sim/dancu"

func newPopulation(db *store.DB, a *App, cfg Config) (*dancu.Service, error) {
	dc := dancu.Config{Dossiers: a.Dossiers, Now: cfg.Now, Bus: a.Events, Timeout: cfg.Dancu.Timeout}
	if cfg.Dancu.URL != "" {
		c, err := dancu.NewClient(dancu.ClientConfig{URL: cfg.Dancu.URL, Token: cfg.Dancu.Token, Agency: cfg.Dancu.Agency})
		if err != nil {
			return nil, err
		}
		dc.Register = c
	}
	return dancu.New(db, dc), nil
}

// withDancuSimulator serves the population database simulator beside the application.
func withDancuSimulator(app http.Handler, sim *dancusim.Sim) http.Handler {
	mux := http.NewServeMux()
	mux.Handle(DancuSimulatorPath+"/", http.StripPrefix(DancuSimulatorPath, sim.Handler()))
	mux.Handle("/", app)
	return mux
}
