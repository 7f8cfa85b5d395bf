package sign

import (
	"encoding/binary"
	"errors"
	"fmt"
	"slices"
	"unicode/utf16"
)

// ttf is a parsed TrueType font: what embedding a subset needs.
type ttf struct {
	tables     map[string][]byte
	unitsPerEm int
	numGlyphs  int
	cmap       map[rune]uint16
	advances   []uint16
	ascent     int
	descent    int
	capHeight  int
	bbox       [4]int
	name       string
	longLoca   bool
}

var errFont = errors.New("sign: not a usable TrueType font")

func parseTTF(b []byte) (*ttf, error) {
	if len(b) < 12 {
		return nil, errFont
	}
	if v := binary.BigEndian.Uint32(b); v != 0x00010000 && v != 0x74727565 {
		return nil, fmt.Errorf("%w (only TrueType outlines, not CFF or collections)", errFont)
	}
	n := int(binary.BigEndian.Uint16(b[4:]))
	f := &ttf{tables: map[string][]byte{}}
	for i := 0; i < n; i++ {
		rec := b[min(len(b), 12+16*i):min(len(b), 12+16*i+16)]
		if len(rec) < 16 {
			return nil, errFont
		}
		off, ln := binary.BigEndian.Uint32(rec[8:]), binary.BigEndian.Uint32(rec[12:])
		if uint64(off)+uint64(ln) > uint64(len(b)) {
			return nil, errFont
		}
		f.tables[string(rec[:4])] = b[off : off+ln]
	}
	for _, t := range []string{"head", "hhea", "hmtx", "maxp", "cmap", "loca", "glyf"} {
		if f.tables[t] == nil {
			return nil, fmt.Errorf("%w (no %s table)", errFont, t)
		}
	}
	head, hhea, maxp := f.tables["head"], f.tables["hhea"], f.tables["maxp"]
	if len(head) < 54 || len(hhea) < 36 || len(maxp) < 6 {
		return nil, errFont
	}
	if os2 := f.tables["OS/2"]; len(os2) >= 10 && binary.BigEndian.Uint16(os2[8:])&0x000f == 0x0002 {
		return nil, errors.New("sign: the font's licence forbids embedding")
	}
	f.unitsPerEm = int(binary.BigEndian.Uint16(head[18:]))
	for i := range f.bbox {
		f.bbox[i] = int(int16(binary.BigEndian.Uint16(head[36+2*i:])))
	}
	f.longLoca = binary.BigEndian.Uint16(head[50:]) == 1
	f.ascent = int(int16(binary.BigEndian.Uint16(hhea[4:])))
	f.descent = int(int16(binary.BigEndian.Uint16(hhea[6:])))
	f.capHeight = f.ascent
	if os2 := f.tables["OS/2"]; len(os2) >= 90 && binary.BigEndian.Uint16(os2) >= 2 {
		f.capHeight = int(int16(binary.BigEndian.Uint16(os2[88:])))
	}
	f.numGlyphs = int(binary.BigEndian.Uint16(maxp[4:]))
	if f.unitsPerEm == 0 || f.numGlyphs == 0 {
		return nil, errFont
	}
	nh := int(binary.BigEndian.Uint16(hhea[34:]))
	hmtx := f.tables["hmtx"]
	if nh == 0 || len(hmtx) < 4*nh {
		return nil, errFont
	}
	f.advances = make([]uint16, f.numGlyphs)
	for g := range f.advances {
		f.advances[g] = binary.BigEndian.Uint16(hmtx[4*min(g, nh-1):])
	}
	var err error
	if f.cmap, err = parseCmap(f.tables["cmap"]); err != nil {
		return nil, err
	}
	f.name = fontName(f.tables["name"])
	return f, nil
}

// parseCmap reads the Unicode subtable (format 4 or 12).
func parseCmap(t []byte) (map[rune]uint16, error) {
	if len(t) < 4 {
		return nil, errFont
	}
	n := int(binary.BigEndian.Uint16(t[2:]))
	best, bestScore := -1, 0
	for i := 0; i < n && 4+8*i+8 <= len(t); i++ {
		pid, eid := binary.BigEndian.Uint16(t[4+8*i:]), binary.BigEndian.Uint16(t[6+8*i:])
		off := int(binary.BigEndian.Uint32(t[8+8*i:]))
		if off+2 > len(t) {
			continue
		}
		format := binary.BigEndian.Uint16(t[off:])
		score := 0
		switch {
		case format == 12 && (pid == 3 && eid == 10 || pid == 0):
			score = 3
		case format == 4 && (pid == 3 && eid == 1 || pid == 0):
			score = 2
		}
		if score > bestScore {
			best, bestScore = off, score
		}
	}
	if best < 0 {
		return nil, fmt.Errorf("%w (no Unicode cmap)", errFont)
	}
	s := t[best:]
	m := map[rune]uint16{}
	switch binary.BigEndian.Uint16(s) {
	case 4:
		if len(s) < 14 {
			return nil, errFont
		}
		segs := int(binary.BigEndian.Uint16(s[6:])) / 2
		if len(s) < 16+8*segs {
			return nil, errFont
		}
		ends, starts := s[14:], s[16+2*segs:]
		deltas, ros := s[16+4*segs:], s[16+6*segs:]
		for i := 0; i < segs; i++ {
			end, start := int(binary.BigEndian.Uint16(ends[2*i:])), int(binary.BigEndian.Uint16(starts[2*i:]))
			delta, ro := binary.BigEndian.Uint16(deltas[2*i:]), int(binary.BigEndian.Uint16(ros[2*i:]))
			for c := start; c <= end && c != 0xffff; c++ {
				var g uint16
				if ro == 0 {
					g = uint16(c) + delta
				} else {
					at := 16 + 6*segs + 2*i + ro + 2*(c-start)
					if at+2 > len(s) {
						continue
					}
					if g = binary.BigEndian.Uint16(s[at:]); g != 0 {
						g += delta
					}
				}
				if g != 0 {
					m[rune(c)] = g
				}
			}
		}
	case 12:
		if len(s) < 16 {
			return nil, errFont
		}
		groups := int(binary.BigEndian.Uint32(s[12:]))
		for i := 0; i < groups && 16+12*i+12 <= len(s); i++ {
			g := s[16+12*i:]
			start, end, gid := binary.BigEndian.Uint32(g), binary.BigEndian.Uint32(g[4:]), binary.BigEndian.Uint32(g[8:])
			if end < start || end-start > 0x10000 || end > 0x10ffff {
				continue
			}
			for c := start; c <= end; c++ {
				m[rune(c)] = uint16(gid + c - start)
			}
		}
	}
	return m, nil
}

// fontName is the PostScript name (name ID 6), or "Font".
func fontName(t []byte) string {
	if len(t) < 6 {
		return "Font"
	}
	n, strOff := int(binary.BigEndian.Uint16(t[2:])), int(binary.BigEndian.Uint16(t[4:]))
	for i := 0; i < n && 6+12*i+12 <= len(t); i++ {
		r := t[6+12*i:]
		pid, id := binary.BigEndian.Uint16(r), binary.BigEndian.Uint16(r[6:])
		ln, off := int(binary.BigEndian.Uint16(r[8:])), int(binary.BigEndian.Uint16(r[10:]))
		if id != 6 || strOff+off+ln > len(t) {
			continue
		}
		raw := t[strOff+off : strOff+off+ln]
		name := string(raw)
		if pid == 3 || pid == 0 {
			u := make([]uint16, len(raw)/2)
			for j := range u {
				u[j] = binary.BigEndian.Uint16(raw[2*j:])
			}
			name = string(utf16.Decode(u))
		}
		clean := []rune{}
		for _, c := range name {
			if c > 0x20 && c < 0x7f && c != '/' && c != '[' && c != ']' && c != '(' && c != ')' && c != '<' && c != '>' && c != '%' && c != '#' {
				clean = append(clean, c)
			}
		}
		if len(clean) > 0 {
			return string(clean)
		}
	}
	return "Font"
}

func (f *ttf) glyphData(g int) []byte {
	loca, glyf := f.tables["loca"], f.tables["glyf"]
	var start, end int
	if f.longLoca {
		if 4*g+8 > len(loca) {
			return nil
		}
		start, end = int(binary.BigEndian.Uint32(loca[4*g:])), int(binary.BigEndian.Uint32(loca[4*g+4:]))
	} else {
		if 2*g+4 > len(loca) {
			return nil
		}
		start, end = 2*int(binary.BigEndian.Uint16(loca[2*g:])), 2*int(binary.BigEndian.Uint16(loca[2*g+2:]))
	}
	if start > end || end > len(glyf) {
		return nil
	}
	return glyf[start:end]
}

// componentOffsets returns, for a composite glyph, the offsets of its
// components' glyph numbers (so they can be renumbered).
func componentOffsets(data []byte) []int {
	if len(data) < 10 || int16(binary.BigEndian.Uint16(data)) >= 0 {
		return nil
	}
	var out []int
	for p := 10; p+4 <= len(data); {
		flags := binary.BigEndian.Uint16(data[p:])
		out = append(out, p+2)
		p += 4
		if flags&0x0001 != 0 { // ARG_1_AND_2_ARE_WORDS
			p += 4
		} else {
			p += 2
		}
		switch {
		case flags&0x0008 != 0: // WE_HAVE_A_SCALE
			p += 2
		case flags&0x0040 != 0: // X_AND_Y_SCALE
			p += 4
		case flags&0x0080 != 0: // TWO_BY_TWO
			p += 8
		}
		if flags&0x0020 == 0 { // MORE_COMPONENTS
			break
		}
	}
	return out
}

// subset returns a font file holding only the used glyphs (and the ones
// composite glyphs are built of), renumbered from 1 in the order of the
// old numbers, with just the tables a PDF's embedded TrueType needs, and
// the map from old glyph numbers to new ones.
func (f *ttf) subset(used map[uint16]bool) ([]byte, map[uint16]uint16) {
	keep := map[int]bool{0: true}
	var queue []int
	for g := range used {
		queue = append(queue, int(g))
	}
	for len(queue) > 0 {
		g := queue[len(queue)-1]
		queue = queue[:len(queue)-1]
		if keep[g] || g >= f.numGlyphs {
			continue
		}
		keep[g] = true
		data := f.glyphData(g)
		for _, off := range componentOffsets(data) {
			queue = append(queue, int(binary.BigEndian.Uint16(data[off:])))
		}
	}
	old := make([]int, 0, len(keep))
	for g := range keep {
		old = append(old, g)
	}
	slices.Sort(old)
	newID := make(map[uint16]uint16, len(old))
	for i, g := range old {
		newID[uint16(g)] = uint16(i)
	}
	nh := int(binary.BigEndian.Uint16(f.tables["hhea"][34:]))
	hmtxOld := f.tables["hmtx"]
	var glyf, loca, hmtx []byte
	for _, g := range old {
		loca = binary.BigEndian.AppendUint32(loca, uint32(len(glyf)))
		data := slices.Clone(f.glyphData(g))
		for _, off := range componentOffsets(data) {
			binary.BigEndian.PutUint16(data[off:], newID[binary.BigEndian.Uint16(data[off:])])
		}
		glyf = append(glyf, data...)
		for len(glyf)%4 != 0 {
			glyf = append(glyf, 0)
		}
		lsb := 0
		if at := 4*g + 2; g < nh {
			lsb = int(binary.BigEndian.Uint16(hmtxOld[at:]))
		} else if at := 4*nh + 2*(g-nh); at+2 <= len(hmtxOld) {
			lsb = int(binary.BigEndian.Uint16(hmtxOld[at:]))
		}
		hmtx = binary.BigEndian.AppendUint16(hmtx, f.advances[g])
		hmtx = binary.BigEndian.AppendUint16(hmtx, uint16(lsb))
	}
	loca = binary.BigEndian.AppendUint32(loca, uint32(len(glyf)))
	head := slices.Clone(f.tables["head"])
	binary.BigEndian.PutUint16(head[50:], 1) // long loca
	binary.BigEndian.PutUint32(head[8:], 0)  // checksum adjustment, set below
	hhea := slices.Clone(f.tables["hhea"])
	binary.BigEndian.PutUint16(hhea[34:], uint16(len(old)))
	maxp := slices.Clone(f.tables["maxp"])
	binary.BigEndian.PutUint16(maxp[4:], uint16(len(old)))
	tables := map[string][]byte{"head": head, "hhea": hhea, "hmtx": hmtx, "maxp": maxp, "loca": loca, "glyf": glyf}
	for _, t := range []string{"cvt ", "fpgm", "prep"} {
		if f.tables[t] != nil {
			tables[t] = f.tables[t]
		}
	}
	tags := make([]string, 0, len(tables))
	for t := range tables {
		tags = append(tags, t)
	}
	slices.Sort(tags)
	n := len(tags)
	sel := 0
	for 1<<(sel+1) <= n {
		sel++
	}
	out := binary.BigEndian.AppendUint32(nil, 0x00010000)
	out = binary.BigEndian.AppendUint16(out, uint16(n))
	out = binary.BigEndian.AppendUint16(out, uint16(16<<sel))
	out = binary.BigEndian.AppendUint16(out, uint16(sel))
	out = binary.BigEndian.AppendUint16(out, uint16(16*n-16<<sel))
	off := 12 + 16*n
	headAt := 0
	for _, t := range tags {
		d := tables[t]
		out = append(out, t...)
		out = binary.BigEndian.AppendUint32(out, checksum(d))
		out = binary.BigEndian.AppendUint32(out, uint32(off))
		out = binary.BigEndian.AppendUint32(out, uint32(len(d)))
		if t == "head" {
			headAt = off
		}
		off += (len(d) + 3) &^ 3
	}
	for _, t := range tags {
		out = append(out, tables[t]...)
		for len(out)%4 != 0 {
			out = append(out, 0)
		}
	}
	binary.BigEndian.PutUint32(out[headAt+8:], 0xB1B0AFBA-checksum(out))
	return out, newID
}

func checksum(b []byte) uint32 {
	var sum uint32
	for i := 0; i < len(b); i += 4 {
		var w [4]byte
		copy(w[:], b[i:])
		sum += binary.BigEndian.Uint32(w[:])
	}
	return sum
}
