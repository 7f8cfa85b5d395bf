package main

import (
	"crypto/rand"
	"encoding/hex"
	"flag"
	"fmt"

	"github.com/motcua/motcua/postal/postsim"
	"github.com/motcua/motcua/server"
)

// postalFlags connect motcua to the post's API for results sent by post
// (MOTCUA_POSTAL_URL, MOTCUA_POSTAL_TOKEN, MOTCUA_POSTAL_WEBHOOK_SECRET).
type postalFlags struct {
	url, token, secret string
}

func (p *postalFlags) register(fs *flag.FlagSet) {
	fs.StringVar(&p.url, "postal-url", "", "the post's API for results by post, e.g. https://api.example.vn (with --demo and none: the simulator at /_sim/post/)")
	fs.StringVar(&p.token, "postal-token", "", "bearer token the post issued for its API")
	fs.StringVar(&p.secret, "postal-webhook-secret", "", "key of the HMAC-SHA256 signature on the post's tracking webhooks")
}

// configure fills cfg.Postal. self is the address this server listens on
// (host:port, port known): with demo and no --postal-url, the simulated
// post is mounted on this server and the two call each other through it.
// The returned text says what was set up.
func (p *postalFlags) configure(cfg *server.Config, self string, demo bool) (string, error) {
	if p.url == "" && demo {
		token, secret := p.token, p.secret
		if token == "" {
			token = randomHex()
		}
		if secret == "" {
			secret = randomHex()
		}
		base := "http://" + loopback(self)
		sim := postsim.New(postsim.Config{Token: token, Secret: secret, WebhookURL: base + "/api/v1/postal/webhook"})
		cfg.Postal = server.PostalConfig{URL: base + server.PostalSimulatorPath, Token: token, WebhookSecret: secret, Simulator: sim}
		return fmt.Sprintf("Results by post: simulated post at http://%s%s/ (shipments kept in memory).", publicHost(self), server.PostalSimulatorPath), nil
	}
	if p.url == "" {
		return "Results by post: no postal connection; results are returned at the desk (set --postal-url, --postal-token, --postal-webhook-secret).", nil
	}
	if p.token == "" || p.secret == "" {
		return "", fmt.Errorf("--postal-url needs --postal-token and --postal-webhook-secret (the webhook's signatures cannot be checked without it)")
	}
	cfg.Postal = server.PostalConfig{URL: p.url, Token: p.token, WebhookSecret: p.secret}
	return "Results by post: the post's API at " + p.url + ".", nil
}

func randomHex() string {
	var b [16]byte
	rand.Read(b[:])
	return hex.EncodeToString(b[:])
}
