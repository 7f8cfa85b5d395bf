package server

import (
	"net/http"
	"slices"
)

// routeList is the mux the surfaces register on, keeping every pattern:
// App.Routes, which the scope matrix test walks so that no route escapes
// the scope table.
type routeList struct {
	*http.ServeMux
	patterns []string
}

func (m *routeList) Handle(pattern string, h http.Handler) {
	m.patterns = append(m.patterns, pattern)
	m.ServeMux.Handle(pattern, h)
}

func (m *routeList) HandleFunc(pattern string, h func(http.ResponseWriter, *http.Request)) {
	m.patterns = append(m.patterns, pattern)
	m.ServeMux.HandleFunc(pattern, h)
}

// sorted returns the patterns in order, without repeats.
func (m *routeList) sorted() []string {
	out := slices.Clone(m.patterns)
	slices.Sort(out)
	return slices.Compact(out)
}
