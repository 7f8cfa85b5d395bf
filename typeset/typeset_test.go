package typeset_test

import (
	"bytes"
	"math"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/motcua/motcua/forms/formstest"
	"github.com/motcua/motcua/typeset"
)

func newDoc(t *testing.T) *typeset.Doc {
	t.Helper()
	fs, err := typeset.LoadFonts()
	if err != nil {
		t.Fatal(err)
	}
	return typeset.New(fs, false, typeset.Info{Title: "Thử", Created: time.Date(2026, 3, 2, 8, 0, 0, 0, time.UTC)})
}

func finish(t *testing.T, d *typeset.Doc) []byte {
	t.Helper()
	out, err := d.Finish()
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// The fonts are parsed once a process: forms and document/layout share the parse.
func TestLoadFontsOnce(t *testing.T) {
	a, errA := typeset.LoadFonts()
	b, errB := typeset.LoadFonts()
	if errA != nil || errB != nil || a != b {
		t.Fatalf("LoadFonts: %p %v, then %p %v; want the same set", a, errA, b, errB)
	}
	for st := typeset.Regular; st <= typeset.BoldItalic; st++ {
		if f, err := typeset.Font(st); err != nil || !bytes.HasPrefix(f, []byte{0, 1, 0, 0}) {
			t.Errorf("Font(%d): %d bytes, %v; want a TrueType file", st, len(f), err)
		}
	}
	if _, err := typeset.Font(typeset.BoldItalic + 1); err == nil {
		t.Error("Font of no style: no error")
	}
}

// A word too long for its line is cut after a separator when BreakAfter
// names one, anywhere it fits otherwise; every line fits the width.
func TestWrapCutsLongWords(t *testing.T) {
	d := newDoc(t)
	d.Font(typeset.Regular, 13)
	const code = "000.04.07.H40-260302-0001"
	width := d.Measure(code) * 0.6
	plain := d.Wrap("Mã "+code, width, width)
	d.BreakAfter = "-/.,"
	readable := d.Wrap("Mã "+code, width, width)
	for _, lines := range [][]string{plain, readable} {
		if strings.Join(lines, "") != "Mã"+code {
			t.Errorf("lines %q lose or add text", lines)
		}
		for _, l := range lines {
			if d.Measure(l) > width {
				t.Errorf("line %q is %.1f wide, over %.1f", l, d.Measure(l), width)
			}
		}
	}
	if len(readable) != 3 || readable[1] != "000.04.07.H40-" {
		t.Errorf("with BreakAfter: %q; want the code cut after its dash", readable)
	}
	if len(plain) != 3 || strings.HasSuffix(plain[1], "-") || len(plain[1]) <= len(readable[1]) {
		t.Errorf("without BreakAfter: %q; want the line filled", plain)
	}
	if got := d.Wrap("một\n\nhai", width, width); strings.Join(got, "|") != "một||hai" {
		t.Errorf("newlines: %q; want them kept, the empty paragraph as an empty line", got)
	}
}

// Balanced breaks an agency's name before its administrative level, and
// a title into even lines rather than one ending on a word.
func TestBalanced(t *testing.T) {
	d := newDoc(t)
	d.Font(typeset.Bold, 13)
	name := "ỦY BAN NHÂN DÂN XÃ ĐÔNG DƯ"
	w := d.Measure("ỦY BAN NHÂN DÂN XÃ ĐÔNG") + 1
	if got := d.Wrap(name, w, w); len(got) != 2 || got[1] != "DƯ" {
		t.Fatalf("the test's premise: Wrap gives %q", got)
	}
	if got := d.Balanced(name, w); strings.Join(got, "|") != "ỦY BAN NHÂN DÂN|XÃ ĐÔNG DƯ" {
		t.Errorf("Balanced(%q) = %q", name, got)
	}
	title := "Về việc thành lập Tổ công tác chuyển đổi số cộng đồng xã Đông Dư năm"
	w = d.Measure(title) * 0.9
	got := d.Balanced(title, w)
	if len(got) != 2 || d.Measure(got[1]) < d.Measure(got[0])*0.6 {
		t.Errorf("Balanced title: %q; want two lines of about the same width", got)
	}
}

// A document embeds only the faces it uses, each a subset with a Unicode
// map; pages from the second carry their number, and each copy (liên) is
// numbered from 1 again under its mark.
func TestDocumentFontsPagesCopies(t *testing.T) {
	formstest.Require(t)
	d := newDoc(t)
	d.NewCopy("Liên 1")
	d.Paragraph("QUYẾT ĐỊNH", typeset.Para{Style: typeset.Bold, Size: 14, Align: typeset.AlignCenter})
	body := strings.Repeat("Tổ công tác hướng dẫn người dân sử dụng dịch vụ công trực tuyến. ", 200)
	d.Paragraph(body, typeset.Para{Size: 13, Align: typeset.Justify, Indent: 10 * typeset.MM, After: 6})
	pages := d.Page
	d.NewCopy("Liên 2")
	d.Paragraph("Bản thứ hai", typeset.Para{})
	pdf := finish(t, d)

	if pages < 2 || d.Page != pages+1 {
		t.Fatalf("pages: %d in copy 1, %d in all; want copy 1 over several pages and copy 2 on one", pages, d.Page)
	}
	names := formstest.Subsets(t, pdf)
	// Regular (body, page numbers), Bold (title), Italic (the marks); no BoldItalic.
	if want := "MCTAAA+LiberationSerif MCTAAB+LiberationSerif-Bold MCTAAC+LiberationSerif-Italic"; strings.Join(names, " ") != want {
		t.Errorf("fonts %q; want %s", names, want)
	}
	text := formstest.Text(t, pdf)
	byPage := strings.Split(text, "\f")
	for i := 0; i < d.Page; i++ {
		head := strings.TrimSpace(strings.SplitN(strings.TrimLeft(byPage[i], "\n "), "\n", 2)[0])
		switch {
		case i == 0 && head != "Liên 1":
			t.Errorf("page 1 starts %q; want the mark and no number", head)
		case i > 0 && i < pages && head != strconv.Itoa(i+1)+" Liên 1":
			t.Errorf("page %d starts %q; want its number and the mark", i+1, head)
		case i == pages && head != "Liên 2":
			t.Errorf("copy 2 starts %q; want its mark and no number", head)
		}
	}
	if !strings.Contains(formstest.Flat(t, pdf), "Tổ công tác hướng dẫn người dân") {
		t.Error("the body's Vietnamese text does not read back")
	}
}

// The national name and motto fill the heading's right column, at least
// 92 mm wide, the name on one line on the agency's first baseline and the
// motto on its second.
func TestNational(t *testing.T) {
	formstest.Require(t)
	d := newDoc(t)
	split := d.Split()
	rw := d.M.Left + d.Width() - split
	d.Font(typeset.Bold, 12)
	if rw < 92*typeset.MM || d.Measure(typeset.NationalName) > rw {
		t.Fatalf("right column %.1f pt wide; want at least 92 mm and the national name (%.1f pt) in it", rw, d.Measure(typeset.NationalName))
	}
	y0 := d.Y
	below := d.National(split, rw, y0, 13)
	if want := y0 + 2*13*1.2; math.Abs(below-want) > 0.01 {
		t.Errorf("National returns %.2f; want %.2f, below two lines of 13 pt", below, want)
	}
	text := formstest.Text(t, finish(t, d))
	var lines []string
	for _, l := range strings.Split(text, "\n") {
		if l = strings.TrimSpace(l); l != "" {
			lines = append(lines, l)
		}
	}
	if len(lines) != 2 || lines[0] != typeset.NationalName || lines[1] != typeset.Motto {
		t.Errorf("the national name and the motto are not on two lines one under the other:\n%s", text)
	}
}
