// Package edxml reads and writes the electronic documents agencies exchange
// under QCVN 102:2016/BTTTT (edXML) and Decision 28/2018/QĐ-TTg, and moves
// them over HTTP. It is pure: no database, no clock, no state. The document
// module builds a Message from an outgoing document, sends it through its
// outbox with a Client, and plugs a Receiver into NewHandler to register
// what other agencies send.
//
// # The format
//
// Marks: [V] checked against a published source, [V2] seen only in other
// implementations (two public edXML libraries' code), [M] assumed here.
//
//	edXML                                  xmlns http://www.mic.gov.vn/TBT/QCVN_102_2016 [V]
//	  edXMLEnvelope
//	    edXMLHeader
//	      MessageHeader  (a document)  or  Status  (a status message) [V]
//	      TraceHeaderList {TraceHeader*{OrganId, Timestamp}, Bussiness{BussinessDocType, …}} [V2]
//	    edXMLBody > edXMLManifest > Reference*{ContentId, ContentType, Description?, AttachmentName} [V]
//	  AttachmentEncoded > Attachment*{ContentId, AttachmentName, ContentType, ContentTransferEncoded (base64)} [V]
//
// MessageHeader holds From and To (repeatable), each {OrganId,
// OrganizationInCharge, OrganName, OrganAdd, Email, Telephone, Fax,
// Website}; Code{CodeNumber, CodeNotation}; PromulgationInfo{Place,
// PromulgationDate}; DocumentType{Type, TypeDetail, TypeName}; Subject;
// Content; SignerInfo{Competence, Position, FullName}; DueDate;
// ToPlaces{Place*}; OtherInfo{Priority, SphereOfPromulgation,
// TyperNotation, PromulgationAmount, PageAmount, Direction,
// Appendixes{Appendix*}}; ResponseFor*; SteeringType; DocumentId [V; the
// children of ToPlaces, OtherInfo and Appendixes V2]. Status holds
// ResponseFor{OrganId, Code, PromulgationDate, DocumentId}, From,
// StatusCode, Description, Timestamp, StaffInfo{Department, Staff, Mobile,
// Email} [V]. Status codes: 01 received, 02 rejected, 03 accepted, 04
// assigned, 05 processing, 06 completed, 13 take-back requested, 15
// take-back accepted, 16 take-back refused [V].
//
// The whole tree is one table (schema.go). Decode and Check accept exactly
// that tree: every element in the QCVN namespace (by default namespace or
// any prefix), allowed under its parent, present as often as required and
// no more often than allowed, a leaf's text within its length cap. Tests use
// Check to verify that what Encode writes uses only QCVN element names in
// their places.
//
// # Assumptions [M], to confirm against the text of QCVN 102:2016
//
//   - TraceHeaderList (and Bussiness inside it) sits under edXMLHeader beside
//     MessageHeader, as both public implementations put it [V2], and Encode
//     writes it there; the project's regulation notes list them among
//     MessageHeader's fields, so Decode reads it inside MessageHeader too
//     (in both places at once: edxml_repeated_element).
//   - Which elements are required: From, To, Code, PromulgationInfo with its
//     date, DocumentType with Type and TypeName, Subject, SignerInfo with
//     FullName; for a status ResponseFor (OrganId, Code, PromulgationDate),
//     From, StatusCode and Timestamp. Reference needs ContentId, ContentType
//     and AttachmentName.
//   - The order of elements is not checked (the implementations differ);
//     Encode writes the order above.
//   - Dates are written "2006/01/02" and timestamps "2006/01/02 15:04:05" in
//     Vietnam time (UTC+7) [V2]; ISO 8601 forms are also read.
//   - BussinessDocType 0 is a new document [V]; 1 revoke, 2 update, 3
//     replace are recalled [M]; other values are refused. The elements an
//     update or replacement carries (BussinessDocumentInfo,
//     ReplacementInfoList) are not modelled yet: such a message is refused
//     with edxml_unknown_element naming them.
//   - An XML signature (ds:Signature) under edXMLHeader is accepted and
//     skipped, not verified: the signed PDF attachments carry the signatures
//     Decree 30 requires, and the document module verifies those.
//   - Attachments are taken as sent (base64 of the file). Some senders zip a
//     file before encoding it [V2]; such an attachment arrives as the zip.
//   - Agency codes (OrganId): the Decision 20/2020 form
//     A1A2A3.B1B2.C1C2.D1D2D3 (13 characters, level 1 a letter and two
//     digits) [V], letters allowed in the other parts [M], and the short
//     post-2025 forms "H01.151", "H01.151.01" [V2].
//   - Transport: Decision 28 gives each connected system a SystemId and a
//     SecretKey [V2]; the header names (SystemId, SecretKey) are motcua's
//     [M], as are the answers (204 accepted, the API's error body
//     otherwise). The national document hub's own API is not implemented.
//
// # Limits
//
// Messages come from other systems over the network. Decode reads at most
// Limits.MaxBytes (32 MiB by default; one byte more is "too large"), at most
// MaxElements elements, a leaf's text within its cap while it streams in,
// each attachment's base64 within MaxAttachmentBytes, at most MaxAttachments
// files. A DOCTYPE (and so any entity) is refused, as is any encoding but
// UTF-8. Every refusal is a *problem.Error with a stable "edxml_…" code
// and, where an element is at fault, its path in Field.
package edxml
