package edxml_test

import (
	"bytes"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/motcua/motcua/document/edxml"
)

// TestSignatureNesting: the XML-DSig Signature under edXMLHeader is not
// checked against the element table, but what it holds still counts: a
// message nesting 2.7 million elements in it (8 MiB of "<a>") is refused
// after MaxElements, at once and in little memory, where walking it to
// its end used to cost half a GiB and seconds per request.
func TestSignatureNesting(t *testing.T) {
	var b bytes.Buffer
	b.WriteString(`<edXML xmlns="` + edxml.Namespace + `"><edXMLEnvelope><edXMLHeader><Signature xmlns="http://www.w3.org/2000/09/xmldsig#">`)
	b.WriteString(strings.Repeat("<a>", 8<<20/3))
	var m0, m1 runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&m0)
	start := time.Now()
	err := edxml.Check(bytes.NewReader(b.Bytes()))
	took := time.Since(start)
	runtime.ReadMemStats(&m1)
	if codeOf(err) != "edxml_too_many_elements" {
		t.Fatalf("deep Signature: %v", err)
	}
	if alloc := (m1.TotalAlloc - m0.TotalAlloc) >> 20; alloc > 32 || took > 2*time.Second {
		t.Fatalf("refusing it took %v and %d MiB", took, alloc)
	}
	// A flat Signature of many elements is bounded the same way.
	b.Reset()
	b.WriteString(`<edXML xmlns="` + edxml.Namespace + `"><edXMLEnvelope><edXMLHeader><Signature xmlns="http://www.w3.org/2000/09/xmldsig#">`)
	b.WriteString(strings.Repeat("<a/>", edxml.DefaultMaxElements+1))
	if err := edxml.Check(bytes.NewReader(b.Bytes())); codeOf(err) != "edxml_too_many_elements" {
		t.Fatalf("wide Signature: %v", err)
	}
}
