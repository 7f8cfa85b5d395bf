package document

import (
	"time"

	"context"

	"github.com/motcua/motcua/auth"
	"github.com/motcua/motcua/dossier"
	"github.com/motcua/motcua/event"
	"github.com/motcua/motcua/store"
)

// ResultType is the type a one-stop result is registered under: the
// result of an administrative procedure is an individual administrative
// decision (quyết định hành chính cá biệt), and Appendix III has no
// certificate type, so QĐ; it is numbered in the decisions register.
const ResultType = "QD"

// OnTransitioned registers a one-stop result in the issuing unit's
// outgoing register, in the approval's transaction: when a dossier's
// result is made (processing → result_ready, not a refusal — the same
// moment sohoa gives the result its code), an outgoing document of type
// ResultType, numbered by the unit's decisions register in Vietnam's year,
// state issued, its subject from the procedure and the dossier's code,
// linked to the dossier and to its result file by reference (the file
// stays with the dossier). It reads the dossier only through what the event
// carries and dossier.FilesOf, and publishes Issued like an issue by the
// clerk. One document per dossier result: a result sent back and approved
// again with the same file is not registered twice. Subscribed in
// server/events.go after esign (whose listener attaches the e-result this
// links to) and sohoa.
func (s *Service) OnTransitioned(ctx context.Context, tx *store.Tx, e dossier.Transitioned) error {
	d := e.Dossier
	if e.From != dossier.Processing || d.Status != dossier.ResultReady || e.Action == dossier.Refuse || d.ResultRefused {
		return nil
	}
	files, err := dossier.FilesOf(ctx, tx, d.ID())
	if err != nil {
		return err
	}
	var resultFile int64 // the latest result file; 0 for a paper result
	for _, f := range files {
		if f.Kind == "result" && f.ID > resultFile {
			resultFile = f.ID
		}
	}
	var n int
	if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM documents WHERE dossier_code = ? AND result_file_id = ?`,
		d.Code, resultFile).Scan(&n); err != nil {
		return err
	}
	if n > 0 {
		return nil
	}
	organ := e.FromUnitID
	if organ == 0 {
		organ = d.UnitID()
	}
	// An e-result (a file) went out electronically; without one the
	// result was made on paper.
	medium := Paper
	if resultFile != 0 {
		medium = Electronic
	}
	now := s.cfg.Now()
	reg, err := register(ctx, tx, organ, RegisterDecisions, now)
	if err != nil {
		return err
	}
	year := Year(now)
	seq, err := nextNumber(ctx, tx, reg.id, year)
	if err != nil {
		return err
	}
	t, _ := TypeOf(ResultType)
	number, notation := FormatNumber(seq), Notation(t, reg.Issuer, "")
	subject := "Kết quả giải quyết thủ tục hành chính: " + d.ProcedureName + " (hồ sơ " + d.Code + ")"
	actor := &auth.Actor{User: auth.User{ID: e.ActorID, Username: e.ActorName, FullName: e.ActorName}}
	var id int64
	err = tx.QueryRowContext(ctx, `INSERT INTO documents (unit_id, direction, register_id, state, medium, code_number, code_notation,
		issue_year, issue_seq, issued_date, type_code, subject, signer_name, description, search, dossier_code, result_file_id,
		created_by, created_at, updated_at, issued_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`,
		organ, Out, reg.id, StateIssued, medium, number, notation, year, seq, today(now), ResultType, subject, e.ActorName,
		"Thủ tục "+d.Procedure, searchText(subject, number, notation, d.Code), d.Code, resultFile,
		actorID(actor), now.UnixMilli(), now.UnixMilli(), now.UnixMilli()).Scan(&id)
	if err != nil {
		return err
	}
	r, err := s.load(ctx, tx, id)
	if err != nil {
		return err
	}
	act, err := s.trace(ctx, tx, actor, r, ActionIssue, RoleLeader, "", "")
	if err != nil {
		return err
	}
	if err := s.fill(ctx, tx, actor, []*row{r}); err != nil {
		return err
	}
	act.Document = r.Document
	return event.Publish(ctx, s.cfg.Bus, tx, Issued{act})
}

// Results counts the one-stop results registered (OnTransitioned) in
// [from, to), and those of them issued electronically (an e-result).
func (s *Service) Results(ctx context.Context, from, to time.Time) (total, online int, err error) {
	err = s.db.QueryRowContext(ctx, `SELECT COUNT(*), COALESCE(SUM(CASE WHEN medium = ? THEN 1 ELSE 0 END), 0) FROM documents
		WHERE dossier_code <> '' AND created_at >= ? AND created_at < ?`, Electronic, from.UnixMilli(), to.UnixMilli()).Scan(&total, &online)
	return total, online, err
}
