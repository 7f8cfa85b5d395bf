package server

import (
	"net/http"

	"github.com/motcua/motcua/esign"
	"github.com/motcua/motcua/esign/csc"
	"github.com/motcua/motcua/sign"
	"github.com/motcua/motcua/store"
)

// ESignConfig connects in-app signing of results (package esign): the
// leaders' remote signing service (CSC API v2) and the organisation's
// seal key. Without a CSC base URL or a seal, signing is off and the
// pages say so.
type ESignConfig struct {
	CSC csc.Config
	// Seal is the organisation's key, opened by the caller (motcua serve:
	// --seal-pkcs11-module …); the caller closes it.
	Seal *sign.Key
	// TSA time-stamps the signatures (PAdES B-T, the base of B-LT).
	TSA *sign.TSA
	// CRLClient fetches CRLs for B-LT; nil: esign's default.
	CRLClient *http.Client
	// Simulator, when set, is served under /_sim/csc/ (package cscsim).
	Simulator http.Handler
}

// CSCSimulatorPath is where ESignConfig.Simulator is mounted.
const CSCSimulatorPath = "/_sim/csc"

// newCSC connects the leaders' remote signing service, shared by the
// e-results (esign) and the outgoing documents (document): one OAuth2
// token, and one OTP gate, so a leader gets at most one OTP a minute
// whichever page asks. Nothing without a CSC base URL.
func newCSC(a *App, cfg Config) error {
	if cfg.ESign.CSC.BaseURL == "" {
		return nil
	}
	client, err := csc.New(cfg.ESign.CSC)
	if err != nil {
		return err
	}
	a.csc, a.otpGate = client, &csc.OTPGate{Now: cfg.Now}
	return nil
}

func newESign(db *store.DB, a *App, cfg Config) (*esign.Service, error) {
	ec := cfg.ESign
	if a.csc == nil || ec.Seal == nil {
		return nil, nil
	}
	return esign.New(db, esign.Config{Dossiers: a.Dossiers, Results: a.Forms, CSC: a.csc, OTPGate: a.otpGate, Seal: ec.Seal, TSA: ec.TSA,
		CRLClient: ec.CRLClient, Trust: cfg.Trust, Events: a.Events, Now: cfg.Now, Log: cfg.Log})
}

// withCSCSimulator serves the signing service simulator beside the application.
func withCSCSimulator(app, sim http.Handler) http.Handler {
	mux := http.NewServeMux()
	mux.Handle(CSCSimulatorPath+"/", http.StripPrefix(CSCSimulatorPath, sim))
	mux.Handle("/", app)
	return mux
}
