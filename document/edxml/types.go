package edxml

import (
	"fmt"
	"time"
)

// Namespace is the XML namespace of every edXML element (QCVN 102:2016).
const Namespace = "http://www.mic.gov.vn/TBT/QCVN_102_2016"

// Organization is an agency in From, To or a status's From: the agency
// code (OrganId, Decision 20/2020) and its contact details.
type Organization struct {
	OrganID              string
	OrganizationInCharge string
	OrganName            string
	OrganAdd             string
	Email                string
	Telephone            string
	Fax                  string
	Website              string
}

// Code is a document's number and symbol: "15/QĐ-UBND" is CodeNumber "15"
// and CodeNotation "QĐ-UBND" (Decree 30/2020, Art. 15).
type Code struct {
	Number   string
	Notation string
}

// String is the number and symbol as printed ("15/QĐ-UBND").
func (c Code) String() string { return c.Number + "/" + c.Notation }

// PromulgationInfo is where and on which day the document was issued.
type PromulgationInfo struct {
	Place string
	Date  Date
}

// DocumentType is the document's type code, its detail code and its name
// ("Quyết định", "Công văn"). The numeric codes are the sender's [M].
type DocumentType struct {
	Type       int
	TypeDetail int
	TypeName   string
}

// SignerInfo is who signed: the competence (TM., KT., Q. …), the position
// and the full name.
type SignerInfo struct {
	Competence string
	Position   string
	FullName   string
}

// OtherInfo carries the remaining Decree 30 metadata of the document.
type OtherInfo struct {
	Priority             int
	SphereOfPromulgation string
	TyperNotation        string
	PromulgationAmount   int
	PageAmount           int
	Direction            bool
	Appendixes           []string
}

// ResponseFor names the document a message or a status answers: the
// issuing agency, its number and symbol as one string, its date and, when
// known, its DocumentId.
type ResponseFor struct {
	OrganID          string
	Code             string
	PromulgationDate Date
	DocumentID       string
}

// TraceHeader is one hop of the message: the agency it passed and when.
type TraceHeader struct {
	OrganID   string
	Timestamp time.Time
}

// BusinessType is TraceHeaderList/Bussiness/BussinessDocType: what the
// message does to the document (QCVN spells it "Bussiness").
type BusinessType int

// Business document types: 0 is a new document [V]; the meaning of the
// others (revoke, update, replace) is recalled, not checked [M].
const (
	BusinessNew     BusinessType = 0
	BusinessRevoke  BusinessType = 1
	BusinessUpdate  BusinessType = 2
	BusinessReplace BusinessType = 3
)

// Business is TraceHeaderList/Bussiness.
type Business struct {
	DocType   BusinessType
	DocReason string
	Paper     int
}

// Attachment is one file of the message: its manifest Reference (ContentId,
// ContentType, AttachmentName, Description) and its bytes, which travel
// base64-encoded in AttachmentEncoded/Attachment/ContentTransferEncoded.
type Attachment struct {
	ContentID   string
	ContentType string
	Name        string
	Description string
	Data        []byte
}

// Message is an edXML document message (edXMLHeader/MessageHeader).
type Message struct {
	From             Organization
	To               []Organization
	Code             Code
	PromulgationInfo PromulgationInfo
	DocumentType     DocumentType
	Subject          string
	Content          string
	SignerInfo       SignerInfo
	DueDate          Date // zero: none
	ToPlaces         []string
	OtherInfo        OtherInfo
	ResponseFor      []ResponseFor
	SteeringType     int
	DocumentID       string
	TraceHeaders     []TraceHeader
	Business         Business
	Attachments      []Attachment
}

// StatusCode is the state a receiving agency reports for a document.
type StatusCode string

// Status codes of QCVN 102:2016 [V].
const (
	StatusReceived       StatusCode = "01" // đã đến
	StatusRejected       StatusCode = "02" // từ chối / trả lại
	StatusAccepted       StatusCode = "03" // đã tiếp nhận
	StatusAssigned       StatusCode = "04" // phân công
	StatusProcessing     StatusCode = "05" // đang xử lý
	StatusCompleted      StatusCode = "06" // hoàn thành
	StatusRevokeRequest  StatusCode = "13" // đề nghị lấy lại / thu hồi
	StatusRevokeAccepted StatusCode = "15" // đồng ý lấy lại / thu hồi
	StatusRevokeRefused  StatusCode = "16" // từ chối lấy lại / thu hồi
)

// Valid reports whether c is one of the QCVN status codes.
func (c StatusCode) Valid() bool {
	switch c {
	case StatusReceived, StatusRejected, StatusAccepted, StatusAssigned, StatusProcessing,
		StatusCompleted, StatusRevokeRequest, StatusRevokeAccepted, StatusRevokeRefused:
		return true
	}
	return false
}

// StaffInfo is the officer who changed a document's state.
type StaffInfo struct {
	Department string
	Staff      string
	Mobile     string
	Email      string
}

// Status is an edXML status message (edXMLHeader/Status).
type Status struct {
	ResponseFor ResponseFor
	From        Organization
	StatusCode  StatusCode
	Description string
	Timestamp   time.Time
	StaffInfo   StaffInfo
}

// Envelope is a decoded edXML message: exactly one of Message and Status.
type Envelope struct {
	Message *Message
	Status  *Status
}

// Date is a calendar day, without a time or a zone: a document's date is
// the day printed on it, whatever the reader's clock says.
type Date struct {
	Year  int
	Month time.Month
	Day   int
}

// DateOf is the day t falls on in t's own location.
func DateOf(t time.Time) Date {
	y, m, d := t.Date()
	return Date{y, m, d}
}

// IsZero reports whether d is the zero Date (no date).
func (d Date) IsZero() bool { return d == Date{} }

// String writes d the way edXML carries dates, "2006/01/02" [V2].
func (d Date) String() string { return fmt.Sprintf("%04d/%02d/%02d", d.Year, int(d.Month), d.Day) }

// Zone is Vietnam's time zone (UTC+7, no daylight saving). edXML
// timestamps carry no offset [V2]; they are read and written in this zone.
func Zone() *time.Location { return time.FixedZone("ICT", 7*3600) }

// StatusFor is the status message that reports code for m, sent by from at
// the time at (the caller's clock): its ResponseFor names m by its
// sender, number and symbol, date and DocumentId, which is how the sender
// finds the document the status is about.
func StatusFor(m *Message, code StatusCode, from Organization, at time.Time) *Status {
	return &Status{
		ResponseFor: ResponseFor{
			OrganID:          m.From.OrganID,
			Code:             m.Code.String(),
			PromulgationDate: m.PromulgationInfo.Date,
			DocumentID:       m.DocumentID,
		},
		From:       from,
		StatusCode: code,
		Timestamp:  at.In(Zone()).Truncate(time.Second),
	}
}
