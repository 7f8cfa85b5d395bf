package signtest

import (
	"errors"
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
