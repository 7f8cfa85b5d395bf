package edxml

import (
	"bufio"
	"bytes"
	"encoding/base64"
	"encoding/xml"
	"io"
	"strconv"
)

// Timestamps are written as "2006/01/02 15:04:05" in Vietnam time [V2].
const stampLayout = "2006/01/02 15:04:05"

// Encode writes m as an edXML document message after checking it as
// Decode would (agency codes, required values, attachments). Elements are
// written in the QCVN's order as far as it is known; empty optional values
// are left out. TraceHeaderList (with Bussiness) is written under
// edXMLHeader, beside MessageHeader, as the published implementations do [V2].
func Encode(w io.Writer, m *Message) error {
	if err := validateMessage(m); err != nil {
		return err
	}
	header := el("edXMLHeader", messageHeader(m), traceHeaderList(m))
	var refs, encs []*elem
	for _, a := range m.Attachments {
		refs = append(refs, el("Reference",
			leaf("ContentId", a.ContentID),
			leaf("ContentType", a.ContentType),
			optLeaf("Description", a.Description),
			leaf("AttachmentName", a.Name)))
		encs = append(encs, el("Attachment",
			leaf("ContentId", a.ContentID),
			optLeaf("AttachmentName", a.Name),
			optLeaf("ContentType", a.ContentType),
			leaf("ContentTransferEncoded", base64.StdEncoding.EncodeToString(a.Data))))
	}
	root := el("edXML",
		el("edXMLEnvelope", header, el("edXMLBody", el("edXMLManifest", refs...))),
		optEl("AttachmentEncoded", encs...))
	return write(w, root)
}

// EncodeStatus writes s as an edXML status message after checking it as
// Decode would.
func EncodeStatus(w io.Writer, s *Status) error {
	if err := validateStatus(s); err != nil {
		return err
	}
	st := el("Status",
		responseFor(s.ResponseFor),
		organization("From", s.From),
		leaf("StatusCode", string(s.StatusCode)),
		optLeaf("Description", s.Description),
		leaf("Timestamp", s.Timestamp.In(Zone()).Format(stampLayout)),
		optEl("StaffInfo",
			optLeaf("Department", s.StaffInfo.Department),
			optLeaf("Staff", s.StaffInfo.Staff),
			optLeaf("Mobile", s.StaffInfo.Mobile),
			optLeaf("Email", s.StaffInfo.Email)))
	return write(w, el("edXML", el("edXMLEnvelope", el("edXMLHeader", st))))
}

// Marshal is Encode into a byte slice.
func Marshal(m *Message) ([]byte, error) {
	var b bytes.Buffer
	err := Encode(&b, m)
	return b.Bytes(), err
}

// MarshalStatus is EncodeStatus into a byte slice.
func MarshalStatus(s *Status) ([]byte, error) {
	var b bytes.Buffer
	err := EncodeStatus(&b, s)
	return b.Bytes(), err
}

func messageHeader(m *Message) *elem {
	h := el("MessageHeader", organization("From", m.From))
	for _, to := range m.To {
		h.kids = append(h.kids, organization("To", to))
	}
	var places, appendixes []*elem
	for _, p := range m.ToPlaces {
		places = append(places, leaf("Place", p))
	}
	for _, a := range m.OtherInfo.Appendixes {
		appendixes = append(appendixes, leaf("Appendix", a))
	}
	o := m.OtherInfo
	h.kids = append(h.kids,
		el("Code", leaf("CodeNumber", m.Code.Number), leaf("CodeNotation", m.Code.Notation)),
		el("PromulgationInfo",
			optLeaf("Place", m.PromulgationInfo.Place),
			leaf("PromulgationDate", m.PromulgationInfo.Date.String())),
		el("DocumentType",
			leaf("Type", strconv.Itoa(m.DocumentType.Type)),
			optInt("TypeDetail", m.DocumentType.TypeDetail),
			leaf("TypeName", m.DocumentType.TypeName)),
		leaf("Subject", m.Subject),
		optLeaf("Content", m.Content),
		el("SignerInfo",
			optLeaf("Competence", m.SignerInfo.Competence),
			optLeaf("Position", m.SignerInfo.Position),
			leaf("FullName", m.SignerInfo.FullName)),
		optDate("DueDate", m.DueDate),
		optEl("ToPlaces", places...),
		optEl("OtherInfo",
			optInt("Priority", o.Priority),
			optLeaf("SphereOfPromulgation", o.SphereOfPromulgation),
			optLeaf("TyperNotation", o.TyperNotation),
			optInt("PromulgationAmount", o.PromulgationAmount),
			optInt("PageAmount", o.PageAmount),
			optBool("Direction", o.Direction),
			optEl("Appendixes", appendixes...)))
	for _, rf := range m.ResponseFor {
		h.kids = append(h.kids, responseFor(rf))
	}
	h.kids = append(h.kids, optInt("SteeringType", m.SteeringType), optLeaf("DocumentId", m.DocumentID))
	return h
}

func traceHeaderList(m *Message) *elem {
	t := el("TraceHeaderList")
	for _, th := range m.TraceHeaders {
		t.kids = append(t.kids, el("TraceHeader",
			leaf("OrganId", th.OrganID),
			leaf("Timestamp", th.Timestamp.In(Zone()).Format(stampLayout))))
	}
	t.kids = append(t.kids, el("Bussiness",
		leaf("BussinessDocType", strconv.Itoa(int(m.Business.DocType))),
		optLeaf("BussinessDocReason", m.Business.DocReason),
		optInt("Paper", m.Business.Paper)))
	return t
}

func organization(name string, o Organization) *elem {
	return el(name,
		leaf("OrganId", o.OrganID),
		optLeaf("OrganizationInCharge", o.OrganizationInCharge),
		optLeaf("OrganName", o.OrganName),
		optLeaf("OrganAdd", o.OrganAdd),
		optLeaf("Email", o.Email),
		optLeaf("Telephone", o.Telephone),
		optLeaf("Fax", o.Fax),
		optLeaf("Website", o.Website))
}

func responseFor(rf ResponseFor) *elem {
	return el("ResponseFor",
		leaf("OrganId", rf.OrganID),
		leaf("Code", rf.Code),
		leaf("PromulgationDate", rf.PromulgationDate.String()),
		optLeaf("DocumentId", rf.DocumentID))
}

// el is an element with children; nil children (absent optional ones) are dropped.
func el(name string, kids ...*elem) *elem {
	e := &elem{name: name}
	for _, k := range kids {
		if k != nil {
			e.kids = append(e.kids, k)
		}
	}
	return e
}

// optEl is el, or nothing when no child is present.
func optEl(name string, kids ...*elem) *elem {
	if e := el(name, kids...); len(e.kids) > 0 {
		return e
	}
	return nil
}

func leaf(name, text string) *elem { return &elem{name: name, text: text} }

func optLeaf(name, text string) *elem {
	if text == "" {
		return nil
	}
	return leaf(name, text)
}

func optInt(name string, v int) *elem {
	if v == 0 {
		return nil
	}
	return leaf(name, strconv.Itoa(v))
}

func optBool(name string, v bool) *elem {
	if !v {
		return nil
	}
	return leaf(name, "true")
}

func optDate(name string, d Date) *elem {
	if d.IsZero() {
		return nil
	}
	return leaf(name, d.String())
}

// write serialises the tree: the root declares the QCVN namespace as the
// default one, so every element below is in it.
func write(w io.Writer, root *elem) error {
	bw := bufio.NewWriter(w)
	if _, err := bw.WriteString(xml.Header); err != nil {
		return err
	}
	enc := xml.NewEncoder(bw)
	var walk func(e *elem, top bool) error
	walk = func(e *elem, top bool) error {
		start := xml.StartElement{Name: xml.Name{Local: e.name}}
		if top {
			start.Name.Space = Namespace
		}
		if err := enc.EncodeToken(start); err != nil {
			return err
		}
		if e.kids == nil && e.text != "" {
			if err := enc.EncodeToken(xml.CharData(e.text)); err != nil {
				return err
			}
		}
		for _, k := range e.kids {
			if k == nil {
				continue // an absent optional element appended directly
			}
			if err := walk(k, false); err != nil {
				return err
			}
		}
		return enc.EncodeToken(start.End())
	}
	if err := walk(root, true); err != nil {
		return err
	}
	if err := enc.Flush(); err != nil {
		return err
	}
	return bw.Flush()
}
