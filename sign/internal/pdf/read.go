package pdf

import (
	"bytes"
	"errors"
	"fmt"
	"regexp"
	"strconv"
)

// Limits for untrusted files.
const (
	maxObjects  = 5_000_000
	maxSections = 10_000
	maxRefChain = 32
	maxPages    = 100_000
)

type entryKind uint8

const (
	entryFree entryKind = iota
	entryOffset
	entryInStream
)

type entry struct {
	kind   entryKind
	offset int64 // entryOffset: byte offset; entryInStream: object stream number
	index  int   // entryInStream: index inside the object stream
	gen    int
}

// Reader gives access to the objects of one PDF file held in memory.
type Reader struct {
	data []byte
	xref map[int]entry
	// Trailer is the newest trailer dictionary (for a cross-reference
	// stream, that stream's dictionary).
	Trailer Dict
	// StartXref is the offset of the newest cross-reference section.
	StartXref int64
	// XrefStream is true when the newest section is a cross-reference stream.
	XrefStream bool
	// Repaired is true when the cross-reference was unusable and the
	// objects were found by scanning the file.
	Repaired bool
	// Size is one more than the highest object number in use.
	Size int

	objstm map[int]*objStream
	cache  map[int]Object
	busy   map[int]bool
	// decoded counts the bytes Decode produced, against maxDecodedTotal.
	decoded int
}

type objStream struct {
	data    []byte
	offsets []int
}

// Open parses the cross-reference of data. It falls back to scanning the
// file for objects when the cross-reference is missing or damaged.
func Open(data []byte) (*Reader, error) {
	if !bytes.Contains(data[:min(len(data), 1024)], []byte("%PDF-")) {
		return nil, errors.New("pdf: not a PDF file (no %PDF- header)")
	}
	r := &Reader{data: data, xref: map[int]entry{}, objstm: map[int]*objStream{}, cache: map[int]Object{}, busy: map[int]bool{}}
	if err := r.readXref(); err != nil {
		r.xref = map[int]entry{}
		r.Trailer = nil
		if err := r.repair(); err != nil {
			return nil, err
		}
		r.Repaired = true
	}
	for n := range r.xref {
		r.Size = max(r.Size, n+1)
	}
	if s, ok := r.Trailer.Int("Size"); ok && s > int64(r.Size) && s < maxObjects {
		r.Size = int(s)
	}
	if _, ok := r.Trailer["Encrypt"]; ok {
		return nil, errors.New("pdf: encrypted documents are not supported")
	}
	return r, nil
}

// Bytes returns the file the reader was opened on.
func (r *Reader) Bytes() []byte { return r.data }

var startxrefRE = regexp.MustCompile(`startxref\s+(\d+)`)

func (r *Reader) readXref() error {
	tail := r.data[max(0, len(r.data)-2048):]
	ms := startxrefRE.FindAllSubmatch(tail, -1)
	if len(ms) == 0 {
		return errors.New("pdf: no startxref")
	}
	off, err := strconv.ParseInt(string(ms[len(ms)-1][1]), 10, 64)
	if err != nil || off <= 0 || off >= int64(len(r.data)) {
		return errors.New("pdf: bad startxref")
	}
	r.StartXref = off
	seen := map[int64]bool{}
	for i := 0; off > 0; i++ {
		if seen[off] || i > maxSections || off >= int64(len(r.data)) {
			return errors.New("pdf: cross-reference chain loops or is too long")
		}
		seen[off] = true
		trailer, isStream, err := r.readSection(off)
		if err != nil {
			return err
		}
		if i == 0 {
			r.Trailer, r.XrefStream = trailer, isStream
		}
		// A hybrid file's classic section names a stream with more entries.
		if x, ok := trailer.Int("XRefStm"); ok && !isStream && !seen[x] && x > 0 && x < int64(len(r.data)) {
			seen[x] = true
			if _, _, err := r.readSection(x); err != nil {
				return err
			}
		}
		prev, _ := trailer.Int("Prev")
		off = prev
	}
	if _, ok := r.Trailer["Root"].(Ref); !ok {
		return errors.New("pdf: trailer has no /Root")
	}
	return nil
}

// readSection reads the section at off, adding entries not already known
// (newer sections are read first, so the first entry seen wins).
func (r *Reader) readSection(off int64) (Dict, bool, error) {
	p := &parser{b: r.data, pos: int(off)}
	p.skip()
	if bytes.HasPrefix(r.data[p.pos:], []byte("xref")) {
		p.pos += 4
		d, err := r.readTable(p)
		return d, false, err
	}
	_, o, err := p.indirect(r.length)
	if err != nil {
		return nil, false, err
	}
	s, ok := o.(*Stream)
	if !ok || s.Dict.Name("Type") != "XRef" {
		return nil, false, fmt.Errorf("pdf: no cross-reference at %d", off)
	}
	return s.Dict, true, r.readXrefStream(s)
}

func (r *Reader) readTable(p *parser) (Dict, error) {
	for {
		t, err := p.token()
		if err != nil {
			return nil, err
		}
		if t == keyword("trailer") {
			o, err := p.object()
			if err != nil {
				return nil, err
			}
			d, ok := o.(Dict)
			if !ok {
				return nil, errors.New("pdf: trailer is not a dictionary")
			}
			return d, nil
		}
		first, ok1 := t.(int64)
		c, err := p.token()
		count, ok2 := c.(int64)
		if err != nil || !ok1 || !ok2 || first < 0 || count < 0 || first+count > maxObjects {
			return nil, errors.New("pdf: bad cross-reference subsection")
		}
		for i := int64(0); i < count; i++ {
			o, err1 := p.token()
			g, err2 := p.token()
			k, err3 := p.token()
			offset, ok1 := o.(int64)
			gen, ok2 := g.(int64)
			if err1 != nil || err2 != nil || err3 != nil || !ok1 || !ok2 || (k != keyword("n") && k != keyword("f")) {
				return nil, errors.New("pdf: bad cross-reference entry")
			}
			num := int(first + i)
			if _, known := r.xref[num]; known {
				continue
			}
			e := entry{kind: entryFree, gen: int(gen)}
			if k == keyword("n") {
				e = entry{kind: entryOffset, offset: offset, gen: int(gen)}
			}
			r.xref[num] = e
		}
	}
}

func (r *Reader) readXrefStream(s *Stream) error {
	data, err := r.Decode(s)
	if err != nil {
		return err
	}
	w, _ := s.Dict["W"].(Array)
	if len(w) != 3 {
		return errors.New("pdf: cross-reference stream without /W")
	}
	var widths [3]int
	rowLen := 0
	for i, x := range w {
		n, ok := x.(int64)
		if !ok || n < 0 || n > 8 {
			return errors.New("pdf: bad /W")
		}
		widths[i] = int(n)
		rowLen += int(n)
	}
	if rowLen == 0 {
		return errors.New("pdf: bad /W")
	}
	size, _ := s.Dict.Int("Size")
	index := Array{int64(0), size}
	if a, ok := s.Dict["Index"].(Array); ok {
		index = a
	}
	pos := 0
	for i := 0; i+1 < len(index); i += 2 {
		first, ok1 := index[i].(int64)
		count, ok2 := index[i+1].(int64)
		if !ok1 || !ok2 || first < 0 || count < 0 || first+count > maxObjects {
			return errors.New("pdf: bad /Index")
		}
		for j := int64(0); j < count; j++ {
			if pos+rowLen > len(data) {
				return errors.New("pdf: cross-reference stream too short")
			}
			row := data[pos : pos+rowLen]
			pos += rowLen
			f := [3]int64{1, 0, 0}
			k := 0
			for c := 0; c < 3; c++ {
				if widths[c] == 0 {
					continue
				}
				var v int64
				for _, b := range row[k : k+widths[c]] {
					v = v<<8 | int64(b)
				}
				f[c] = v
				k += widths[c]
			}
			num := int(first + j)
			if _, known := r.xref[num]; known {
				continue
			}
			switch f[0] {
			case 0:
				r.xref[num] = entry{kind: entryFree}
			case 1:
				r.xref[num] = entry{kind: entryOffset, offset: f[1], gen: int(f[2])}
			case 2:
				r.xref[num] = entry{kind: entryInStream, offset: f[1], index: int(f[2])}
			}
		}
	}
	return nil
}

var objRE = regexp.MustCompile(`(?m)(?:^|[\r\n ])(\d{1,10})[ \t\r\n]+(\d{1,5})[ \t\r\n]+obj\b`)

// repair finds every "n g obj" in the file (the last one of a number
// wins, as in an incremental update) and the newest trailer or
// cross-reference stream that names a /Root.
func (r *Reader) repair() error {
	for _, m := range objRE.FindAllSubmatchIndex(r.data, -1) {
		num, err1 := strconv.Atoi(string(r.data[m[2]:m[3]]))
		gen, err2 := strconv.Atoi(string(r.data[m[4]:m[5]]))
		if err1 != nil || err2 != nil || num >= maxObjects {
			continue
		}
		r.xref[num] = entry{kind: entryOffset, offset: int64(m[2]), gen: gen}
	}
	for i := bytes.LastIndex(r.data, []byte("trailer")); i >= 0; i = bytes.LastIndex(r.data[:i], []byte("trailer")) {
		p := &parser{b: r.data, pos: i + len("trailer")}
		if o, err := p.object(); err == nil {
			if d, ok := o.(Dict); ok {
				if _, ok := d["Root"].(Ref); ok {
					r.Trailer = d
					return nil
				}
			}
		}
	}
	// No trailer: a cross-reference stream's dictionary, or the catalog.
	var catalog Ref
	for num, e := range r.xref {
		o, err := r.Object(Ref{num, e.gen})
		if err != nil {
			continue
		}
		if s, ok := o.(*Stream); ok && s.Dict.Name("Type") == "XRef" {
			if _, ok := s.Dict["Root"].(Ref); ok {
				r.Trailer = s.Dict
				return nil
			}
		}
		if d, ok := o.(Dict); ok && d.Name("Type") == "Catalog" && (catalog.Num == 0 || num > catalog.Num) {
			catalog = Ref{num, e.gen}
		}
	}
	if catalog.Num == 0 {
		return errors.New("pdf: damaged file: no cross-reference and no catalog")
	}
	r.Trailer = Dict{"Root": catalog}
	return nil
}

func (r *Reader) length(o Object) (int64, bool) {
	if ref, ok := o.(Ref); ok {
		v, err := r.Object(ref)
		if err != nil {
			return 0, false
		}
		o = v
	}
	n, ok := o.(int64)
	return n, ok
}

// Object returns the object ref points to; a free or missing object is
// null (nil), as the PDF specification says.
func (r *Reader) Object(ref Ref) (Object, error) {
	if o, ok := r.cache[ref.Num]; ok {
		return o, nil
	}
	e, ok := r.xref[ref.Num]
	if !ok || e.kind == entryFree {
		return nil, nil
	}
	// An object whose /Length, or whose object stream, leads back to
	// itself would recurse forever.
	if r.busy[ref.Num] {
		return nil, fmt.Errorf("pdf: object %d refers to itself", ref.Num)
	}
	r.busy[ref.Num] = true
	defer delete(r.busy, ref.Num)
	var o Object
	var err error
	switch e.kind {
	case entryOffset:
		o, err = r.objectAt(ref.Num, e.offset)
	case entryInStream:
		o, err = r.objectInStream(int(e.offset), e.index, ref.Num)
	}
	if err != nil {
		return nil, fmt.Errorf("pdf: object %d: %w", ref.Num, err)
	}
	r.cache[ref.Num] = o
	return o, nil
}

func (r *Reader) objectAt(num int, off int64) (Object, error) {
	if off < 0 || off >= int64(len(r.data)) {
		return nil, errors.New("offset outside the file")
	}
	p := &parser{b: r.data, pos: int(off)}
	got, o, err := p.indirect(r.length)
	if err != nil {
		return nil, err
	}
	if got.Num != num {
		return nil, fmt.Errorf("offset points at object %d", got.Num)
	}
	return o, nil
}

func (r *Reader) objectInStream(stmNum, index, num int) (Object, error) {
	os, ok := r.objstm[stmNum]
	if !ok {
		o, err := r.Object(Ref{stmNum, 0})
		if err != nil {
			return nil, err
		}
		s, isStream := o.(*Stream)
		if !isStream || s.Dict.Name("Type") != "ObjStm" {
			return nil, errors.New("object stream missing")
		}
		data, err := r.Decode(s)
		if err != nil {
			return nil, err
		}
		n, _ := s.Dict.Int("N")
		first, _ := s.Dict.Int("First")
		if n < 0 || n > maxObjects || first < 0 || first > int64(len(data)) {
			return nil, errors.New("bad object stream header")
		}
		os = &objStream{data: data}
		p := &parser{b: data}
		for i := int64(0); i < n; i++ {
			_, err1 := p.token()
			o, err2 := p.token()
			off, ok := o.(int64)
			if err1 != nil || err2 != nil || !ok || off < 0 || first+off > int64(len(data)) {
				return nil, errors.New("bad object stream header")
			}
			os.offsets = append(os.offsets, int(first+off))
		}
		r.objstm[stmNum] = os
	}
	if index < 0 || index >= len(os.offsets) {
		return nil, errors.New("index outside the object stream")
	}
	p := &parser{b: os.data, pos: os.offsets[index]}
	return p.object()
}

// Resolve follows references until it reaches a direct object.
func (r *Reader) Resolve(o Object) (Object, error) {
	for i := 0; i < maxRefChain; i++ {
		ref, ok := o.(Ref)
		if !ok {
			return o, nil
		}
		var err error
		if o, err = r.Object(ref); err != nil {
			return nil, err
		}
	}
	return nil, errors.New("pdf: reference chain too long")
}

// Dict resolves o and returns it as a dictionary (a stream's dictionary
// counts); anything else is an empty dictionary and false.
func (r *Reader) Dict(o Object) (Dict, bool) {
	v, err := r.Resolve(o)
	if err != nil {
		return Dict{}, false
	}
	switch d := v.(type) {
	case Dict:
		return d, true
	case *Stream:
		return d.Dict, true
	}
	return Dict{}, false
}

// Array resolves o and returns it as an array.
func (r *Reader) Array(o Object) (Array, bool) {
	v, err := r.Resolve(o)
	if err != nil {
		return nil, false
	}
	a, ok := v.(Array)
	return a, ok
}
