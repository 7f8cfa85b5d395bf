package office

import (
	"net/http"

	"github.com/motcua/motcua/auth"
	"github.com/motcua/motcua/notify"
	"github.com/motcua/motcua/web"
)

// noticesPage is the officer's in-app notices (assigned to you, due soon,
// overdue) and, for unit admins, the e-mail and SMS that could not be
// delivered about their units' dossiers.
type noticesPage struct {
	web.Page
	Notices  []notify.Notice
	Unread   int
	Admin    bool
	Failures []notify.Failure
}

func (o *Office) notices(w http.ResponseWriter, r *http.Request, a *auth.Actor) error {
	ctx := r.Context()
	p := noticesPage{Page: o.page(r, "office.notices.title")}
	var err error
	if p.Notices, p.Unread, err = o.notify.Notices(ctx, a.ID, 100); err != nil {
		return err
	}
	var units []int64
	for _, g := range a.Grants {
		if g.Role == auth.Admin {
			units = append(units, g.UnitID)
		}
	}
	p.Admin = len(units) > 0
	if p.Failures, err = o.notify.Failures(ctx, units, 100); err != nil {
		return err
	}
	if err := o.render(w, http.StatusOK, "notices", p); err != nil {
		return err
	}
	return o.notify.MarkRead(ctx, a.ID)
}
