package admin

import (
	"net/http"

	"github.com/motcua/motcua/web"
)

type homePage struct {
	web.Page
}

func (o *Admin) home(w http.ResponseWriter, r *http.Request) error {
	if _, err := requireAdmin(r); err != nil {
		return err
	}
	return o.render(w, http.StatusOK, "home", homePage{Page: o.adminPage(r, "admin.title")})
}
