package signtest

import (
	"crypto/x509"
	"encoding/pem"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
)

// PdfSig runs poppler's pdfsig on doc with args and returns its output
// (stdout and stderr) and exit code. Without poppler-utils the test is
// skipped, or fails under CI=true.
func PdfSig(t testing.TB, doc []byte, args ...string) (string, int) {
	t.Helper()
	tool := Require(t, "pdfsig", "poppler-utils")
	file := filepath.Join(t.TempDir(), "doc.pdf")
	if err := os.WriteFile(file, doc, 0o644); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command(tool, append(args, file)...).CombinedOutput()
	var exit *exec.ExitError
	switch {
	case errors.As(err, &exit):
		return string(out), exit.ExitCode()
	case err != nil:
		t.Fatal(err)
	}
	return string(out), 0
}

// NSSDB makes an NSS database trusting the given roots, for pdfsig
// -nssdir: poppler then judges the certificates too. Without certutil
// (libnss3-tools) the test is skipped, or fails under CI=true.
func NSSDB(t testing.TB, roots ...*x509.Certificate) string {
	t.Helper()
	certutil := Require(t, "certutil", "libnss3-tools")
	dir := t.TempDir()
	db := "sql:" + dir
	run := func(args ...string) {
		if out, err := exec.Command(certutil, args...).CombinedOutput(); err != nil {
			t.Fatalf("certutil %v: %v\n%s", args, err, out)
		}
	}
	run("-N", "-d", db, "--empty-password")
	for i, c := range roots {
		file := filepath.Join(dir, fmt.Sprintf("root%d.pem", i))
		if err := os.WriteFile(file, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: c.Raw}), 0o644); err != nil {
			t.Fatal(err)
		}
		run("-A", "-d", db, "-n", fmt.Sprintf("motcua test root %d", i), "-t", "C,C,C", "-i", file)
	}
	return db
}
