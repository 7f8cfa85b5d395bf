package main

import (
	"crypto/x509"
	"encoding/hex"
	"errors"
	"flag"
	"fmt"
	"os"
	"strings"

	"github.com/motcua/motcua/auth"
	"github.com/motcua/motcua/demo"
	"github.com/motcua/motcua/esign/cscsim"
	"github.com/motcua/motcua/server"
	"github.com/motcua/motcua/sign"
)

// esignFlags connect in-app signing of results (package esign): the
// leaders' remote signing service (CSC API v2) and the organisation's
// seal on a PKCS#11 token or HSM. Secrets (the OAuth client secret, the
// token PIN) come from files or the environment, never from a flag's
// value, which other users of the machine could read in the process list.
type esignFlags struct {
	cscURL, tokenURL, clientID, secretFile string
	module, tokenLabel, keyLabel, keyID    string
	certFile, pinFile, tsa                 string
}

func (f *esignFlags) register(fs *flag.FlagSet) {
	fs.StringVar(&f.cscURL, "csc-url", "", "the remote signing service's CSC API v2 base, e.g. https://rs.example.vn/csc/v2 (with --demo and none: the simulator at /_sim/csc/)")
	fs.StringVar(&f.tokenURL, "csc-token-url", "", "its OAuth2 token endpoint (default: <base>/../../oauth2/token)")
	fs.StringVar(&f.clientID, "csc-client-id", "", "motcua's OAuth2 client ID at the signing service")
	fs.StringVar(&f.secretFile, "csc-client-secret-file", "", "file holding the OAuth2 client secret (or MOTCUA_CSC_CLIENT_SECRET)")
	fs.StringVar(&f.module, "seal-pkcs11-module", "", "PKCS#11 library of the token/HSM holding the organisation's seal key")
	fs.StringVar(&f.tokenLabel, "seal-token-label", "", "label of that token")
	fs.StringVar(&f.keyLabel, "seal-key-label", "", "label of the seal key on the token")
	fs.StringVar(&f.keyID, "seal-key-id", "", "or its CKA_ID in hex")
	fs.StringVar(&f.certFile, "seal-cert", "", "PEM: the seal's certificate chain when the token lacks it")
	fs.StringVar(&f.pinFile, "seal-pin-file", "", "file holding the token's user PIN (or MOTCUA_SEAL_PIN)")
	fs.StringVar(&f.tsa, "esign-tsa", "", "RFC 3161 time-stamp authority for the signatures (PAdES B-T, the base of B-LT)")
}

// secret reads a file's first line, or the environment variable.
func secret(file, env string) (string, error) {
	if file != "" {
		b, err := os.ReadFile(file)
		if err != nil {
			return "", err
		}
		return strings.TrimRight(strings.SplitN(string(b), "\n", 2)[0], "\r"), nil
	}
	return os.Getenv(env), nil
}

// configure fills cfg.ESign. With demo and no --csc-url the simulator is
// mounted on this server (self), every demo leader enrolled, and, without
// a token, a software seal issued by the simulator's CA. It returns what
// was set up, and a function closing the token session.
func (f *esignFlags) configure(cfg *server.Config, self string, demoOn bool, world string) (string, func(), error) {
	noop := func() {}
	if f.tsa != "" {
		cfg.ESign.TSA = &sign.TSA{URL: f.tsa}
	}
	var note []string
	if f.module != "" {
		pin, err := secret(f.pinFile, "MOTCUA_SEAL_PIN")
		if err != nil {
			return "", noop, fmt.Errorf("--seal-pin-file: %w", err)
		}
		if pin == "" {
			return "", noop, errors.New("the seal token's PIN: give --seal-pin-file or MOTCUA_SEAL_PIN")
		}
		pc := sign.PKCS11Config{Module: f.module, TokenLabel: f.tokenLabel, KeyLabel: f.keyLabel, PIN: pin}
		if f.keyID != "" {
			id, err := hex.DecodeString(f.keyID)
			if err != nil {
				return "", noop, fmt.Errorf("--seal-key-id: %w", err)
			}
			pc.KeyID = id
		}
		if f.certFile != "" {
			pem, err := os.ReadFile(f.certFile)
			if err != nil {
				return "", noop, err
			}
			if pc.Certs, err = sign.ParseCertificates(pem); err != nil {
				return "", noop, err
			}
		}
		key, err := sign.OpenPKCS11(pc)
		if err != nil {
			return "", noop, err
		}
		cfg.ESign.Seal = key
		noop = func() { key.Close() }
		note = append(note, "seal: "+key.Chain[0].Subject.CommonName+" on token "+f.tokenLabel)
	}
	if f.cscURL == "" && demoOn {
		base := "http://" + loopback(self) + server.CSCSimulatorPath
		id, sec := randomHex(), randomHex()
		sim, err := cscsim.New(cscsim.Config{ClientID: id, ClientSecret: sec, BaseURL: base})
		if err != nil {
			return "", noop, err
		}
		for _, a := range demo.Logins(world) {
			if a.Role == auth.Leader {
				if _, err := sim.Enroll(a.Username, a.FullName, a.Title, "09xxxxxxxx"); err != nil {
					return "", noop, err
				}
			}
		}
		if cfg.ESign.Seal == nil {
			key, chain, err := sim.DemoSeal("motcua demo seal")
			if err != nil {
				return "", noop, err
			}
			cfg.ESign.Seal = &sign.Key{Signer: key, Chain: chain}
			note = append(note, "seal: a software key of the simulator's CA (demo only; production seals are on a token or HSM)")
		}
		cfg.ESign.CSC.BaseURL, cfg.ESign.CSC.ClientID, cfg.ESign.CSC.ClientSecret = base+"/csc/v2", id, sec
		cfg.ESign.Simulator = sim
		addTrust(cfg, sim.CA())
		return fmt.Sprintf("In-app signing: simulated CSC service at http://%s%s/ (OTPs shown there); %s.", publicHost(self), server.CSCSimulatorPath, strings.Join(note, "; ")), noop, nil
	}
	if f.cscURL == "" {
		return "In-app signing: off (set --csc-url, --csc-client-id, --csc-client-secret-file and the --seal-… flags).", noop, nil
	}
	if cfg.ESign.Seal == nil {
		return "", noop, errors.New("--csc-url needs the organisation's seal: --seal-pkcs11-module, --seal-token-label, --seal-key-label, --seal-pin-file")
	}
	sec, err := secret(f.secretFile, "MOTCUA_CSC_CLIENT_SECRET")
	if err != nil {
		return "", noop, fmt.Errorf("--csc-client-secret-file: %w", err)
	}
	if f.clientID == "" || sec == "" {
		return "", noop, errors.New("--csc-url needs --csc-client-id and the client secret (--csc-client-secret-file or MOTCUA_CSC_CLIENT_SECRET)")
	}
	cfg.ESign.CSC.BaseURL, cfg.ESign.CSC.TokenURL, cfg.ESign.CSC.ClientID, cfg.ESign.CSC.ClientSecret = f.cscURL, f.tokenURL, f.clientID, sec
	cfg.ESign.CSC.Lang = "vi"
	return "In-app signing: CSC service at " + f.cscURL + "; " + strings.Join(note, "; ") + ".", noop, nil
}

// addTrust adds a root to the verification trust list (the demo's
// simulated CA, so the verification page trusts the demo's e-results).
func addTrust(cfg *server.Config, c *x509.Certificate) {
	if cfg.Trust == nil {
		cfg.Trust = x509.NewCertPool()
	}
	cfg.Trust.AddCert(c)
}
