// Package vntext folds Vietnamese text for accent-insensitive search and
// writes numbers and amounts of money the Vietnamese way.
// The same function is used when indexing and when querying, on SQLite and
// PostgreSQL alike, so both stores answer the same way: database-side
// unaccent functions do not fold "đ" to "d" and differ between engines.
package vntext

import (
	"strings"
	"unicode"

	"golang.org/x/text/unicode/norm"
)

// Fold lowercases s, removes diacritics (NFD, drop combining marks),
// maps đ/Đ to d, and collapses runs of white space and punctuation to a
// single space. "Tách thửa ĐẤT" → "tach thua dat".
func Fold(s string) string {
	var b strings.Builder
	b.Grow(len(s))
	space := true // suppress leading space
	for _, r := range norm.NFD.String(s) {
		switch {
		case unicode.Is(unicode.Mn, r):
			continue
		case r == 'đ' || r == 'Đ':
			r = 'd'
		case unicode.IsLetter(r) || unicode.IsDigit(r):
			r = unicode.ToLower(r)
		case r == '.' || r == '-' || r == '/':
			// Kept: codes like 1.001193 and 000.00.00.H40 must stay searchable.
		default:
			if !space {
				b.WriteByte(' ')
				space = true
			}
			continue
		}
		b.WriteRune(r)
		space = false
	}
	return strings.TrimRight(b.String(), " ")
}

// Terms splits a query into folded terms.
func Terms(q string) []string { return strings.Fields(Fold(q)) }
