package document

import (
	"context"
	"time"

	"github.com/motcua/motcua/store"
)

// BulkDocument is one finished document of a generated history (the
// demo's year): an incoming document registered at At and completed at
// Done, or an outgoing one drafted at At and issued at Done.
type BulkDocument struct {
	// Unit is the organ's code.
	Unit      string
	Direction string
	// Medium: an incoming document's (Paper or Electronic); for an
	// outgoing one Electronic means issued digitally signed, Paper issued
	// on paper.
	Medium   string
	Type     string
	Subject  string
	Sender   Organ  // incoming
	Code     string // incoming: the sender's CodeNumber
	Notation string // incoming: the sender's CodeNotation
	Signer   Signer
	At, Done time.Time
}

// Bulk writes a generated history of finished documents in one
// transaction, numbered by their registers as the acts would number them
// (arrival numbers in the order given, issue numbers likewise, in
// Vietnam's year of At and Done), each with the trail entry of its last
// act. It publishes no event: it is history, not acts (the demo
// generator, like dossier's bulk path). Give the documents in time order.
func (s *Service) Bulk(ctx context.Context, docs []BulkDocument) error {
	ids := map[string]int64{}
	return s.db.InTx(ctx, func(tx *store.Tx) error {
		for _, b := range docs {
			unitID, ok := ids[b.Unit]
			if !ok {
				u, err := s.units.ByCode(ctx, b.Unit)
				if err != nil {
					return err
				}
				unitID, ids[b.Unit] = u.ID, u.ID
			}
			if err := s.bulkOne(ctx, tx, unitID, b); err != nil {
				return err
			}
		}
		return nil
	})
}

func (s *Service) bulkOne(ctx context.Context, tx *store.Tx, unitID int64, b BulkDocument) error {
	at, done := b.At.UnixMilli(), b.Done.UnixMilli()
	var id int64
	var action Action
	var state State
	if b.Direction == In {
		reg, err := register(ctx, tx, unitID, RegisterIncoming, b.At)
		if err != nil {
			return err
		}
		year := Year(b.At)
		n, err := nextNumber(ctx, tx, reg.id, year)
		if err != nil {
			return err
		}
		action, state = ActionComplete, StateCompleted
		status := SignaturePaper
		if b.Medium == Electronic {
			status = SignatureValid
		}
		err = tx.QueryRowContext(ctx, `INSERT INTO documents (unit_id, direction, register_id, state, arrival_year, arrival_number, arrival_at,
			medium, sender_organ_id, sender_name, code_number, code_notation, issued_date, type_code, subject, signer_position, signer_name,
			signature_status, search, created_at, updated_at, completed_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`,
			unitID, In, reg.id, state, year, n, at, b.Medium, b.Sender.OrganID, b.Sender.Name, b.Code, b.Notation, today(b.At),
			b.Type, b.Subject, b.Signer.Position, b.Signer.FullName, status, searchText(b.Subject, b.Code, b.Notation, b.Sender.Name),
			at, done, done).Scan(&id)
		if err != nil {
			return err
		}
	} else {
		t, _ := TypeOf(b.Type)
		reg, err := register(ctx, tx, unitID, registerFor(t, 0), b.Done)
		if err != nil {
			return err
		}
		year := Year(b.Done)
		n, err := nextNumber(ctx, tx, reg.id, year)
		if err != nil {
			return err
		}
		action, state = ActionIssue, StateIssued
		number, notation := FormatNumber(n), Notation(t, reg.Issuer, "")
		err = tx.QueryRowContext(ctx, `INSERT INTO documents (unit_id, direction, register_id, state, medium, code_number, code_notation,
			issue_year, issue_seq, issued_date, type_code, subject, signer_position, signer_name, drafting_unit_id, search,
			created_at, updated_at, issued_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`,
			unitID, Out, reg.id, state, b.Medium, number, notation, year, n, today(b.Done), b.Type, b.Subject,
			b.Signer.Position, b.Signer.FullName, unitID, searchText(b.Subject, number, notation), at, done, done).Scan(&id)
		if err != nil {
			return err
		}
	}
	_, err := tx.ExecContext(ctx, `INSERT INTO document_trace (document_id, at, actor_name, role, unit_id, action, from_state, to_state, note)
		VALUES (?, ?, ?, ?, ?, ?, '', ?, '')`, id, done, b.Signer.FullName, RoleClerk, unitID, action, state)
	return err
}

// HandledOnline is the rule of a document handled entirely online (xử
// lý hoàn toàn trên môi trường mạng), written here only: an incoming
// document received electronically (medium Electronic: an edXML message
// or a signed PDF, not a paper scan) and completed in the system; an
// outgoing one issued electronically (medium Electronic: sealed with
// Config.Keys after the leader's signature, a one-stop e-result, or a
// generated one marked so). Online counts with it and the documents
// report (package report) calls it.
func HandledOnline(direction string, state State, medium string) bool {
	return medium == Electronic && (direction == In && state == StateCompleted || direction == Out && state == StateIssued)
}

// Online counts the documents made in [from, to), and those of them
// handled entirely online (HandledOnline).
func (s *Service) Online(ctx context.Context, from, to time.Time) (total, online int, err error) {
	rows, err := s.db.QueryContext(ctx, `SELECT direction, state, medium, COUNT(*) FROM documents
		WHERE created_at >= ? AND created_at < ? GROUP BY direction, state, medium`, from.UnixMilli(), to.UnixMilli())
	if err != nil {
		return 0, 0, err
	}
	defer rows.Close()
	for rows.Next() {
		var dir, medium string
		var state State
		var n int
		if err := rows.Scan(&dir, &state, &medium, &n); err != nil {
			return 0, 0, err
		}
		total += n
		if HandledOnline(dir, state, medium) {
			online += n
		}
	}
	return total, online, rows.Err()
}
