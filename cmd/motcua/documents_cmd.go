package main

import (
	"errors"
	"flag"
	"fmt"
	"os"
	"strings"

	"github.com/motcua/motcua/server"
	"github.com/motcua/motcua/sign"
)

// documentFlags connect the signing of outgoing documents (package
// document) to what in-app signing of results already configures: the
// organisation's seal (--seal-pkcs11-module…, esignFlags) seals every
// issued document, the time-stamp authority (--esign-tsa) stamps its
// signatures. What is the documents' own: the directory of seal and
// signature images, and the leaders' personal keys, one PKCS#11 token or
// slot each on the seal's module. Without --document-signer the
// documents are sealed only: approvals carry no personal signature.
type documentFlags struct {
	images  string
	signers signerList
}

// signerList is the repeated --document-signer USER=TOKEN:KEY:PINFILE.
type signerList []string

func (l *signerList) String() string     { return strings.Join(*l, ",") }
func (l *signerList) Set(v string) error { *l = append(*l, v); return nil }

func (f *documentFlags) register(fs *flag.FlagSet) {
	fs.StringVar(&f.images, "document-images", "", "directory of the outgoing documents' images: seal-<unit code>.png (an organ's red seal), signature-<username>.png (a leader's signature); a missing one signs without it")
	fs.Var(&f.signers, "document-signer", "a leader's personal signing key, repeatable: USERNAME=TOKEN_LABEL:KEY_LABEL:PIN_FILE, a token or slot on --seal-pkcs11-module; none: outgoing documents carry the seal only")
}

// configure fills cfg.Documents from the seal esign opened. sealModule is
// --seal-pkcs11-module: the demo's software seal (no module) signs
// e-results only, so the documents are not signed in a plain demo. It
// returns what was set up and a function closing the signers' sessions.
func (f *documentFlags) configure(cfg *server.Config, sealModule string) (string, func(), error) {
	var keys []*sign.Key
	closeAll := func() {
		for _, k := range keys {
			k.Close()
		}
	}
	cfg.Documents.ImageDir = f.images
	if f.images != "" {
		if st, err := os.Stat(f.images); err != nil || !st.IsDir() {
			return "", closeAll, fmt.Errorf("--document-images %s: not a directory", f.images)
		}
	}
	if sealModule == "" {
		if len(f.signers) > 0 {
			return "", closeAll, errors.New("--document-signer needs the organisation's seal on a token: --seal-pkcs11-module, --seal-token-label, --seal-key-label, --seal-pin-file")
		}
		return "Outgoing documents: not sealed (the seal comes from --seal-pkcs11-module…); unsigned unless their leader signs.", closeAll, nil
	}
	cfg.Documents.Seal, cfg.Documents.TSA = cfg.ESign.Seal, cfg.ESign.TSA
	var names []string
	for _, s := range f.signers {
		user, rest, ok := strings.Cut(s, "=")
		parts := strings.Split(rest, ":")
		if !ok || user == "" || len(parts) != 3 || parts[0] == "" || parts[1] == "" || parts[2] == "" {
			return "", closeAll, fmt.Errorf("--document-signer %q: want USERNAME=TOKEN_LABEL:KEY_LABEL:PIN_FILE", s)
		}
		pin, err := secret(parts[2], "")
		if err != nil {
			return "", closeAll, fmt.Errorf("--document-signer %s: %w", user, err)
		}
		key, err := sign.OpenPKCS11(sign.PKCS11Config{Module: sealModule, TokenLabel: parts[0], KeyLabel: parts[1], PIN: pin})
		if err != nil {
			return "", closeAll, fmt.Errorf("--document-signer %s: %w", user, err)
		}
		keys = append(keys, key)
		if cfg.Documents.Signers == nil {
			cfg.Documents.Signers = map[string]*sign.Key{}
		}
		if _, dup := cfg.Documents.Signers[user]; dup {
			return "", closeAll, fmt.Errorf("--document-signer %s: given twice", user)
		}
		cfg.Documents.Signers[user] = key
		names = append(names, user)
	}
	note := "Outgoing documents: sealed with " + cfg.Documents.Seal.Chain[0].Subject.CommonName
	if len(names) == 0 {
		note += "; seal only (no --document-signer: approvals carry no personal signature)"
	} else {
		note += "; personal signatures of " + strings.Join(names, ", ")
	}
	if f.images == "" {
		note += "; no images (--document-images)"
	}
	return note + ".", closeAll, nil
}

// remoteNote says how the leaders sign their approvals when esign's CSC
// service is configured (the document service uses the same one): a
// leader without a --document-signer key signs remotely with an OTP,
// which the demo's simulator shows on its page instead of an SMS.
func remoteNote(cfg *server.Config, self string) string {
	switch {
	case cfg.ESign.CSC.BaseURL == "":
		return ""
	case cfg.ESign.Simulator != nil:
		return fmt.Sprintf(" Leaders without a key sign their approvals remotely through the simulated CSC service: on the document page press «Gửi mã OTP», the code appears at http://%s%s/, type it and press «Duyệt và ký số».",
			publicHost(self), server.CSCSimulatorPath)
	}
	return " Leaders without a key sign their approvals remotely through the CSC service at " + cfg.ESign.CSC.BaseURL + ", with the OTP it sends them."
}
