package portal

import (
	"errors"
	"net/url"
	"regexp"
	"strings"
	"unicode/utf8"

	"github.com/motcua/motcua/problem"
	"github.com/motcua/motcua/web"
)

// explain is the text of a validation problem in the page's language: the
// message key portal.err.<code> when there is one (args fill its %d), else
// the shared catalog's sentence for the error.
func (s *Portal) explain(pg web.Page, pe *problem.Error, args ...any) string {
	key := "portal.err." + pe.Code
	if !s.web.Catalog().Has(pg.Lang, key) {
		return pg.Error(pe)
	}
	return pg.T(key, args...)
}

// asProblem returns err's public face when it is an input or state
// problem, or the virus scanner being down, which a page shows in place;
// false for anything else (which the error page handles).
func asProblem(err error) (*problem.Error, bool) {
	var pe *problem.Error
	if !errors.As(err, &pe) {
		return nil, false
	}
	for _, k := range []error{problem.ErrInvalid, problem.ErrTooLarge, problem.ErrState, problem.ErrConflict, problem.ErrUnavailable} {
		if errors.Is(err, k) {
			return pe, true
		}
	}
	return nil, false
}

var codeRE = regexp.MustCompile(`^[a-z_]{1,40}$`)

// uploadError is the message for an upload that failed, named by its
// machine code in the query string after the redirect (?loi=…).
func (s *Portal) uploadError(pg web.Page, code string, maxMB int64) string {
	if !codeRE.MatchString(code) || !s.web.Catalog().Has(pg.Lang, "portal.err."+code) {
		code = "upload"
	}
	if code == "file_too_large" {
		return pg.T("portal.err.file_too_large", maxMB)
	}
	key := "portal.err." + code
	return pg.T(key)
}

// failedUpload is where an upload that failed sends the browser back to:
// the page, with the component and the error's code, anchored at the component.
func failedUpload(page, component, code string) string {
	q := url.Values{"tep": {component}, "loi": {code}}
	return page + "?" + q.Encode() + "#c-" + component
}

// clip keeps at most n characters of what a form posted, so a draft never
// stores an unbounded value (validation reports the real limit).
func clip(s string, n int) string {
	s = strings.TrimSpace(s)
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	return string([]rune(s)[:n])
}
