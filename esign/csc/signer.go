package csc

import (
	"context"
	"crypto"
	"crypto/ecdsa"
	"crypto/rsa"
	"crypto/x509"
	"errors"
	"fmt"
	"sync"
)

// Signer is one remote signature by a credential, authorised by the OTP
// its owner typed: a sign.HashSigner. SignHash authorises the digest
// (credentials/authorize: the SAD is bound to it, SCAL2) and signs it
// (signatures/signHash). An OTP authorises one signature, so a Signer
// signs once.
type Signer struct {
	Client       *Client
	CredentialID string
	OTP          string
	// Cert is the credential's certificate: its key type chooses signAlgo.
	Cert *x509.Certificate

	mu   sync.Mutex
	used bool
}

// SignHash implements sign.HashSigner.
func (s *Signer) SignHash(ctx context.Context, digest []byte, h crypto.Hash) ([]byte, error) {
	s.mu.Lock()
	if s.used {
		s.mu.Unlock()
		return nil, errors.New("csc: this one-time password has been used")
	}
	s.used = true
	s.mu.Unlock()
	var algo string
	switch s.Cert.PublicKey.(type) {
	case *rsa.PublicKey:
		algo = OIDRSA
	case *ecdsa.PublicKey:
		algo = OIDECDSA256
	default:
		return nil, fmt.Errorf("csc: key type %T not supported", s.Cert.PublicKey)
	}
	sad, err := s.Client.Authorize(ctx, s.CredentialID, s.OTP, h, digest)
	if err != nil {
		return nil, err
	}
	sigs, err := s.Client.SignHash(ctx, s.CredentialID, sad, algo, h, digest)
	if err != nil {
		return nil, err
	}
	return sigs[0], nil
}
