// Package portal serves the citizens' pages: the procedure catalog with
// accent-insensitive search, procedure pages, public tracking by code, the
// online submission wizard with saved drafts, "my dossiers" and ratings.
// Every core flow works without JavaScript.
package portal

import (
	"crypto/x509"
	"embed"
	"fmt"
	"html/template"
	"net/http"

	"github.com/motcua/motcua/web"
)

//go:embed templates/*.html messages.*.json
var files embed.FS

// Portal holds what the citizens' pages need.
type Portal struct {
	web      *web.Web
	catalog  Catalog
	units    Units
	dossiers Dossiers
	ratings  Ratings
	pages    map[string]*template.Template
	trust    *x509.CertPool // the signature verification page's trust list (nil: none)
	notify   Notify
	postal   Postal
	payments Payments // fees and online payment (nil: off)
	esign    ESign    // the signed e-result (nil: off)
	store    Store    // the personal data store (nil: off)
	people   Population
	mydata   MyData // the citizen's rights over their data (nil: off)
	land     Land   // the land registry's prefill of land e-forms (nil: off)
}

// Config is what the citizens' pages are built from. Payments may be nil
// (online payment off); Trust is the signature verification page's trust
// list (nil: none).
type Config struct {
	Web      *web.Web
	Catalog  Catalog
	Units    Units
	Dossiers Dossiers
	Ratings  Ratings
	Trust    *x509.CertPool
	Notify   Notify
	Postal   Postal
	Payments Payments
	ESign    ESign
	// Store is the citizens' personal data store (package sohoa); nil
	// leaves it out of the wizard and its page.
	Store Store
	// Population looks the citizen up in the population database to fill
	// the applicant (population.go); nil or disabled: no such offer.
	Population Population
	// MyData is the citizen's download of their data, their consents and
	// who read their dossiers (mydata.go); nil leaves those pages out.
	MyData MyData
	// Land fills a land procedure's e-form from the citizen's parcels
	// (land.go); nil leaves it out.
	Land Land
}

// New parses the portal's templates and merges its messages into the
// shared catalog.
func New(cfg Config) (*Portal, error) {
	pages, err := cfg.Web.Surface(files)
	if err != nil {
		return nil, err
	}
	return &Portal{web: cfg.Web, catalog: cfg.Catalog, units: cfg.Units, dossiers: cfg.Dossiers, ratings: cfg.Ratings, pages: pages,
		trust: cfg.Trust, notify: cfg.Notify, postal: cfg.Postal, payments: cfg.Payments, esign: cfg.ESign, store: cfg.Store, people: cfg.Population,
		mydata: cfg.MyData, land: cfg.Land}, nil
}

func (p *Portal) render(w http.ResponseWriter, code int, page string, data any) error {
	t, ok := p.pages[page]
	if !ok {
		return fmt.Errorf("portal: no template %q", page)
	}
	return p.web.Render(w, code, t, data)
}
