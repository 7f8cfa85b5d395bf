package document

import (
	"context"
	"encoding/json"
	"strings"
	"time"

	"github.com/motcua/motcua/auth"
	"github.com/motcua/motcua/document/edxml"
	"github.com/motcua/motcua/event"
	"github.com/motcua/motcua/problem"
	"github.com/motcua/motcua/store"
)

// Revocation (regulations §5 Appendix VI): the issuer asks its outside
// recipients for an issued document back (13); each accepts (15: its copy
// is withdrawn, its files' content deleted, trail and audit kept) or
// refuses (16). The outgoing copy is frozen while revoking and once
// revoked. The statuses go through the outbox like the others.

// Revoke asks the outside recipients of an issued document to give it
// back, with the reason (the organ's clerk or leader).
func (s *Service) Revoke(ctx context.Context, a *auth.Actor, id int64, in NoteInput) (*Document, error) {
	note := strings.TrimSpace(in.Note)
	return s.do(ctx, a, id, step{action: ActionRevoke, version: in.Version, note: note,
		apply: func(ctx context.Context, tx *store.Tx, d *row, _ State) error {
			if err := noteRequired(note); err != nil {
				return err
			}
			// Only what went out by edXML can be asked back by it; anything
			// else would stay revoking for ever.
			var n int
			if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM document_outbox WHERE document_id = ? AND kind = ?`, d.ID, outDocument).Scan(&n); err != nil {
				return err
			}
			if n == 0 {
				return problem.New(problem.ErrState, "document_not_exchanged")
			}
			return nil
		},
		publish: func(ctx context.Context, tx *store.Tx, act Act) error {
			return event.Publish(ctx, s.cfg.Bus, tx, Revoked{act})
		}})
}

// AcceptRevocation gives an incoming document back to the sender that
// asked for it: withdrawn, its files' content deleted.
func (s *Service) AcceptRevocation(ctx context.Context, a *auth.Actor, id int64, in NoteInput) (*Document, error) {
	return s.do(ctx, a, id, step{action: ActionAcceptRevocation, version: in.Version, note: strings.TrimSpace(in.Note),
		apply: func(ctx context.Context, tx *store.Tx, d *row, _ State) error {
			_, err := tx.ExecContext(ctx, `UPDATE document_files SET content = ? WHERE document_id = ?`, []byte{}, d.ID)
			return err
		},
		publish: func(ctx context.Context, tx *store.Tx, act Act) error {
			return event.Publish(ctx, s.cfg.Bus, tx, RevocationAccepted{act})
		}})
}

// RefuseRevocation keeps an incoming document its sender asked back for;
// it returns to the state it was in when the request came.
func (s *Service) RefuseRevocation(ctx context.Context, a *auth.Actor, id int64, in NoteInput) (*Document, error) {
	return s.do(ctx, a, id, step{action: ActionRefuseRevocation, version: in.Version, note: strings.TrimSpace(in.Note),
		publish: func(ctx context.Context, tx *store.Tx, act Act) error {
			return event.Publish(ctx, s.cfg.Bus, tx, RevocationRefused{act})
		}})
}

// stateBefore is the state document id was in before it entered cur (the
// trail's last entry into cur).
func (s *Service) stateBefore(ctx context.Context, tx *store.Tx, id int64, cur State) (State, error) {
	var st State
	err := tx.QueryRowContext(ctx, `SELECT from_state FROM document_trace WHERE document_id = ? AND to_state = ? AND from_state <> ?
		ORDER BY id DESC LIMIT 1`, id, cur, cur).Scan(&st)
	return st, err
}

// OnReturned reports 02 (returned, the reason as description) for an
// incoming document that came by edXML.
func (s *Service) OnReturned(ctx context.Context, tx *store.Tx, e Returned) error {
	if e.Document.Direction != In {
		return nil
	}
	return s.reportStatus(ctx, tx, e.Act, edxml.StatusRejected)
}

// OnRevocationAccepted reports 15.
func (s *Service) OnRevocationAccepted(ctx context.Context, tx *store.Tx, e RevocationAccepted) error {
	return s.reportStatus(ctx, tx, e.Act, edxml.StatusRevokeAccepted)
}

// OnRevocationRefused reports 16.
func (s *Service) OnRevocationRefused(ctx context.Context, tx *store.Tx, e RevocationRefused) error {
	return s.reportStatus(ctx, tx, e.Act, edxml.StatusRevokeRefused)
}

// OnRevoked queues the 13 (revocation request) to each outside recipient
// the document was sent to by edXML.
func (s *Service) OnRevoked(ctx context.Context, tx *store.Tx, e Revoked) error {
	// Asked again after a refusal: not those that already gave it back.
	rows, err := tx.QueryContext(ctx, `SELECT DISTINCT o.organ_id FROM document_outbox o WHERE o.document_id = ? AND o.kind = ?
		AND NOT EXISTS (SELECT 1 FROM document_recipients r WHERE r.document_id = o.document_id AND r.organ_id = o.organ_id
			AND r.unit_id IS NULL AND r.edxml_status = ?)
		ORDER BY o.organ_id`, e.Document.ID, outDocument, edxml.StatusRevokeAccepted)
	if err != nil {
		return err
	}
	organs, err := scanStrings(rows)
	if err != nil || len(organs) == 0 {
		return err
	}
	self, err := s.units.ByCode(ctx, e.Document.Unit)
	if err != nil {
		return err
	}
	d := e.Document
	date, err := edDate(d.IssuedDate)
	if err != nil {
		return err
	}
	st := edxml.Status{ResponseFor: edxml.ResponseFor{OrganID: self.Code, Code: d.CodeNumber + "/" + d.CodeNotation,
		PromulgationDate: date, DocumentID: documentKey(self.Code, d.ID)},
		From: edxml.Organization{OrganID: self.Code, OrganName: self.Name}, StatusCode: edxml.StatusRevokeRequest,
		Description: clip(e.Note, 500), Timestamp: e.At.In(edxml.Zone()).Truncate(time.Second),
		StaffInfo: edxml.StaffInfo{Staff: e.ActorName}}
	payload, err := json.Marshal(st)
	if err != nil {
		return err
	}
	for _, o := range organs {
		if err := s.enqueue(ctx, tx, d.ID, outStatus, o, string(st.StatusCode), string(payload)); err != nil {
			return err
		}
		// Its turn to answer (ReceiveStatus takes a 15 or 16 only then).
		if _, err := tx.ExecContext(ctx, `UPDATE document_recipients SET edxml_asked_at = ? WHERE document_id = ? AND unit_id IS NULL AND organ_id = ?`,
			e.At.UnixMilli(), d.ID, o); err != nil {
			return err
		}
	}
	return nil
}

// receiveRevocation records a sender's 13 on each incoming copy of the
// document it names (revocation_requested, with a trail entry). A copy
// already asked, withdrawn or replaced stays as it is, and a 13 stamped no
// later than the last one recorded changes nothing (the same message
// again, even after the copy refused it).
func (s *Service) receiveRevocation(ctx context.Context, st *edxml.Status) error {
	ids, err := store.Int64s(ctx, s.db, `SELECT document_id FROM document_exchange_in WHERE sender_organ_id = ? AND remote_id = ? ORDER BY document_id`,
		st.From.OrganID, st.ResponseFor.DocumentID)
	if err != nil {
		return err
	}
	if len(ids) == 0 {
		return problem.NotFound("edxml_document_unknown", st.ResponseFor.Code)
	}
	name := st.From.OrganName
	if name == "" {
		name = st.From.OrganID
	}
	note := string(st.StatusCode) + " " + name
	if st.Description != "" {
		note += ": " + clip(st.Description, 400)
	}
	at := st.Timestamp.UnixMilli()
	return s.db.InTx(ctx, func(tx *store.Tx) error {
		for _, id := range ids {
			// A 13 no later than the last one recorded is that one again
			// (a retry): after a refusal it must not ask again.
			var last int64
			if err := tx.QueryRowContext(ctx, `SELECT revocation_at FROM document_exchange_in WHERE document_id = ?`, id).Scan(&last); err != nil {
				return err
			}
			if at <= last {
				continue
			}
			d, err := s.load(ctx, tx, id)
			if err != nil {
				return err
			}
			moved, err := s.move(ctx, tx, d, ActionRequestRevocation, RoleSender, name+" (edXML)", note)
			if err != nil {
				return err
			}
			if moved {
				if _, err := tx.ExecContext(ctx, `UPDATE document_exchange_in SET revocation_at = ? WHERE document_id = ?`, at, id); err != nil {
					return err
				}
			}
		}
		return nil
	})
}

// move makes a move the system makes itself (a pseudo-role's row of
// Rules: an outside agency's message, or the consequence of another
// act) on d in tx: the state, the version, a trail entry in actor's name.
// A document in a state the table has no such row for stays as it is
// (moved false): the same message again changes nothing.
func (s *Service) move(ctx context.Context, tx *store.Tx, d *row, action Action, role, actor, note string) (bool, error) {
	to, _, ok := Next(d.State, action, []string{role})
	if !ok {
		return false, nil
	}
	from := d.State
	if to == StatePrevious {
		var err error
		if to, err = s.stateBefore(ctx, tx, d.ID, from); err != nil {
			return false, err
		}
	}
	d.State = to
	if err := s.save(ctx, tx, d); err != nil {
		return false, err
	}
	d.Version++
	_, err := s.trace(ctx, tx, &auth.Actor{User: auth.User{FullName: actor}}, d, action, role, from, note)
	return err == nil, err
}

// RoleSender is the trail role of the agency that sent an incoming
// document, when it asks for it back.
const RoleSender = "sender"

// settleRevocation answers a status an outside recipient reported for
// a revoking document: a 16 (refused) takes it back to issued — the
// refusal and its reason stay on the recipient and in the trail, and the
// clerk or leader may ask again, correct or replace it; a 15 moves it to
// revoked once every outside recipient it was sent to answered 15.
func (s *Service) settleRevocation(ctx context.Context, tx *store.Tx, d *row, st *edxml.Status) error {
	if d.State != StateRevoking {
		return nil
	}
	name := st.From.OrganName
	if name == "" {
		name = st.From.OrganID
	}
	switch st.StatusCode {
	case edxml.StatusRevokeRefused:
		note := string(st.StatusCode) + " " + name
		if st.Description != "" {
			note += ": " + clip(st.Description, 400)
		}
		_, err := s.move(ctx, tx, d, ActionRevocationRefused, RoleRecipient, name, note)
		return err
	case edxml.StatusRevokeAccepted:
	default:
		return nil
	}
	var open int
	err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM document_recipients r WHERE r.document_id = ? AND r.unit_id IS NULL
		AND EXISTS (SELECT 1 FROM document_outbox o WHERE o.document_id = r.document_id AND o.organ_id = r.organ_id AND o.kind = ?)
		AND COALESCE(r.edxml_status, '') <> ?`, d.ID, outDocument, edxml.StatusRevokeAccepted).Scan(&open)
	if err != nil || open > 0 {
		return err
	}
	_, err = s.move(ctx, tx, d, ActionRevocationAccepted, RoleRecipient, "edXML", string(edxml.StatusRevokeAccepted))
	return err
}
