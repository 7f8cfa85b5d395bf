// Package catalogtest holds the built-in procedure catalog in memory, for
// handler tests that need real procedures without a database.
package catalogtest

import (
	"context"
	"sort"
	"strings"

	"github.com/motcua/motcua/catalog"
	"github.com/motcua/motcua/problem"
	"github.com/motcua/motcua/vntext"
)

// Memory answers Get and Search over the built-in procedures, each at
// version 1, the way catalog.Store does over a freshly seeded database.
type Memory struct {
	procs map[string]catalog.Procedure
}

// New loads the built-in procedures.
func New() (*Memory, error) {
	ps, err := catalog.Builtin()
	if err != nil {
		return nil, err
	}
	m := &Memory{procs: map[string]catalog.Procedure{}}
	for _, p := range ps {
		p.Version = 1
		m.procs[p.Code] = p
	}
	return m, nil
}

// Get returns the procedure with code.
func (m *Memory) Get(_ context.Context, code string) (catalog.Procedure, error) {
	p, ok := m.procs[code]
	if !ok {
		return catalog.Procedure{}, problem.NotFound("procedure_not_found", "Không tìm thấy thủ tục.")
	}
	return p, nil
}

// Upcoming reports no scheduled version: the built-in catalog has none.
func (m *Memory) Upcoming(context.Context, string) (catalog.Procedure, bool, error) {
	return catalog.Procedure{}, false, nil
}

// Search lists the procedures matching q, by field then code.
func (m *Memory) Search(_ context.Context, q catalog.Query) ([]catalog.Summary, error) {
	out := []catalog.Summary{}
	for _, p := range m.procs {
		text := vntext.Fold(strings.Join([]string{p.Code, p.Name, p.Field, p.Result, p.Agency}, " "))
		ok := (q.Field == "" || p.FieldCode == q.Field) && (q.Level == "" || contains(p.Levels, q.Level))
		for _, t := range vntext.Terms(q.Text) {
			ok = ok && strings.Contains(text, t)
		}
		if ok {
			out = append(out, catalog.Summary{Code: p.Code, Version: p.Version, Name: p.Name, Field: p.Field,
				FieldCode: p.FieldCode, Levels: p.Levels, Online: p.Online})
		}
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].Field != out[j].Field {
			return out[i].Field < out[j].Field
		}
		return out[i].Code < out[j].Code
	})
	return out, nil
}

func contains(xs []string, x string) bool {
	for _, v := range xs {
		if v == x {
			return true
		}
	}
	return false
}
