package web

import (
	"net/url"
	"strings"
	"unicode"
)

// SafePath returns s when it is a path on this site, and "/" otherwise.
// It guards every redirect whose target comes from the request (the
// login's and the language switch's next=).
//
// Browsers are lenient where Go is strict: they drop tabs and newlines
// anywhere in a URL and read a backslash as a slash, so "/\t/evil.example"
// and "/\evil.example" both become "//evil.example", another host. Rather
// than predict every such rewrite, anything a path on this site never
// needs is refused outright: whitespace, control characters and
// backslashes, raw or percent-encoded, and a second slash at the start.
func SafePath(s string) string {
	if !isLocalPath(s) {
		return "/"
	}
	return s
}

func isLocalPath(s string) bool {
	if !strings.HasPrefix(s, "/") || strings.HasPrefix(s, "//") || hasUnsafeRune(s) {
		return false
	}
	u, err := url.Parse(s)
	if err != nil || u.Scheme != "" || u.Host != "" || u.User != nil || u.Opaque != "" {
		return false
	}
	// The decoded path must pass the same checks: "/%09/evil" or
	// "/%5Cevil" decode to what a lenient hop could turn into "//".
	return strings.HasPrefix(u.Path, "/") && !strings.HasPrefix(u.Path, "//") && !hasUnsafeRune(u.Path)
}

// hasUnsafeRune reports a backslash, whitespace or control character,
// including the Unicode ones (bidi controls, NBSP, line separators).
func hasUnsafeRune(s string) bool {
	return strings.ContainsFunc(s, func(r rune) bool {
		return r == '\\' || r == unicode.ReplacementChar || unicode.IsSpace(r) || unicode.IsControl(r) || unicode.Is(unicode.Cf, r)
	})
}
