package unit

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"github.com/motcua/motcua/auth"
	"github.com/motcua/motcua/event"
	"github.com/motcua/motcua/problem"
	"github.com/motcua/motcua/store"
)

// The unit's default time limit for an applicant to supplement a dossier
// (issue 10), in calendar days, used when the procedure sets none. The
// reasoning about the law is with dossier.SupplementDeadline.
const (
	DefaultSupplementDays = 30 // the column's default (migration 002)
	MaxSupplementDays     = 365
)

// SupplementDays is unit id's default time limit for supplements, in
// calendar days. It takes the caller's querier: the dossier service reads
// it inside the request's transaction.
func SupplementDays(ctx context.Context, q store.Querier, id int64) (int, error) {
	var days int
	err := q.QueryRowContext(ctx, `SELECT supplement_days FROM units WHERE id = ?`, id).Scan(&days)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, problem.NotFound("unit_not_found")
	}
	return days, err
}

// SupplementDaysOf is SupplementDays on the store's database, for pages.
func (s *Store) SupplementDaysOf(ctx context.Context, id int64) (int, error) {
	return SupplementDays(ctx, s.db, id)
}

// SetSupplementDaysAs changes the default time limit for supplements of a
// unit a administers, leaving a security event for the audit log.
func (s *Store) SetSupplementDaysAs(ctx context.Context, a *auth.Actor, code string, days int) error {
	if days < 1 || days > MaxSupplementDays {
		return problem.Invalid("supplement_days", "supplement_days_range", 1, MaxSupplementDays)
	}
	return s.db.InTx(ctx, func(tx *store.Tx) error {
		u, err := s.managed(ctx, tx, a, code)
		if err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `UPDATE units SET supplement_days = ? WHERE id = ?`, days, u.ID); err != nil {
			return err
		}
		return event.Publish(ctx, s.cfg.Bus, tx, event.Security{At: s.now(), ActorID: a.ID, ActorName: a.Username,
			ActorRole: auth.Admin, UnitID: u.ID, Action: "unit_supplement_days", Object: "unit:" + u.Code,
			Details: fmt.Sprintf(`{"supplement_days":%d}`, days)})
	})
}
