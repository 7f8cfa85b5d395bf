package document

import (
	"context"
	"database/sql"
	"errors"
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/motcua/motcua/auth"
	"github.com/motcua/motcua/event"
	"github.com/motcua/motcua/problem"
	"github.com/motcua/motcua/store"
)

// AssignInput is the leader's instruction on an incoming document.
type AssignInput struct {
	// Version is the document's version the leader saw (0: not checked).
	Version     int64  `json:"version"`
	Instruction string `json:"instruction"`
	// LeadUnit is the code of the unit that deals with it: the organ
	// itself or a unit below it; Coordinators the codes of the units that
	// help, likewise.
	LeadUnit     string   `json:"lead_unit"`
	Coordinators []string `json:"coordinating_units"`
	// Deadline is YYYY-MM-DD, optional.
	Deadline string `json:"deadline"`
}

// Assign records the leader's instruction, lead and coordinating units
// and deadline (Art. 22); a new assignment replaces the current one (the
// trail keeps both), and the lead unit names the specialist again.
func (s *Service) Assign(ctx context.Context, a *auth.Actor, id int64, in AssignInput) (*Document, error) {
	in.Instruction = strings.TrimSpace(in.Instruction)
	return s.do(ctx, a, id, step{action: ActionAssign, version: in.Version, note: in.Instruction,
		apply: func(ctx context.Context, tx *store.Tx, d *row, _ State) error {
			// Checked only now: who may not see or assign the document
			// learns nothing from a message about its input.
			if in.Instruction == "" {
				return problem.Invalid("instruction", "document_instruction_required")
			}
			if utf8.RuneCountInString(in.Instruction) > 1000 {
				return problem.Invalid("instruction", "document_text_too_long", 1000)
			}
			if err := checkDate("deadline", in.Deadline); err != nil {
				return err
			}
			lead, err := s.units.ByCode(ctx, in.LeadUnit)
			if err != nil {
				return problem.Invalid("lead_unit", "document_unit_unknown", in.LeadUnit)
			}
			if len(in.Coordinators) > maxCoordinators {
				return problem.Invalid("coordinating_units", "document_too_many", maxCoordinators)
			}
			var coords []int64
			for _, c := range in.Coordinators {
				u, err := s.units.ByCode(ctx, c)
				if err != nil {
					return problem.Invalid("coordinating_units", "document_unit_unknown", c)
				}
				if u.ID != lead.ID && !slices.Contains(coords, u.ID) {
					coords = append(coords, u.ID)
				}
			}
			if err := s.within(ctx, tx, lead.ID, d.unitID, "lead_unit"); err != nil {
				return err
			}
			for _, u := range coords {
				if err := s.within(ctx, tx, u, d.unitID, "coordinating_units"); err != nil {
					return err
				}
			}
			var aid int64
			err = tx.QueryRowContext(ctx, `INSERT INTO document_assignments (document_id, instruction, lead_unit_id, deadline, by_id, by_name, at)
				VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING id`, d.ID, in.Instruction, lead.ID, in.Deadline, actorID(a), a.FullName,
				s.cfg.Now().UnixMilli()).Scan(&aid)
			if err != nil {
				return err
			}
			for _, c := range coords {
				if _, err := tx.ExecContext(ctx, `INSERT INTO document_coordinators (assignment_id, unit_id) VALUES (?, ?)`, aid, c); err != nil {
					return err
				}
			}
			d.assignmentID = aid
			return nil
		},
		publish: func(ctx context.Context, tx *store.Tx, act Act) error {
			return event.Publish(ctx, s.cfg.Bus, tx, Assigned{act})
		}})
}

// maxCoordinators bounds an assignment's coordinating units.
const maxCoordinators = 100

// within checks that unit u is the organ or below it; field names the input.
func (s *Service) within(ctx context.Context, q store.Querier, u, organ int64, field string) error {
	chain, err := s.units.Chain(ctx, q, u)
	if err != nil {
		return err
	}
	if !slices.Contains(chain, organ) {
		codes, err := s.units.Codes(ctx, q, []int64{u})
		if err != nil {
			return err
		}
		return problem.Invalid(field, "document_unit_outside", codes[u])
	}
	return nil
}

// SpecialistInput names the specialist of the lead unit who deals with
// an assigned document.
type SpecialistInput struct {
	Version int64 `json:"version"`
	// Specialist is the username of an officer holding the specialist
	// role at the lead unit.
	Specialist string `json:"specialist"`
	Note       string `json:"note"`
}

// AssignSpecialist is the lead unit's leader naming the specialist; the
// document is then processing. Naming another replaces them.
func (s *Service) AssignSpecialist(ctx context.Context, a *auth.Actor, id int64, in SpecialistInput) (*Document, error) {
	return s.do(ctx, a, id, step{action: ActionAssignSpecialist, version: in.Version, note: strings.TrimSpace(in.Note),
		apply: func(ctx context.Context, tx *store.Tx, d *row, _ State) error {
			uid, err := auth.Holder(ctx, tx, in.Specialist, d.Assignment.leadUnitID, auth.Specialist)
			if errors.Is(err, sql.ErrNoRows) {
				return problem.Invalid("specialist", "document_specialist_unknown", in.Specialist)
			}
			if err != nil {
				return err
			}
			_, err = tx.ExecContext(ctx, `UPDATE document_assignments SET specialist_id = ? WHERE id = ?`, uid, d.assignmentID)
			return err
		},
		publish: func(ctx context.Context, tx *store.Tx, act Act) error {
			return event.Publish(ctx, s.cfg.Bus, tx, SpecialistAssigned{act})
		}})
}

// NoteInput is an act with a note: a progress note, a completion, a return.
type NoteInput struct {
	Version int64  `json:"version"`
	Note    string `json:"note"`
	// OTP is the one-time password of the leader's remote signature
	// (Approve only, when they sign through the signing service).
	OTP string `json:"otp,omitempty"`
}

// Process records a progress note of the specialist or a coordinating
// unit on a document being dealt with.
func (s *Service) Process(ctx context.Context, a *auth.Actor, id int64, in NoteInput) (*Document, error) {
	note := strings.TrimSpace(in.Note)
	return s.do(ctx, a, id, step{action: ActionProcess, version: in.Version, note: note,
		apply: func(context.Context, *store.Tx, *row, State) error { return noteRequired(note) },
		publish: func(ctx context.Context, tx *store.Tx, act Act) error {
			return event.Publish(ctx, s.cfg.Bus, tx, Processed{act})
		}})
}

// Complete closes an incoming document: the specialist (or the lead
// unit's leader) records how it was dealt with.
func (s *Service) Complete(ctx context.Context, a *auth.Actor, id int64, in NoteInput) (*Document, error) {
	return s.do(ctx, a, id, step{action: ActionComplete, version: in.Version, note: strings.TrimSpace(in.Note),
		publish: func(ctx context.Context, tx *store.Tx, act Act) error {
			return event.Publish(ctx, s.cfg.Bus, tx, Completed{act})
		}})
}

// noteRequired refuses an empty note.
func noteRequired(note string) error {
	if note == "" {
		return problem.Invalid("note", "document_note_required")
	}
	return nil
}
