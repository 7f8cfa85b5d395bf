package dancu

import (
	"strings"

	"golang.org/x/text/unicode/norm"
)

// sameText compares names and addresses as people type them: Unicode
// forms, case and runs of spaces do not matter; diacritics do (Ân is not
// An).
func sameText(a, b string) bool {
	f := func(s string) string { return strings.Join(strings.Fields(strings.ToLower(norm.NFC.String(s))), " ") }
	return f(a) == f(b)
}
