package edxml

import (
	"regexp"
	"strings"
)

// Agency codes (OrganId). Decision 20/2020: A1A2A3.B1B2.C1C2.D1D2D3, 13
// characters, the level-1 part a letter and two digits (G01 a ministry,
// H35 a province) [V]; unused levels are zeros. The other parts are
// written with digits in the published examples; letters are allowed
// here because the regulation's text on them was not checked [M].
// After the 2025 mergers some provinces issue short codes written from
// the level-1 part down, "H01.151" or "H01.151.01" [V2].
var (
	organIDLong  = regexp.MustCompile(`^[0-9A-Z]{3}\.[0-9A-Z]{2}\.[0-9A-Z]{2}\.[A-Z][0-9]{2}$`)
	organIDShort = regexp.MustCompile(`^[A-Z][0-9]{2}(\.[0-9A-Z]{1,3}){0,3}$`)
)

// ValidOrganID reports whether s is an agency code in the Decision 20/2020
// form or the short post-2025 form.
func ValidOrganID(s string) bool {
	return len(s) <= 13 && (organIDLong.MatchString(s) || organIDShort.MatchString(s))
}

func checkOrganID(path, s string) error {
	if !ValidOrganID(s) {
		return errBadOrganID(path, s)
	}
	return nil
}

func required(path, s string) error {
	if strings.TrimSpace(s) == "" {
		return errMissing(path)
	}
	return nil
}

// validateMessage checks the values a message needs, the same way for a
// message read (Decode) and one about to be written (Encode).
func validateMessage(m *Message) error {
	if err := checkOrganID(pathMessage+"/From/OrganId", m.From.OrganID); err != nil {
		return err
	}
	if len(m.To) == 0 {
		return errMissing(pathMessage + "/To")
	}
	for _, to := range m.To {
		if err := checkOrganID(pathMessage+"/To/OrganId", to.OrganID); err != nil {
			return err
		}
	}
	for _, rf := range m.ResponseFor {
		if err := checkOrganID(pathMessage+"/ResponseFor/OrganId", rf.OrganID); err != nil {
			return err
		}
		if rf.PromulgationDate.IsZero() {
			return errMissing(pathMessage + "/ResponseFor/PromulgationDate")
		}
	}
	for _, f := range []struct{ path, value string }{
		{pathMessage + "/Code/CodeNumber", m.Code.Number},
		{pathMessage + "/Code/CodeNotation", m.Code.Notation},
		{pathMessage + "/DocumentType/TypeName", m.DocumentType.TypeName},
		{pathMessage + "/Subject", m.Subject},
		{pathMessage + "/SignerInfo/FullName", m.SignerInfo.FullName},
	} {
		if err := required(f.path, f.value); err != nil {
			return err
		}
	}
	if m.PromulgationInfo.Date.IsZero() {
		return errMissing(pathMessage + "/PromulgationInfo/PromulgationDate")
	}
	for _, th := range m.TraceHeaders {
		if err := checkOrganID(pathTrace+"/TraceHeader/OrganId", th.OrganID); err != nil {
			return err
		}
		if th.Timestamp.IsZero() {
			return errMissing(pathTrace + "/TraceHeader/Timestamp")
		}
	}
	if m.Business.DocType < BusinessNew || m.Business.DocType > BusinessReplace {
		return errBadBusinessType(int(m.Business.DocType))
	}
	seen := map[string]bool{}
	for _, a := range m.Attachments {
		if err := required("edXML/edXMLEnvelope/edXMLBody/edXMLManifest/Reference/ContentId", a.ContentID); err != nil {
			return err
		}
		if seen[a.ContentID] {
			return errDuplicateContentID(a.ContentID)
		}
		seen[a.ContentID] = true
	}
	return nil
}

// validateStatus checks a status message's values (Decode and Encode).
func validateStatus(s *Status) error {
	if err := checkOrganID(pathStatus+"/ResponseFor/OrganId", s.ResponseFor.OrganID); err != nil {
		return err
	}
	if err := required(pathStatus+"/ResponseFor/Code", s.ResponseFor.Code); err != nil {
		return err
	}
	if s.ResponseFor.PromulgationDate.IsZero() {
		return errMissing(pathStatus + "/ResponseFor/PromulgationDate")
	}
	if err := checkOrganID(pathStatus+"/From/OrganId", s.From.OrganID); err != nil {
		return err
	}
	if !s.StatusCode.Valid() {
		return errBadStatusCode(string(s.StatusCode))
	}
	if s.Timestamp.IsZero() {
		return errMissing(pathStatus + "/Timestamp")
	}
	return nil
}
