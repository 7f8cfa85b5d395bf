package portal

import "net/http"

// Register adds the citizens' pages to mux.
func (p *Portal) Register(mux *http.ServeMux) {
	h := p.web.Wrap
	mux.HandleFunc("GET /{$}", h(p.home))
	mux.HandleFunc("GET /thu-tuc/{code}", h(p.procedure))
	mux.HandleFunc("GET /tra-cuu", h(p.trackForm))
	mux.HandleFunc("GET /tra-cuu/{code}", h(p.track))
}
