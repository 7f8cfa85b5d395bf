//go:build cgo

package signtest

import (
	"crypto/rsa"
	"crypto/x509"
	"encoding/hex"
	"encoding/pem"
	"os"
	"os/exec"
	"path/filepath"
	"testing"

	"github.com/ThalesGroup/crypto11"
)

// Token is an initialised SoftHSM2 token in a temporary directory.
type Token struct {
	Module, Label, PIN string
	dir                string
}

// SoftHSM creates a token labelled label with user PIN "1234" in a fresh
// directory and points SOFTHSM2_CONF at it for the rest of the test (so
// the test must not be parallel). Without softhsm2 the test is skipped,
// or fails under CI=true.
func SoftHSM(t testing.TB, label string) *Token {
	t.Helper()
	util := Require(t, "softhsm2-util", "softhsm2")
	module := os.Getenv("MOTCUA_SOFTHSM_MODULE")
	for _, p := range []string{"/usr/lib/softhsm/libsofthsm2.so", "/usr/lib/x86_64-linux-gnu/softhsm/libsofthsm2.so", "/usr/lib/aarch64-linux-gnu/softhsm/libsofthsm2.so", "/usr/lib64/pkcs11/libsofthsm2.so"} {
		if module == "" {
			if _, err := os.Stat(p); err == nil {
				module = p
			}
		}
	}
	if module == "" {
		t.Fatal("softhsm2-util is installed but libsofthsm2.so was not found; set MOTCUA_SOFTHSM_MODULE")
	}
	dir := t.TempDir()
	conf := filepath.Join(dir, "softhsm2.conf")
	if err := os.Mkdir(filepath.Join(dir, "tokens"), 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(conf, []byte("directories.tokendir = "+filepath.Join(dir, "tokens")+"\nobjectstore.backend = file\nlog.level = ERROR\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	t.Setenv("SOFTHSM2_CONF", conf)
	tok := &Token{Module: module, Label: label, PIN: "1234", dir: dir}
	runTool(t, util, "--init-token", "--free", "--label", label, "--pin", tok.PIN, "--so-pin", "12345678")
	return tok
}

// Import stores key (as softhsm2-util --import does with a PKCS#8 file)
// and its certificate on the token under label and id.
func (tok *Token) Import(t testing.TB, key *rsa.PrivateKey, cert *x509.Certificate, label string, id []byte) {
	t.Helper()
	der, err := x509.MarshalPKCS8PrivateKey(key)
	if err != nil {
		t.Fatal(err)
	}
	file := filepath.Join(tok.dir, label+".pem")
	if err := os.WriteFile(file, pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: der}), 0o600); err != nil {
		t.Fatal(err)
	}
	runTool(t, "softhsm2-util", "--import", file, "--token", tok.Label, "--label", label, "--id", hex.EncodeToString(id), "--pin", tok.PIN)
	os.Remove(file)
	ctx, err := crypto11.Configure(&crypto11.Config{Path: tok.Module, TokenLabel: tok.Label, Pin: tok.PIN})
	if err != nil {
		t.Fatal(err)
	}
	defer ctx.Close()
	if err := ctx.ImportCertificateWithLabel(id, []byte(label), cert); err != nil {
		t.Fatal(err)
	}
}

func runTool(t testing.TB, name string, args ...string) {
	t.Helper()
	out, err := exec.Command(name, args...).CombinedOutput()
	if err != nil {
		t.Fatalf("%s %v: %v\n%s", name, args, err, out)
	}
}
