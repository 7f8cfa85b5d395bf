package web

import "net/http"

// Mux is where a surface registers its routes: an *http.ServeMux, or the
// server's recorder around one, which keeps the list of every pattern so
// that the scope matrix test (server/scope_test.go) can check each route
// against the scope table.
type Mux interface {
	Handle(pattern string, h http.Handler)
	HandleFunc(pattern string, h func(http.ResponseWriter, *http.Request))
}
