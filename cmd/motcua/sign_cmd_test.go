package main

import (
	"bytes"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/motcua/motcua/sign/signtest"
)

// signFixture is what a clerk's session needs on disk: a PDF, the test
// CA as trust list (and another CA), the leader's and the organisation's
// keys as PKCS#12 files, the signature and seal images, and the font.
type signFixture struct {
	dir, in, trust, other, leaderP12, sealP12, sigPNG, sealPNG, font string
	ca                                                               *signtest.CA
}

func newSignFixture(t *testing.T) *signFixture {
	t.Helper()
	f := &signFixture{dir: t.TempDir(), ca: signtest.NewCA(t, "motcua Test Root CA")}
	leader := f.ca.Signer(t, 0, "Đặng Văn Quân", "UBND xã Gia Lâm")
	seal := f.ca.Signer(t, 1, "UBND xã Gia Lâm", "UBND xã Gia Lâm")
	f.in = f.file(t, "ket-qua.pdf", signtest.PDF(signtest.PDFOptions{Pages: 2}))
	f.trust = f.file(t, "trust.pem", f.ca.PEM())
	f.other = f.file(t, "other.pem", signtest.NewCA(t, "Other CA").PEM())
	f.leaderP12 = f.file(t, "leader.p12", signtest.P12(t, leader, "mật khẩu riêng"))
	f.sealP12 = f.file(t, "seal.p12", signtest.P12(t, seal, "mật khẩu dấu"))
	f.sigPNG, f.sealPNG = f.file(t, "chu-ky.png", signtest.SignatureImage()), f.file(t, "dau.png", signtest.SealImage())
	f.font = "../../typeset/fonts/LiberationSerif-Regular.ttf"
	if _, err := os.Stat(f.font); err != nil {
		f.font = "" // the text is then written without diacritics
	}
	return f
}

func (f *signFixture) file(t *testing.T, name string, b []byte) string {
	t.Helper()
	p := filepath.Join(f.dir, name)
	if err := os.WriteFile(p, b, 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

func (f *signFixture) path(name string) string { return filepath.Join(f.dir, name) }

type cliCase struct {
	name    string
	args    []string
	stdin   string
	wantErr string
	wantOut string
}

func runCLICases(t *testing.T, cases []cliCase) {
	t.Helper()
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			args := c.args
			if i := slices.Index(args, "--font"); i >= 0 && args[i+1] == "" {
				args = slices.Delete(slices.Clone(args), i, i+2)
			}
			var out, errb bytes.Buffer
			err := run(t.Context(), args, strings.NewReader(c.stdin), &out, &errb)
			if c.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), c.wantErr) {
					t.Fatalf("err %v, want %q\n%s", err, c.wantErr, out.String())
				}
				return
			}
			if err != nil {
				t.Fatalf("%v\n%s%s", err, out.String(), errb.String())
			}
			if !strings.Contains(out.String(), c.wantOut) {
				t.Fatalf("output lacks %q:\n%s", c.wantOut, out.String())
			}
		})
	}
}

// TestSignCommand is a clerk's session: the leader signs a result with
// the signature image between title and name, the clerk adds the
// organisation's seal over it and time-stamps it, and anyone verifies the
// file against the trust list. Secrets come only from standard input. A
// byte changed afterwards makes verify fail with exit status 1.
func TestSignCommand(t *testing.T) {
	f := newSignFixture(t)
	tsa := signtest.NewTSA(t, f.ca)
	once, twice := f.path("once.pdf"), f.path("twice.pdf")
	runCLICases(t, []cliCase{
		{"no key", []string{"sign", f.in, once}, "", "give a key", ""},
		{"password only from stdin", []string{"sign", "--p12", f.leaderP12, f.in, once}, "mật khẩu riêng\n", "--password-stdin is required", ""},
		{"wrong password", []string{"sign", "--p12", f.leaderP12, "--password-stdin", f.in, once}, "sai\n", "wrong PKCS#12 password", ""},
		{"empty stdin", []string{"sign", "--p12", f.leaderP12, "--password-stdin", f.in, once}, "", "nothing on standard input", ""},
		{"bad rect", []string{"sign", "--p12", f.leaderP12, "--password-stdin", "--rect", "1,2,3", f.in, once}, "x\n", "--rect wants", ""},
		{"leader", []string{"sign", "--p12", f.leaderP12, "--password-stdin", "--image", f.sigPNG, "--title", `KT. CHỦ TỊCH\nPHÓ CHỦ TỊCH`,
			"--name", "Đặng Văn Quân", "--rect", "110,200,75,50", "--font", f.font, f.in, once}, "mật khẩu riêng\n", "", "PAdES B-B, personal signature by Đặng Văn Quân"},
		{"seal, time-stamped", []string{"sign", "--p12", f.sealP12, "--password-stdin", "--seal", "--image", f.sealPNG, "--tsa", tsa.URL, once, twice}, "mật khẩu dấu\n", "", "PAdES B-T, seal signature by UBND xã Gia Lâm"},
		{"verify", []string{"verify", "--trust", f.trust, twice}, "", "", "Result: every signature is valid"},
		{"verify as JSON", []string{"verify", "--json", "--trust", f.trust, twice}, "", "", `"level": "PAdES B-T"`},
		{"verify without a trust list", []string{"verify", twice}, "", "", "not checked (no --trust)"},
		{"verify against another CA", []string{"verify", "--trust", f.other, twice}, "", "INVALID", ""},
		{"verify an unsigned file", []string{"verify", f.in}, "", "no signature", ""},
		{"verify not a PDF", []string{"verify", f.trust}, "", "not a readable PDF", ""},
	})

	// The report, in full, for the record.
	var out bytes.Buffer
	if err := run(t.Context(), []string{"verify", "--trust", f.trust, twice}, nil, &out, &out); err != nil {
		t.Fatal(err)
	}
	t.Logf("motcua verify:\n%s", out.String())
	for _, want := range []string{"Signature 1 (Signature1): VALID", "level:        PAdES B-B", "only later signatures were added after it",
		"Signature 2 (Signature2): VALID", "level:        PAdES B-T", "time-stamp:", "by motcua test TSA", "covers:       the whole document"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("report lacks %q", want)
		}
	}

	// One byte changed: the real binary exits with status 1.
	doc, _ := os.ReadFile(twice)
	i := bytes.Index(doc, []byte("Trang 1"))
	doc[i+6] = '7'
	tampered := f.file(t, "tampered.pdf", doc)
	code, output := runMain(t, "verify", "--trust", f.trust, tampered)
	if code != 1 || !strings.Contains(output, "INVALID") || !strings.Contains(output, "the signed bytes have been changed") {
		t.Fatalf("exit %d:\n%s", code, output)
	}
	if code, output := runMain(t, "verify", "--trust", f.trust, twice); code != 0 {
		t.Fatalf("exit %d:\n%s", code, output)
	}
}

// TestSignCommandToken: the leader's key is on a PKCS#11 token (SoftHSM2),
// chosen by its id; the PIN comes from standard input only.
func TestSignCommandToken(t *testing.T) {
	f := newSignFixture(t)
	tok := signtest.SoftHSM(t, "Token Quan")
	leader := f.ca.Signer(t, 0, "Đặng Văn Quân", "UBND xã Gia Lâm")
	tok.Import(t, signtest.RSAKey(t, 0), leader.Chain[0], "quan", []byte{0x0a})
	once, twice := f.path("once.pdf"), f.path("twice.pdf")
	token := []string{"sign", "--pkcs11-module", tok.Module, "--token-label", tok.Label}
	runCLICases(t, []cliCase{
		{"PIN only from stdin", append(slices.Clone(token), f.in, once), "1234\n", "--pin-stdin is required", ""},
		{"wrong PIN", append(slices.Clone(token), "--pin-stdin", f.in, once), "9999\n", "PKCS#11", ""},
		{"bad key id", append(slices.Clone(token), "--pin-stdin", "--key-id", "zz", f.in, once), "1234\n", "hexadecimal", ""},
		{"leader on the token", append(slices.Clone(token), "--key-id", "0a", "--pin-stdin", "--cert", f.trust, "--image", f.sigPNG,
			"--title", "CHỦ TỊCH", "--name", "Đặng Văn Quân", "--font", f.font, f.in, once), "1234\n", "", "personal signature by Đặng Văn Quân"},
		{"seal from a p12", []string{"sign", "--p12", f.sealP12, "--password-stdin", "--seal", "--image", f.sealPNG, once, twice}, "mật khẩu dấu\n", "", "seal signature"},
		{"verify", []string{"verify", "--trust", f.trust, twice}, "", "", "Result: every signature is valid"},
	})
}

// runMain runs this test binary as motcua (see TestMainProcess) and
// returns the exit status and output.
func runMain(t *testing.T, args ...string) (int, string) {
	t.Helper()
	cmd := exec.Command(os.Args[0], append([]string{"-test.run=^TestMainProcess$", "--"}, args...)...)
	cmd.Env = append(os.Environ(), "MOTCUA_TEST_MAIN=1")
	out, err := cmd.CombinedOutput()
	var exit *exec.ExitError
	if errors.As(err, &exit) {
		return exit.ExitCode(), string(out)
	}
	if err != nil {
		t.Fatal(err)
	}
	return 0, string(out)
}

// TestMainProcess is motcua's main when run by runMain.
func TestMainProcess(t *testing.T) {
	if os.Getenv("MOTCUA_TEST_MAIN") != "1" {
		return
	}
	for i, a := range os.Args {
		if a == "--" {
			os.Args = append([]string{"motcua"}, os.Args[i+1:]...)
			break
		}
	}
	main()
	os.Exit(0)
}
