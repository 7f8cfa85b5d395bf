// Package formstest checks produced PDFs with poppler's command-line tools
// (Debian poppler-utils): the text a reader extracts, the fonts embedded
// and a rendering of a page. Without poppler the tests skip, or fail when
// CI=true (.ci/run installs it).
package formstest

import (
	"bytes"
	"html"
	"image"
	"image/png"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
)

// Require skips the test (fails it under CI=true) when poppler is missing.
func Require(t testing.TB) {
	t.Helper()
	for _, tool := range []string{"pdftotext", "pdffonts", "pdftoppm"} {
		if _, err := exec.LookPath(tool); err != nil {
			msg := tool + " not found: install poppler-utils (apt-get install -y poppler-utils) to check the PDF forms"
			if os.Getenv("CI") == "true" {
				t.Fatal(msg)
			}
			t.Skip(msg)
		}
	}
}

func write(t testing.TB, pdf []byte) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), "form.pdf")
	if err := os.WriteFile(p, pdf, 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

func run(t testing.TB, name string, args ...string) []byte {
	t.Helper()
	var stderr bytes.Buffer
	cmd := exec.Command(name, args...)
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("%s %v: %v\n%s", name, args, err, stderr.String())
	}
	if s := stderr.String(); strings.Contains(s, "Syntax Error") || strings.Contains(s, "Syntax Warning") {
		t.Errorf("%s reports a malformed PDF:\n%s", name, s)
	}
	return out
}

var spaces = regexp.MustCompile(`[ \t]+`)

// Text is `pdftotext -layout` of the PDF with runs of spaces collapsed
// (the layout mode pads columns and justified lines with spaces).
func Text(t testing.TB, pdf []byte) string {
	t.Helper()
	out := run(t, "pdftotext", "-layout", "-enc", "UTF-8", write(t, pdf), "-")
	return spaces.ReplaceAllString(string(out), " ")
}

// Flat is Text with line breaks turned into spaces too, to find phrases a
// narrow column or a justified paragraph wraps.
func Flat(t testing.TB, pdf []byte) string {
	t.Helper()
	return strings.Join(strings.Fields(Text(t, pdf)), " ")
}

// Raw is `pdftotext -raw` (content-stream order) flattened to one line:
// a table cell's wrapped lines come out one after the other, where the
// layout mode interleaves them with the neighbouring cells.
func Raw(t testing.TB, pdf []byte) string {
	t.Helper()
	out := run(t, "pdftotext", "-raw", "-enc", "UTF-8", write(t, pdf), "-")
	return strings.Join(strings.Fields(string(out)), " ")
}

// Font is one line of pdffonts.
type Font struct {
	Name               string
	Embedded, Unicode  bool
	Subset             bool
	Type, EncodingName string
}

// Fonts lists the PDF's fonts as pdffonts reports them.
func Fonts(t testing.TB, pdf []byte) []Font {
	t.Helper()
	out := run(t, "pdffonts", write(t, pdf))
	var fonts []Font
	for i, line := range strings.Split(string(out), "\n") {
		f := strings.Fields(line)
		if i < 2 || len(f) < 7 {
			continue
		}
		// name type [type2] encoding emb sub uni object ID
		n := len(f)
		fonts = append(fonts, Font{Name: f[0], Type: strings.Join(f[1:n-6], " "), EncodingName: f[n-6],
			Embedded: f[n-5] == "yes", Subset: f[n-4] == "yes", Unicode: f[n-3] == "yes"})
	}
	return fonts
}

// Subsets returns the names of the PDF's fonts, sorted, and fails the
// test for any that is not embedded as a subset with a Unicode map (text
// that is not embedded draws in whatever the reader substitutes; without
// the map it does not copy or search).
func Subsets(t testing.TB, pdf []byte) []string {
	t.Helper()
	var names []string
	for _, f := range Fonts(t, pdf) {
		names = append(names, f.Name)
		if !f.Embedded || !f.Subset || !f.Unicode {
			t.Errorf("font %+v: want embedded, a subset, with a Unicode map", f)
		}
	}
	slices.Sort(names)
	return names
}

// Render renders page 1 at dpi with pdftoppm and returns the image; the
// PNG is also written to dir when dir is not empty (to look at it).
func Render(t testing.TB, pdf []byte, dpi int, dir, name string) image.Image {
	t.Helper()
	root := filepath.Join(t.TempDir(), "page")
	run(t, "pdftoppm", "-png", "-r", strconv.Itoa(dpi), "-f", "1", "-l", "1", "-singlefile", write(t, pdf), root)
	out, err := os.ReadFile(root + ".png")
	if err != nil {
		t.Fatalf("pdftoppm wrote no PNG: %v", err)
	}
	img, err := png.Decode(bytes.NewReader(out))
	if err != nil {
		t.Fatalf("pdftoppm output is not a PNG: %v", err)
	}
	if dir != "" {
		if err := os.WriteFile(filepath.Join(dir, name+".png"), out, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return img
}

// Ink is the share of the image's pixels that are not near-white: a
// blank page is 0, a page of text a few per cent.
func Ink(img image.Image) float64 {
	b := img.Bounds()
	dark := 0
	for y := b.Min.Y; y < b.Max.Y; y++ {
		for x := b.Min.X; x < b.Max.X; x++ {
			r, g, bl, _ := img.At(x, y).RGBA()
			if (r+g+bl)/3 < 0xc000 {
				dark++
			}
		}
	}
	return float64(dark) / float64(b.Dx()*b.Dy())
}

// Pages counts the pages as pdftotext separates them (form feeds).
func Pages(t testing.TB, pdf []byte) int {
	t.Helper()
	out := run(t, "pdftotext", "-layout", write(t, pdf), "-")
	return strings.Count(strings.TrimRight(string(out), "\f\n"), "\f") + 1
}

// TextIn is Text of the area of page 1 whose top left is (x, y), w wide
// and h high, in PDF points from the page's top left: one column of a
// page laid out in two (the signature block beside the recipients).
func TextIn(t testing.TB, pdf []byte, x, y, w, h int) string {
	t.Helper()
	out := run(t, "pdftotext", "-layout", "-enc", "UTF-8", "-f", "1", "-l", "1", "-r", "72",
		"-x", strconv.Itoa(x), "-y", strconv.Itoa(y), "-W", strconv.Itoa(w), "-H", strconv.Itoa(h), write(t, pdf), "-")
	return spaces.ReplaceAllString(string(out), " ")
}

// Word is one word `pdftotext -bbox` finds, with its box in PDF points
// from the page's top left.
type Word struct {
	Page                   int
	Text                   string
	XMin, YMin, XMax, YMax float64
}

var wordRE = regexp.MustCompile(`<word xMin="([0-9.]+)" yMin="([0-9.]+)" xMax="([0-9.]+)" yMax="([0-9.]+)">([^<]*)</word>|<page `)

// Words lists the words of the PDF with their boxes, page by page.
func Words(t testing.TB, pdf []byte) []Word {
	t.Helper()
	out := run(t, "pdftotext", "-bbox", "-enc", "UTF-8", write(t, pdf), "-")
	var words []Word
	page := 0
	for _, m := range wordRE.FindAllStringSubmatch(string(out), -1) {
		if m[0] == "<page " {
			page++
			continue
		}
		w := Word{Page: page, Text: html.UnescapeString(m[5])}
		for i, p := range []*float64{&w.XMin, &w.YMin, &w.XMax, &w.YMax} {
			v, err := strconv.ParseFloat(m[i+1], 64)
			if err != nil {
				t.Fatalf("pdftotext -bbox: %v", err)
			}
			*p = v
		}
		words = append(words, w)
	}
	return words
}
