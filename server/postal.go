package server

import (
	"net/http"

	"github.com/motcua/motcua/postal"
	"github.com/motcua/motcua/store"
)

// PostalConfig says how to reach the post's API (package postal) and how
// the post signs the tracking events it sends to /api/v1/postal/webhook.
// Without a URL, results by post cannot be sent (pages say so); without a
// secret, every webhook is refused.
type PostalConfig struct {
	URL, Token, WebhookSecret string
	// Simulator, when set, is served under /_sim/post/: the demo's stand-in
	// for the post (package postsim). It sits outside the session layer, as
	// the post's own site would: its buttons act for the post, not for a
	// signed-in user, and a CSRF token of ours means nothing to it.
	Simulator http.Handler
}

// PostalSimulatorPath is where PostalConfig.Simulator is mounted.
const PostalSimulatorPath = "/_sim/post"

func newPostal(db *store.DB, a *App, cfg Config) (*postal.Service, error) {
	pc := postal.Config{WebhookSecret: cfg.Postal.WebhookSecret, Notifier: a.Notify, Now: cfg.Now, Log: cfg.Log}
	if cfg.Postal.URL != "" {
		c, err := postal.NewClient(postal.ClientConfig{URL: cfg.Postal.URL, Token: cfg.Postal.Token})
		if err != nil {
			return nil, err
		}
		pc.Client = c
	}
	return postal.NewService(db, a.Dossiers, a.Units, pc), nil
}

// withSimulator serves the postal simulator beside the application.
func withSimulator(app, sim http.Handler) http.Handler {
	mux := http.NewServeMux()
	mux.Handle(PostalSimulatorPath+"/", http.StripPrefix(PostalSimulatorPath, sim))
	mux.Handle("/", app)
	return mux
}
