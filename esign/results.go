package esign

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/motcua/motcua/auth"
	"github.com/motcua/motcua/dossier"
	"github.com/motcua/motcua/event"
	"github.com/motcua/motcua/problem"
	"github.com/motcua/motcua/store"
)

// The issued e-results: reading them, and issuing one in the approval's
// transaction.

// Issued returns the issued e-result of the dossier code, or a not-found
// problem. Access to the dossier is the caller's to check (Download).
func (s *Service) Issued(ctx context.Context, code string) (*Result, error) {
	var r Result
	var signed int64
	var issued sql.NullInt64
	err := s.db.QueryRowContext(ctx, `SELECT dossier_code, file_name, pdf, sha256, leader_subject, seal_subject, level, signed_at, issued_at
		FROM esign_results WHERE dossier_code = ? AND status = 'issued'`, code).
		Scan(&r.DossierCode, &r.FileName, &r.PDF, &r.SHA256, &r.LeaderSubject, &r.SealSubject, &r.Level, &signed, &issued)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, problem.NotFound("esign_no_result")
	}
	if err != nil {
		return nil, err
	}
	r.SignedAt = time.UnixMilli(signed)
	if issued.Valid {
		t := time.UnixMilli(issued.Int64)
		r.IssuedAt = &t
	}
	return &r, nil
}

// Download returns the e-result of code to a, who must be allowed to see
// the dossier (its applicant, or an officer in scope).
func (s *Service) Download(ctx context.Context, a *auth.Actor, code string) (*Result, error) {
	if _, err := s.cfg.Dossiers.Get(ctx, a, code); err != nil {
		return nil, err
	}
	return s.Issued(ctx, code)
}

// Has reports whether code has an issued e-result.
func (s *Service) Has(ctx context.Context, code string) (bool, error) {
	var n int
	err := s.db.QueryRowContext(ctx, `SELECT COUNT(*) FROM esign_results WHERE dossier_code = ? AND status = 'issued'`, code).Scan(&n)
	return n > 0, err
}

// attemptKey is the context key under which ApproveAndSign passes the
// row it signed to OnTransitioned, through dossier.Act.
type attemptKey struct{}

// issue is what ApproveAndSign passes: the row it signed, who approves,
// and the signed file as a stored blob to attach as the dossier's result.
type issue struct {
	attempt int64
	actor   *auth.Actor
	file    dossier.File
}

// OnTransitioned issues the signed result in the approval's transaction:
// the row the approving attempt signed (attemptKey), for the version the
// approval found, becomes 'issued'. An approval made without in-app
// signing (the API, the plain approve button) issues nothing, even when
// an earlier attempt left a signed row. Subscribed in server/events.go.
func (s *Service) OnTransitioned(ctx context.Context, tx *store.Tx, e dossier.Transitioned) error {
	is, ok := ctx.Value(attemptKey{}).(issue)
	attempt := is.attempt
	if !ok || e.Action != dossier.Approve || e.Dossier == nil {
		return nil
	}
	if e.Dossier.Status != dossier.ResultReady {
		return fmt.Errorf("esign: approving %s did not make its result ready (%s): nothing to issue", e.Dossier.Code, e.Dossier.Status)
	}
	r, err := tx.ExecContext(ctx, `UPDATE esign_results SET status = 'issued', issued_at = ? WHERE id = ? AND dossier_code = ? AND status = 'signed' AND dossier_version = ?`,
		e.At.UnixMilli(), attempt, e.Dossier.Code, e.Dossier.Version-1)
	if err != nil {
		return err
	}
	if n, err := r.RowsAffected(); err != nil || n != 1 {
		// The signed file is gone or was for another version: the
		// approval must not commit without its e-result.
		return fmt.Errorf("esign: the signed result of %s (attempt %d) is not there to issue (%d rows, %v)", e.Dossier.Code, attempt, n, err)
	}
	// The dossier's own record of its result: checked as the leader's
	// upload would be (the dossier is still processing until this
	// transaction commits).
	if _, err := s.cfg.Dossiers.AttachStoredIn(ctx, tx, is.actor, e.Dossier.Code, is.file); err != nil {
		return fmt.Errorf("esign: attach the e-result to %s: %w", e.Dossier.Code, err)
	}
	// Colleagues' attempts for the same version can no longer be approved.
	if _, err = tx.ExecContext(ctx, `DELETE FROM esign_results WHERE dossier_code = ? AND status = 'signed'`, e.Dossier.Code); err != nil {
		return err
	}
	return s.recordIssued(ctx, tx, e, attempt)
}

// recordIssued puts the issuance on the audit log: who signed which file
// (its SHA-256, so the copy a citizen shows can be matched to the record).
func (s *Service) recordIssued(ctx context.Context, tx *store.Tx, e dossier.Transitioned, attempt int64) error {
	var sum, leader, seal, level string
	if err := tx.QueryRowContext(ctx, `SELECT sha256, leader_subject, seal_subject, level FROM esign_results WHERE id = ?`, attempt).
		Scan(&sum, &leader, &seal, &level); err != nil {
		return err
	}
	details, err := json.Marshal(map[string]string{"sha256": sum, "leader": leader, "seal": seal, "level": level})
	if err != nil {
		return err
	}
	unit := e.FromUnitID
	if unit == 0 {
		unit = e.Dossier.UnitID()
	}
	return event.Publish(ctx, s.cfg.Events, tx, event.Security{At: e.At, ActorID: e.ActorID, ActorName: e.ActorName, ActorRole: e.ActorRole,
		UnitID: unit, Action: ResultSigned, Object: "dossier:" + e.Dossier.Code, Details: string(details)})
}

// ResultSigned is the audit log's name of an e-result's issuance.
const ResultSigned = "result_signed"
