package admin

import "net/http"

// Register adds the admin pages to mux.
func (o *Admin) Register(mux *http.ServeMux) {
	h := o.web.Wrap
	mux.HandleFunc("GET /quan-tri", h(o.home))
}
