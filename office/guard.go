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
	switch problem.Status(err) {
	case http.StatusUnprocessableEntity, http.StatusConflict, http.StatusForbidden, http.StatusRequestEntityTooLarge:
		return pe, true
	}
	return nil, false
}

// errorText is the message of an error a back-office form shows: the
// back office's own wording, "office.err.<code>", for the errors officers
// meet most, else the shared catalog's sentence.
func errorText(p web.Page, pe *problem.Error) string {
	if k := "office.err." + pe.Code; p.Has(k) {
		return p.T(k)
	}
	return p.Error(pe)
}

// option is one <option> of a filter or form select.
type option struct {
	Value, Label string
	Selected     bool
}

// key builds a message key from an enumeration value ("state." + "processing").
func key(prefix string, value string) string { return prefix + value }
