package office

import (
	"errors"
	"net/http"

	"github.com/motcua/motcua/auth"
	"github.com/motcua/motcua/problem"
	"github.com/motcua/motcua/web"
)

// officerHandler is a back-office handler that runs for a signed-in officer.
type officerHandler func(w http.ResponseWriter, r *http.Request, a *auth.Actor) error

type deniedPage struct {
	web.Page
	Message string
}

// officer guards a back-office page: an anonymous visitor is sent to sign
// in (web.Wrap turns the 401 into a redirect), a citizen gets a 403 page.
// Which dossiers the officer then sees is the dossier service's business.
func (o *Office) officer(h officerHandler) http.HandlerFunc {
	return o.web.Wrap(func(w http.ResponseWriter, r *http.Request) error {
		a, err := web.RequireActor(r)
		if err != nil {
			return err
		}
		if a.IsCitizen() {
			return o.deny(w, r, "office.denied.citizen")
		}
		return h(w, r, a)
	})
}

// deny renders the 403 page with a translated explanation.
func (o *Office) deny(w http.ResponseWriter, r *http.Request, msgKey string) error {
	p := o.page(r, "office.denied.title")
	return o.render(w, http.StatusForbidden, "denied", deniedPage{Page: p, Message: p.T(msgKey)})
}

// page builds the common data of a back-office page.
func (o *Office) page(r *http.Request, titleKey string, args ...any) web.Page {
	p := o.web.Page(r, titleKey, args...)
	p.Office = true
	return p
}

// publicError returns err's public face when it is one a form can show
// next to the input (bad input, a state or permission the table refuses,
// a colleague's concurrent change); other errors go to web.Wrap.
func publicError(err error) (*problem.Error, bool) {
	var pe *problem.Error
	if !errors.As(err, &pe) {
		return nil, false
	}
	switch web.StatusOf(err) {
	case http.StatusUnprocessableEntity, http.StatusConflict, http.StatusForbidden, http.StatusRequestEntityTooLarge:
		return pe, true
	}
	return nil, false
}

// errorText translates the errors officers meet most; the rest keep the
// service's public (Vietnamese) message.
func errorText(p web.Page, pe *problem.Error) string {
	switch pe.Code {
	case "version_conflict":
		return p.T("office.error.conflict")
	case "note_required":
		return p.T("office.error.note_required")
	case "invalid_new_due":
		return p.T("office.error.new_due")
	case "apology_required":
		return p.T("office.error.apology_required")
	case "supplement_limit":
		return p.T("office.error.supplement_limit")
	case "invalid_assignee":
		return p.T("office.error.assignee")
	case "invalid_transition":
		return p.T("office.error.transition")
	case "action_not_permitted":
		return p.T("office.error.not_permitted")
	}
	return pe.Message
}

// option is one <option> of a filter or form select.
type option struct {
	Value, Label string
	Selected     bool
}

// key builds a message key from an enumeration value ("state." + "processing").
func key(prefix string, value string) string { return prefix + value }
