package sohoa

import (
	"context"
	"database/sql"
	"errors"

	"github.com/motcua/motcua/auth"
	"github.com/motcua/motcua/mydata"
	"github.com/motcua/motcua/problem"
	"github.com/motcua/motcua/store"
)

// Consents lists the citizen's consent to the desk reusing their stored
// papers: every recorded period, or the default (ID 0, never chosen).
func (s *Service) Consents(ctx context.Context, a *auth.Actor) ([]mydata.Consent, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT id, given_at, withdrawn_at FROM sohoa_consents WHERE user_id = ? ORDER BY id`, a.ID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []mydata.Consent{}
	for rows.Next() {
		c := mydata.Consent{Purpose: mydata.PurposeReuse}
		var given, withdrawn int64
		if err := rows.Scan(&c.ID, &given, &withdrawn); err != nil {
			return nil, err
		}
		c.GivenAt, c.WithdrawnAt = mydata.Millis(given), mydata.Millis(withdrawn)
		out = append(out, c)
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	if len(out) == 0 {
		out = append(out, mydata.Consent{Purpose: mydata.PurposeReuse})
	}
	return out, nil
}

// Withdraw ends the citizen's consent id (0: the default) to the desk's
// reuse of their papers. From then on the desk neither finds their papers
// (Suggest) nor attaches them (AttachFromStore) until they give it again
// (Give); their own reuse in the wizard is their act and stays.
func (s *Service) Withdraw(ctx context.Context, a *auth.Actor, purpose string, id int64) (bool, error) {
	if purpose != mydata.PurposeReuse {
		return false, nil
	}
	now := s.cfg.Now().UnixMilli()
	return true, s.db.InTx(ctx, func(tx *store.Tx) error {
		latest, withdrawn, err := latestConsent(ctx, tx, a.ID)
		if err != nil {
			return err
		}
		switch {
		case withdrawn:
			return nil // withdrawn already: the first time stands
		case id != latest:
			return problem.NotFound("consent_not_found")
		case id == 0:
			_, err = tx.ExecContext(ctx, `INSERT INTO sohoa_consents (user_id, id_number, given_at, withdrawn_at) VALUES (?, ?, 0, ?)`,
				a.ID, verifiedIDNumber(a), now)
		default:
			_, err = tx.ExecContext(ctx, `UPDATE sohoa_consents SET withdrawn_at = ? WHERE id = ?`, now, id)
		}
		return err
	})
}

// Give records the citizen's fresh consent to the desk's reuse of their
// papers, after a withdrawal; with none withdrawn it changes nothing.
func (s *Service) Give(ctx context.Context, a *auth.Actor, purpose string) (bool, error) {
	if purpose != mydata.PurposeReuse {
		return false, nil
	}
	return true, s.db.InTx(ctx, func(tx *store.Tx) error {
		_, withdrawn, err := latestConsent(ctx, tx, a.ID)
		if err != nil || !withdrawn {
			return err
		}
		_, err = tx.ExecContext(ctx, `INSERT INTO sohoa_consents (user_id, id_number, given_at) VALUES (?, ?, ?)`,
			a.ID, verifiedIDNumber(a), s.cfg.Now().UnixMilli())
		return err
	})
}

// latestConsent is the account's latest period (0 when none) and whether
// it was withdrawn.
func latestConsent(ctx context.Context, q store.Querier, userID int64) (int64, bool, error) {
	var id, withdrawn int64
	err := q.QueryRowContext(ctx, `SELECT id, withdrawn_at FROM sohoa_consents WHERE user_id = ? ORDER BY id DESC LIMIT 1`, userID).Scan(&id, &withdrawn)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, false, nil
	}
	return id, withdrawn != 0, err
}

// reuseWithdrawn reports whether the holder of p withdrew their consent
// to the desk's reuse: the latest choice of the holding account, or of
// any account VNeID verified under the paper's ID number.
func (s *Service) reuseWithdrawn(ctx context.Context, p *Paper) (bool, error) {
	var withdrawn int64
	err := s.db.QueryRowContext(ctx, `SELECT withdrawn_at FROM sohoa_consents WHERE user_id = ? OR (id_number = ? AND id_number <> '')
		ORDER BY id DESC LIMIT 1`, p.holderID, p.HolderIDNumber).Scan(&withdrawn)
	if errors.Is(err, sql.ErrNoRows) {
		return false, nil
	}
	return withdrawn != 0, err
}

// PersonalData is what sohoa's tables hold about the citizen a (Law
// 91/2025, the right of access): the papers of their data store and
// every reuse of them.
func (s *Service) PersonalData(ctx context.Context, a *auth.Actor, codes []string) (any, error) {
	where, args := s.holderClause(a)
	papers, err := store.Records(ctx, s.db, `SELECT code, kind, dossier_code, procedure_code, procedure_name, component, name,
		content_type, size, sha256, holder_id_number, holder_name, by_name, at FROM sohoa_papers WHERE `+where+` ORDER BY id`, args...)
	if err != nil {
		return nil, err
	}
	reuses, err := store.Records(ctx, s.db, `SELECT p.code AS paper, r.dossier_code, r.component, r.by_name, r.at
		FROM sohoa_reuses r JOIN sohoa_papers p ON p.id = r.paper_id WHERE `+where+` ORDER BY r.id`, args...)
	if err != nil {
		return nil, err
	}
	return map[string]any{"papers": papers, "reuses": reuses}, nil
}
