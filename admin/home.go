package admin

import (
	"net/http"

	"github.com/motcua/motcua/web"
)

type homePage struct {
	web.Page
}

func (o *Admin) home(w http.ResponseWriter, r *http.Request) error {
	if _, err := web.RequireActor(r); err != nil {
		return err
	}
	p := homePage{Page: o.web.Page(r, "admin.title")}
	p.Office = true
	return o.render(w, http.StatusOK, "home", p)
}
