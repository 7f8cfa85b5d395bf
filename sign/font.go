package sign

import (
	"bytes"
	"compress/zlib"
	"crypto/sha256"
	"fmt"
	"slices"
	"strings"
	"unicode"

	"golang.org/x/text/unicode/norm"

	"github.com/motcua/motcua/sign/internal/pdf"
)

// face draws text in an appearance: an embedded TrueType subset, which
// writes Vietnamese correctly, or the standard Times-Roman, which cannot
// and gets the text without diacritics.
type face interface {
	// use records the characters of s; show returns the operand of Tj
	// for s ("<…>" or "(…)"), once object has been called.
	use(s string)
	show(s string) string
	// width is the width of s at size points.
	width(s string, size float64) float64
	// ascent and descent (negative) per 1000 units of size.
	ascent() float64
	descent() float64
	// object writes the font's objects once every text is known.
	object(u *pdf.Update) pdf.Ref
}

func newFace(font []byte) (face, error) {
	if font == nil {
		return stdFace{}, nil
	}
	f, err := parseTTF(font)
	if err != nil {
		return nil, err
	}
	return &ttfFace{f: f, used: map[uint16]rune{}}, nil
}

type ttfFace struct {
	f     *ttf
	used  map[uint16]rune
	newID map[uint16]uint16 // set by object
}

func (t *ttfFace) glyphs(s string) []uint16 {
	var out []uint16
	for _, r := range norm.NFC.String(s) {
		g, ok := t.f.cmap[r]
		if !ok {
			// A character the font lacks: try it without its accents.
			for _, d := range norm.NFD.String(string(r)) {
				if !unicode.Is(unicode.Mn, d) {
					g = t.f.cmap[d]
					break
				}
			}
		}
		out = append(out, g)
	}
	return out
}

func (t *ttfFace) use(s string) {
	runes := []rune(norm.NFC.String(s))
	for i, g := range t.glyphs(s) {
		if g != 0 {
			t.used[g] = runes[i]
		}
	}
}

func (t *ttfFace) show(s string) string {
	var b strings.Builder
	b.WriteByte('<')
	for _, g := range t.glyphs(s) {
		fmt.Fprintf(&b, "%04X", t.newID[g])
	}
	b.WriteByte('>')
	return b.String()
}

func (t *ttfFace) width(s string, size float64) float64 {
	var w float64
	for _, g := range t.glyphs(s) {
		w += float64(t.f.advances[g])
	}
	return w * size / float64(t.f.unitsPerEm)
}

func (t *ttfFace) scale(v int) float64 { return float64(v) * 1000 / float64(t.f.unitsPerEm) }
func (t *ttfFace) ascent() float64     { return t.scale(t.f.ascent) }
func (t *ttfFace) descent() float64    { return t.scale(t.f.descent) }

// object embeds the subset as a Type 0 font with Identity-H encoding (the
// content strings are the subset's glyph numbers) and a ToUnicode map, so
// text can be copied and searched. The subset is a few kilobytes and is
// stored uncompressed: deflating it cost more time than the whole
// signature otherwise.
func (t *ttfFace) object(u *pdf.Update) pdf.Ref {
	used := map[uint16]bool{}
	for g := range t.used {
		used[g] = true
	}
	file, newID := t.f.subset(used)
	t.newID = newID
	gids := make([]int, 0, len(t.used))
	for g := range t.used {
		gids = append(gids, int(g))
	}
	slices.Sort(gids)
	sum := sha256.Sum256(file)
	tag := make([]byte, 6)
	for i := range tag {
		tag[i] = 'A' + sum[i]%26
	}
	name := pdf.Name(string(tag) + "+" + t.f.name)
	fontFile := u.Add(&pdf.Stream{Dict: pdf.Dict{"Length1": int64(len(file))}, Data: file})
	desc := u.Add(pdf.Dict{
		"Type": pdf.Name("FontDescriptor"), "FontName": name, "Flags": int64(34),
		"FontBBox":    pdf.Array{t.scale(t.f.bbox[0]), t.scale(t.f.bbox[1]), t.scale(t.f.bbox[2]), t.scale(t.f.bbox[3])},
		"ItalicAngle": int64(0), "Ascent": t.ascent(), "Descent": t.descent(), "CapHeight": t.scale(t.f.capHeight),
		"StemV": int64(80), "FontFile2": fontFile,
	})
	var widths pdf.Array
	for _, g := range gids {
		widths = append(widths, int64(newID[uint16(g)]), pdf.Array{t.scale(int(t.f.advances[g]))})
	}
	cid := u.Add(pdf.Dict{
		"Type": pdf.Name("Font"), "Subtype": pdf.Name("CIDFontType2"), "BaseFont": name,
		"CIDSystemInfo":  pdf.Dict{"Registry": pdf.String("Adobe"), "Ordering": pdf.String("Identity"), "Supplement": int64(0)},
		"FontDescriptor": desc, "W": widths, "CIDToGIDMap": pdf.Name("Identity"), "DW": int64(1000),
	})
	var cmap bytes.Buffer
	cmap.WriteString("/CIDInit /ProcSet findresource begin\n12 dict begin\nbegincmap\n/CIDSystemInfo << /Registry (Adobe) /Ordering (UCS) /Supplement 0 >> def\n/CMapName /Adobe-Identity-UCS def\n/CMapType 2 def\n1 begincodespacerange\n<0000> <FFFF>\nendcodespacerange\n")
	for i := 0; i < len(gids); i += 100 {
		chunk := gids[i:min(len(gids), i+100)]
		fmt.Fprintf(&cmap, "%d beginbfchar\n", len(chunk))
		for _, g := range chunk {
			fmt.Fprintf(&cmap, "<%04X> <", newID[uint16(g)])
			for _, c := range utf16Units(t.used[uint16(g)]) {
				fmt.Fprintf(&cmap, "%04X", c)
			}
			cmap.WriteString(">\n")
		}
		cmap.WriteString("endbfchar\n")
	}
	cmap.WriteString("endcmap\nCMapName currentdict /CMap defineresource pop\nend\nend\n")
	toUnicode := u.Add(&pdf.Stream{Dict: pdf.Dict{}, Data: cmap.Bytes()})
	return u.Add(pdf.Dict{
		"Type": pdf.Name("Font"), "Subtype": pdf.Name("Type0"), "BaseFont": name, "Encoding": pdf.Name("Identity-H"),
		"DescendantFonts": pdf.Array{cid}, "ToUnicode": toUnicode,
	})
}

func utf16Units(r rune) []uint16 {
	if r < 0x10000 {
		return []uint16{uint16(r)}
	}
	r -= 0x10000
	return []uint16{uint16(0xd800 + r>>10), uint16(0xdc00 + r&0x3ff)}
}

// stdFace is Times-Roman, one of the 14 standard fonts: nothing embedded,
// but only Latin-1, so Vietnamese loses its diacritics (see ascii).
type stdFace struct{}

func (stdFace) use(string) {}

func (stdFace) show(s string) string {
	var b strings.Builder
	b.WriteByte('(')
	for _, c := range ascii(s) {
		if c == '(' || c == ')' || c == '\\' {
			b.WriteByte('\\')
		}
		b.WriteRune(c)
	}
	b.WriteByte(')')
	return b.String()
}

func (stdFace) width(s string, size float64) float64 {
	var w float64
	for _, c := range ascii(s) {
		w += float64(timesWidths[c-32])
	}
	return w * size / 1000
}

func (stdFace) ascent() float64  { return 683 }
func (stdFace) descent() float64 { return -217 }

func (stdFace) object(u *pdf.Update) pdf.Ref {
	return u.Add(pdf.Dict{"Type": pdf.Name("Font"), "Subtype": pdf.Name("Type1"), "BaseFont": pdf.Name("Times-Roman"), "Encoding": pdf.Name("WinAnsiEncoding")})
}

// ascii removes Vietnamese diacritics (đ becomes d) and replaces anything
// else outside printable ASCII with "?".
func ascii(s string) string {
	var b strings.Builder
	for _, c := range norm.NFD.String(s) {
		switch {
		case unicode.Is(unicode.Mn, c):
		case c == 'đ':
			b.WriteByte('d')
		case c == 'Đ':
			b.WriteByte('D')
		case c >= 32 && c < 127:
			b.WriteRune(c)
		default:
			b.WriteByte('?')
		}
	}
	return b.String()
}

// timesWidths are Times-Roman's advance widths for ASCII 32–126 (AFM).
var timesWidths = [95]int{
	250, 333, 408, 500, 500, 833, 778, 180, 333, 333, 500, 564, 250, 333, 250, 278,
	500, 500, 500, 500, 500, 500, 500, 500, 500, 500, 278, 278, 564, 564, 564, 444,
	921, 722, 667, 667, 722, 611, 556, 722, 722, 333, 389, 722, 611, 889, 722, 722,
	556, 722, 667, 556, 611, 722, 722, 944, 722, 722, 611, 333, 278, 333, 469, 500,
	333, 444, 500, 444, 500, 444, 333, 500, 500, 278, 278, 500, 278, 778, 500, 500,
	500, 500, 333, 389, 278, 500, 500, 722, 500, 500, 444, 480, 200, 480, 541,
}

func deflate(b []byte) []byte {
	var buf bytes.Buffer
	zw, _ := zlib.NewWriterLevel(&buf, zlib.BestSpeed)
	zw.Write(b)
	zw.Close()
	return buf.Bytes()
}
