package main

import (
	"bytes"
	"fmt"
)

// samplePDF is the file every simulated applicant uploads: a real one-page
// PDF (catalog, page tree, page, font, content stream, a cross-reference
// table with exact offsets) of about 700 bytes, the size of a short scanned
// text page's vector twin. The server checks uploads (pdfrisk.go) and
// stores them whole, so a well-formed file exercises the path real ones
// take; a few bytes of "%PDF" would not.
func samplePDF() []byte {
	content := "BT /F1 14 Tf 72 760 Td (Ban sao giay khai sinh - motcua-load) Tj ET\n" +
		"BT /F1 10 Tf 72 740 Td (Chung thuc ban sao tu ban chinh, 1 trang) Tj ET\n"
	objects := []string{
		"<< /Type /Catalog /Pages 2 0 R >>",
		"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
		"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /Font << /F1 4 0 R >> >> /Contents 5 0 R >>",
		"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
		fmt.Sprintf("<< /Length %d >>\nstream\n%sendstream", len(content), content),
	}
	var b bytes.Buffer
	b.WriteString("%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
	offsets := make([]int, len(objects))
	for i, o := range objects {
		offsets[i] = b.Len()
		fmt.Fprintf(&b, "%d 0 obj\n%s\nendobj\n", i+1, o)
	}
	xref := b.Len()
	fmt.Fprintf(&b, "xref\n0 %d\n0000000000 65535 f \n", len(objects)+1)
	for _, off := range offsets {
		fmt.Fprintf(&b, "%010d 00000 n \n", off)
	}
	fmt.Fprintf(&b, "trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n", len(objects)+1, xref)
	return b.Bytes()
}
