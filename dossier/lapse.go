package dossier

import (
	"context"
	"errors"
	"log/slog"
	"time"

	"github.com/motcua/motcua/auth"
	"github.com/motcua/motcua/problem"
	"github.com/motcua/motcua/store"
)

// The supplement sweep: past the time limit of its supplement request
// (SupplementRequest.Deadline), a dossier is closed by the system, its
// reason in the history, its applicant notified through the event bus like
// for any action (the notify listener writes the outbox row).
//
//   - During processing (SupplementRequested) the agency stops it: Stop,
//     to Stopped, with the notice of form 05 (Circular 03/2025 Mẫu 05 is the
//     notice that processing stopped, and forms prints it from this event).
//   - At reception (Returned) the dossier was never received: the clock of
//     Decree 118 starts at valid receipt (regulations.md, "Deadline
//     computation" 1), and the reception check has two outcomes, received
//     (Mẫu 01) or not received. Nothing is being processed, so there is
//     nothing to stop with form 05; Lapse closes it as not received
//     (Refused, "Từ chối tiếp nhận"), without a form 03, which is an
//     officer's refusal on the merits. The applicant may file again.

// systemActor is who the history names for the sweep's acts.
func systemActor() *auth.Actor { return &auth.Actor{User: auth.User{FullName: SystemName}} }

// SystemName is the history's name for motcua's own acts.
const SystemName = "Hệ thống"

// lapseNote is the reason the history and the notice give.
const lapseNote = "Quá thời hạn bổ sung, hoàn thiện hồ sơ theo Phiếu yêu cầu bổ sung, hoàn thiện hồ sơ mà người nộp chưa bổ sung"

// LapseSupplements closes every dossier whose supplement time limit has
// passed and returns how many it closed. Several instances may sweep at
// once: each dossier is claimed by the transition's own conditional
// UPDATE (… WHERE id = ? AND version = ?), so exactly one sweeper changes
// it and the others get a version conflict and skip it.
func (s *Service) LapseSupplements(ctx context.Context) (int, error) {
	now := s.cfg.Now()
	rows, err := s.db.QueryContext(ctx, `SELECT code FROM dossiers WHERE supplement_due_at <= ? AND status IN (?, ?)
		ORDER BY supplement_due_at LIMIT 500`, now.UnixMilli(), string(Returned), string(SupplementRequested))
	if err != nil {
		return 0, err
	}
	var codes []string
	for rows.Next() {
		var c string
		if err := rows.Scan(&c); err != nil {
			rows.Close()
			return 0, err
		}
		codes = append(codes, c)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return 0, err
	}
	n := 0
	for _, code := range codes {
		done, err := s.lapse(ctx, code, now)
		if errors.Is(err, problem.ErrConflict) {
			continue // another sweeper (or an officer) changed it first
		}
		if err != nil {
			return n, err
		}
		if done {
			n++
		}
	}
	return n, nil
}

// lapse closes one dossier if it is still past its limit.
func (s *Service) lapse(ctx context.Context, code string, now time.Time) (bool, error) {
	done := false
	err := s.db.InTx(ctx, func(tx *store.Tx) error {
		d, err := s.load(ctx, tx, code)
		if err != nil {
			return err
		}
		// Re-read in the transaction: the applicant may have supplemented
		// since the list was made.
		if d.SupplementDue == nil || d.SupplementDue.After(now) {
			return nil
		}
		var rule *Rule
		for _, a := range []Action{Stop, Lapse} {
			for _, r := range RulesFor(d.Status, a) {
				if r.Role == SystemRole {
					rule = &r
				}
			}
		}
		if rule == nil {
			return nil
		}
		p, err := s.catalog.Version(ctx, tx, d.Procedure, d.ProcedureVersion)
		if err != nil {
			return err
		}
		note := lapseNote + " (hạn " + (&SupplementRequest{Deadline: *d.SupplementDue}).LastDay().Format("02/01/2006") + ")."
		if err := s.apply(ctx, tx, systemActor(), d, p, *rule, ActInput{Note: note}); err != nil {
			return err
		}
		done = true
		return nil
	})
	return done, err
}

// RunSupplementSweep runs LapseSupplements every interval until ctx ends
// (started by `motcua serve` beside the other background jobs).
func (s *Service) RunSupplementSweep(ctx context.Context, every time.Duration, log *slog.Logger) {
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		if n, err := s.LapseSupplements(ctx); err != nil {
			if ctx.Err() != nil {
				return
			}
			log.Error("supplement sweep", "err", err)
		} else if n > 0 {
			log.Info("supplement sweep", "closed", n)
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}
