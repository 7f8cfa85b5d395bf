package signtest

import (
	"bytes"
	"compress/zlib"
	"fmt"
)

// PDFOptions shape a test document.
type PDFOptions struct {
	// Pages is the number of A4 pages (at least 1).
	Pages int
	// XrefStream writes a PDF 1.5 file: the dictionaries in a compressed
	// object stream and a cross-reference stream with a PNG predictor.
	XrefStream bool
	// Text is written on each page (ASCII, Helvetica).
	Text string
	// Filler adds an unused stream of that many bytes, to give the file the
	// size of a real form with its embedded font subsets (30–60 KB).
	Filler int
}

// PDF writes a small valid document: a stand-in for a receipt or result.
func PDF(o PDFOptions) []byte {
	if o.Pages < 1 {
		o.Pages = 1
	}
	if o.Text == "" {
		o.Text = "GIAY BIEN NHAN HO SO - motcua test document"
	}
	// Objects: 1 catalog, 2 pages, 3 font, then page i and its content.
	type obj struct {
		num  int
		body string
	}
	var dicts, streams []obj
	var kids string
	for i := 0; i < o.Pages; i++ {
		page, content := 4+2*i, 5+2*i
		kids += fmt.Sprintf("%d 0 R ", page)
		dicts = append(dicts, obj{page, fmt.Sprintf("<< /Type /Page /Parent 2 0 R /Resources << /Font << /F1 3 0 R >> >> /Contents %d 0 R >>", content)})
		text := fmt.Sprintf("BT /F1 16 Tf 72 760 Td (%s) Tj ET\nBT /F1 12 Tf 72 730 Td (Trang %d / %d) Tj ET\n", o.Text, i+1, o.Pages)
		streams = append(streams, obj{content, fmt.Sprintf("<< /Length %d >>\nstream\n%s\nendstream", len(text), text)})
	}
	dicts = append([]obj{
		{1, "<< /Type /Catalog /Pages 2 0 R >>"},
		{2, fmt.Sprintf("<< /Type /Pages /Kids [%s] /Count %d /MediaBox [0 0 595.28 841.89] >>", kids, o.Pages)},
		{3, "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>"},
	}, dicts...)
	size := 4 + 2*o.Pages
	if o.Filler > 0 {
		filler := bytes.Repeat([]byte("0123456789abcdef"), o.Filler/16+1)[:o.Filler]
		streams = append(streams, obj{size, fmt.Sprintf("<< /Length %d >>\nstream\n%s\nendstream", len(filler), filler)})
		size++
	}
	var b bytes.Buffer
	b.WriteString("%PDF-1.7\n%\xe2\xe3\xcf\xd3\n")
	offsets := map[int]int{}
	if !o.XrefStream {
		for _, x := range append(dicts, streams...) {
			offsets[x.num] = b.Len()
			fmt.Fprintf(&b, "%d 0 obj\n%s\nendobj\n", x.num, x.body)
		}
		xref := b.Len()
		fmt.Fprintf(&b, "xref\n0 %d\n0000000000 65535 f\r\n", size)
		for n := 1; n < size; n++ {
			fmt.Fprintf(&b, "%010d 00000 n\r\n", offsets[n])
		}
		fmt.Fprintf(&b, "trailer\n<< /Size %d /Root 1 0 R /ID [<0123456789ABCDEF0123456789ABCDEF> <0123456789ABCDEF0123456789ABCDEF>] >>\nstartxref\n%d\n%%%%EOF\n", size, xref)
		return b.Bytes()
	}
	// Object stream `size` holds the dictionaries; the xref stream is size+1.
	var head, body bytes.Buffer
	for _, x := range dicts {
		fmt.Fprintf(&head, "%d %d ", x.num, body.Len())
		body.WriteString(x.body + "\n")
	}
	objstm := deflate(append(head.Bytes(), body.Bytes()...))
	for _, x := range streams {
		offsets[x.num] = b.Len()
		fmt.Fprintf(&b, "%d 0 obj\n%s\nendobj\n", x.num, x.body)
	}
	offsets[size] = b.Len()
	fmt.Fprintf(&b, "%d 0 obj\n<< /Type /ObjStm /N %d /First %d /Filter /FlateDecode /Length %d >>\nstream\n", size, len(dicts), head.Len(), len(objstm))
	b.Write(objstm)
	b.WriteString("\nendstream\nendobj\n")
	xref := b.Len()
	// Rows of W [1 4 2], PNG "Up" filtered as writers usually do.
	var rows []byte
	prev := make([]byte, 7)
	index := map[int]int{}
	for i, x := range dicts {
		index[x.num] = i
	}
	for n := 0; n < size+2; n++ {
		row := make([]byte, 7)
		switch {
		case n == 0:
			row = []byte{0, 0, 0, 0, 0, 0xff, 0xff}
		case n == size+1:
			row = []byte{1, byte(xref >> 24), byte(xref >> 16), byte(xref >> 8), byte(xref), 0, 0}
		default:
			if i, ok := index[n]; ok {
				row = []byte{2, 0, 0, byte(size >> 8), byte(size), byte(i >> 8), byte(i)}
			} else {
				off := offsets[n]
				row = []byte{1, byte(off >> 24), byte(off >> 16), byte(off >> 8), byte(off), 0, 0}
			}
		}
		rows = append(rows, 2)
		for j := range row {
			rows = append(rows, row[j]-prev[j])
		}
		prev = row
	}
	data := deflate(rows)
	fmt.Fprintf(&b, "%d 0 obj\n<< /Type /XRef /Size %d /Root 1 0 R /W [1 4 2] /Filter /FlateDecode /DecodeParms << /Predictor 12 /Columns 7 >> /Length %d >>\nstream\n", size+1, size+2, len(data))
	b.Write(data)
	fmt.Fprintf(&b, "\nendstream\nendobj\nstartxref\n%d\n%%%%EOF\n", xref)
	return b.Bytes()
}

func deflate(b []byte) []byte {
	var buf bytes.Buffer
	zw := zlib.NewWriter(&buf)
	zw.Write(b)
	zw.Close()
	return buf.Bytes()
}
