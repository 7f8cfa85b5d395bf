package pdf

import (
	"bytes"
	"errors"
	"fmt"
	"strconv"
)

// maxDepth bounds nesting of arrays and dictionaries in untrusted input.
const maxDepth = 100

// ErrSyntax is returned for input that is not PDF syntax.
var ErrSyntax = errors.New("pdf: syntax error")

func syntaxErr(pos int, format string, args ...any) error {
	return fmt.Errorf("%w at byte %d: %s", ErrSyntax, pos, fmt.Sprintf(format, args...))
}

// parser reads objects from b starting at pos.
type parser struct {
	b     []byte
	pos   int
	depth int
}

// keyword is a bare word such as obj, endobj, stream, R, true.
type keyword string

// skip skips white space and comments.
func (p *parser) skip() {
	for p.pos < len(p.b) {
		c := p.b[p.pos]
		if isSpace(c) {
			p.pos++
			continue
		}
		if c == '%' {
			for p.pos < len(p.b) && p.b[p.pos] != '\n' && p.b[p.pos] != '\r' {
				p.pos++
			}
			continue
		}
		return
	}
}

// token reads one token: a delimiter-started value, a number or a keyword.
// Numbers come back as int64 or float64, words as keyword.
func (p *parser) token() (any, error) {
	p.skip()
	if p.pos >= len(p.b) {
		return nil, syntaxErr(p.pos, "unexpected end of data")
	}
	c := p.b[p.pos]
	switch {
	case c == '/':
		return p.name()
	case c == '(':
		return p.literal()
	case c == '<' && p.pos+1 < len(p.b) && p.b[p.pos+1] == '<':
		p.pos += 2
		return keyword("<<"), nil
	case c == '>' && p.pos+1 < len(p.b) && p.b[p.pos+1] == '>':
		p.pos += 2
		return keyword(">>"), nil
	case c == '<':
		return p.hex()
	case c == '[' || c == ']' || c == '{' || c == '}':
		p.pos++
		return keyword(c), nil
	case c == ')' || c == '>':
		return nil, syntaxErr(p.pos, "unexpected %q", c)
	}
	start := p.pos
	for p.pos < len(p.b) && !isSpace(p.b[p.pos]) && !isDelim(p.b[p.pos]) {
		p.pos++
	}
	w := p.b[start:p.pos]
	if len(w) > 0 && (w[0] == '+' || w[0] == '-' || w[0] == '.' || (w[0] >= '0' && w[0] <= '9')) {
		if i, err := strconv.ParseInt(string(w), 10, 64); err == nil {
			return i, nil
		}
		if f, err := strconv.ParseFloat(string(w), 64); err == nil {
			return f, nil
		}
		// Malformed numbers such as "--5" or "1.2.3" are read as 0, as
		// most readers do.
		return int64(0), nil
	}
	return keyword(w), nil
}

func (p *parser) name() (Name, error) {
	p.pos++ // '/'
	var out []byte
	for p.pos < len(p.b) {
		c := p.b[p.pos]
		if isSpace(c) || isDelim(c) {
			break
		}
		if c == '#' && p.pos+2 < len(p.b) {
			if v, err := strconv.ParseUint(string(p.b[p.pos+1:p.pos+3]), 16, 8); err == nil {
				out = append(out, byte(v))
				p.pos += 3
				continue
			}
		}
		out = append(out, c)
		p.pos++
	}
	return Name(out), nil
}

func (p *parser) literal() (String, error) {
	start := p.pos
	p.pos++ // '('
	var out []byte
	depth := 1
	for p.pos < len(p.b) {
		c := p.b[p.pos]
		p.pos++
		switch c {
		case '(':
			depth++
		case ')':
			depth--
			if depth == 0 {
				return String(out), nil
			}
		case '\\':
			if p.pos >= len(p.b) {
				return nil, syntaxErr(start, "unterminated string")
			}
			e := p.b[p.pos]
			p.pos++
			switch e {
			case 'n':
				c = '\n'
			case 'r':
				c = '\r'
			case 't':
				c = '\t'
			case 'b':
				c = '\b'
			case 'f':
				c = '\f'
			case '\r':
				if p.pos < len(p.b) && p.b[p.pos] == '\n' {
					p.pos++
				}
				continue
			case '\n':
				continue
			default:
				if e >= '0' && e <= '7' {
					v := int(e - '0')
					for k := 0; k < 2 && p.pos < len(p.b) && p.b[p.pos] >= '0' && p.b[p.pos] <= '7'; k++ {
						v = v*8 + int(p.b[p.pos]-'0')
						p.pos++
					}
					c = byte(v)
				} else {
					c = e
				}
			}
		}
		out = append(out, c)
	}
	return nil, syntaxErr(start, "unterminated string")
}

func (p *parser) hex() (String, error) {
	start := p.pos
	p.pos++ // '<'
	end := bytes.IndexByte(p.b[p.pos:], '>')
	if end < 0 {
		return nil, syntaxErr(start, "unterminated hex string")
	}
	digits := make([]byte, 0, end)
	for _, c := range p.b[p.pos : p.pos+end] {
		if isSpace(c) {
			continue
		}
		v := unhex(c)
		if v < 0 {
			return nil, syntaxErr(start, "bad hex digit %q", c)
		}
		digits = append(digits, byte(v))
	}
	p.pos += end + 1
	if len(digits)%2 == 1 {
		digits = append(digits, 0)
	}
	out := make([]byte, len(digits)/2)
	for i := range out {
		out[i] = digits[2*i]<<4 | digits[2*i+1]
	}
	return String(out), nil
}

func unhex(c byte) int {
	switch {
	case c >= '0' && c <= '9':
		return int(c - '0')
	case c >= 'a' && c <= 'f':
		return int(c-'a') + 10
	case c >= 'A' && c <= 'F':
		return int(c-'A') + 10
	}
	return -1
}

// object reads one object. References "n g R" are recognised by looking
// ahead two tokens.
func (p *parser) object() (Object, error) {
	t, err := p.token()
	if err != nil {
		return nil, err
	}
	return p.value(t)
}

func (p *parser) value(t any) (Object, error) {
	switch v := t.(type) {
	case int64:
		save := p.pos
		if g, err := p.token(); err == nil {
			if gen, ok := g.(int64); ok {
				if r, err := p.token(); err == nil && r == keyword("R") && v >= 0 && gen >= 0 && v < 1<<31 && gen < 1<<16 {
					return Ref{int(v), int(gen)}, nil
				}
			}
		}
		p.pos = save
		return v, nil
	case float64, Name, String:
		return v, nil
	case keyword:
		switch v {
		case "true":
			return true, nil
		case "false":
			return false, nil
		case "null":
			return nil, nil
		case "[":
			return p.array()
		case "<<":
			return p.dict()
		}
		return nil, syntaxErr(p.pos, "unexpected %q", string(v))
	}
	return nil, syntaxErr(p.pos, "unexpected token")
}

func (p *parser) array() (Array, error) {
	if p.depth++; p.depth > maxDepth {
		return nil, syntaxErr(p.pos, "nesting too deep")
	}
	defer func() { p.depth-- }()
	a := Array{}
	for {
		t, err := p.token()
		if err != nil {
			return nil, err
		}
		if t == keyword("]") {
			return a, nil
		}
		o, err := p.value(t)
		if err != nil {
			return nil, err
		}
		a = append(a, o)
	}
}

func (p *parser) dict() (Dict, error) {
	if p.depth++; p.depth > maxDepth {
		return nil, syntaxErr(p.pos, "nesting too deep")
	}
	defer func() { p.depth-- }()
	d := Dict{}
	for {
		t, err := p.token()
		if err != nil {
			return nil, err
		}
		if t == keyword(">>") {
			return d, nil
		}
		k, ok := t.(Name)
		if !ok {
			return nil, syntaxErr(p.pos, "dictionary key is not a name")
		}
		o, err := p.object()
		if err != nil {
			return nil, err
		}
		if o != nil { // a null value is the same as an absent key
			d[k] = o
		}
	}
}

// indirect reads "num gen obj <object> [stream…endstream] endobj" at pos.
// length resolves a stream's /Length when it is an indirect reference.
func (p *parser) indirect(length func(Object) (int64, bool)) (Ref, Object, error) {
	start := p.pos
	n, err1 := p.token()
	g, err2 := p.token()
	kw, err3 := p.token()
	num, ok1 := n.(int64)
	gen, ok2 := g.(int64)
	if err1 != nil || err2 != nil || err3 != nil || !ok1 || !ok2 || kw != keyword("obj") || num < 0 || num >= 1<<31 || gen < 0 || gen >= 1<<16 {
		return Ref{}, nil, syntaxErr(start, "no object header")
	}
	ref := Ref{int(num), int(gen)}
	o, err := p.object()
	if err != nil {
		return ref, nil, err
	}
	d, isDict := o.(Dict)
	if !isDict {
		return ref, o, nil
	}
	save := p.pos
	if t, err := p.token(); err != nil || t != keyword("stream") {
		p.pos = save
		return ref, d, nil
	}
	// The data starts after CRLF or LF (a lone CR is tolerated).
	if p.pos < len(p.b) && p.b[p.pos] == '\r' {
		p.pos++
	}
	if p.pos < len(p.b) && p.b[p.pos] == '\n' {
		p.pos++
	}
	dataStart := p.pos
	if n, ok := length(d["Length"]); ok && n >= 0 && int64(dataStart)+n <= int64(len(p.b)) {
		end := dataStart + int(n)
		q := &parser{b: p.b, pos: end}
		if t, err := q.token(); err == nil && t == keyword("endstream") {
			p.pos = q.pos
			return ref, &Stream{Dict: d, Data: p.b[dataStart:end]}, nil
		}
	}
	// A wrong /Length: find endstream instead.
	i := bytes.Index(p.b[dataStart:], []byte("endstream"))
	if i < 0 {
		return ref, nil, syntaxErr(dataStart, "stream without endstream")
	}
	end := dataStart + i
	if end > dataStart && p.b[end-1] == '\n' {
		end--
	}
	if end > dataStart && p.b[end-1] == '\r' {
		end--
	}
	p.pos = dataStart + i + len("endstream")
	return ref, &Stream{Dict: d, Data: p.b[dataStart:end]}, nil
}

// Parse reads a single object from b (for tests and small fragments).
func Parse(b []byte) (Object, error) {
	p := &parser{b: b}
	return p.object()
}
