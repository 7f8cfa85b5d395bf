package dancu

import (
	"context"
	"database/sql"
	"errors"

	"github.com/motcua/motcua/auth"
	"github.com/motcua/motcua/mydata"
	"github.com/motcua/motcua/problem"
	"github.com/motcua/motcua/store"
)

// subject is the condition naming the consents or lookups about the
// citizen a: those of the ID number VNeID verified for them, and those
// their account gave or made.
func subject(a *auth.Actor, col string) (string, []any) {
	idn := "-"
	if a.Verified != nil {
		idn = a.Verified.IDNumber
	}
	return `(id_number = ? OR ` + col + ` = ?)`, []any{idn, a.ID}
}

// PersonalData is what dancu's tables hold about the citizen a (Law
// 91/2025, the right of access): every lookup of them and by them, with
// the consent each was made under. The consents themselves are listed
// by Consents.
func (s *Service) PersonalData(ctx context.Context, a *auth.Actor, codes []string) (any, error) {
	where, args := subject(a, "actor_id")
	return store.Records(ctx, s.db, `SELECT at, actor_name, actor_kind, id_number, purpose, draft_id, dossier_code, outcome, consent_id
		FROM dancu_lookups WHERE `+where+` ORDER BY id`, args...)
}

// Consents lists the consents given for lookups of the citizen a, by
// them or by the applicant at a counter, oldest first.
func (s *Service) Consents(ctx context.Context, a *auth.Actor) ([]mydata.Consent, error) {
	where, args := subject(a, "user_id")
	rows, err := s.db.QueryContext(ctx, `SELECT id, purpose, draft_id, dossier_code, given_at, withdrawn_at
		FROM dancu_consents WHERE `+where+` ORDER BY id`, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []mydata.Consent
	for rows.Next() {
		var c mydata.Consent
		var purpose, code string
		var draft, given, withdrawn int64
		if err := rows.Scan(&c.ID, &purpose, &draft, &code, &given, &withdrawn); err != nil {
			return nil, err
		}
		c.Purpose, c.Detail = mydata.PurposePopulation, code
		if code == "" && draft != 0 {
			c.Detail = "draft"
		}
		c.GivenAt, c.WithdrawnAt = mydata.Millis(given), mydata.Millis(withdrawn)
		out = append(out, c)
	}
	return out, rows.Err()
}

// Withdraw records the withdrawal of the consent id about the citizen a.
// Every lookup needs a consent of its own, given at that moment
// (Lookup), so a withdrawn one is never reused: a later lookup happens
// only under a fresh consent.
func (s *Service) Withdraw(ctx context.Context, a *auth.Actor, purpose string, id int64) (bool, error) {
	if purpose != mydata.PurposePopulation {
		return false, nil
	}
	where, args := subject(a, "user_id")
	res, err := s.db.ExecContext(ctx, `UPDATE dancu_consents SET withdrawn_at = ? WHERE id = ? AND withdrawn_at = 0 AND `+where,
		append([]any{s.cfg.Now().UnixMilli(), id}, args...)...)
	if err != nil {
		return true, err
	}
	if n, err := res.RowsAffected(); err != nil || n == 1 {
		return true, err
	}
	var one int
	if err := s.db.QueryRowContext(ctx, `SELECT 1 FROM dancu_consents WHERE id = ? AND `+where, append([]any{id}, args...)...).Scan(&one); errors.Is(err, sql.ErrNoRows) {
		return true, problem.NotFound("consent_not_found")
	} else if err != nil {
		return true, err
	}
	return true, nil // withdrawn already: the first time stands
}
