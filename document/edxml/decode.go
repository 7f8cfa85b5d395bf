package edxml

import (
	"encoding/base64"
	"io"
	"strconv"
	"strings"
	"time"
)

// Paths of the elements decode names in its errors.
const (
	pathHeader  = "edXML/edXMLEnvelope/edXMLHeader"
	pathMessage = pathHeader + "/MessageHeader"
	pathStatus  = pathHeader + "/Status"
	pathTrace   = pathHeader + "/TraceHeaderList"
)

// Decode reads one edXML message, document or status, within lim. It
// checks the message against the element table (see Check), then decodes
// and validates the values: dates, numbers, agency codes, the status code,
// the business type, and that every manifest Reference has exactly one
// attachment and every attachment a Reference. Errors are *problem.Error
// with an "edxml_…" code.
func Decode(r io.Reader, lim Limits) (Envelope, error) {
	lim = lim.withDefaults()
	root, err := parse(r, lim)
	if err != nil {
		return Envelope{}, err
	}
	header := root.child("edXMLEnvelope").child("edXMLHeader")
	mh, st := header.child("MessageHeader"), header.child("Status")
	if (mh == nil) == (st == nil) {
		return Envelope{}, errHeaderChoice()
	}
	if st != nil {
		// A status carries no files: a manifest entry or attachment in one
		// is an element that does not belong there.
		if root.child("edXMLEnvelope").child("edXMLBody").child("edXMLManifest").size() > 0 {
			return Envelope{}, errUnknownElement("edXML/edXMLEnvelope/edXMLBody/edXMLManifest/Reference")
		}
		if root.child("AttachmentEncoded").size() > 0 {
			return Envelope{}, errUnknownElement("edXML/AttachmentEncoded/Attachment")
		}
		s, err := decodeStatus(st)
		if err != nil {
			return Envelope{}, err
		}
		return Envelope{Status: s}, validateStatus(s)
	}
	trace, tracePath := header.child("TraceHeaderList"), pathTrace
	if inner := mh.child("TraceHeaderList"); inner != nil {
		// Read where regulations.md §6 lists it too; in both places the
		// two could disagree, so that is refused.
		if trace != nil {
			return Envelope{}, errRepeated(pathMessage + "/TraceHeaderList")
		}
		trace, tracePath = inner, pathMessage+"/TraceHeaderList"
	}
	m, err := decodeMessage(mh, trace, tracePath)
	if err != nil {
		return Envelope{}, err
	}
	if m.Attachments, err = decodeAttachments(root, lim); err != nil {
		return Envelope{}, err
	}
	return Envelope{Message: m}, validateMessage(m)
}

// DecodeMessage is Decode for a document message only.
func DecodeMessage(r io.Reader, lim Limits) (*Message, error) {
	env, err := Decode(r, lim)
	if err != nil {
		return nil, err
	}
	if env.Message == nil {
		return nil, errWrongKind()
	}
	return env.Message, nil
}

// DecodeStatus is Decode for a status message only.
func DecodeStatus(r io.Reader, lim Limits) (*Status, error) {
	env, err := Decode(r, lim)
	if err != nil {
		return nil, err
	}
	if env.Status == nil {
		return nil, errWrongKind()
	}
	return env.Status, nil
}

func decodeOrganization(e *elem) Organization {
	return Organization{
		OrganID:              strings.TrimSpace(e.str("OrganId")),
		OrganizationInCharge: e.str("OrganizationInCharge"),
		OrganName:            e.str("OrganName"),
		OrganAdd:             e.str("OrganAdd"),
		Email:                e.str("Email"),
		Telephone:            e.str("Telephone"),
		Fax:                  e.str("Fax"),
		Website:              e.str("Website"),
	}
}

func decodeResponseFor(e *elem, path string) (ResponseFor, error) {
	d, err := parseDate(path+"/PromulgationDate", e.str("PromulgationDate"))
	return ResponseFor{
		OrganID:          strings.TrimSpace(e.str("OrganId")),
		Code:             e.str("Code"),
		PromulgationDate: d,
		DocumentID:       e.str("DocumentId"),
	}, err
}

func decodeMessage(mh, trace *elem, tracePath string) (*Message, error) {
	m := &Message{
		From:       decodeOrganization(mh.child("From")),
		Subject:    mh.str("Subject"),
		Content:    mh.str("Content"),
		DocumentID: mh.str("DocumentId"),
	}
	for _, to := range mh.all("To") {
		m.To = append(m.To, decodeOrganization(to))
	}
	code := mh.child("Code")
	m.Code = Code{Number: code.str("CodeNumber"), Notation: code.str("CodeNotation")}
	n := numbers{}
	pi := mh.child("PromulgationInfo")
	m.PromulgationInfo.Place = pi.str("Place")
	m.PromulgationInfo.Date, n.err = parseDate(pathMessage+"/PromulgationInfo/PromulgationDate", pi.str("PromulgationDate"))
	dt := mh.child("DocumentType")
	m.DocumentType = DocumentType{
		Type:       n.required(pathMessage+"/DocumentType/Type", dt.str("Type")),
		TypeDetail: n.int(pathMessage+"/DocumentType/TypeDetail", dt.str("TypeDetail")),
		TypeName:   dt.str("TypeName"),
	}
	si := mh.child("SignerInfo")
	m.SignerInfo = SignerInfo{Competence: si.str("Competence"), Position: si.str("Position"), FullName: si.str("FullName")}
	if due := mh.child("DueDate"); due != nil && strings.TrimSpace(due.text) != "" && n.err == nil {
		m.DueDate, n.err = parseDate(pathMessage+"/DueDate", due.text)
	}
	for _, p := range mh.child("ToPlaces").all("Place") {
		m.ToPlaces = append(m.ToPlaces, p.text)
	}
	if oi := mh.child("OtherInfo"); oi != nil {
		p := pathMessage + "/OtherInfo/"
		m.OtherInfo = OtherInfo{
			Priority:             n.int(p+"Priority", oi.str("Priority")),
			SphereOfPromulgation: oi.str("SphereOfPromulgation"),
			TyperNotation:        oi.str("TyperNotation"),
			PromulgationAmount:   n.int(p+"PromulgationAmount", oi.str("PromulgationAmount")),
			PageAmount:           n.int(p+"PageAmount", oi.str("PageAmount")),
			Direction:            n.bool(p+"Direction", oi.str("Direction")),
		}
		for _, a := range oi.child("Appendixes").all("Appendix") {
			m.OtherInfo.Appendixes = append(m.OtherInfo.Appendixes, a.text)
		}
	}
	for _, rf := range mh.all("ResponseFor") {
		r, err := decodeResponseFor(rf, pathMessage+"/ResponseFor")
		if err != nil && n.err == nil {
			n.err = err
		}
		m.ResponseFor = append(m.ResponseFor, r)
	}
	m.SteeringType = n.int(pathMessage+"/SteeringType", mh.str("SteeringType"))
	for _, th := range trace.all("TraceHeader") {
		t := TraceHeader{OrganID: strings.TrimSpace(th.str("OrganId"))}
		t.Timestamp = n.stamp(tracePath+"/TraceHeader/Timestamp", th.str("Timestamp"))
		m.TraceHeaders = append(m.TraceHeaders, t)
	}
	if b := trace.child("Bussiness"); b != nil {
		p := tracePath + "/Bussiness/"
		m.Business = Business{
			DocType:   BusinessType(n.required(p+"BussinessDocType", b.str("BussinessDocType"))),
			DocReason: b.str("BussinessDocReason"),
			Paper:     n.int(p+"Paper", b.str("Paper")),
		}
	}
	return m, n.err
}

func decodeStatus(st *elem) (*Status, error) {
	rf, err := decodeResponseFor(st.child("ResponseFor"), pathStatus+"/ResponseFor")
	n := numbers{err: err}
	s := &Status{
		ResponseFor: rf,
		From:        decodeOrganization(st.child("From")),
		StatusCode:  StatusCode(strings.TrimSpace(st.str("StatusCode"))),
		Description: st.str("Description"),
		Timestamp:   n.stamp(pathStatus+"/Timestamp", st.str("Timestamp")),
	}
	if si := st.child("StaffInfo"); si != nil {
		s.StaffInfo = StaffInfo{Department: si.str("Department"), Staff: si.str("Staff"), Mobile: si.str("Mobile"), Email: si.str("Email")}
	}
	return s, n.err
}

// decodeAttachments pairs the manifest's References with the encoded
// attachments by ContentId, in the manifest's order.
func decodeAttachments(root *elem, lim Limits) ([]Attachment, error) {
	refs := root.child("edXMLEnvelope").child("edXMLBody").child("edXMLManifest").all("Reference")
	encs := root.child("AttachmentEncoded").all("Attachment")
	if len(refs) > lim.MaxAttachments || len(encs) > lim.MaxAttachments {
		return nil, errTooManyAttachments(lim.MaxAttachments)
	}
	data := map[string]string{}
	for _, a := range encs {
		id := strings.TrimSpace(a.str("ContentId"))
		if _, dup := data[id]; dup {
			return nil, errDuplicateContentID(id)
		}
		data[id] = a.str("ContentTransferEncoded")
	}
	var out []Attachment
	seen := map[string]bool{}
	for _, r := range refs {
		id := strings.TrimSpace(r.str("ContentId"))
		if seen[id] {
			return nil, errDuplicateContentID(id)
		}
		seen[id] = true
		enc, ok := data[id]
		if !ok {
			return nil, errReferenceWithoutAttachment(id)
		}
		b, err := decodeBase64(enc)
		if err != nil {
			return nil, errBadBase64(id)
		}
		if int64(len(b)) > lim.MaxAttachmentBytes {
			return nil, errAttachmentTooLarge(id, lim.MaxAttachmentBytes)
		}
		out = append(out, Attachment{
			ContentID:   id,
			ContentType: strings.TrimSpace(r.str("ContentType")),
			Name:        r.str("AttachmentName"),
			Description: r.str("Description"),
			Data:        b,
		})
	}
	for id := range data {
		if !seen[id] {
			return nil, errAttachmentWithoutReference(id)
		}
	}
	return out, nil
}

// decodeBase64 reads standard base64, ignoring the line breaks and spaces
// senders wrap it with.
func decodeBase64(s string) ([]byte, error) {
	s = strings.Map(func(r rune) rune {
		switch r {
		case ' ', '\t', '\r', '\n':
			return -1
		}
		return r
	}, s)
	return base64.StdEncoding.DecodeString(s)
}

// numbers collects the first error of a run of value conversions, so
// decodeMessage reads as a list of fields.
type numbers struct{ err error }

// int reads a non-negative whole number; "" (an absent element) is 0.
func (n *numbers) int(path, s string) int {
	s = strings.TrimSpace(s)
	if s == "" || n.err != nil {
		return 0
	}
	v, err := strconv.Atoi(s)
	if err != nil || v < 0 || v > 999999999 {
		n.err = errBadNumber(path)
		return 0
	}
	return v
}

// required is int for an element that must hold a number: empty is missing.
func (n *numbers) required(path, s string) int {
	if strings.TrimSpace(s) == "" && n.err == nil {
		n.err = errMissing(path)
	}
	return n.int(path, s)
}

func (n *numbers) bool(path, s string) bool {
	switch strings.TrimSpace(s) {
	case "", "false", "0":
		return false
	case "true", "1":
		return true
	}
	if n.err == nil {
		n.err = errBadNumber(path)
	}
	return false
}

func (n *numbers) stamp(path, s string) time.Time {
	if n.err != nil {
		return time.Time{}
	}
	t, err := parseStamp(path, s)
	n.err = err
	return t
}

// Date layouts accepted: edXML's "2006/01/02" [V2], ISO 8601, and either
// with a time (some senders write the date as a timestamp), whose day is kept.
var dateLayouts = []string{"2006/01/02", "2006-01-02"}

func parseDate(path, s string) (Date, error) {
	s = strings.TrimSpace(s)
	for _, l := range dateLayouts {
		if t, err := time.Parse(l, s); err == nil {
			return checkYear(path, DateOf(t))
		}
	}
	if t, err := parseStamp(path, s); err == nil {
		return DateOf(t), nil
	}
	return Date{}, errBadDate(path)
}

func checkYear(path string, d Date) (Date, error) {
	if d.Year < 1900 || d.Year > 9999 {
		return Date{}, errBadDate(path)
	}
	return d, nil
}

// Timestamp layouts without a zone are Vietnam time (Zone).
var stampLayouts = []string{"2006/01/02 15:04:05", "2006-01-02 15:04:05", "2006-01-02T15:04:05"}

// parseStamp reads a timestamp to the second, in Zone.
func parseStamp(path, s string) (time.Time, error) {
	s = strings.TrimSpace(s)
	zone := Zone()
	t, err := time.Parse(time.RFC3339, s)
	if err != nil {
		for _, l := range stampLayouts {
			if t, err = time.ParseInLocation(l, s, zone); err == nil {
				break
			}
		}
	}
	if err != nil {
		return time.Time{}, errBadDate(path)
	}
	t = t.In(zone).Truncate(time.Second)
	if _, err := checkYear(path, DateOf(t)); err != nil {
		return time.Time{}, err
	}
	return t, nil
}
