package edxmlsim

import (
	"time"

	"github.com/motcua/motcua/document/edxml"
)

// The messages a simulated agency sends, built the way its page builds
// them. They are pure functions so the demo world can give motcua's
// Receiver the very messages the simulator would have sent, before the
// server listens.

// Draft is a document an agency the simulator plays sends.
type Draft struct {
	From, To         edxml.Organization
	Number, Notation string
	// TypeName is the type's name ("Công văn", "Quyết định"…): motcua
	// finds the type by its name; the numeric code is the sender's own [M].
	TypeName string
	Subject  string
	Signer   edxml.SignerInfo
	Date     edxml.Date // zero: the day of at
}

// SamplePDF is the file every simulated document carries: one blank A4
// page, well formed, unsigned (motcua registers it with its signature
// status "unsigned").
var SamplePDF = []byte("%PDF-1.4\n1 0 obj\n<</Type/Catalog/Pages 2 0 R>>\nendobj\n2 0 obj\n<</Type/Pages/Kids[3 0 R]/Count 1>>\nendobj\n3 0 obj\n<</Type/Page/Parent 2 0 R/MediaBox[0 0 595 842]/Resources<<>>>>\nendobj\nxref\n0 4\n0000000000 65535 f \n0000000009 00000 n \n0000000054 00000 n \n0000000105 00000 n \ntrailer\n<</Size 4/Root 1 0 R>>\nstartxref\n184\n%%EOF\n")

// TypeNames are the document types the page offers, in the order of
// their numeric code.
var TypeNames = []string{"Công văn", "Quyết định", "Thông báo", "Kế hoạch", "Báo cáo", "Tờ trình"}

// NewMessage is d as a new document (BussinessDocType 0) with DocumentId
// key, its PDF attached, stamped at.
func NewMessage(d Draft, key string, at time.Time) *edxml.Message {
	date := d.Date
	if date.IsZero() {
		date = edxml.DateOf(at.In(edxml.Zone()))
	}
	signer := d.Signer
	if signer.FullName == "" {
		signer = edxml.SignerInfo{Competence: "TM. UBND", Position: "Chủ tịch", FullName: "Phạm Quang Ngọc"}
	}
	typ := edxml.DocumentType{Type: 1, TypeName: d.TypeName}
	for i, n := range TypeNames {
		if n == d.TypeName {
			typ.Type = i + 1
		}
	}
	if typ.TypeName == "" {
		typ.TypeName = TypeNames[0]
	}
	return &edxml.Message{From: d.From, To: []edxml.Organization{d.To},
		Code: edxml.Code{Number: d.Number, Notation: d.Notation}, PromulgationInfo: edxml.PromulgationInfo{Place: "Ninh Bình", Date: date},
		DocumentType: typ, Subject: d.Subject, SignerInfo: signer, OtherInfo: edxml.OtherInfo{PageAmount: 1},
		DocumentID:   key,
		TraceHeaders: []edxml.TraceHeader{{OrganID: d.From.OrganID, Timestamp: stamp(at)}},
		Business:     edxml.Business{DocType: edxml.BusinessNew},
		Attachments:  []edxml.Attachment{{ContentID: "1", ContentType: "application/pdf", Name: "van-ban.pdf", Data: SamplePDF}}}
}

// Correction is m corrected (BussinessDocType 2): the same DocumentId,
// number and date, the new subject, the reason in DocReason.
func Correction(m *edxml.Message, subject, reason string, at time.Time) *edxml.Message {
	c := *m
	c.Subject = subject
	c.Business = edxml.Business{DocType: edxml.BusinessUpdate, DocReason: reason}
	c.TraceHeaders = []edxml.TraceHeader{{OrganID: m.From.OrganID, Timestamp: stamp(at)}}
	return &c
}

// Replacement is a new document (its own DocumentId key and number)
// replacing m (BussinessDocType 3). It names m in ResponseFor: the
// elements QCVN gives a replacement (ReplacementInfoList) are not
// modelled by package edxml, and ResponseFor is how any message names
// another [M].
func Replacement(m *edxml.Message, key, number, subject, reason string, at time.Time) *edxml.Message {
	r := NewMessage(Draft{From: m.From, To: m.To[0], Number: number, Notation: m.Code.Notation, TypeName: m.DocumentType.TypeName,
		Subject: subject, Signer: m.SignerInfo}, key, at)
	r.To = m.To
	r.Business = edxml.Business{DocType: edxml.BusinessReplace, DocReason: reason}
	r.ResponseFor = []edxml.ResponseFor{{OrganID: m.From.OrganID, Code: m.Code.String(), PromulgationDate: m.PromulgationInfo.Date, DocumentID: m.DocumentID}}
	return r
}

// RevocationRequest is the 13 asking the receivers of m, which the
// agency sent, to give it back, with the reason.
func RevocationRequest(m *edxml.Message, reason string, at time.Time) *edxml.Status {
	st := edxml.StatusFor(m, edxml.StatusRevokeRequest, m.From, at)
	st.Description = reason
	return st
}

// stamp is a timestamp as edXML carries it: Vietnam time, whole seconds.
func stamp(at time.Time) time.Time { return at.In(edxml.Zone()).Truncate(time.Second) }
