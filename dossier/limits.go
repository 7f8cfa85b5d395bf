package dossier

import (
	"math"
	"strconv"
	"unicode/utf8"

	"github.com/motcua/motcua/catalog"
	"github.com/motcua/motcua/problem"
)

// The longest text a dossier keeps, in characters, checked on the server
// whatever the page or client allowed: one 900 kB address made form 01
// 205 pages long and the unit's tracking book take seconds per request
// (issue 8, finding 9). The pages' maxlength attributes say the same.
const (
	MaxApplicantName = 200
	MaxAddress       = 500
	MaxEmail         = 254 // RFC 5321's limit on a forward path
	MaxNote          = 4000
	// MaxFormText is the limit of an e-form text field without its own max.
	MaxFormText       = 2000
	maxIdempotencyKey = 200
)

// tooLong is the error of a text field over its limit.
func tooLong(field string, max int) error {
	return problem.Invalid(field, "text_too_long", max)
}

func longerThan(s string, max int) bool { return utf8.RuneCountInString(s) > max }

// defaultNumberMax caps an e-form number whose schema sets no max: beyond
// any area in m², count or sum in đồng a procedure asks for, and far from
// where float64 loses whole numbers (2^53).
const defaultNumberMax = 1e12

// checkNumber checks an e-form number against its field's range: at least
// Min (0 unless the schema says otherwise: no form asks for a negative
// count, area or sum), at most Max (defaultNumberMax when unset), and a
// whole number when the schema says integer.
func checkNumber(f catalog.FormField, field, v string) error {
	n, err := strconv.ParseFloat(v, 64)
	if err != nil || math.IsNaN(n) || math.IsInf(n, 0) {
		return problem.Invalid(field, "invalid_number", f.Label)
	}
	if f.Integer && n != math.Trunc(n) {
		return problem.Invalid(field, "number_not_integer", f.Label)
	}
	lo, hi := float64(f.Min), float64(f.Max)
	if f.Max == 0 {
		hi = defaultNumberMax
	}
	if n < lo || n > hi {
		return problem.Invalid(field, "number_out_of_range", f.Label, boundText(lo), boundText(hi))
	}
	return nil
}

// boundText writes a bound the way the message shows it.
func boundText(x float64) string { return strconv.FormatFloat(x, 'f', -1, 64) }
