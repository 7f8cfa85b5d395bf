//go:build !cgo

package sign

import "errors"

// OpenPKCS11 needs cgo (the token's library is loaded with dlopen); this
// binary was built without it.
func OpenPKCS11(cfg PKCS11Config) (*Key, error) {
	return nil, errors.New("sign: this motcua was built without cgo, so it cannot use PKCS#11 tokens; build it with CGO_ENABLED=1")
}
