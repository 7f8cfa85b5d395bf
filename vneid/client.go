// Package vneid signs citizens in through VNeID, the national SSO, over
// OpenID Connect: the authorization code flow with PKCE (S256), state and
// nonce, verified with github.com/coreos/go-oidc and
// golang.org/x/oauth2. It turns a verified ID token into an
// auth.Identity; the account, session and audit are package auth's, the
// pages package web's. Package vneidsim is a provider for tests and
// --demo. Claim names are assumed (claims.go, docs/vneid.md).
package vneid

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"

	"github.com/coreos/go-oidc/v3/oidc"
	"golang.org/x/oauth2"

	"github.com/motcua/motcua/auth"
	"github.com/motcua/motcua/problem"
)

// Config is the client's registration with the provider.
type Config struct {
	// Issuer is the provider's issuer URL (discovery at
	// Issuer/.well-known/openid-configuration).
	Issuer, ClientID, ClientSecret string
	// RedirectURL is the callback registered with the provider:
	// <public URL>/dang-nhap/vneid/ve (CallbackPath).
	RedirectURL string
	// HTTP calls the provider; nil: a client with a 10-second timeout.
	// (ID tokens are judged against the real clock, not the injected one:
	// the provider stamps them with its own.)
	HTTP *http.Client
}

// CallbackPath is where the provider sends the browser back.
const CallbackPath = "/dang-nhap/vneid/ve"

// Client talks to the provider. Discovery happens at first use, not at
// start, so motcua starts while the SSO is down (the button then shows
// an apology) and the in-process simulator can be the issuer.
type Client struct {
	cfg  Config
	mu   sync.Mutex
	prov *oidc.Provider
}

// New checks cfg and returns a client.
func New(cfg Config) (*Client, error) {
	if cfg.Issuer == "" || cfg.ClientID == "" || cfg.RedirectURL == "" {
		return nil, errors.New("vneid: issuer, client id and redirect URL are required")
	}
	for _, u := range []string{cfg.Issuer, cfg.RedirectURL} {
		p, err := url.Parse(u)
		if err != nil || (p.Scheme != "https" && p.Scheme != "http") || p.Host == "" {
			return nil, fmt.Errorf("vneid: %q is not an http(s) URL", u)
		}
	}
	if cfg.HTTP == nil {
		cfg.HTTP = &http.Client{Timeout: 10 * time.Second}
	}
	return &Client{cfg: cfg}, nil
}

var (
	// ErrUnavailable: the provider could not be reached or answered
	// with a server error.
	ErrUnavailable = problem.New(problem.ErrUnavailable, "vneid_unavailable")
	// ErrRejected: the provider's answer did not verify (signature,
	// audience, nonce, expiry) or it refused the code.
	ErrRejected = problem.New(problem.ErrUnauthorized, "vneid_rejected")
	// ErrClaims: the identity lacks a verified ID number or name.
	ErrClaims = problem.New(problem.ErrUnauthorized, "vneid_claims")
)

func (c *Client) ctx(ctx context.Context) context.Context {
	return oidc.ClientContext(ctx, c.cfg.HTTP)
}

func (c *Client) provider(ctx context.Context) (*oidc.Provider, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.prov != nil {
		return c.prov, nil
	}
	p, err := oidc.NewProvider(c.ctx(ctx), c.cfg.Issuer)
	if err != nil {
		return nil, fmt.Errorf("%w (discovery: %v)", ErrUnavailable, err)
	}
	c.prov = p
	return p, nil
}

func (c *Client) oauth(p *oidc.Provider) *oauth2.Config {
	return &oauth2.Config{ClientID: c.cfg.ClientID, ClientSecret: c.cfg.ClientSecret, RedirectURL: c.cfg.RedirectURL,
		Endpoint: p.Endpoint(), Scopes: Scopes()}
}

// AuthURL is where to send the browser to sign in: state and nonce are
// random values the caller keeps to compare on return, verifier the PKCE
// code verifier (oauth2.GenerateVerifier), of which only the S256
// challenge leaves.
func (c *Client) AuthURL(ctx context.Context, state, nonce, verifier string) (string, error) {
	p, err := c.provider(ctx)
	if err != nil {
		return "", err
	}
	return c.oauth(p).AuthCodeURL(state, oidc.Nonce(nonce), oauth2.S256ChallengeOption(verifier)), nil
}

// Identify exchanges the code for tokens, verifies the ID token
// (signature, issuer, audience, expiry, nonce) and reads the identity
// from its claims, completed from UserInfo when the token lacks some.
func (c *Client) Identify(ctx context.Context, code, verifier, nonce string) (auth.Identity, error) {
	var id auth.Identity
	p, err := c.provider(ctx)
	if err != nil {
		return id, err
	}
	tok, err := c.oauth(p).Exchange(c.ctx(ctx), code, oauth2.VerifierOption(verifier))
	if err != nil {
		var re *oauth2.RetrieveError
		if errors.As(err, &re) && re.Response != nil && re.Response.StatusCode < 500 {
			return id, fmt.Errorf("%w (token: %v)", ErrRejected, err)
		}
		return id, fmt.Errorf("%w (token: %v)", ErrUnavailable, err)
	}
	raw, _ := tok.Extra("id_token").(string)
	if raw == "" {
		return id, fmt.Errorf("%w (no id_token)", ErrRejected)
	}
	v := p.Verifier(&oidc.Config{ClientID: c.cfg.ClientID})
	idt, err := v.Verify(c.ctx(ctx), raw)
	if err != nil {
		return id, fmt.Errorf("%w (id_token: %v)", ErrRejected, err)
	}
	if nonce == "" || idt.Nonce != nonce {
		return id, fmt.Errorf("%w (nonce)", ErrRejected)
	}
	claims := map[string]any{}
	if err := idt.Claims(&claims); err != nil {
		return id, fmt.Errorf("%w (claims: %v)", ErrRejected, err)
	}
	// go-oidc checks that the audience includes this client, not who the
	// token was issued to: a token for another client that merely lists
	// this one must not sign anyone in (OpenID Connect Core 3.1.3.7).
	azp, _ := claims["azp"].(string)
	if (len(idt.Audience) > 1 || azp != "") && azp != c.cfg.ClientID {
		return id, fmt.Errorf("%w (azp %q)", ErrRejected, azp)
	}
	id = auth.Identity{Issuer: idt.Issuer, Subject: idt.Subject, Provider: "vneid"}
	fill(&id, claims)
	if id.IDNumber == "" || id.FullName == "" {
		// Providers often keep personal claims for UserInfo only.
		ui, err := p.UserInfo(c.ctx(ctx), oauth2.StaticTokenSource(tok))
		if err != nil {
			return id, fmt.Errorf("%w (userinfo: %v)", ErrUnavailable, err)
		}
		if ui.Subject != idt.Subject {
			return id, fmt.Errorf("%w (userinfo subject)", ErrRejected)
		}
		extra := map[string]any{}
		if err := ui.Claims(&extra); err != nil {
			return id, fmt.Errorf("%w (userinfo claims: %v)", ErrRejected, err)
		}
		fill(&id, extra)
	}
	if len(id.IDNumber) != 12 || strings.Trim(id.IDNumber, "0123456789") != "" || id.FullName == "" {
		return id, ErrClaims
	}
	return id, nil
}

// fill sets the identity's empty fields from claims.
func fill(id *auth.Identity, claims map[string]any) {
	str := func(k string) string { s, _ := claims[k].(string); return strings.TrimSpace(s) }
	if id.IDNumber == "" {
		id.IDNumber = str(ClaimIDNumber)
	}
	if id.FullName == "" {
		id.FullName = str(ClaimName)
	}
	if id.BirthDate == "" {
		id.BirthDate = str(ClaimBirthDate)
	}
}
