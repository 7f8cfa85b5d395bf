package edxml_test

import (
	"bytes"
	"errors"
	"reflect"
	"strings"
	"testing"

	"github.com/motcua/motcua/document/edxml"
	"github.com/motcua/motcua/problem"
)

// codeOf is the problem code of err ("" when err is nil or has none).
func codeOf(err error) string {
	var pe *problem.Error
	if errors.As(err, &pe) {
		return pe.Code
	}
	return ""
}

func fieldOf(err error) string {
	var pe *problem.Error
	if errors.As(err, &pe) {
		return pe.Field
	}
	return ""
}

// marshal is the sample message's XML; the test stops if encoding fails.
func marshal(t testing.TB, m *edxml.Message) []byte {
	t.Helper()
	b, err := edxml.Marshal(m)
	if err != nil {
		t.Fatalf("Marshal: %v", err)
	}
	return b
}

func marshalStatus(t testing.TB, s *edxml.Status) []byte {
	t.Helper()
	b, err := edxml.MarshalStatus(s)
	if err != nil {
		t.Fatalf("MarshalStatus: %v", err)
	}
	return b
}

// tamper replaces the first old in b by new; a test whose old is not in
// the document would prove nothing, so it stops.
func tamper(t *testing.T, b []byte, old, new string) []byte {
	t.Helper()
	if !bytes.Contains(b, []byte(old)) {
		t.Fatalf("%q is not in the document", old)
	}
	return bytes.Replace(b, []byte(old), []byte(new), 1)
}

// A message written by one instance and read by another is the message
// that was sent: every field, both attachments' bytes, the dates and the
// timestamps in Vietnam time.
func TestRoundTrip(t *testing.T) {
	want := sampleMessage()
	got, err := edxml.DecodeMessage(bytes.NewReader(marshal(t, want)), edxml.Limits{})
	if err != nil {
		t.Fatalf("DecodeMessage: %v", err)
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("round trip changed the message:\n got %+v\nwant %+v", got, want)
	}

	st := sampleStatus()
	gotSt, err := edxml.DecodeStatus(bytes.NewReader(marshalStatus(t, st)), edxml.Limits{})
	if err != nil {
		t.Fatalf("DecodeStatus: %v", err)
	}
	if !reflect.DeepEqual(gotSt, st) {
		t.Errorf("round trip changed the status:\n got %+v\nwant %+v", gotSt, st)
	}

	// The smallest message: only what QCVN and motcua require.
	min := sampleMessage()
	min.To = min.To[:1]
	min.From = edxml.Organization{OrganID: min.From.OrganID}
	min.Content, min.DueDate, min.ToPlaces, min.OtherInfo = "", edxml.Date{}, nil, edxml.OtherInfo{}
	min.ResponseFor, min.TraceHeaders, min.Business, min.Attachments, min.DocumentID = nil, nil, edxml.Business{}, nil, ""
	got, err = edxml.DecodeMessage(bytes.NewReader(marshal(t, min)), edxml.Limits{})
	if err != nil {
		t.Fatalf("DecodeMessage (minimal): %v", err)
	}
	if !reflect.DeepEqual(got, min) {
		t.Errorf("round trip changed the minimal message:\n got %+v\nwant %+v", got, min)
	}
}

// Every element the encoder writes is a QCVN element in its place, and
// the checker says so for both kinds of message.
func TestCheckAcceptsEncoderOutput(t *testing.T) {
	for name, b := range map[string][]byte{
		"document": marshal(t, sampleMessage()),
		"status":   marshalStatus(t, sampleStatus()),
	} {
		if err := edxml.Check(bytes.NewReader(b)); err != nil {
			t.Errorf("%s: Check refused the encoder's output: %v", name, err)
		}
		if !bytes.Contains(b, []byte(`<edXML xmlns="`+edxml.Namespace+`">`)) {
			t.Errorf("%s: the root does not declare the QCVN namespace:\n%s", name, b[:200])
		}
	}
}

// The checker finds a document that a sender's software got wrong: a
// misspelt, misplaced, missing, repeated or foreign element, each named by
// its path.
func TestCheckRefusesTampered(t *testing.T) {
	doc := marshal(t, sampleMessage())
	const mh = "edXML/edXMLEnvelope/edXMLHeader/MessageHeader"
	cases := []struct {
		name, old, new string
		code, field    string
	}{
		{"misspelt element", "<Subject>", "<Subjekt>", "edxml_unknown_element", mh + "/Subjekt"},
		{"element of another place", "<DueDate>", "<Timestamp>", "edxml_unknown_element", mh + "/Timestamp"},
		{"Bussiness inside MessageHeader", "<SteeringType>", "<Bussiness><BussinessDocType>0</BussinessDocType></Bussiness><SteeringType>", "edxml_unknown_element", mh + "/Bussiness"},
		{"required element dropped", "<CodeNumber>15</CodeNumber>", "", "edxml_missing_element", mh + "/Code/CodeNumber"},
		{"From twice", "</From>", "</From><From><OrganId>000.00.00.H35</OrganId></From>", "edxml_repeated_element", mh + "/From"},
		{"root in another namespace", edxml.Namespace, "http://www.mic.gov.vn/TBT/QCVN_102_2015", "edxml_namespace", "edXML"},
		{"child in another namespace", "<Subject>", `<Subject xmlns="urn:other">`, "edxml_namespace", mh + "/Subject"},
		{"text between elements", "<Code>", "stray<Code>", "edxml_unexpected_text", mh},
		{"element inside a leaf", "<CodeNumber>15", "<CodeNumber><b>15</b>", "edxml_unknown_element", mh + "/Code/CodeNumber/b"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			err := edxml.Check(bytes.NewReader(tamper(t, doc, c.old, c.new)))
			if codeOf(err) != c.code || fieldOf(err) != c.field {
				t.Errorf("Check = %v; want code %s at %s", err, c.code, c.field)
			}
		})
	}
}

func TestValidOrganID(t *testing.T) {
	for id, want := range map[string]bool{
		"000.00.00.H35":    true,  // a province (Decision 20/2020)
		"000.01.24.H35":    true,  // a commune-level unit
		"000.00.00.G22":    true,  // a central body
		"H01.151":          true,  // short post-2025 form
		"H01.151.01":       true,  // short form, a level below
		"H01":              true,  // short form of the province itself
		"000.00.00.h35":    false, // lower case
		"000.00.00.H3":     false,
		"00.00.00.H35":     false,
		"000.00.00.H35 ":   false,
		"000-00-00-H35":    false,
		"":                 false,
		"H01.151.01.02.03": false, // over 13 characters
		"UBND":             false,
	} {
		if got := edxml.ValidOrganID(id); got != want {
			t.Errorf("ValidOrganID(%q) = %v, want %v", id, got, want)
		}
	}
}

// Encode refuses what Decode would refuse, so motcua never sends a message
// the other side must return.
func TestEncodeValidates(t *testing.T) {
	m := sampleMessage()
	m.To[1].OrganID = "Sở Nội vụ"
	if _, err := edxml.Marshal(m); codeOf(err) != "edxml_bad_organ_id" {
		t.Errorf("Marshal with a name for a code = %v; want edxml_bad_organ_id", err)
	}
	s := sampleStatus()
	s.StatusCode = "07"
	if _, err := edxml.MarshalStatus(s); codeOf(err) != "edxml_bad_status_code" {
		t.Errorf("MarshalStatus with status 07 = %v; want edxml_bad_status_code", err)
	}
	m = sampleMessage()
	m.Attachments[1].ContentID = m.Attachments[0].ContentID
	if _, err := edxml.Marshal(m); codeOf(err) != "edxml_duplicate_content_id" {
		t.Errorf("Marshal with a repeated ContentId = %v; want edxml_duplicate_content_id", err)
	}
	if !strings.Contains(string(marshal(t, sampleMessage())), "<BussinessDocType>0</BussinessDocType>") {
		t.Error("a new document's BussinessDocType 0 is not written")
	}
}
