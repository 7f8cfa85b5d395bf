package edxml

import (
	"fmt"

	"github.com/motcua/motcua/problem"
)

// Every refusal is a *problem.Error with a stable code ("edxml_…") and,
// where an element is at fault, its path in Field ("edXML/edXMLEnvelope/…").
// Messages come from other agencies' software: the codes tell their
// operators what to fix, and the document module may show them to a clerk.

func errTooLarge(limit int64) error {
	return problem.New(problem.ErrTooLarge, "edxml_too_large", limit)
}

// errMalformed keeps the parser's words as the internal cause (logs only).
func errMalformed(cause error) error {
	return fmt.Errorf("%w: %v", problem.Invalid("", "edxml_malformed"), cause)
}

func errNamespace(path string) error {
	return problem.Invalid(path, "edxml_namespace", path)
}

func errUnknownElement(path string) error {
	return problem.Invalid(path, "edxml_unknown_element", path)
}

func errMissing(path string) error {
	return problem.Invalid(path, "edxml_missing_element", path)
}

func errRepeated(path string) error {
	return problem.Invalid(path, "edxml_repeated_element", path)
}

func errUnexpectedText(path string) error {
	return problem.Invalid(path, "edxml_unexpected_text", path)
}

func errTextTooLong(path string, max int) error {
	e := problem.New(problem.ErrTooLarge, "edxml_text_too_long", path, max)
	e.Field = path
	return e
}

func errTooManyElements(max int) error {
	return problem.New(problem.ErrTooLarge, "edxml_too_many_elements", max)
}

func errHeaderChoice() error {
	return problem.Invalid("edXML/edXMLEnvelope/edXMLHeader", "edxml_header_choice")
}

func errBadDate(path string) error { return problem.Invalid(path, "edxml_bad_date", path) }

func errBadNumber(path string) error { return problem.Invalid(path, "edxml_bad_number", path) }

func errBadOrganID(path, value string) error {
	return problem.Invalid(path, "edxml_bad_organ_id", value, path)
}

func errBadStatusCode(value string) error {
	return problem.Invalid("StatusCode", "edxml_bad_status_code", value)
}

func errBadBusinessType(value int) error {
	return problem.Invalid("BussinessDocType", "edxml_bad_business_type", value)
}

func errBadBase64(contentID string) error {
	return problem.Invalid("ContentTransferEncoded", "edxml_bad_base64", contentID)
}

func errReferenceWithoutAttachment(contentID string) error {
	return problem.Invalid("Reference", "edxml_reference_without_attachment", contentID)
}

func errAttachmentWithoutReference(contentID string) error {
	return problem.Invalid("Attachment", "edxml_attachment_without_reference", contentID)
}

func errDuplicateContentID(contentID string) error {
	return problem.Invalid("ContentId", "edxml_duplicate_content_id", contentID)
}

func errTooManyAttachments(max int) error {
	return problem.New(problem.ErrTooLarge, "edxml_too_many_attachments", max)
}

func errAttachmentTooLarge(contentID string, max int64) error {
	return problem.New(problem.ErrTooLarge, "edxml_attachment_too_large", contentID, max)
}

// errWrongKind: DecodeMessage given a status message, or DecodeStatus a document.
func errWrongKind() error { return problem.Invalid("edXMLHeader", "edxml_wrong_kind") }
