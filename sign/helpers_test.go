package sign_test

import (
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/motcua/motcua/sign"
	"github.com/motcua/motcua/sign/internal/pdf"
	"github.com/motcua/motcua/sign/signtest"
)

// world is what most tests sign with: a test CA, the leader's personal
// key, the commune's seal key, and Liberation Serif when it can be found.
type world struct {
	ca     *signtest.CA
	leader *sign.Key
	seal   *sign.Key
	font   []byte
	bold   []byte
}

func newWorld(t *testing.T) *world {
	t.Helper()
	ca := signtest.NewCA(t, "motcua Test Root CA")
	return &world{
		ca:     ca,
		leader: ca.Signer(t, 0, "Đặng Văn Quân", "UBND xã Gia Lâm"),
		seal:   ca.Signer(t, 1, "UBND xã Gia Lâm", "UBND xã Gia Lâm"),
		font:   serifFont(t, "Regular"),
		bold:   serifFont(t, "Bold"),
	}
}

// serifFont is Liberation Serif (Times New Roman's metrics): the copy the
// forms package embeds, else Debian's fonts-liberation2, else none (the
// appearance then falls back to Times-Roman without diacritics).
func serifFont(t testing.TB, style string) []byte {
	for _, p := range []string{"../typeset/fonts/LiberationSerif-" + style + ".ttf", "/usr/share/fonts/truetype/liberation2/LiberationSerif-" + style + ".ttf"} {
		if b, err := os.ReadFile(p); err == nil {
			return b
		}
	}
	t.Log("Liberation Serif not found: appearances use Times-Roman without diacritics")
	return nil
}

var signedAt = time.Date(2026, 3, 2, 14, 5, 9, 0, time.UTC) // 21:05:09 in Vietnam

// personal is the leader's signature on the last page.
func (w *world) personal() sign.Options {
	return sign.Options{Time: signedAt, Reason: "Phê duyệt kết quả", Appearance: sign.Appearance{
		Kind: sign.Personal, Title: "KT. CHỦ TỊCH\nPHÓ CHỦ TỊCH", Name: "Đặng Văn Quân",
		Image: signtest.SignatureImage(), Font: w.font, BoldFont: w.bold,
	}}
}

// sealOver is the organisation's seal over the personal signature.
func (w *world) sealOver() sign.Options {
	return sign.Options{Time: signedAt.Add(time.Minute), Appearance: sign.Appearance{Kind: sign.Seal, Image: signtest.SealImage()}}
}

func mustSign(t *testing.T, doc []byte, k *sign.Key, opt sign.Options) []byte {
	t.Helper()
	out, err := sign.Sign(t.Context(), doc, k, opt)
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// pdfsigReport is pdfsig's output split per signature: "Signature #1"
// → its "  - key: value" lines, and the flags ("Total document signed").
type pdfsigReport map[int]map[string]string

var pdfsigLine = regexp.MustCompile(`^\s+- ([^:]+)(?:: (.*))?$`)

func pdfsig(t *testing.T, doc []byte, args ...string) pdfsigReport {
	t.Helper()
	out, code := signtest.PdfSig(t, doc, args...)
	if code != 0 {
		t.Fatalf("pdfsig exit %d:\n%s", code, out)
	}
	rep := pdfsigReport{}
	n := 0
	for _, line := range strings.Split(out, "\n") {
		if strings.HasPrefix(line, "Signature #") {
			n++
			rep[n] = map[string]string{}
			continue
		}
		if m := pdfsigLine.FindStringSubmatch(line); m != nil && n > 0 {
			rep[n][m[1]] = m[2]
		}
	}
	t.Logf("pdfsig:\n%s", out)
	return rep
}

// expect checks pdfsig's lines for signature n.
func (rep pdfsigReport) expect(t *testing.T, n int, want map[string]string) {
	t.Helper()
	got, ok := rep[n]
	if !ok {
		t.Fatalf("pdfsig reports no signature #%d", n)
	}
	for k, v := range want {
		if g, ok := got[k]; !ok || g != v {
			t.Errorf("pdfsig signature #%d %q = %q, want %q", n, k, g, v)
		}
	}
}

// widgets returns the signature widgets of a signed document in field order.
func widgets(t *testing.T, doc []byte) []pdf.Dict {
	t.Helper()
	r, err := pdf.Open(doc)
	if err != nil {
		t.Fatal(err)
	}
	cat, _, _ := r.Catalog()
	acro, _ := r.Dict(cat["AcroForm"])
	fields, _ := r.Array(acro["Fields"])
	var out []pdf.Dict
	for _, f := range fields {
		d, _ := r.Dict(f)
		if d.Name("FT") == "Sig" {
			out = append(out, d)
		}
	}
	return out
}

func rect(t *testing.T, o pdf.Object) sign.Rect {
	t.Helper()
	a, ok := o.(pdf.Array)
	if !ok || len(a) != 4 {
		t.Fatalf("not a rectangle: %v", o)
	}
	var v [4]float64
	for i := range a {
		v[i], _ = pdf.Number(a[i])
	}
	return sign.Rect{X: v[0], Y: v[1], W: v[2] - v[0], H: v[3] - v[1]}
}

// writeTemp writes b to a file in a test directory.
func writeTemp(t *testing.T, name string, b []byte) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(p, b, 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

func run(t *testing.T, name string, args ...string) string {
	t.Helper()
	out, err := exec.Command(name, args...).CombinedOutput()
	if err != nil {
		t.Fatalf("%s %v: %v\n%s", name, args, err, out)
	}
	return string(out)
}
