package stats

import (
	"net/http"

	"github.com/motcua/motcua/auth"
	"github.com/motcua/motcua/web"
)

type indexPage struct {
	web.Page
}

// index is the leader's entry to the statistics: a list of what there is.
func (s *Stats) index(w http.ResponseWriter, r *http.Request, a *auth.Actor) error {
	return s.render(w, http.StatusOK, "index", indexPage{Page: s.page(r, "stats.index.title")})
}
