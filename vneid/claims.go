package vneid

// The claims motcua reads from VNeID's ID token (or its UserInfo answer).
// No public specification of the national SSO's claims exists; every name
// here is assumed [M] and is the one place to change when the province
// hands over the real client registration (docs/vneid.md).
const (
	// ClaimIDNumber is the 12-digit personal identification number (số
	// định danh cá nhân, printed on the CCCD). [M]
	ClaimIDNumber = "so_dinh_danh"
	// ClaimName is the full name as in the population database; the
	// standard OIDC "name". [M]
	ClaimName = "name"
	// ClaimBirthDate is the date of birth, YYYY-MM-DD; the standard OIDC
	// "birthdate". [M]
	ClaimBirthDate = "birthdate"
)

// Scopes are the scopes motcua asks for: "openid" and the standard
// "profile", plus ScopeCitizen for the ID number. [M] A function, so no
// caller can change what every sign-in asks for.
func Scopes() []string { return []string{"openid", "profile", ScopeCitizen} }

// ScopeCitizen asks for ClaimIDNumber. [M]
const ScopeCitizen = "citizen"
