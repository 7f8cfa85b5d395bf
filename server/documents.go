package server

import (
	"context"
	"errors"
	"io/fs"
	"os"
	"path/filepath"

	"github.com/motcua/motcua/auth"
	"github.com/motcua/motcua/document"
	"github.com/motcua/motcua/document/layout"
	"github.com/motcua/motcua/sign"
	"github.com/motcua/motcua/store"
	"github.com/motcua/motcua/unit"
)

// DocumentsConfig connects the signing of outgoing documents. Keys and
// Images are the general form (tests, other key stores); Seal, Signers
// and ImageDir are what motcua serve configures (docs/documents.md,
// "Signing in a running server").
type DocumentsConfig struct {
	// Keys gives the leaders' keys and each organ's seal (document.Keys);
	// nil: Seal and Signers below, or no digital signatures at all.
	Keys document.Keys
	// Seal, when Keys is nil, seals every organ's outgoing documents at
	// issue: the organisation's key on its token or HSM, the same key
	// in-app signing of results uses (--seal-pkcs11-module…).
	Seal *sign.Key
	// Signers, when Keys is nil and Seal set, are the leaders' personal
	// keys by username (each on its own PKCS#11 token or slot). Empty:
	// seal only — approvals carry no personal signature. Not empty: a
	// leader without a key here cannot approve (document_no_key).
	Signers map[string]*sign.Key
	// Images gives the signature and seal images; nil: ImageDir.
	Images document.Images
	// ImageDir, when Images is nil, holds the PNGs: seal-<unit code>.png
	// (the organ's red seal) and signature-<username>.png (a leader's blue
	// signature). A missing file signs without that image (the seal then
	// in its text form); "" signs without images.
	ImageDir string
	// TSA time-stamps the signatures (PAdES B-T) when set.
	TSA *sign.TSA
}

// newDocuments builds the document service: its signatures' text in
// document/layout's Liberation Serif (Times New Roman's metrics, as
// Decree 30 asks), the trust list incoming signatures are checked against.
func newDocuments(db *store.DB, a *App, cfg Config) (*document.Service, error) {
	font, err := layout.Font(layout.Regular)
	if err != nil {
		return nil, err
	}
	bold, err := layout.Font(layout.Bold)
	if err != nil {
		return nil, err
	}
	dc := cfg.Documents
	keys, images := dc.Keys, dc.Images
	if keys == nil && dc.Seal != nil {
		keys = tokenKeys{seal: dc.Seal, signers: dc.Signers}
	}
	if images == nil && dc.ImageDir != "" {
		images = dirImages{dir: dc.ImageDir, db: db, units: a.Units}
	}
	return document.New(db, a.Units, document.Config{Now: cfg.Now, Bus: a.Events, Trust: cfg.Trust,
		Keys: keys, Images: images, TSA: dc.TSA, Font: font, BoldFont: bold, CSC: a.csc, OTPGate: a.otpGate, Log: cfg.Log,
		Exchange: document.ExchangeConfig{Peers: cfg.Exchange.Peers, Systems: cfg.Exchange.Systems}}), nil
}

// tokenKeys are the keys motcua serve opens: one seal for every organ
// the deployment serves, the leaders' keys by username.
type tokenKeys struct {
	seal    *sign.Key
	signers map[string]*sign.Key
}

func (k tokenKeys) Personal(_ context.Context, a *auth.Actor) (*sign.Key, error) {
	if len(k.signers) == 0 {
		return nil, document.ErrSealOnly
	}
	if key, ok := k.signers[a.Username]; ok {
		return key, nil
	}
	return nil, errors.New("server: no signing key for " + a.Username)
}

func (k tokenKeys) Seal(context.Context, int64) (*sign.Key, error) { return k.seal, nil }

// dirImages reads the signature and seal images from a directory, named
// by the unit's code and the account's username (both never contain a
// path separator: codes are digits and dots, usernames are checked).
type dirImages struct {
	dir   string
	db    *store.DB
	units *unit.Store
}

func (m dirImages) SignatureImage(_ context.Context, a *auth.Actor) ([]byte, error) {
	return m.read("signature-" + a.Username + ".png")
}

func (m dirImages) SealImage(ctx context.Context, unitID int64) ([]byte, error) {
	codes, err := m.units.Codes(ctx, m.db, []int64{unitID})
	if err != nil {
		return nil, err
	}
	return m.read("seal-" + codes[unitID] + ".png")
}

func (m dirImages) read(name string) ([]byte, error) {
	if name != filepath.Base(name) {
		return nil, errors.New("server: image name " + name + " is not a plain file name")
	}
	b, err := os.ReadFile(filepath.Join(m.dir, name))
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	return b, err
}
