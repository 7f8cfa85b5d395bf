// Package office serves the back office: each officer's dashboard, the
// inbox, counter reception, the dossier page with the actions the
// lifecycle table allows, and printable receipts.
package office

import (
	"context"
	"embed"
	"fmt"
	"html/template"
	"io"
	"net/http"

	"github.com/motcua/motcua/auth"
	"github.com/motcua/motcua/web"
)

//go:embed templates/*.html messages.*.json
var files embed.FS

// Office holds what the back-office pages need.
type Office struct {
	archive   func(ctx context.Context, a *auth.Actor, code string, w io.Writer) error
	landPanel func(procedure string) bool
	land      LandRegistry
	web       *web.Web
	catalog   Catalog
	units     Units
	dossiers  Dossiers
	forms     Forms
	notify    Notify
	postal    Postal
	payments  Payments // fees (nil: off)
	sohoa     Digitiser
	esign     ESign // in-app signing links (nil: off)
	// portal is the national portal sync (nil: off); reach names the units
	// where an officer holds a right; portalConnected says whether calls
	// are being sent.
	portal          PortalSync
	reach           func(ctx context.Context, a *auth.Actor, r auth.Right) ([]int64, error)
	portalConnected bool
	people          Population
	documents       Documents // the document pages (nil: off)
	workFiles       WorkFiles // the work-file pages (nil: off)
	holders         func(ctx context.Context, unitID int64, role string) ([]auth.User, error)
	pages           map[string]*template.Template
}

// Config is what the back-office pages are built from. Payments may be
// nil (fees off).
type Config struct {
	Web      *web.Web
	Catalog  Catalog
	Units    Units
	Dossiers Dossiers
	Forms    Forms
	Notify   Notify
	Postal   Postal
	Payments Payments
	ESign    ESign
	// Sohoa digitises papers at the desk (package sohoa).
	Sohoa Digitiser
	// PortalSync, Reach and PortalConnected feed the national portal sync
	// page (/can-bo/dong-bo-cong-dvc); PortalSync nil: the page says it is off.
	PortalSync      PortalSync
	Reach           func(ctx context.Context, a *auth.Actor, r auth.Right) ([]int64, error)
	PortalConnected bool
	// Population checks applicants against the population database
	// (population.go); nil or disabled: no such check.
	Population Population
	// Documents serves the document pages (registers, queue, document
	// page); nil leaves them out.
	Documents Documents
	// WorkFiles serves the work-file pages (workfiles.go); nil leaves them out.
	WorkFiles WorkFiles
	// Holders lists the accounts holding a role at a unit (auth.Service's),
	// for the specialist select of the document page; nil: a username field.
	Holders func(ctx context.Context, unitID int64, role string) ([]auth.User, error)
	// Archive writes a dossier's archive copy, a ZIP (mydata.Service's);
	// nil leaves the link and route out.
	Archive func(ctx context.Context, a *auth.Actor, code string, w io.Writer) error
	// LandPanel tells the land registry's procedures (land.IsLand): their
	// dossier page links to the registry's panel. Nil: no link.
	LandPanel func(procedure string) bool
	// Land fills a land procedure's counter form from the registry
	// (*land.Service); nil leaves the box out.
	Land LandRegistry
}

// New parses the templates and merges the messages into the shared catalog.
func New(cfg Config) (*Office, error) {
	pages, err := cfg.Web.Surface(files)
	if err != nil {
		return nil, err
	}
	return &Office{web: cfg.Web, catalog: cfg.Catalog, units: cfg.Units, dossiers: cfg.Dossiers, forms: cfg.Forms,
		notify: cfg.Notify, postal: cfg.Postal, payments: cfg.Payments, esign: cfg.ESign, sohoa: cfg.Sohoa, pages: pages,
		portal: cfg.PortalSync, reach: cfg.Reach, portalConnected: cfg.PortalConnected, people: cfg.Population, documents: cfg.Documents, workFiles: cfg.WorkFiles, holders: cfg.Holders, archive: cfg.Archive, landPanel: cfg.LandPanel, land: cfg.Land}, nil
}

func (o *Office) render(w http.ResponseWriter, code int, page string, data any) error {
	t, ok := o.pages[page]
	if !ok {
		return fmt.Errorf("office: no template %q", page)
	}
	return o.web.Render(w, code, t, data)
}
