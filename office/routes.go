package office

import "net/http"

// Register adds the back-office pages to mux.
func (o *Office) Register(mux *http.ServeMux) {
	h := o.web.Wrap
	mux.HandleFunc("GET /can-bo", h(o.dashboard))
}
