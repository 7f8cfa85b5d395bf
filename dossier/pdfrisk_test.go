package dossier

import (
	"bytes"
	"compress/zlib"
	"fmt"
	"slices"
	"testing"
)

// flate compresses s as a PDF /FlateDecode stream holds it.
func flate(s string) string {
	var b bytes.Buffer
	zw := zlib.NewWriter(&b)
	zw.Write([]byte(s))
	zw.Close()
	return b.String()
}

func pdfDoc(objects ...string) []byte {
	var b bytes.Buffer
	b.WriteString("%PDF-1.7\n")
	for i, o := range objects {
		fmt.Fprintf(&b, "%d 0 obj\n%s\nendobj\n", i+1, o)
	}
	b.WriteString("trailer<</Root 1 0 R>>\n%%EOF\n")
	return b.Bytes()
}

// TestPDFFlags covers issue 8, finding 12: "PDFs with /JavaScript are kept
// as uploaded" with no word to the officer who opens them. The checks
// must see through the two ways a PDF hides a name: #xx escapes and
// compressed object streams.
func TestPDFFlags(t *testing.T) {
	objStm := flate("<</Type/Action/S/JavaScript/JS(app.alert(1))>>")
	cases := []struct {
		name string
		pdf  []byte
		want []string
	}{
		{"an ordinary document", pdfDoc("<</Type/Catalog/Pages 2 0 R>>", "<</Type/Pages/Kids[]/Count 0>>"), nil},
		{"open action running JavaScript", pdfDoc("<</Type/Catalog/OpenAction 2 0 R>>", "<</S/JavaScript/JS(app.alert(1))>>"), []string{FlagJavaScript}},
		{"/JS alone", pdfDoc("<</Type/Catalog/AA<</O<</JS 3 0 R>>>>>>"), []string{FlagJavaScript}},
		{"escaped name", pdfDoc("<</Type/Catalog/OpenAction<</S/J#61va#53cript/J#53(x)>>>>"), []string{FlagJavaScript}},
		{"inside a compressed object stream", pdfDoc("<</Type/Catalog>>",
			fmt.Sprintf("<</Type/ObjStm/N 1/First 0/Filter/FlateDecode/Length %d>>\nstream\r\n%s\nendstream", len(objStm), objStm)), []string{FlagJavaScript}},
		{"launch", pdfDoc("<</Type/Catalog/OpenAction<</S/Launch/F(cmd.exe)>>>>"), []string{FlagLaunch}},
		{"embedded files", pdfDoc("<</Type/Catalog/Names<</EmbeddedFiles 2 0 R>>>>", "<</Type/EmbeddedFile/Length 3>>\nstream\nabc\nendstream"), []string{FlagEmbeddedFile}},
		{"several at once", pdfDoc("<</S/Launch>>", "<</JS(1)>>", "<</Type/EmbeddedFile>>"), []string{FlagEmbeddedFile, FlagJavaScript, FlagLaunch}},
		{"names that only start alike", pdfDoc("<</JSX 1/Launcher 2/EmbeddedFileX 3/JavaScripts 4>>"), nil},
		{"a stream that is not Flate", pdfDoc("<</Filter/DCTDecode/Length 4>>\nstream\n\xff\xd8\xff\xe0\nendstream"), nil},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if got := pdfFlags(c.pdf); !slices.Equal(got, c.want) {
				t.Fatalf("flags %v, want %v", got, c.want)
			}
		})
	}
}

// TestScanReaderChunks: a name cut by a chunk boundary of a large
// inflated stream is still found, and a prefix of a longer name is not
// mistaken for it.
func TestScanReaderChunks(t *testing.T) {
	for _, pad := range []int{256<<10 - 3, 256<<10 - 1, 256<<10 + nameOverlap - 2} {
		found := map[string]bool{}
		scanReader(bytes.NewReader(append(bytes.Repeat([]byte{' '}, pad), "/JavaScript "...)), found)
		if !found[FlagJavaScript] {
			t.Errorf("pad %d: /JavaScript across a chunk boundary not found", pad)
		}
		found = map[string]bool{}
		scanReader(bytes.NewReader(append(bytes.Repeat([]byte{' '}, pad), "/JSX "...)), found)
		if len(found) != 0 {
			t.Errorf("pad %d: /JSX cut at the boundary taken for /JS", pad)
		}
	}
}
