package forms

import (
	"context"
	"time"

	"github.com/motcua/motcua/auth"
	"github.com/motcua/motcua/dossier"
	"github.com/motcua/motcua/problem"
	"github.com/motcua/motcua/typeset"
)

// ResultToSign renders the result document of a dossier the leader a is
// about to approve at at, as it will be once approved: numbered, dated
// at, signed in a's name and position. It is what package esign signs
// before the approval commits. The number is reserved for the dossier
// (form_numbers keeps it per dossier), so printing the result after the
// approval gives the same number.
func (s *Service) ResultToSign(ctx context.Context, a *auth.Actor, code, base string, at time.Time) (*Document, error) {
	sh, err := s.load(ctx, a, code, base)
	if err != nil {
		return nil, err
	}
	if sh.d.Status != dossier.Processing {
		return nil, problem.New(problem.ErrState, "result_not_ready")
	}
	d := *sh.d
	d.ResultAt, d.Status = &at, dossier.ResultReady
	d.History = append(append([]dossier.Event(nil), sh.d.History...), dossier.Event{At: at, Actor: a.FullName, ActorID: a.ID,
		Role: auth.Leader, Action: dossier.Approve, From: dossier.Processing, To: dossier.ResultReady})
	sh.d, sh.now = &d, at
	title, out, err := s.resultOf(ctx, sh)
	if err != nil {
		return nil, err
	}
	return &Document{Name: "ket-qua-" + d.Code + ".pdf", Title: title, PDF: out.pdf, Signature: out.spot}, nil
}

// Font is the embedded Liberation Serif (regular or bold), for the
// signature appearances drawn over the forms.
func Font(bold bool) ([]byte, error) {
	if bold {
		return typeset.Font(typeset.Bold)
	}
	return typeset.Font(typeset.Regular)
}
