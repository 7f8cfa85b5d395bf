package dossier

import (
	"context"
	"time"

	"github.com/motcua/motcua/auth"
	"github.com/motcua/motcua/event"
	"github.com/motcua/motcua/store"
	"github.com/motcua/motcua/unit"
)

// Transitioned is published on Config.Events for every change of a
// dossier's state, inside the transaction that makes it: from Submit, for
// a new dossier, and from Act, for every action of the lifecycle table.
// Its listeners (notifications, audit…) run in that transaction; an error
// from any of them rolls the change back, so what they write exists
// exactly when the change does.
type Transitioned struct {
	// Dossier is as it is after the change (status, step, unit, assignee
	// and due date are the new ones; ProcedureName and StepName are
	// filled in). Listeners must not modify it.
	Dossier *Dossier
	// Action is the action taken, SubmitAction for a new dossier.
	Action Action
	// From is the state before the change ("" for a new dossier).
	From State
	// FromUnitID is the unit that held the dossier before the change (0
	// for a new dossier): the unit the actor acted at; FromStep the step
	// it was at.
	FromUnitID int64
	FromStep   int
	// Note is the action's written note.
	Note string
	// ActorID, ActorName and ActorRole are who acted, in the role the
	// history records for it (the rule's role; for a submission the
	// applicant, the desk or the community team).
	ActorID   int64
	ActorName string
	ActorRole string
	// At is when the change was made (the service's clock).
	At time.Time
	// EventID is the dossier_events row the change appended, and
	// EventDigest that row's digest (EventDigests): the audit log records
	// it so an edit of the history row is found.
	EventID     int64
	EventDigest string
	// Consultation is the request to a partner agency a consult sent, or
	// the one a record-answer answered; nil for every other action.
	Consultation *Consultation
	// EventDue is the appointment the history row records for the act
	// (its due_at): the deadline a reception or an extension set, an
	// apology's new date, a partner's due; nil when the act set none.
	EventDue *time.Time
}

// DraftFiled is published when a draft of the online wizard becomes a
// dossier's files (SubmitDraft), in the transaction that deletes the draft
// and attaches them: once per draft, never on a replay.
type DraftFiled struct {
	DraftID int64
	// Dossier is the dossier filed (its Files not yet read back); Files
	// are the draft's files as attached, with their ids.
	Dossier *Dossier
	Files   []File
	// ActorName is the applicant account's full name, ActorUsername its
	// username.
	ActorID                  int64
	ActorName, ActorUsername string
	At                       time.Time
}

// SubmitAction is the pseudo-action of a new dossier, as recorded in its
// history and published in Transitioned.
const SubmitAction Action = "submit"

// publish tells the listeners of Config.Events of a committed-to-be change
// to the dossier with code, and returns the dossier as they saw it
// (decorated), or nil when there are no listeners: then the dossier is
// not read. The caller may hand the dossier in e.Dossier when it has the
// row as stored (a submission's INSERT returns it), the digest of its
// history row in e.EventDigest, and the labels of units it has already
// read in known: each of those is then not read again in tx, where on
// SQLite every statement holds the one writer (issue 15).
func (s *Service) publish(ctx context.Context, tx *store.Tx, code string, e Transitioned, a *auth.Actor, known map[int64]unit.Label) (*Dossier, error) {
	if len(event.Listeners[Transitioned](s.cfg.Events)) == 0 {
		return nil, nil
	}
	d := e.Dossier
	if d == nil {
		var err error
		if d, err = s.load(ctx, tx, code); err != nil {
			return nil, err
		}
	}
	if err := s.decorateKnown(ctx, tx, []*Dossier{d}, known); err != nil {
		return nil, err
	}
	e.Dossier, e.ActorID, e.ActorName = d, a.ID, a.FullName
	if e.EventDigest == "" {
		digests, err := EventDigests(ctx, tx, []int64{e.EventID})
		if err != nil {
			return nil, err
		}
		e.EventDigest = digests[e.EventID]
	}
	return d, event.Publish(ctx, s.cfg.Events, tx, e)
}

// ID is the dossier's row id, the key its listeners keep it under.
func (d *Dossier) ID() int64 { return d.id }

// OwnerID is the citizen account that filed the dossier online, or 0 for
// a dossier entered at the counter or filed on a citizen's behalf.
func (d *Dossier) OwnerID() int64 { return d.ownerID }

// AssigneeID is the officer the current step is assigned to, or 0 when it
// waits in the unit's queue.
func (d *Dossier) AssigneeID() int64 { return d.assigneeID }

// UnitID is the internal id of the unit now holding the dossier.
func (d *Dossier) UnitID() int64 { return d.unitID }

// ReceivingUnitID is the internal id of the unit whose desk received the
// dossier (ReceivingUnit is its code).
func (d *Dossier) ReceivingUnitID() int64 { return d.receivingID }
