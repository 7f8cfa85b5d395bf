package main

import (
	"flag"
	"fmt"
	"log/slog"

	"github.com/motcua/motcua/dancu"
	"github.com/motcua/motcua/dancu/dancusim"
	"github.com/motcua/motcua/demo"
	"github.com/motcua/motcua/server"
	"github.com/motcua/motcua/vneid"
	"github.com/motcua/motcua/vneid/vneidsim"
)

// vneidFlags are the national SSO's flags: motcua's client registration
// with VNeID's OpenID provider (docs/vneid.md).
type vneidFlags struct {
	issuer, clientID, clientSecret string
}

func (v *vneidFlags) register(fs *flag.FlagSet) {
	fs.StringVar(&v.issuer, "oidc-issuer", "", "VNeID / national SSO OpenID Connect issuer URL; none: citizens sign in with passwords only (with --demo: the simulator at /_sim/vneid/)")
	fs.StringVar(&v.clientID, "oidc-client-id", "", "client ID motcua is registered with at the issuer")
	fs.StringVar(&v.clientSecret, "oidc-client-secret", "", "client secret of that registration")
}

// configure fills cfg.VNeID; cfg.PublicURL must be set (the redirect URL
// is derived from it). With demo and no issuer, the simulator is mounted
// under /_sim/vneid/ with the demo world's people.
func (v *vneidFlags) configure(cfg *server.Config, isDemo bool, log *slog.Logger) (string, error) {
	redirect := cfg.PublicURL + vneid.CallbackPath
	if v.issuer == "" && isDemo {
		issuer := cfg.PublicURL + server.VNeIDSimulatorPath
		var people []vneidsim.Person
		for _, p := range demo.People() {
			people = append(people, vneidsim.Person{IDNumber: p.IDNumber, Name: p.Name, BirthDate: p.BirthDate})
		}
		sim, err := vneidsim.New(vneidsim.Config{Issuer: issuer, People: people, Log: log, Clients: []vneidsim.Client{{
			ID: vneidsim.DemoClientID, Secret: vneidsim.DemoClientSecret, RedirectURIs: []string{redirect}}}})
		if err != nil {
			return "", err
		}
		cfg.VNeID = server.VNeIDConfig{Issuer: issuer, ClientID: vneidsim.DemoClientID, ClientSecret: vneidsim.DemoClientSecret, Simulator: sim}
		return fmt.Sprintf("VNeID sign-in: an OpenID provider simulated at %s/ (press «Đăng nhập bằng VNeID» on /dang-nhap and pick one of %d demo identities; no real identity).", issuer, len(people)), nil
	}
	if v.issuer == "" && v.clientID == "" && v.clientSecret == "" {
		return "VNeID sign-in: off (set --oidc-issuer, --oidc-client-id, --oidc-client-secret).", nil
	}
	if v.issuer == "" || v.clientID == "" || v.clientSecret == "" {
		return "", fmt.Errorf("VNeID needs --oidc-issuer, --oidc-client-id and --oidc-client-secret together")
	}
	cfg.VNeID = server.VNeIDConfig{Issuer: v.issuer, ClientID: v.clientID, ClientSecret: v.clientSecret}
	return fmt.Sprintf("VNeID sign-in: issuer %s, client %s, redirect URL %s (register it with the provider).", v.issuer, v.clientID, redirect), nil
}

// dancuFlags are the population database's flags: the province's LGSP
// and what it issued to motcua (docs/vneid.md).
type dancuFlags struct {
	url, token, agency string
}

func (d *dancuFlags) register(fs *flag.FlagSet) {
	fs.StringVar(&d.url, "dancu-url", "", "population database lookup through the province's LGSP (base URL); none: applicants' data is typed (with --demo: the simulator at /_sim/dancu/)")
	fs.StringVar(&d.token, "dancu-token", "", "bearer token the LGSP issued to motcua")
	fs.StringVar(&d.agency, "dancu-agency", "", "the requesting agency's code sent with each lookup (the province's)")
}

// configure fills cfg.Dancu; with demo and no URL the simulator is
// mounted under /_sim/dancu/ with the demo world's people.
func (d *dancuFlags) configure(cfg *server.Config, isDemo bool) string {
	if d.url == "" && isDemo {
		var people []dancu.Person
		for _, p := range demo.People() {
			people = append(people, dancu.Person{IDNumber: p.IDNumber, FullName: p.Name, BirthDate: p.BirthDate, Sex: p.Sex,
				Permanent: p.Permanent, Current: p.Current})
		}
		cfg.Dancu = server.DancuConfig{URL: cfg.PublicURL + server.DancuSimulatorPath, Token: dancusim.DemoToken, Agency: demo.ProvinceCode,
			Simulator: dancusim.New(dancusim.DemoToken, people)}
		return fmt.Sprintf("Population database: an API simulated at %s%s/ (%d demo people; the wizard's step 1 fills the applicant from it after a VNeID sign-in, with consent).", cfg.PublicURL, server.DancuSimulatorPath, len(people))
	}
	if d.url == "" {
		return "Population database: off; applicants' data is typed (set --dancu-url, --dancu-token, --dancu-agency)."
	}
	cfg.Dancu = server.DancuConfig{URL: d.url, Token: d.token, Agency: d.agency}
	return fmt.Sprintf("Population database: lookups through %s.", d.url)
}
