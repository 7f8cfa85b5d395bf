package web

import (
	"regexp"
	"strconv"
	"strings"
	"testing"

	qrcode "github.com/skip2/go-qrcode"
)

func TestQRSVG(t *testing.T) {
	content := "http://127.0.0.1:8080/tra-cuu/000.04.07.H40-261127-0001"
	svg, err := QRSVG(content, `Mã QR "x" <y>`, "qr")
	if err != nil {
		t.Fatal(err)
	}
	s := string(svg)
	for _, want := range []string{`class="qr"`, `role="img"`, `aria-label="Mã QR &#34;x&#34; &lt;y&gt;"`, `<path fill="#000" d="M`} {
		if !strings.Contains(s, want) {
			t.Errorf("SVG lacks %q", want)
		}
	}
	if strings.Contains(s, "style") {
		t.Error("inline style in the SVG (the CSP forbids it)")
	}
	// The path covers exactly the dark modules of the code.
	q, _ := qrcode.New(content, qrcode.Medium)
	dark := 0
	for _, row := range q.Bitmap() {
		for _, v := range row {
			if v {
				dark++
			}
		}
	}
	drawn := 0
	for _, m := range regexp.MustCompile(`M\d+ \d+h(\d+)v1`).FindAllStringSubmatch(s, -1) {
		n, _ := strconv.Atoi(m[1])
		drawn += n
	}
	if drawn != dark || dark == 0 {
		t.Fatalf("drew %d modules, the code has %d dark ones", drawn, dark)
	}
}
