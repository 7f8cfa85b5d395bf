// Package admin serves the unit administrator's pages: units and
// departments, users and roles, procedures (an edit is a new version), the
// holiday calendar and its yearly announcements, and officers' TOTP.
package admin

import (
	"embed"
	"fmt"
	"html/template"
	"net/http"

	"github.com/motcua/motcua/auth"
	"github.com/motcua/motcua/catalog"
	"github.com/motcua/motcua/dossier"
	"github.com/motcua/motcua/unit"
	"github.com/motcua/motcua/web"
)

//go:embed templates/*.html messages.*.json
var files embed.FS

// Admin holds what the admin pages need.
type Admin struct {
	web      *web.Web
	auth     *auth.Service
	catalog  *catalog.Store
	units    *unit.Store
	dossiers *dossier.Service
	pages    map[string]*template.Template
}

// New parses the templates and merges the messages into w's catalog.
func New(w *web.Web, au *auth.Service, cat *catalog.Store, units *unit.Store, ds *dossier.Service) (*Admin, error) {
	msgs, err := web.LoadCatalog(files)
	if err != nil {
		return nil, err
	}
	if err := w.Catalog().Merge(msgs); err != nil {
		return nil, err
	}
	pages, err := w.Templates(files)
	if err != nil {
		return nil, err
	}
	return &Admin{web: w, auth: au, catalog: cat, units: units, dossiers: ds, pages: pages}, nil
}

func (o *Admin) render(w http.ResponseWriter, code int, page string, data any) error {
	t, ok := o.pages[page]
	if !ok {
		return fmt.Errorf("admin: no template %q", page)
	}
	return o.web.Render(w, code, t, data)
}
