package edxml_test

import (
	"bytes"
	"reflect"
	"testing"

	"github.com/motcua/motcua/document/edxml"
)

// FuzzDecode feeds Decode arbitrary bytes within small limits. It must
// never panic, and whatever it accepts must survive a round trip: encoded
// again, the message passes the element checker and decodes to itself.
// Run longer with: go test -run '^$' -fuzz FuzzDecode -fuzztime 60s ./document/edxml/
func FuzzDecode(f *testing.F) {
	doc := marshal(f, sampleMessage())
	st := marshalStatus(f, sampleStatus())
	f.Add(doc)
	f.Add(st)
	f.Add(bytes.Replace(doc, []byte("<Subject>"), []byte("<Subjekt>"), 1))
	f.Add(bytes.Replace(st, []byte("03"), []byte("13"), 1))
	f.Add([]byte(`<edXML xmlns="` + edxml.Namespace + `"><edXMLEnvelope/></edXML>`))
	f.Add([]byte(`<!DOCTYPE x [<!ENTITY a "b">]><x>&a;</x>`))
	f.Add([]byte{})
	lim := edxml.Limits{MaxBytes: 64 << 10, MaxElements: 500, MaxAttachments: 4, MaxAttachmentBytes: 8 << 10}
	f.Fuzz(func(t *testing.T, in []byte) {
		env, err := edxml.Decode(bytes.NewReader(in), lim)
		if err != nil {
			if codeOf(err) == "" {
				t.Fatalf("Decode error without a code: %v", err)
			}
			return
		}
		var out []byte
		switch {
		case env.Message != nil && env.Status == nil:
			out, err = edxml.Marshal(env.Message)
		case env.Status != nil && env.Message == nil:
			out, err = edxml.MarshalStatus(env.Status)
		default:
			t.Fatalf("Decode returned %d kinds of message", btoi(env.Message != nil)+btoi(env.Status != nil))
		}
		if err != nil {
			t.Fatalf("re-encoding an accepted message: %v", err)
		}
		if err := edxml.Check(bytes.NewReader(out)); err != nil {
			t.Fatalf("the re-encoded message fails the checker: %v\n%s", err, out)
		}
		again, err := edxml.Decode(bytes.NewReader(out), edxml.Limits{})
		if err != nil {
			t.Fatalf("decoding the re-encoded message: %v\n%s", err, out)
		}
		if !reflect.DeepEqual(again, env) {
			t.Fatalf("round trip changed the message:\n got %+v\nwant %+v", again, env)
		}
	})
}

func btoi(b bool) int {
	if b {
		return 1
	}
	return 0
}
