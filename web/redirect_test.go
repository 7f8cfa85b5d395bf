package web

import (
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
)

// Each of these was, or is close to, a way off the site after login or a
// language switch (ISSUE8 finding 4). The first two passed the old checks.
var redirectCases = []struct {
	next string
	want string
}{
	{"/\t/evil.example", "/"}, // browsers drop the tab: //evil.example
	{"/\\evil.example", "/"},  // browsers read \ as /: //evil.example
	{"/\n/evil.example", "/"},
	{"/\r\n/evil.example", "/"},
	{"/ /evil.example", "/"},
	{"/\u00a0/evil.example", "/"},
	{"/\u202e/evil.example", "/"},
	{"/%09/evil.example", "/"},
	{"/%5Cevil.example", "/"},
	{"/%2F/evil.example", "/"},
	{"//evil.example", "/"},
	{"///evil.example", "/"},
	{"/\\\\evil.example", "/"},
	{"\\\\evil.example", "/"},
	{"https://evil.example", "/"},
	{"https:evil.example", "/"},
	{"javascript:alert(1)", "/"},
	{"evil.example", "/"},
	{"", "/"},
	{"/\xff", "/"},
	{"/", "/"},
	{"/ok?x=1", "/ok?x=1"},
	{"/can-bo/ho-so/ABC", "/can-bo/ho-so/ABC"},
	{"/tra-cuu/000.04.07.H40-261127-0001#ket-qua", "/tra-cuu/000.04.07.H40-261127-0001#ket-qua"},
	{"/thu-tuc?q=khai+sinh&trang=2", "/thu-tuc?q=khai+sinh&trang=2"},
	{"/tim?q=%C4%91%E1%BA%A5t", "/tim?q=%C4%91%E1%BA%A5t"},
}

func TestSafePath(t *testing.T) {
	for _, c := range redirectCases {
		if got := SafePath(c.next); got != c.want {
			t.Errorf("SafePath(%q) = %q, want %q", c.next, got, c.want)
		}
	}
}

// The language switch redirects through SafePath too (it used to have its
// own, weaker check that let "/\evil.example" through).
func TestSetLangRedirect(t *testing.T) {
	w := &Web{}
	for _, c := range redirectCases {
		form := url.Values{"lang": {"en"}, "next": {c.next}}
		r := httptest.NewRequest(http.MethodPost, "/ngon-ngu", strings.NewReader(form.Encode()))
		r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		rw := httptest.NewRecorder()
		if err := w.setLang(rw, r); err != nil {
			t.Fatal(err)
		}
		loc := rw.Header().Get("Location")
		if host := browserHost(t, loc); host != "motcua.example" {
			t.Errorf("next=%q: Location %q leads a browser to %q", c.next, loc, host)
		}
	}
}

// browserHost resolves a Location the lenient way browsers do (WHATWG URL:
// tabs and newlines removed, backslashes read as slashes) against a page
// on this site and returns the host it lands on.
func browserHost(t *testing.T, loc string) string {
	t.Helper()
	loc = strings.NewReplacer("\t", "", "\n", "", "\r", "", "\\", "/").Replace(loc)
	base, _ := url.Parse("https://motcua.example/dang-nhap")
	ref, err := url.Parse(loc)
	if err != nil {
		return "(unparsable)"
	}
	return base.ResolveReference(ref).Host
}

// Whatever next= holds, a browser following the result stays on the site.
func FuzzSafePath(f *testing.F) {
	for _, c := range redirectCases {
		f.Add(c.next)
	}
	f.Fuzz(func(t *testing.T, next string) {
		got := SafePath(next)
		if got != "/" && got != next {
			t.Fatalf("SafePath(%q) = %q: neither the input nor /", next, got)
		}
		if host := browserHost(t, got); host != "motcua.example" {
			t.Fatalf("SafePath(%q) = %q leads a browser to %q", next, got, host)
		}
	})
}
