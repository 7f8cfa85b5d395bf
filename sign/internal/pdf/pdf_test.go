package pdf_test

import (
	"bytes"
	"strings"
	"testing"

	"github.com/motcua/motcua/sign/internal/pdf"
	"github.com/motcua/motcua/sign/signtest"
)

func TestParseObjects(t *testing.T) {
	cases := []struct {
		in   string
		want string // re-serialised
	}{
		{"<< /Type /Page /Kids [1 0 R 2 0 R] /Count 2 >>", "<</Count 2/Kids [1 0 R 2 0 R]/Type /Page>>"},
		{"[1 2 R 3]", "[1 2 R 3]"},     // "2 R" alone is no reference
		{"[1 0 R 0 0]", "[1 0 R 0 0]"}, // two trailing integers
		{"(a\\(b\\)c\\\\ \\101 \\n)", "<61286229635C2041200A>"},
		{"(nested (parens) ok)", "(nested \\(parens\\) ok)"},
		{"<48 65 6c6C6f>", "(Hello)"},
		{"<414>", "(A@)"},
		{"/Name#20With#23Hash", "/Name#20With#23Hash"},
		{"[-1.50 .5 +3 true false null]", "[-1.5 0.5 3 true false null]"},
		{"<< /A null /B 1 >>", "<</B 1>>"},
		{"% comment\n 42", "42"},
	}
	for _, c := range cases {
		o, err := pdf.Parse([]byte(c.in))
		if err != nil {
			t.Errorf("%q: %v", c.in, err)
			continue
		}
		if got := string(pdf.Append(nil, o)); got != c.want {
			t.Errorf("%q: got %s, want %s", c.in, got, c.want)
		}
	}
	for _, bad := range []string{"(unterminated", "<< /A ", "<zz>", "[1 2", ">>", strings.Repeat("[", 200)} {
		if _, err := pdf.Parse([]byte(bad)); err == nil {
			t.Errorf("%q: parsed", bad)
		}
	}
}

// TestReadAndUpdate reads both kinds of cross-reference, appends an
// incremental update and reads it back: the update must be found through
// the new section and the old objects through /Prev.
func TestReadAndUpdate(t *testing.T) {
	for _, stream := range []bool{false, true} {
		name := "table"
		if stream {
			name = "stream"
		}
		t.Run(name, func(t *testing.T) {
			doc := signtest.PDF(signtest.PDFOptions{Pages: 3, XrefStream: stream})
			r, err := pdf.Open(doc)
			if err != nil {
				t.Fatal(err)
			}
			if r.XrefStream != stream || r.Repaired {
				t.Fatalf("XrefStream %v Repaired %v", r.XrefStream, r.Repaired)
			}
			pages, err := r.Pages()
			if err != nil || len(pages) != 3 {
				t.Fatalf("pages %d, %v", len(pages), err)
			}
			if pages[0].MediaBox != [4]float64{0, 0, 595.28, 841.89} {
				t.Errorf("inherited media box %v", pages[0].MediaBox)
			}
			u, err := pdf.NewUpdate(r)
			if err != nil {
				t.Fatal(err)
			}
			added := u.Add(pdf.Dict{"Note": pdf.String("thêm vào")})
			d := pages[1].Dict.Clone()
			d["Annots"] = pdf.Array{added}
			u.Set(pages[1].Ref, d)
			w, err := u.Write()
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.HasPrefix(w.PDF, doc) {
				t.Fatal("the update rewrote the original bytes")
			}
			r2, err := pdf.Open(w.PDF)
			if err != nil {
				t.Fatal(err)
			}
			if r2.XrefStream != stream || r2.Repaired {
				t.Fatalf("updated file: XrefStream %v Repaired %v", r2.XrefStream, r2.Repaired)
			}
			pages2, err := r2.Pages()
			if err != nil || len(pages2) != 3 {
				t.Fatalf("pages %d, %v", len(pages2), err)
			}
			annots, _ := r2.Array(pages2[1].Dict["Annots"])
			if len(annots) != 1 {
				t.Fatalf("annots %v", annots)
			}
			note, _ := r2.Dict(annots[0])
			if s, _ := note["Note"].(pdf.String); string(s) != "thêm vào" {
				t.Errorf("note %q", s)
			}
			if _, ok := pages2[0].Dict["Annots"]; ok {
				t.Error("page 1 changed")
			}
		})
	}
}

// TestRepair: a file whose startxref points nowhere is read by scanning,
// and is refused for updating.
func TestRepair(t *testing.T) {
	doc := signtest.PDF(signtest.PDFOptions{Pages: 2})
	i := bytes.LastIndex(doc, []byte("startxref\n"))
	broken := append(append([]byte{}, doc[:i]...), "startxref\n999999\n%%EOF\n"...)
	r, err := pdf.Open(broken)
	if err != nil {
		t.Fatal(err)
	}
	if !r.Repaired {
		t.Fatal("not marked repaired")
	}
	if pages, err := r.Pages(); err != nil || len(pages) != 2 {
		t.Fatalf("pages %d, %v", len(pages), err)
	}
	if _, err := pdf.NewUpdate(r); err == nil {
		t.Fatal("a repaired file was accepted for updating")
	}
	if _, err := pdf.Open([]byte("hello")); err == nil {
		t.Fatal("not a PDF, but opened")
	}
}

// FuzzOpen: no input makes the reader panic or loop.
func FuzzOpen(f *testing.F) {
	f.Add(signtest.PDF(signtest.PDFOptions{}))
	f.Add(signtest.PDF(signtest.PDFOptions{XrefStream: true, Pages: 2}))
	f.Add([]byte("%PDF-1.4\n1 0 obj << /Length 1 0 R >> stream\nx\nendstream endobj trailer << /Root 1 0 R >>"))
	f.Fuzz(func(t *testing.T, b []byte) {
		r, err := pdf.Open(b)
		if err != nil {
			return
		}
		pages, _ := r.Pages()
		for _, p := range pages {
			r.Array(p.Dict["Annots"])
		}
	})
}
