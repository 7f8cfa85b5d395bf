// Package pdf reads the object structure of PDF files and appends
// incremental updates to them: exactly what signing and verifying need,
// nothing of page rendering. It reads classic cross-reference tables,
// cross-reference streams, hybrid files and object streams, and repairs a
// damaged cross-reference by scanning for objects. It is written for
// untrusted uploads: no panics, bounded recursion and bounded decompression.
package pdf

import (
	"fmt"
	"sort"
	"strconv"
	"strings"
)

// Object is one PDF value: nil (null), bool, int64, float64, Name, String,
// Ref, Array, Dict or *Stream.
type Object any

// Name is a PDF name, without the slash and with #xx escapes decoded.
type Name string

// String is a PDF string's bytes (literal or hexadecimal, decoded).
type String []byte

// Ref is an indirect reference "Num Gen R".
type Ref struct{ Num, Gen int }

func (r Ref) String() string { return fmt.Sprintf("%d %d R", r.Num, r.Gen) }

// Array is a PDF array.
type Array []Object

// Dict is a PDF dictionary.
type Dict map[Name]Object

// Stream is a stream object: its dictionary and its still-encoded data.
type Stream struct {
	Dict Dict
	Data []byte
}

// Raw is bytes written verbatim by the writer: the signature dictionary,
// whose placeholders must sit at offsets the signer controls.
type Raw []byte

// Name returns d[key] if it is a name.
func (d Dict) Name(key Name) Name {
	n, _ := d[key].(Name)
	return n
}

// Int returns d[key] if it is an integer.
func (d Dict) Int(key Name) (int64, bool) {
	i, ok := d[key].(int64)
	return i, ok
}

// Clone returns a shallow copy of d.
func (d Dict) Clone() Dict {
	c := make(Dict, len(d)+2)
	for k, v := range d {
		c[k] = v
	}
	return c
}

// Number converts an integer or real to float64.
func Number(o Object) (float64, bool) {
	switch v := o.(type) {
	case int64:
		return float64(v), true
	case float64:
		return v, true
	}
	return 0, false
}

// Append writes o in PDF syntax. Dictionary keys are sorted, so output is
// deterministic.
func Append(b []byte, o Object) []byte {
	switch v := o.(type) {
	case nil:
		return append(b, "null"...)
	case bool:
		return strconv.AppendBool(b, v)
	case int:
		return strconv.AppendInt(b, int64(v), 10)
	case int64:
		return strconv.AppendInt(b, v, 10)
	case float64:
		return appendReal(b, v)
	case Name:
		return appendName(b, v)
	case String:
		return appendString(b, v)
	case Ref:
		return fmt.Appendf(b, "%d %d R", v.Num, v.Gen)
	case Array:
		b = append(b, '[')
		for i, e := range v {
			if i > 0 {
				b = append(b, ' ')
			}
			b = Append(b, e)
		}
		return append(b, ']')
	case Dict:
		return appendDict(b, v)
	case *Stream:
		d := v.Dict.Clone()
		d["Length"] = int64(len(v.Data))
		b = appendDict(b, d)
		b = append(b, "\nstream\n"...)
		b = append(b, v.Data...)
		return append(b, "\nendstream"...)
	case Raw:
		return append(b, v...)
	}
	// Unknown types are a programming error; write null rather than panic.
	return append(b, "null"...)
}

func appendDict(b []byte, d Dict) []byte {
	keys := make([]string, 0, len(d))
	for k := range d {
		keys = append(keys, string(k))
	}
	sort.Strings(keys)
	b = append(b, "<<"...)
	for _, k := range keys {
		b = appendName(b, Name(k))
		b = append(b, ' ')
		b = Append(b, d[Name(k)])
	}
	return append(b, ">>"...)
}

func appendReal(b []byte, f float64) []byte {
	if f != f || f > 1e15 || f < -1e15 {
		return append(b, '0')
	}
	s := strconv.FormatFloat(f, 'f', 4, 64)
	s = trimZeros(s)
	return append(b, s...)
}

func trimZeros(s string) string {
	if strings.IndexByte(s, '.') >= 0 {
		s = strings.TrimRight(s, "0")
		s = strings.TrimSuffix(s, ".")
	}
	if s == "-0" || s == "" {
		return "0"
	}
	return s
}

func appendName(b []byte, n Name) []byte {
	b = append(b, '/')
	for i := 0; i < len(n); i++ {
		c := n[i]
		if c < 0x21 || c > 0x7e || c == '#' || isDelim(c) {
			b = fmt.Appendf(b, "#%02X", c)
			continue
		}
		b = append(b, c)
	}
	return b
}

// appendString writes printable ASCII as a literal string and anything
// else as hexadecimal, which survives every transport unchanged.
func appendString(b []byte, s String) []byte {
	for _, c := range s {
		if c < 0x20 || c > 0x7e {
			b = append(b, '<')
			b = fmt.Appendf(b, "%X", []byte(s))
			return append(b, '>')
		}
	}
	b = append(b, '(')
	for _, c := range s {
		if c == '(' || c == ')' || c == '\\' {
			b = append(b, '\\')
		}
		b = append(b, c)
	}
	return append(b, ')')
}

func isSpace(c byte) bool {
	return c == ' ' || c == '\n' || c == '\r' || c == '\t' || c == '\f' || c == 0
}

func isDelim(c byte) bool {
	switch c {
	case '(', ')', '<', '>', '[', ']', '{', '}', '/', '%':
		return true
	}
	return false
}
