package edxml

// The QCVN 102:2016 element table: which elements may appear under which,
// how often, and how long a leaf's text may be. The parser (and so Decode
// and Check) accepts exactly this tree and nothing else, so a message that
// an agency's software produced with a misspelt or misplaced element is
// refused with the element's path rather than read as empty.
//
// Order is not enforced: the published samples of two implementations
// order MessageHeader's children differently [V2], and refusing an order
// the regulation may not fix would refuse real messages. Encode writes one
// fixed order.

// dsigNamespace is XML-DSig's. A Signature element under edXMLHeader is
// accepted and skipped: motcua checks the signatures on the attached files
// (sign), not this XML signature [M].
const dsigNamespace = "http://www.w3.org/2000/09/xmldsig#"

// many is a child's maximum count when the table sets none; the overall
// element cap (Limits.MaxElements) bounds it.
const many = 1 << 30

// node is an element type: a list of allowed children, or a leaf with text.
type node struct {
	kids []kid
	// max is a leaf's longest text in bytes. Decree 30's lengths count
	// characters; a Vietnamese character is up to 4 bytes in UTF-8, so the
	// caps are four times those lengths, rounded up, where Decree 30 sets one.
	max int
	// base64 marks ContentTransferEncoded, whose cap follows
	// Limits.MaxAttachmentBytes.
	base64 bool
}

// kid is an allowed child: its local name, how often it may occur and its type.
type kid struct {
	name     string
	min, max int
	n        *node
}

func (n *node) leaf() bool { return n.kids == nil }

func (n *node) kid(name string) *kid {
	for i := range n.kids {
		if n.kids[i].name == name {
			return &n.kids[i]
		}
	}
	return nil
}

func text(max int) *node { return &node{max: max} }

func opt(name string, n *node) kid  { return kid{name, 0, 1, n} }
func one(name string, n *node) kid  { return kid{name, 1, 1, n} }
func some(name string, n *node) kid { return kid{name, 0, many, n} }

// schema returns the root element type, edXML. It builds the table anew
// on each call (it is small) so no package state can be changed by a caller.
func schema() *node {
	organID := text(13) // OrganId String 13 (Decree 30, Appendix VI)
	date := text(40)
	stamp := text(40)
	number := text(20)
	organization := &node{kids: []kid{
		one("OrganId", organID),
		opt("OrganizationInCharge", text(800)),
		opt("OrganName", text(800)), // S200
		opt("OrganAdd", text(1000)),
		opt("Email", text(254)),
		opt("Telephone", text(50)),
		opt("Fax", text(50)),
		opt("Website", text(500)),
	}}
	responseFor := &node{kids: []kid{
		one("OrganId", organID),
		one("Code", text(200)),
		one("PromulgationDate", date),
		opt("DocumentId", text(200)),
	}}
	staffInfo := &node{kids: []kid{
		opt("Department", text(800)),
		opt("Staff", text(400)),
		opt("Mobile", text(50)),
		opt("Email", text(254)),
	}}
	traceHeaderList := &node{kids: []kid{
		some("TraceHeader", &node{kids: []kid{
			one("OrganId", organID),
			one("Timestamp", stamp),
		}}),
		opt("Bussiness", &node{kids: []kid{
			one("BussinessDocType", number),
			opt("BussinessDocReason", text(2000)),
			opt("Paper", number),
		}}),
	}}
	messageHeader := &node{kids: []kid{
		one("From", organization),
		{"To", 1, many, organization},
		one("Code", &node{kids: []kid{
			one("CodeNumber", text(44)),    // S11
			one("CodeNotation", text(120)), // S30
		}}),
		one("PromulgationInfo", &node{kids: []kid{
			opt("Place", text(800)),
			one("PromulgationDate", date),
		}}),
		one("DocumentType", &node{kids: []kid{
			one("Type", number),
			opt("TypeDetail", number),
			one("TypeName", text(400)), // S100
		}}),
		one("Subject", text(2000)), // S500
		opt("Content", text(1<<20)),
		one("SignerInfo", &node{kids: []kid{
			opt("Competence", text(400)),
			opt("Position", text(400)), // S100
			one("FullName", text(200)), // S50
		}}),
		opt("DueDate", date),
		opt("ToPlaces", &node{kids: []kid{some("Place", text(4000))}}), // S1000
		opt("OtherInfo", &node{kids: []kid{
			opt("Priority", number),
			opt("SphereOfPromulgation", text(800)),
			opt("TyperNotation", text(200)),
			opt("PromulgationAmount", number),
			opt("PageAmount", number),
			opt("Direction", text(10)),
			opt("Appendixes", &node{kids: []kid{some("Appendix", text(2000))}}),
		}}),
		some("ResponseFor", responseFor),
		opt("SteeringType", number),
		opt("DocumentId", text(200)),
		// regulations.md §6 lists TraceHeaderList among MessageHeader's
		// elements; the implementations seen put it beside MessageHeader
		// under edXMLHeader, where motcua writes it. Both are read.
		opt("TraceHeaderList", traceHeaderList),
	}}
	status := &node{kids: []kid{
		one("ResponseFor", responseFor),
		one("From", organization),
		one("StatusCode", text(10)),
		opt("Description", text(4000)),
		one("Timestamp", stamp),
		opt("StaffInfo", staffInfo),
	}}
	reference := &node{kids: []kid{
		one("ContentId", text(200)),
		one("ContentType", text(200)),
		opt("Description", text(2000)),
		one("AttachmentName", text(1000)),
	}}
	attachment := &node{kids: []kid{
		one("ContentId", text(200)),
		opt("AttachmentName", text(1000)),
		opt("ContentType", text(200)),
		one("ContentTransferEncoded", &node{base64: true}),
	}}
	return &node{kids: []kid{
		one("edXMLEnvelope", &node{kids: []kid{
			one("edXMLHeader", &node{kids: []kid{
				// Exactly one of MessageHeader and Status: checked after the walk.
				opt("MessageHeader", messageHeader),
				opt("Status", status),
				opt("TraceHeaderList", traceHeaderList),
			}}),
			opt("edXMLBody", &node{kids: []kid{
				one("edXMLManifest", &node{kids: []kid{some("Reference", reference)}}),
			}}),
		}}),
		opt("AttachmentEncoded", &node{kids: []kid{some("Attachment", attachment)}}),
	}}
}
