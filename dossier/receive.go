package dossier

import (
	"context"
	"strings"

	"github.com/motcua/motcua/auth"
	"github.com/motcua/motcua/catalog"
	"github.com/motcua/motcua/problem"
)

// CheckItem is one component of a dossier in the completeness check at
// reception.
type CheckItem struct {
	Component catalog.Component
	// Files are the component's uploaded scans.
	Files []File
	// Paper: the receiving officer checked the paper document.
	Paper bool
}

// Done reports whether the component is there, as a file or on paper.
func (c CheckItem) Done() bool { return len(c.Files) > 0 || c.Paper }

// Checklist matches a procedure's components against a dossier's files and
// the component keys the officer ticked as checked on paper.
func Checklist(p catalog.Procedure, files []File, paper []string) []CheckItem {
	ticked := map[string]bool{}
	for _, k := range paper {
		ticked[k] = true
	}
	out := make([]CheckItem, 0, len(p.Components))
	for _, c := range p.Components {
		it := CheckItem{Component: c, Paper: ticked[c.Key]}
		for _, f := range files {
			if f.Kind == "component" && f.Component == c.Key {
				it.Files = append(it.Files, f)
			}
		}
		out = append(out, it)
	}
	return out
}

// Missing names the required components that are not there.
func Missing(items []CheckItem) []string {
	var out []string
	for _, it := range items {
		if it.Component.Required && !it.Done() {
			out = append(out, it.Component.Name)
		}
	}
	return out
}

// ReceiveChecked receives a submitted dossier after the reception officer's
// completeness check: every required component must have a file or be
// ticked in paper as checked. The paper checks go into the receive event's
// note, so the history says what the officer saw. Anything else wrong
// (another state, a colleague's concurrent change, no right to receive) is
// reported by Act, unchanged.
func (s *Service) ReceiveChecked(ctx context.Context, a *auth.Actor, code string, in ActInput, paper []string) (*Dossier, error) {
	d, err := s.Get(ctx, a, code)
	if err != nil {
		return nil, err
	}
	if d.Status == Submitted && (in.Version == 0 || in.Version == d.Version) {
		p, err := s.ProcedureFor(ctx, d)
		if err != nil {
			return nil, err
		}
		items := Checklist(p, d.Files, paper)
		if miss := Missing(items); len(miss) > 0 {
			return nil, problem.Invalid("components", "components_missing", strings.Join(miss, "; "))
		}
		var seen []string
		for _, it := range items {
			if it.Paper {
				seen = append(seen, it.Component.Name)
			}
		}
		if len(seen) > 0 {
			note := "Bản giấy đã kiểm tra: " + strings.Join(seen, "; ") + "."
			if in.Note = strings.TrimSpace(in.Note); in.Note != "" {
				note += " " + in.Note
			}
			in.Note = note
		}
	}
	return s.Act(ctx, a, code, Receive, in)
}
