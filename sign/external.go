package sign

import (
	"context"
	"crypto"
	"crypto/ecdsa"
	"crypto/rsa"
	"crypto/x509"
	"errors"
	"fmt"
	"io"
)

// HashSigner signs a digest somewhere else: a remote signing service
// (the Cloud Signature Consortium's signatures/signHash), or any device
// reached through another program. It returns the raw signature value:
// PKCS#1 v1.5 for RSA keys, DER ECDSA-Sig-Value for EC keys.
type HashSigner interface {
	SignHash(ctx context.Context, digest []byte, h crypto.Hash) ([]byte, error)
}

// External makes a Key whose private key is held elsewhere: Sign
// computes the document's signed attributes here, sends their digest to
// hs, and embeds what comes back. chain is the signer's certificate
// first (as the service's credentials/info returns it). ctx bounds the
// remote calls: crypto.Signer has no context of its own.
func External(ctx context.Context, hs HashSigner, chain []*x509.Certificate) (*Key, error) {
	if len(chain) == 0 {
		return nil, errors.New("sign: an external signer needs its certificate")
	}
	return &Key{Signer: &externalSigner{ctx: ctx, hs: hs, pub: chain[0].PublicKey}, Chain: OrderChain(chain[0], chain[1:])}, nil
}

type externalSigner struct {
	ctx context.Context
	hs  HashSigner
	pub crypto.PublicKey
}

func (e *externalSigner) Public() crypto.PublicKey { return e.pub }

// Sign asks the remote side and checks its answer against the
// certificate's key before it is embedded: a service that signed with
// another credential, or a value damaged on the way, is caught here
// rather than by the citizen's PDF reader.
func (e *externalSigner) Sign(_ io.Reader, digest []byte, opts crypto.SignerOpts) ([]byte, error) {
	if _, pss := opts.(*rsa.PSSOptions); pss {
		return nil, errors.New("sign: external signers sign PKCS#1 v1.5 only")
	}
	h := opts.HashFunc()
	sig, err := e.hs.SignHash(e.ctx, digest, h)
	if err != nil {
		return nil, err
	}
	switch pub := e.pub.(type) {
	case *rsa.PublicKey:
		err = rsa.VerifyPKCS1v15(pub, h, digest, sig)
	case *ecdsa.PublicKey:
		if !ecdsa.VerifyASN1(pub, digest, sig) {
			err = errors.New("invalid ECDSA signature")
		}
	default:
		err = fmt.Errorf("unsupported key type %T", pub)
	}
	if err != nil {
		return nil, fmt.Errorf("sign: the remote signature does not verify with the certificate's key: %w", err)
	}
	return sig, nil
}
