//go:build cgo

package sign

import (
	"crypto/x509"
	"errors"
	"fmt"

	"github.com/ThalesGroup/crypto11"
)

// OpenPKCS11 logs in to the token and finds the key and its certificate.
// Close the key when done: it ends the token session.
func OpenPKCS11(cfg PKCS11Config) (*Key, error) {
	if cfg.Module == "" || cfg.TokenLabel == "" {
		return nil, errors.New("sign: PKCS#11 needs the module and the token label")
	}
	ctx, err := crypto11.Configure(&crypto11.Config{Path: cfg.Module, TokenLabel: cfg.TokenLabel, Pin: cfg.PIN})
	if err != nil {
		return nil, fmt.Errorf("sign: PKCS#11 token %q: %w", cfg.TokenLabel, err)
	}
	k, err := findPKCS11Key(ctx, cfg)
	if err != nil {
		ctx.Close()
		return nil, err
	}
	k.close = ctx.Close
	return k, nil
}

func findPKCS11Key(ctx *crypto11.Context, cfg PKCS11Config) (*Key, error) {
	var signer crypto11.Signer
	if cfg.KeyLabel != "" || cfg.KeyID != nil {
		var label []byte
		if cfg.KeyLabel != "" {
			label = []byte(cfg.KeyLabel)
		}
		s, err := ctx.FindKeyPair(cfg.KeyID, label)
		if err != nil {
			return nil, fmt.Errorf("sign: PKCS#11: %w", err)
		}
		if s == nil {
			return nil, errors.New("sign: no such key on the token")
		}
		signer = s
	} else {
		all, err := ctx.FindAllKeyPairs()
		if err != nil {
			return nil, fmt.Errorf("sign: PKCS#11: %w", err)
		}
		switch len(all) {
		case 0:
			return nil, errors.New("sign: the token holds no key pair")
		case 1:
			signer = all[0]
		default:
			return nil, fmt.Errorf("sign: the token holds %d key pairs: choose one by label or id", len(all))
		}
	}
	var cert *x509.Certificate
	pairs, err := ctx.FindAllPairedCertificates()
	if err != nil {
		return nil, fmt.Errorf("sign: PKCS#11: %w", err)
	}
	for _, p := range pairs {
		if len(p.Certificate) == 0 {
			continue
		}
		c, err := x509.ParseCertificate(p.Certificate[0])
		if err == nil && publicKeyEqual(c.PublicKey, signer.Public()) {
			cert = c
		}
	}
	extra := cfg.Certs
	if cert == nil {
		if len(cfg.Certs) == 0 || !publicKeyEqual(cfg.Certs[0].PublicKey, signer.Public()) {
			return nil, errors.New("sign: the token holds no certificate for the key; give the certificate")
		}
		cert, extra = cfg.Certs[0], cfg.Certs[1:]
	}
	return &Key{Signer: signer, Chain: OrderChain(cert, extra)}, nil
}
