package document

import (
	"context"
	"strings"
	"unicode/utf8"

	"github.com/motcua/motcua/auth"
	"github.com/motcua/motcua/event"
	"github.com/motcua/motcua/problem"
	"github.com/motcua/motcua/store"
)

// DraftInput is a new outgoing document.
type DraftInput struct {
	// Unit is the code of the issuing organ, whose outgoing registers
	// number it; DraftingUnit the code of the unit that drafts it (the
	// organ itself or a unit below it; "" is the organ).
	Unit         string `json:"unit"`
	DraftingUnit string `json:"drafting_unit"`
	Type         string `json:"type"`
	Subject      string `json:"subject"`
	Priority     int    `json:"priority"`
	Secrecy      int    `json:"secrecy"`
	PageAmount   int    `json:"page_amount"`
	DueDate      string `json:"due_date"`
	// Field is the drafting unit's or field's abbreviation in an official
	// letter's symbol ("VX" in 12/UBND-VX).
	Field       string `json:"field"`
	Description string `json:"description"`
	// Recipients is the distribution list; Issue may replace it.
	Recipients []RecipientInput `json:"recipients"`
	// Note goes with the first version: File, or Compose (a text the
	// layout sets; not both).
	Note    string     `json:"note"`
	File    *FileInput `json:"-"`
	Compose *Compose   `json:"compose,omitempty"`
}

// RecipientInput is one addressee: an internal unit by its code, or an
// external agency by its electronic agency code and name.
type RecipientInput struct {
	Unit    string `json:"unit"`
	OrganID string `json:"organ_id"`
	Name    string `json:"name"`
}

// CreateDraft starts an outgoing document at the drafting unit
// (document.draft there), with its first version when File is given.
func (s *Service) CreateDraft(ctx context.Context, a *auth.Actor, in DraftInput) (*Document, error) {
	organ, err := s.units.ByCode(ctx, in.Unit)
	if err != nil {
		return nil, err
	}
	drafting := organ
	if in.DraftingUnit != "" && in.DraftingUnit != organ.Code {
		if drafting, err = s.units.ByCode(ctx, in.DraftingUnit); err != nil {
			return nil, err
		}
	}
	if _, err := s.entitled(ctx, a, auth.DraftDocument, drafting.Code, "document_draft"); err != nil {
		return nil, err
	}
	if err := s.within(ctx, s.db, drafting.ID, organ.ID, "drafting_unit"); err != nil {
		return nil, err
	}
	meta := Incoming{Medium: Electronic, Sender: Organ{Name: organ.Name}, Type: in.Type, Subject: in.Subject, Priority: in.Priority,
		Secrecy: in.Secrecy, PageAmount: in.PageAmount, DueDate: in.DueDate, Description: in.Description}
	if err := checkMetadata(&meta); err != nil {
		return nil, err
	}
	in.Field = strings.TrimSpace(in.Field)
	if len(in.Field) > 20 {
		return nil, problem.Invalid("field", "document_text_too_long", 20)
	}
	if err := s.fileOrCompose(in.File, in.Compose, false); err != nil {
		return nil, err
	}
	t, _ := TypeOf(in.Type)
	now := s.cfg.Now()
	var out *Document
	err = s.db.InTx(ctx, func(tx *store.Tx) error {
		recipients, err := s.recipients(ctx, in.Recipients)
		if err != nil {
			return err
		}
		reg, err := register(ctx, tx, organ.ID, registerFor(t, in.Secrecy), now)
		if err != nil {
			return err
		}
		var id int64
		err = tx.QueryRowContext(ctx, `INSERT INTO documents (unit_id, direction, register_id, state, medium, sender_organ_id, sender_name,
			type_code, subject, priority, secrecy, page_amount, due_date, description, drafter_id, drafting_unit_id, field, search,
			created_by, created_at, updated_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`,
			organ.ID, Out, reg.id, StateDrafting, Electronic, organ.Code, organ.Name, in.Type, meta.Subject, in.Priority, in.Secrecy,
			in.PageAmount, in.DueDate, in.Description, actorID(a), drafting.ID, in.Field, searchText(meta.Subject),
			actorID(a), now.UnixMilli(), now.UnixMilli()).Scan(&id)
		if err != nil {
			return err
		}
		if err := setRecipients(ctx, tx, id, recipients); err != nil {
			return err
		}
		if in.File != nil {
			if err := s.addVersion(ctx, tx, a, id, in.File, in.Note); err != nil {
				return err
			}
		}
		d, err := s.load(ctx, tx, id)
		if err != nil {
			return err
		}
		if in.Compose != nil {
			if err := s.addComposed(ctx, tx, a, d, *in.Compose, in.Note); err != nil {
				return err
			}
		}
		act, err := s.trace(ctx, tx, a, d, ActionDraft, RoleDrafter, "", in.Note)
		if err != nil {
			return err
		}
		if err := s.fill(ctx, tx, a, []*row{d}); err != nil {
			return err
		}
		act.Document = d.Document
		out = &d.Document
		return event.Publish(ctx, s.cfg.Bus, tx, Drafted{act})
	})
	return out, err
}

// maxRecipients bounds a distribution list (a province's every commune fits).
const maxRecipients = 500

// recipient is a resolved addressee.
type recipient struct {
	unitID        int64
	organID, name string
}

// recipients resolves a distribution list: a unit by its code, an
// external agency by its OrganId (13 characters) and name.
func (s *Service) recipients(ctx context.Context, in []RecipientInput) ([]recipient, error) {
	// Each unit is looked up: the list is bounded before that.
	if len(in) > maxRecipients {
		return nil, problem.Invalid("recipients", "document_too_many", maxRecipients)
	}
	var out []recipient
	for _, r := range in {
		switch {
		case r.Unit != "":
			u, err := s.units.ByCode(ctx, r.Unit)
			if err != nil {
				return nil, problem.Invalid("recipients", "document_unit_unknown", r.Unit)
			}
			out = append(out, recipient{unitID: u.ID, organID: u.Code, name: u.Name})
		case strings.TrimSpace(r.Name) != "" && len(r.OrganID) <= 13 && utf8.RuneCountInString(r.Name) <= 250:
			out = append(out, recipient{organID: strings.TrimSpace(r.OrganID), name: strings.TrimSpace(r.Name)})
		default:
			return nil, problem.Invalid("recipients", "document_recipient")
		}
	}
	return out, nil
}

// setRecipients replaces document id's distribution list.
func setRecipients(ctx context.Context, tx *store.Tx, id int64, rs []recipient) error {
	if _, err := tx.ExecContext(ctx, `DELETE FROM document_recipients WHERE document_id = ?`, id); err != nil {
		return err
	}
	for _, r := range rs {
		var unitID any
		if r.unitID != 0 {
			unitID = r.unitID
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO document_recipients (document_id, unit_id, organ_id, organ_name) VALUES (?, ?, ?, ?)`,
			id, unitID, r.organID, r.name); err != nil {
			return err
		}
	}
	return nil
}

// addVersion stores f as the draft's next version.
func (s *Service) addVersion(ctx context.Context, tx *store.Tx, a *auth.Actor, id int64, f *FileInput, note string) error {
	fid, err := s.addFile(ctx, tx, a, id, FileDraft, f)
	if err != nil {
		return err
	}
	_, err = tx.ExecContext(ctx, `INSERT INTO document_versions (document_id, n, file_id, note, by_id, at)
		VALUES (?, (SELECT COALESCE(MAX(n), 0) + 1 FROM document_versions WHERE document_id = ?), ?, ?, ?, ?)`,
		id, id, fid, note, actorID(a), s.cfg.Now().UnixMilli())
	return err
}

// VersionInput is a new version of a draft: its File, or its Compose.
type VersionInput struct {
	Version int64      `json:"version"`
	Note    string     `json:"note"`
	File    *FileInput `json:"-"`
	Compose *Compose   `json:"compose,omitempty"`
}

// AddVersion adds a version (its file) to a draft being drafted; the drafter's.
func (s *Service) AddVersion(ctx context.Context, a *auth.Actor, id int64, in VersionInput) (*Document, error) {
	note := strings.TrimSpace(in.Note)
	return s.do(ctx, a, id, step{action: ActionAddVersion, version: in.Version, note: note,
		apply: func(ctx context.Context, tx *store.Tx, d *row, _ State) error {
			if err := s.fileOrCompose(in.File, in.Compose, true); err != nil {
				return err
			}
			if in.Compose != nil {
				return s.addComposed(ctx, tx, a, d, *in.Compose, note)
			}
			return s.addVersion(ctx, tx, a, d.ID, in.File, note)
		},
		publish: func(ctx context.Context, tx *store.Tx, act Act) error {
			return event.Publish(ctx, s.cfg.Bus, tx, Drafted{act})
		}})
}

// CommentInput is a comment on a draft.
type CommentInput struct {
	Version int64  `json:"version"`
	Body    string `json:"body"`
}

// AddComment comments on a draft's latest version: the drafter while
// drafting, the head while reviewing, the leader while approving.
func (s *Service) AddComment(ctx context.Context, a *auth.Actor, id int64, in CommentInput) (*Document, error) {
	body := strings.TrimSpace(in.Body)
	return s.do(ctx, a, id, step{action: ActionComment, version: in.Version, note: body,
		apply: func(ctx context.Context, tx *store.Tx, d *row, _ State) error {
			if err := noteRequired(body); err != nil {
				return err
			}
			if len([]rune(body)) > 2000 {
				return problem.Invalid("body", "document_text_too_long", 2000)
			}
			n, err := latestVersion(ctx, tx, d.ID)
			if err != nil {
				return err
			}
			_, err = tx.ExecContext(ctx, `INSERT INTO document_comments (document_id, version_n, by_id, by_name, body, at) VALUES (?, ?, ?, ?, ?, ?)`,
				d.ID, n, actorID(a), a.FullName, body, s.cfg.Now().UnixMilli())
			return err
		},
		publish: func(ctx context.Context, tx *store.Tx, act Act) error {
			return event.Publish(ctx, s.cfg.Bus, tx, Drafted{act})
		}})
}

// latestVersion is the number of a draft's latest version, 0 when none.
func latestVersion(ctx context.Context, q store.Querier, id int64) (int64, error) {
	var n int64
	err := q.QueryRowContext(ctx, `SELECT COALESCE(MAX(n), 0) FROM document_versions WHERE document_id = ?`, id).Scan(&n)
	return n, err
}

// Submit sends a draft to review by its drafting unit's head; it needs a version.
func (s *Service) Submit(ctx context.Context, a *auth.Actor, id int64, in NoteInput) (*Document, error) {
	return s.do(ctx, a, id, step{action: ActionSubmit, version: in.Version, note: strings.TrimSpace(in.Note),
		apply: func(ctx context.Context, tx *store.Tx, d *row, _ State) error {
			n, err := latestVersion(ctx, tx, d.ID)
			if err == nil && n == 0 {
				err = problem.New(problem.ErrState, "document_no_version")
			}
			return err
		},
		publish: func(ctx context.Context, tx *store.Tx, act Act) error {
			return event.Publish(ctx, s.cfg.Bus, tx, Submitted{act})
		}})
}

// Return sends a draft back to its drafter, with the reason (the head
// while reviewing, the leader while approving), or a registered incoming
// document back to its sender (the clerk or leader; 02 by edXML).
func (s *Service) Return(ctx context.Context, a *auth.Actor, id int64, in NoteInput) (*Document, error) {
	note := strings.TrimSpace(in.Note)
	return s.do(ctx, a, id, step{action: ActionReturn, version: in.Version, note: note,
		apply: func(ctx context.Context, tx *store.Tx, d *row, _ State) error {
			if err := noteRequired(note); err != nil {
				return err
			}
			if d.Direction == In {
				return nil // an incoming document back to its sender
			}
			return s.decide(ctx, tx, a, d, "returned", note)
		},
		publish: func(ctx context.Context, tx *store.Tx, act Act) error {
			return event.Publish(ctx, s.cfg.Bus, tx, Returned{act})
		}})
}

// decide records a decision of the approval chain on the latest version.
func (s *Service) decide(ctx context.Context, tx *store.Tx, a *auth.Actor, d *row, decision, note string) error {
	stepName := "review"
	if d.State == StateApproving {
		stepName = "approve"
	}
	n, err := latestVersion(ctx, tx, d.ID)
	if err != nil {
		return err
	}
	_, err = tx.ExecContext(ctx, `INSERT INTO document_approvals (document_id, step, version_n, decision, by_id, by_name, note, at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?)`, d.ID, stepName, n, decision, actorID(a), a.FullName, note, s.cfg.Now().UnixMilli())
	return err
}
