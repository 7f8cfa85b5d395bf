package edxml_test

import (
	"bytes"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/motcua/motcua/document/edxml"
	"github.com/motcua/motcua/problem"
)

// Each row is a message from another agency that must be refused, with the
// stable code (and, where an element is at fault, the path) the sender's
// operator sees.
func TestDecodeRefuses(t *testing.T) {
	doc := marshal(t, sampleMessage())
	st := marshalStatus(t, sampleStatus())
	const mh = "edXML/edXMLEnvelope/edXMLHeader/MessageHeader"
	const sh = "edXML/edXMLEnvelope/edXMLHeader/Status"
	small := edxml.Limits{MaxBytes: int64(len(doc)) - 1}
	cases := []struct {
		name  string
		in    func(t *testing.T) []byte
		lim   edxml.Limits
		code  string
		field string
		kind  error
	}{
		{name: "not XML", in: fixed("PDF-1.7 not xml"), code: "edxml_malformed", kind: problem.ErrInvalid},
		{name: "empty body", in: fixed(""), code: "edxml_malformed"},
		{name: "cut short", in: func(t *testing.T) []byte { return doc[:len(doc)/2] }, code: "edxml_malformed"},
		{name: "two roots", in: func(t *testing.T) []byte { return append(append([]byte{}, doc...), "<edXML/>"...) }, code: "edxml_malformed"},
		{name: "DOCTYPE with an entity", in: func(t *testing.T) []byte {
			return tamper(t, doc, "<edXML ", `<!DOCTYPE edXML [<!ENTITY x "boom">]><edXML `)
		}, code: "edxml_malformed"},
		{name: "not UTF-8", in: func(t *testing.T) []byte { return tamper(t, doc, `encoding="UTF-8"`, `encoding="ISO-8859-1"`) }, code: "edxml_malformed"},
		{name: "wrong root", in: fixed(`<Envelope xmlns="` + edxml.Namespace + `"/>`), code: "edxml_unknown_element", field: "Envelope"},
		{name: "wrong namespace", in: func(t *testing.T) []byte { return tamper(t, doc, edxml.Namespace, "http://example.org/edxml") }, code: "edxml_namespace", field: "edXML"},
		{name: "no namespace", in: func(t *testing.T) []byte { return tamper(t, doc, ` xmlns="`+edxml.Namespace+`"`, "") }, code: "edxml_namespace", field: "edXML"},
		{name: "missing From", in: func(t *testing.T) []byte { return cut(t, doc, "<From>", "</From>") }, code: "edxml_missing_element", field: mh + "/From"},
		{name: "missing Subject", in: func(t *testing.T) []byte { return cut(t, doc, "<Subject>", "</Subject>") }, code: "edxml_missing_element", field: mh + "/Subject"},
		{name: "empty Subject", in: func(t *testing.T) []byte { return cut(t, doc, "<Subject>", "</Subject>", "<Subject> </Subject>") }, code: "edxml_missing_element", field: mh + "/Subject"},
		{name: "missing To", in: func(t *testing.T) []byte { return cutAll(t, doc, "<To>", "</To>") }, code: "edxml_missing_element", field: mh + "/To"},
		{name: "neither MessageHeader nor Status", in: func(t *testing.T) []byte { return cut(t, doc, "<MessageHeader>", "</MessageHeader>") }, code: "edxml_header_choice"},
		{name: "both MessageHeader and Status", in: func(t *testing.T) []byte {
			return tamper(t, doc, "<TraceHeaderList>", between(t, st, "<Status>", "</Status>")+"<TraceHeaderList>")
		}, code: "edxml_header_choice"},
		{name: "TraceHeaderList in both places", in: func(t *testing.T) []byte {
			return tamper(t, doc, "</MessageHeader>", between(t, doc, "<TraceHeaderList>", "</TraceHeaderList>")+"</MessageHeader>")
		}, code: "edxml_repeated_element", field: mh + "/TraceHeaderList"},
		{name: "bad business type inside MessageHeader", in: func(t *testing.T) []byte {
			moved := moveTrace(t, doc)
			return tamper(t, moved, "<BussinessDocType>0<", "<BussinessDocType>x<")
		}, code: "edxml_bad_number", field: mh + "/TraceHeaderList/Bussiness/BussinessDocType"},
		{name: "bad status code", in: func(t *testing.T) []byte { return tamper(t, st, "<StatusCode>03<", "<StatusCode>07<") }, code: "edxml_bad_status_code", field: "StatusCode"},
		{name: "bad OrganId in From", in: func(t *testing.T) []byte { return tamper(t, doc, "<OrganId>000.01.24.H35<", "<OrganId>UBND-THANHSON<") }, code: "edxml_bad_organ_id", field: mh + "/From/OrganId"},
		{name: "OrganId too long", in: func(t *testing.T) []byte {
			return tamper(t, doc, "<OrganId>000.01.24.H35<", "<OrganId>000.01.24.H35.001<")
		}, code: "edxml_text_too_long", field: mh + "/From/OrganId", kind: problem.ErrTooLarge},
		{name: "bad OrganId in a status", in: func(t *testing.T) []byte { return tamper(t, st, "<OrganId>000.00.00.H35<", "<OrganId>000.00.00.35H<") }, code: "edxml_bad_organ_id", field: sh + "/From/OrganId"},
		{name: "bad promulgation date", in: func(t *testing.T) []byte {
			return tamper(t, doc, "2026/03/05</PromulgationDate>", "2026/02/30</PromulgationDate>")
		}, code: "edxml_bad_date", field: mh + "/PromulgationInfo/PromulgationDate"},
		{name: "bad due date", in: func(t *testing.T) []byte { return tamper(t, doc, "<DueDate>2026/04/01", "<DueDate>next week") }, code: "edxml_bad_date", field: mh + "/DueDate"},
		{name: "implausible year", in: func(t *testing.T) []byte {
			return tamper(t, doc, "2026/03/05</PromulgationDate>", "0026/03/05</PromulgationDate>")
		}, code: "edxml_bad_date"},
		{name: "bad timestamp", in: func(t *testing.T) []byte { return tamper(t, st, "2026/03/05 14:05:09", "2026/03/05 25:05:09") }, code: "edxml_bad_date", field: sh + "/Timestamp"},
		{name: "bad number", in: func(t *testing.T) []byte { return tamper(t, doc, "<PageAmount>3<", "<PageAmount>ba<") }, code: "edxml_bad_number", field: mh + "/OtherInfo/PageAmount"},
		{name: "empty document type", in: func(t *testing.T) []byte { return tamper(t, doc, "<Type>1</Type>", "<Type></Type>") }, code: "edxml_missing_element", field: mh + "/DocumentType/Type"},
		{name: "empty business type", in: func(t *testing.T) []byte {
			return tamper(t, doc, "<BussinessDocType>0<", "<BussinessDocType> <")
		}, code: "edxml_missing_element", field: "edXML/edXMLEnvelope/edXMLHeader/TraceHeaderList/Bussiness/BussinessDocType"},
		{name: "negative number", in: func(t *testing.T) []byte { return tamper(t, doc, "<Priority>2<", "<Priority>-2<") }, code: "edxml_bad_number"},
		{name: "unknown business type", in: func(t *testing.T) []byte {
			return tamper(t, doc, "<BussinessDocType>0<", "<BussinessDocType>7<")
		}, code: "edxml_bad_business_type"},
		{name: "reference without attachment", in: func(t *testing.T) []byte {
			return cut(t, doc, "<Attachment><ContentId>cid:phu-luc", "</Attachment>")
		}, code: "edxml_reference_without_attachment", field: "Reference"},
		{name: "attachment without reference", in: func(t *testing.T) []byte {
			return cut(t, doc, "<Reference><ContentId>cid:phu-luc", "</Reference>")
		}, code: "edxml_attachment_without_reference", field: "Attachment"},
		{name: "duplicate reference", in: func(t *testing.T) []byte {
			return tamper(t, doc, "<ContentId>cid:phu-luc</ContentId><ContentType>", "<ContentId>cid:qd-15</ContentId><ContentType>")
		}, code: "edxml_duplicate_content_id"},
		{name: "bad base64", in: func(t *testing.T) []byte { return tamper(t, doc, ">JVBERi0x", ">!!BERi0x") }, code: "edxml_bad_base64"},
		{name: "message over the cap", in: func(t *testing.T) []byte { return doc }, lim: small, code: "edxml_too_large", kind: problem.ErrTooLarge},
		{name: "too many attachments", in: func(t *testing.T) []byte { return doc }, lim: edxml.Limits{MaxAttachments: 1}, code: "edxml_too_many_attachments", kind: problem.ErrTooLarge},
		{name: "attachment over the cap (decoded)", in: func(t *testing.T) []byte { return doc }, lim: edxml.Limits{MaxAttachmentBytes: 399}, code: "edxml_attachment_too_large", kind: problem.ErrTooLarge},
		{name: "attachment over the cap (while reading)", in: func(t *testing.T) []byte { return doc }, lim: edxml.Limits{MaxAttachmentBytes: 30}, code: "edxml_attachment_too_large", kind: problem.ErrTooLarge},
		{name: "too many elements", in: func(t *testing.T) []byte { return doc }, lim: edxml.Limits{MaxElements: 20}, code: "edxml_too_many_elements", kind: problem.ErrTooLarge},
		{name: "text over its cap", in: func(t *testing.T) []byte {
			return tamper(t, doc, "<CodeNumber>15<", "<CodeNumber>"+strings.Repeat("1", 45)+"<")
		}, code: "edxml_text_too_long", field: mh + "/Code/CodeNumber"},
		{name: "files in a status", in: func(t *testing.T) []byte {
			return tamper(t, st, "</edXMLEnvelope>", "<edXMLBody><edXMLManifest>"+between(t, doc, "<Reference>", "</Reference>")+"</edXMLManifest></edXMLBody></edXMLEnvelope>")
		}, code: "edxml_unknown_element"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := edxml.Decode(bytes.NewReader(c.in(t)), c.lim)
			if codeOf(err) != c.code {
				t.Fatalf("Decode = %v; want code %s", err, c.code)
			}
			if c.field != "" && fieldOf(err) != c.field {
				t.Errorf("field = %q; want %q", fieldOf(err), c.field)
			}
			if c.kind != nil && !errors.Is(err, c.kind) {
				t.Errorf("error %v is not of kind %v", err, c.kind)
			}
		})
	}
}

// What other senders write and QCVN allows is read: the short agency
// codes, ISO dates, base64 wrapped at 76 columns, a prefix instead of the
// default namespace, and an XML signature over the header (skipped).
func TestDecodeAccepts(t *testing.T) {
	doc := marshal(t, sampleMessage())
	b := tamper(t, doc, "<PromulgationDate>2026/03/05<", "<PromulgationDate>2026-03-05<")
	b = tamper(t, b, "2026/03/05 09:30:00", "2026-03-05T02:30:00Z")
	b = tamper(t, b, ">JVBERi0x", ">\r\n JVBE\r\nRi0x")
	b = tamper(t, b, "</MessageHeader>", `</MessageHeader><ds:Signature xmlns:ds="http://www.w3.org/2000/09/xmldsig#"><ds:SignedInfo><x/></ds:SignedInfo></ds:Signature>`)
	m, err := edxml.DecodeMessage(bytes.NewReader(b), edxml.Limits{})
	if err != nil {
		t.Fatalf("DecodeMessage: %v", err)
	}
	want := sampleMessage()
	if m.PromulgationInfo.Date != want.PromulgationInfo.Date {
		t.Errorf("date %v, want %v", m.PromulgationInfo.Date, want.PromulgationInfo.Date)
	}
	if !m.TraceHeaders[0].Timestamp.Equal(want.TraceHeaders[0].Timestamp) || m.TraceHeaders[0].Timestamp.Location().String() != "ICT" {
		t.Errorf("timestamp %v, want %v in ICT", m.TraceHeaders[0].Timestamp, want.TraceHeaders[0].Timestamp)
	}
	if !bytes.Equal(m.Attachments[0].Data, want.Attachments[0].Data) {
		t.Errorf("wrapped base64 read as %q", m.Attachments[0].Data)
	}

	// TraceHeaderList inside MessageHeader, where regulations.md §6
	// lists it, reads the same as beside it.
	inner, err := edxml.DecodeMessage(bytes.NewReader(moveTrace(t, doc)), edxml.Limits{})
	if err != nil {
		t.Fatalf("TraceHeaderList inside MessageHeader: %v", err)
	}
	if len(inner.TraceHeaders) != len(want.TraceHeaders) || !inner.TraceHeaders[0].Timestamp.Equal(want.TraceHeaders[0].Timestamp) ||
		inner.TraceHeaders[0].OrganID != want.TraceHeaders[0].OrganID || inner.Business != want.Business {
		t.Errorf("inside MessageHeader: %+v %+v, want %+v %+v", inner.TraceHeaders, inner.Business, want.TraceHeaders, want.Business)
	}

	// A prefixed namespace is the same namespace.
	p := strings.NewReplacer("</", "</q:", "<?", "<?", "<", "<q:").Replace(string(marshalStatus(t, sampleStatus())))
	p = strings.Replace(p, `xmlns="`, `xmlns:q="`, 1)
	if _, err := edxml.DecodeStatus(strings.NewReader(p), edxml.Limits{}); err != nil {
		t.Errorf("prefixed status: %v\n%s", err, p)
	}

	// A status timestamp without seconds' fraction and in another layout.
	s := tamper(t, marshalStatus(t, sampleStatus()), "2026/03/05 14:05:09", "2026-03-05 14:05:09")
	got, err := edxml.DecodeStatus(bytes.NewReader(s), edxml.Limits{})
	if err != nil || !got.Timestamp.Equal(time.Date(2026, 3, 5, 7, 5, 9, 0, time.UTC)) {
		t.Errorf("DecodeStatus = %v, %v", got, err)
	}
}

// DecodeMessage and DecodeStatus each take one kind only.
func TestDecodeWrongKind(t *testing.T) {
	if _, err := edxml.DecodeMessage(bytes.NewReader(marshalStatus(t, sampleStatus())), edxml.Limits{}); codeOf(err) != "edxml_wrong_kind" {
		t.Errorf("DecodeMessage(status) = %v; want edxml_wrong_kind", err)
	}
	if _, err := edxml.DecodeStatus(bytes.NewReader(marshal(t, sampleMessage())), edxml.Limits{}); codeOf(err) != "edxml_wrong_kind" {
		t.Errorf("DecodeStatus(document) = %v; want edxml_wrong_kind", err)
	}
}

func fixed(s string) func(*testing.T) []byte { return func(*testing.T) []byte { return []byte(s) } }

// between is the text of b from the first from through the next to.
func between(t *testing.T, b []byte, from, to string) string {
	t.Helper()
	s := string(b)
	i := strings.Index(s, from)
	j := strings.Index(s[max(i, 0):], to)
	if i < 0 || j < 0 {
		t.Fatalf("%q…%q is not in the document", from, to)
	}
	return s[i : i+j+len(to)]
}

// cut removes (or replaces by repl) the first from…to span of b.
func cut(t *testing.T, b []byte, from, to string, repl ...string) []byte {
	t.Helper()
	return tamper(t, b, between(t, b, from, to), strings.Join(repl, ""))
}

// cutAll removes every from…to span of b.
func cutAll(t *testing.T, b []byte, from, to string) []byte {
	t.Helper()
	b = cut(t, b, from, to)
	for bytes.Contains(b, []byte(from)) {
		b = cut(t, b, from, to)
	}
	return b
}

// moveTrace moves doc's TraceHeaderList from beside MessageHeader into
// it, as its last element.
func moveTrace(t *testing.T, doc []byte) []byte {
	t.Helper()
	trace := between(t, doc, "<TraceHeaderList>", "</TraceHeaderList>")
	out := tamper(t, doc, trace, "")
	return tamper(t, out, "</MessageHeader>", trace+"</MessageHeader>")
}
