package web

import (
	"net/http"

	"github.com/motcua/motcua/auth"
)

// Page is what every page's data embeds: language, the signed-in user,
// the CSRF token for its forms, and the asset URLs. Templates call
// {{.T "key"}} (or {{$.T "key"}} inside a range) for every visible text.
type Page struct {
	Title string
	Lang  string
	User  *auth.Actor
	CSRF  string
	Path  string
	CSS   string
	JS    string
	// Office is true on back-office pages (officer navigation).
	Office bool
	cat    *Catalog
}

// T translates key into the page's language.
func (p Page) T(key string, args ...any) string { return p.cat.T(p.Lang, key, args...) }

// Has reports whether the catalog has key in the page's language.
func (p Page) Has(key string) bool { return p.cat.Has(p.Lang, key) }

// Error is err's public message in the page's language.
func (p Page) Error(err error) string { return p.cat.Error(p.Lang, err) }

// IsOfficer reports whether the signed-in user is an officer.
func (p Page) IsOfficer() bool { return p.User != nil && !p.User.IsCitizen() }

// Page builds the common page data; titleKey is translated.
func (w *Web) Page(r *http.Request, titleKey string, args ...any) Page {
	p := Page{Lang: Lang(r), Path: r.URL.RequestURI(), CSS: w.assetURL["site.css"], JS: w.assetURL["site.js"], cat: w.catalog}
	p.Title = p.T(titleKey, args...)
	if a := ActorFrom(r.Context()); a != nil {
		p.User = a
		p.CSRF = w.sessions.csrfFor(r)
	}
	return p
}

// CanReadReports reports whether the signed-in officer may read some
// unit's statistics (auth.ReadReports): the navigation shows them the way in.
func (p Page) CanReadReports() bool {
	if !p.IsOfficer() {
		return false
	}
	own, below := p.User.Reach(auth.ReadReports)
	return len(own)+len(below) > 0
}

// IsAdmin reports whether the signed-in user administers some unit.
func (p Page) IsAdmin() bool { return p.User != nil && p.User.HasAnywhere(auth.Admin) }

// CanReadDocuments reports whether the signed-in officer holds a document
// right somewhere (document.read covers every role that acts on
// documents): the navigation shows them the document pages.
func (p Page) CanReadDocuments() bool {
	if !p.IsOfficer() {
		return false
	}
	own, below := p.User.Reach(auth.ReadDocument)
	return len(own)+len(below) > 0
}
