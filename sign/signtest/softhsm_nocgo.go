//go:build !cgo

package signtest

import (
	"crypto/rsa"
	"crypto/x509"
	"testing"
)

// Token is an initialised SoftHSM2 token (unavailable without cgo).
type Token struct {
	Module, Label, PIN string
}

// SoftHSM skips the test: PKCS#11 needs cgo.
func SoftHSM(t testing.TB, label string) *Token {
	t.Helper()
	t.Skip("PKCS#11 needs cgo: this test binary was built with CGO_ENABLED=0")
	return nil
}

// Import is never reached without cgo.
func (tok *Token) Import(t testing.TB, key *rsa.PrivateKey, cert *x509.Certificate, label string, id []byte) {
}
