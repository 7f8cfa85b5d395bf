// Package admin serves the unit administrator's pages: units and
// departments, users and roles, procedures (an edit is a new version), the
// holiday calendar and its yearly announcements, and officers' TOTP.
//
// An actor holding the admin role on a unit administers that unit and
// every unit below it; procedures and the calendar are the province's
// (auth.Scopes). The services (unit.Store's *As/Managed functions,
// auth.Accounts, catalog.Store.Edit, calendar.Store) enforce those scopes;
// these pages only show what they allow. Admins manage accounts and
// units, not dossiers: no admin page shows a dossier's content.
package admin

import (
	"context"
	"embed"
	"errors"
	"fmt"
	"html/template"
	"net/http"
	"time"

	"github.com/motcua/motcua/auth"
	"github.com/motcua/motcua/calendar"
	"github.com/motcua/motcua/problem"
	"github.com/motcua/motcua/web"
)

//go:embed templates/*.html messages.*.json
var files embed.FS

// Calendar is the working-day calendar in force and its admin-added
// announcements (calendar.Store).
type Calendar interface {
	Current() *calendar.Calendar
	Announcements(ctx context.Context) ([]calendar.Announcement, error)
	Add(ctx context.Context, a *auth.Actor, ann calendar.Announcement) error
	Withdraw(ctx context.Context, a *auth.Actor, date string) error
	// SetDueEndOfDay and Served: the lateness rule of the province served.
	SetDueEndOfDay(ctx context.Context, a *auth.Actor, province int64, on bool) error
	Served() int64
}

// Admin holds what the admin pages need.
type Admin struct {
	web      *web.Web
	auth     Auth
	accounts Accounts
	catalog  Catalog
	units    Units
	calendar Calendar
	partners Partners
	audit    Audit
	reorg    Reorg
	webhooks Webhooks
	now      func() time.Time
	pages    map[string]*template.Template
}

// Config is what the admin pages are built from.
type Config struct {
	Web      *web.Web
	Auth     Auth
	Accounts Accounts
	Catalog  Catalog
	Units    Units
	Calendar Calendar
	// Partners is the province's registry of partner agencies.
	Partners Partners
	// Audit is the audit log, for its supervisors' page.
	Audit Audit
	// Reorg checks, applies and reverts reorganisation plans.
	Reorg Reorg
	// Webhooks keeps the integrators' subscriptions (package webhook).
	Webhooks Webhooks
	// Now is the clock that picks the year shown by default (nil means
	// time.Now).
	Now func() time.Time
}

// New parses the templates and merges the messages into the web's catalog.
func New(cfg Config) (*Admin, error) {
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	pages, err := cfg.Web.Surface(files)
	if err != nil {
		return nil, err
	}
	return &Admin{web: cfg.Web, auth: cfg.Auth, accounts: cfg.Accounts, catalog: cfg.Catalog, units: cfg.Units,
		calendar: cfg.Calendar, partners: cfg.Partners, audit: cfg.Audit, reorg: cfg.Reorg, webhooks: cfg.Webhooks, now: cfg.Now, pages: pages}, nil
}

func (o *Admin) render(w http.ResponseWriter, code int, page string, data any) error {
	t, ok := o.pages[page]
	if !ok {
		return fmt.Errorf("admin: no template %q", page)
	}
	return o.web.Render(w, code, t, data)
}

// adminPage builds a back-office page's common data.
func (o *Admin) adminPage(r *http.Request, titleKey string, args ...any) web.Page {
	p := o.web.Page(r, titleKey, args...)
	p.Office = true
	return p
}

// requireAdmin lets through an actor holding the admin role somewhere;
// which units they may touch is checked by the services.
func requireAdmin(r *http.Request) (*auth.Actor, error) {
	a, err := web.RequireActor(r)
	if err != nil {
		return nil, err
	}
	if !a.HasAnywhere(auth.Admin) {
		return nil, problem.Forbidden("admin_page")
	}
	return a, nil
}

// Alert is a refused form: which form on the page, which field, and why.
type Alert struct{ Form, Field, Text string }

// In reports whether the alert belongs to form.
func (a Alert) In(form string) bool { return a.Text != "" && a.Form == form }

// Bad reports whether field of form is the one at fault.
func (a Alert) Bad(form, field string) bool { return a.In(form) && a.Field == field }

// refused turns a service error into an alert on form and the status to
// answer with, or returns the error itself when it is not about the input
// (forbidden, internal): Wrap then shows the error page. The message is
// the catalog's "admin.err.<code>" when there is one, else the shared "err.<code>".
func (o *Admin) refused(p web.Page, form string, err error) (Alert, int, error) {
	var pe *problem.Error
	if !errors.As(err, &pe) || errors.Is(err, problem.ErrForbidden) || errors.Is(err, problem.ErrUnauthorized) {
		return Alert{}, 0, err
	}
	text := p.Error(pe)
	if key := "admin.err." + pe.Code; p.Has(key) {
		text = p.T(key)
	}
	code := problem.Status(err)
	if code == http.StatusNotFound {
		code = http.StatusUnprocessableEntity // a form named something that does not exist
	}
	return Alert{Form: form, Field: pe.Field, Text: text}, code, nil
}

// invalid is an alert for input the page itself checks.
func invalid(p web.Page, form, field, key string) Alert {
	return Alert{Form: form, Field: field, Text: p.T(key)}
}

// notice translates the "ok" query parameter a redirect after a
// successful post carries; unknown values show nothing.
func (o *Admin) notice(p web.Page, r *http.Request) string {
	key := "admin.ok." + r.URL.Query().Get("ok")
	if r.URL.Query().Get("ok") == "" || !o.web.Catalog().Has(p.Lang, key) {
		return ""
	}
	return p.T(key)
}

func seeOther(w http.ResponseWriter, r *http.Request, url string) error {
	http.Redirect(w, r, url, http.StatusSeeOther)
	return nil
}

// enumText translates one value of an enumeration (a role, a level, a
// kind of day…) with the key prefix+value; a test checks every value has
// its key in both languages.
func enumText(p web.Page, prefix, value string) string { return p.T(prefix + value) }
