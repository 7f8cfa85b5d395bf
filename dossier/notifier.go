package dossier

import (
	"context"

	"github.com/motcua/motcua/store"
)

// Notifier is told of every change of a dossier's state, inside the
// transaction that makes it (package notify implements it with an outbox,
// so a notification exists exactly when its change is committed). It is
// called from two places only: Submit, for a new dossier, and apply, for
// every action of the lifecycle table. An error rolls the change back.
//
// Config.Notifier nil means no notifications.
type Notifier interface {
	// Transitioned receives d as it is after the change (status, step,
	// unit, assignee and due date are the new ones; ProcedureName and
	// StepName are filled in), the action taken (SubmitAction for a new
	// dossier), the state before it and the action's written note.
	Transitioned(ctx context.Context, tx *store.Tx, d *Dossier, action Action, from State, note string) error
}

// SubmitAction is the pseudo-action of a new dossier, as recorded in its
// history and passed to Notifier.
const SubmitAction Action = "submit"

// notify passes a committed-to-be change to the configured Notifier.
func (s *Service) notify(ctx context.Context, tx *store.Tx, code string, action Action, from State, note string) error {
	if s.cfg.Notifier == nil {
		return nil
	}
	d, err := s.load(ctx, tx, code)
	if err != nil {
		return err
	}
	if err := s.decorate(ctx, tx, d); err != nil {
		return err
	}
	return s.cfg.Notifier.Transitioned(ctx, tx, d, action, from, note)
}

// OwnerID is the citizen account that filed the dossier online, or 0 for
// a dossier entered at the counter or filed on a citizen's behalf.
func (d *Dossier) OwnerID() int64 { return d.ownerID }

// AssigneeID is the officer the current step is assigned to, or 0 when it
// waits in the unit's queue.
func (d *Dossier) AssigneeID() int64 { return d.assigneeID }

// UnitID is the internal id of the unit now holding the dossier.
func (d *Dossier) UnitID() int64 { return d.unitID }
