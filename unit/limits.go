package unit

import "unicode/utf8"

// The longest names and reasons a unit keeps, in characters, checked on
// the server whatever the page allowed (issue 8: input limits everywhere).
const (
	MaxName   = 200 // a unit's or department's name, short name
	MaxReason = 500 // why a unit was renamed
)

func longerThan(s string, max int) bool { return utf8.RuneCountInString(s) > max }
