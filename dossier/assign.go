package dossier

import (
	"context"

	"github.com/motcua/motcua/catalog"
)

// Candidate is an officer a step can be handed to.
type Candidate struct {
	Username string
	FullName string
}

// Assignees lists who may be given the step that action leads d to: the
// active users holding that step's role at the unit that performs it (the
// same rule Act checks for ActInput.Assignee). It is empty when the action
// leads to no processing step (the result goes back to the one-stop desk)
// or takes no assignee. d must come from Get.
func (s *Service) Assignees(ctx context.Context, d *Dossier, action Action) ([]Candidate, error) {
	p, err := s.ProcedureFor(ctx, d)
	if err != nil {
		return nil, err
	}
	step := -1
	switch action {
	case Receive:
		step = firstWorkStep(p)
	case Forward, Approve:
		if next := d.Step + 1; next <= lastWorkStep(p) {
			step = next
		}
	case SendBack:
		step = d.Step - 1
	}
	if step < 0 || step >= len(p.Steps) {
		return nil, nil
	}
	u, err := s.stepUnit(ctx, s.db, d, p, step)
	if err != nil {
		return nil, err
	}
	users, err := s.auth.Holders(ctx, u.ID, p.Steps[step].Role)
	if err != nil {
		return nil, err
	}
	var out []Candidate
	for _, h := range users {
		out = append(out, Candidate{Username: h.Username, FullName: h.FullName})
	}
	return out, nil
}

// ProcedureFor returns the procedure version d was filed under (its
// components, e-form labels and steps).
func (s *Service) ProcedureFor(ctx context.Context, d *Dossier) (catalog.Procedure, error) {
	return s.catalog.Version(ctx, s.db, d.Procedure, d.ProcedureVersion)
}

// NoteRequired reports whether an officer taking action in state st must
// give a written reason (the lifecycle table's NeedsNote for officer roles).
func NoteRequired(st State, action Action) bool {
	for _, r := range RulesFor(st, action) {
		if r.Role != ApplicantRole && r.NeedsNote {
			return true
		}
	}
	return false
}
