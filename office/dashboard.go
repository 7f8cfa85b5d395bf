package office

import (
	"net/http"

	"github.com/motcua/motcua/web"
)

type dashboardPage struct {
	web.Page
}

func (o *Office) dashboard(w http.ResponseWriter, r *http.Request) error {
	a, err := web.RequireActor(r)
	if err != nil {
		return err
	}
	p := dashboardPage{Page: o.web.Page(r, "office.dashboard.title")}
	p.Office = true
	_ = a
	return o.render(w, http.StatusOK, "dashboard", p)
}
