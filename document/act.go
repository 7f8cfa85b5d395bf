package document

import (
	"context"
	"unicode/utf8"

	"github.com/motcua/motcua/auth"
	"github.com/motcua/motcua/problem"
	"github.com/motcua/motcua/store"
)

// step is one act on an existing document, checked against Rules.
type step struct {
	action  Action
	version int64 // the version the actor saw; 0 skips the check
	note    string
	// apply makes the act's own changes in tx before the state moves (d
	// is the document as loaded, to the next state); may set d's fields
	// that the final UPDATE writes (see save).
	apply func(ctx context.Context, tx *store.Tx, d *row, to State) error
	// publish publishes the act's typed event.
	publish func(ctx context.Context, tx *store.Tx, act Act) error
}

// do runs st on document id for a in one transaction: visibility, the
// version, the lifecycle table, the act's changes, the state and version,
// the trail, the event. It returns the document as a sees it after.
// maxNote bounds an act's note, a return's reason, a progress report.
const maxNote = 2000

func (s *Service) do(ctx context.Context, a *auth.Actor, id int64, st step) (*Document, error) {
	var out *Document
	err := s.db.InTx(ctx, func(tx *store.Tx) error {
		d, err := s.load(ctx, tx, id)
		if err != nil {
			return err
		}
		if ok, err := s.canView(ctx, tx, a, d); err != nil {
			return err
		} else if !ok {
			return problem.NotFound("document_not_found", id)
		}
		// A note lands in the trail and the audit row of every act.
		if utf8.RuneCountInString(st.note) > maxNote {
			return problem.Invalid("note", "document_text_too_long", maxNote)
		}
		if st.version != 0 && st.version != d.Version {
			return problem.Conflict("document_version_conflict", d.Version)
		}
		roles, err := s.rolesOn(ctx, tx, a, d)
		if err != nil {
			return err
		}
		from := d.State
		to, role, ok := Next(from, st.action, roles)
		if !ok {
			return refusal(from, st.action)
		}
		if to == StatePrevious {
			if to, err = s.stateBefore(ctx, tx, d.ID, from); err != nil {
				return err
			}
		}
		if st.apply != nil {
			if err := st.apply(ctx, tx, d, to); err != nil {
				return err
			}
		}
		d.State = to
		if err := s.save(ctx, tx, d); err != nil {
			return err
		}
		// Reload: apply may have changed the assignment, the number…
		if d, err = s.load(ctx, tx, id); err != nil {
			return err
		}
		act, err := s.trace(ctx, tx, a, d, st.action, role, from, st.note)
		if err != nil {
			return err
		}
		if err := s.fill(ctx, tx, a, []*row{d}); err != nil {
			return err
		}
		act.Document = d.Document
		if st.publish != nil {
			if err := st.publish(ctx, tx, act); err != nil {
				return err
			}
		}
		out = &d.Document
		return nil
	})
	return out, err
}

// refusal is the error for an action the table does not give the actor:
// not in this state at all (ErrState), or not to them (ErrNotPermitted).
func refusal(from State, action Action) error {
	for _, r := range Rules {
		if r.From == from && r.Action == action {
			return problem.New(problem.ErrNotPermitted, "document_not_permitted", problem.Key("document.action."+string(action)))
		}
	}
	return problem.New(problem.ErrState, "document_wrong_state", problem.Key("document.action."+string(action)), problem.Key("document.state."+string(from)))
}

// save writes the state and the fields acts change, bumping the version;
// a concurrent change that committed first makes it a conflict.
func (s *Service) save(ctx context.Context, tx *store.Tx, d *row) error {
	now := s.cfg.Now().UnixMilli()
	var year, seq any
	if d.issueSeq != 0 {
		year, seq = d.issueYear, d.issueSeq
	}
	res, err := tx.ExecContext(ctx, `UPDATE documents SET state = ?, version = version + 1, updated_at = ?, assignment_id = ?,
		code_number = ?, code_notation = ?, issued_date = ?, issue_year = ?, issue_seq = ?, signer_position = ?, signer_name = ?,
		completed_at = CASE WHEN ? = 'completed' THEN ? ELSE completed_at END,
		issued_at = CASE WHEN ? = 'issued' AND issued_at IS NULL THEN ? ELSE issued_at END
		WHERE id = ? AND version = ?`,
		d.State, now, d.assignmentID, d.CodeNumber, d.CodeNotation, d.IssuedDate, year, seq, d.Signer.Position, d.Signer.FullName,
		d.State, now, d.State, now, d.ID, d.Version)
	if err != nil {
		return err
	}
	if n, err := res.RowsAffected(); err != nil {
		return err
	} else if n == 0 {
		return problem.Conflict("document_version_conflict", d.Version)
	}
	return nil
}

// trace appends one entry to d's trail and returns the act it records.
func (s *Service) trace(ctx context.Context, tx *store.Tx, a *auth.Actor, d *row, action Action, role string, from State, note string) (Act, error) {
	now := s.cfg.Now()
	act := Act{Action: action, From: from, Role: role, ActorID: a.ID, ActorName: a.Username, UnitID: d.unitID, Note: note, At: now}
	err := tx.QueryRowContext(ctx, `INSERT INTO document_trace (document_id, at, actor_id, actor_name, role, unit_id, action, from_state, to_state, note)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`,
		d.ID, now.UnixMilli(), actorID(a), a.FullName, role, d.unitID, action, from, d.State, note).Scan(&act.TraceID)
	return act, err
}
