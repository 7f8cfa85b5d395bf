package server

import (
	"net/http"
	"strings"

	"github.com/motcua/motcua/vneid"
	"github.com/motcua/motcua/vneid/vneidsim"
	"github.com/motcua/motcua/web"
)

// VNeIDConfig is motcua's client registration with the national SSO
// (motcua serve --oidc-issuer, --oidc-client-id, --oidc-client-secret).
// The redirect URL is the public URL's /dang-nhap/vneid/ve. Without an
// issuer citizens sign in with passwords only.
type VNeIDConfig struct {
	Issuer, ClientID, ClientSecret string
	// Simulator, when set, is served under /_sim/vneid/: the demo's
	// OpenID provider (package vneidsim). Like the other simulators it sits
	// outside the session layer, as VNeID's own site would.
	Simulator *vneidsim.Sim
}

// VNeIDSimulatorPath is where VNeIDConfig.Simulator is mounted.
const VNeIDSimulatorPath = "/_sim/vneid"

// newFederation builds the OpenID Connect client, nil when none is set.
func newFederation(cfg Config) (web.Federation, error) {
	if cfg.VNeID.Issuer == "" {
		return nil, nil
	}
	return vneid.New(vneid.Config{Issuer: cfg.VNeID.Issuer, ClientID: cfg.VNeID.ClientID, ClientSecret: cfg.VNeID.ClientSecret,
		RedirectURL: strings.TrimSuffix(cfg.PublicURL, "/") + vneid.CallbackPath})
}

// withVNeIDSimulator serves the OpenID provider simulator beside the application.
func withVNeIDSimulator(app http.Handler, sim *vneidsim.Sim) http.Handler {
	mux := http.NewServeMux()
	mux.Handle(VNeIDSimulatorPath+"/", http.StripPrefix(VNeIDSimulatorPath, sim.Handler()))
	mux.Handle("/", app)
	return mux
}
