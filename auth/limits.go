package auth

import "unicode/utf8"

// The longest text an account keeps, in characters (bytes for the
// password, which argon2id reads whole), checked on the server whatever
// the page or client allowed (issue 8: input limits everywhere).
const (
	MaxFullName = 200
	MaxTitle    = 200
	MaxEmail    = 254
	MaxPhone    = 20
	MaxIDNumber = 12
	MaxAddress  = 500
	MaxPassword = 1024
)

// tooLongField names the first field of u over its limit, or "".
func tooLongField(u User, password string) (string, int) {
	for _, f := range []struct {
		name, v string
		max     int
	}{
		{"full_name", u.FullName, MaxFullName}, {"title", u.Title, MaxTitle}, {"email", u.Email, MaxEmail},
		{"phone", u.Phone, MaxPhone}, {"id_number", u.IDNumber, MaxIDNumber}, {"address", u.Address, MaxAddress},
	} {
		if utf8.RuneCountInString(f.v) > f.max {
			return f.name, f.max
		}
	}
	if len(password) > MaxPassword {
		return "password", MaxPassword
	}
	return "", 0
}
