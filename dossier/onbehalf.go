package dossier

import "github.com/motcua/motcua/auth"

// Why a dossier is marked as filed on someone's behalf (Dossier.OnBehalfReason).
const (
	// OnBehalfStaff: an officer or the community digital team entered it.
	OnBehalfStaff = "staff"
	// OnBehalfOtherID: a citizen account filed it for an applicant whose
	// ID number is not the account's verified one.
	OnBehalfOtherID = "other_id"
	// OnBehalfUnverified: a citizen account filed it, but the account has
	// no verified ID number or the applicant gave none, so nothing shows
	// that the applicant is the account holder.
	OnBehalfUnverified = "unverified"
	// OnBehalfOtherPerson: a citizen whose identity the national SSO
	// (VNeID) verified filed it for an applicant who is not that person:
	// another ID number, or none given.
	OnBehalfOtherPerson = "other_person"
)

// onBehalfReason says whether a dossier for app filed by a is filed on
// someone else's behalf, and why ("" when the applicant is the account
// holder). The applicant's identity is free text typed by whoever files,
// so only the account's verified ID number can tie the two together;
// anything else is marked for the officer at reception to check.
func onBehalfReason(a *auth.Actor, app Applicant) string {
	switch {
	case !a.IsCitizen():
		return OnBehalfStaff
	case a.Verified != nil && app.IDNumber != a.Verified.IDNumber:
		return OnBehalfOtherPerson
	case a.Verified != nil:
		return ""
	case a.IDNumber == "" || app.IDNumber == "":
		return OnBehalfUnverified
	case a.IDNumber != app.IDNumber:
		return OnBehalfOtherID
	}
	return ""
}
