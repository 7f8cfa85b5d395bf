package notify

import (
	"context"
	"database/sql"
	"errors"

	"github.com/motcua/motcua/auth"
	"github.com/motcua/motcua/mydata"
	"github.com/motcua/motcua/problem"
	"github.com/motcua/motcua/store"
)

// consentChannels maps the purposes to the channels that need consent.
var consentChannels = []struct {
	purpose string
	channel Channel
	on      func(Prefs) bool
}{
	{mydata.PurposeEmail, Email, func(p Prefs) bool { return p.Email }},
	{mydata.PurposeSMS, SMS, func(p Prefs) bool { return p.SMS }},
}

// recordConsents keeps notify_consents in step with a change of prefs
// from was to now: a channel turned on opens a period, one turned off
// closes the open period (or records the default's withdrawal).
func recordConsents(ctx context.Context, tx *store.Tx, userID int64, was, now Prefs, at int64) error {
	for _, c := range consentChannels {
		before, after := c.on(was), c.on(now)
		switch {
		case !before && after:
			if _, err := tx.ExecContext(ctx, `INSERT INTO notify_consents (user_id, channel, given_at) VALUES (?, ?, ?)`, userID, c.channel, at); err != nil {
				return err
			}
		case before && !after:
			res, err := tx.ExecContext(ctx, `UPDATE notify_consents SET withdrawn_at = ? WHERE user_id = ? AND channel = ? AND withdrawn_at = 0`,
				at, userID, c.channel)
			if err != nil {
				return err
			}
			if n, err := res.RowsAffected(); err != nil {
				return err
			} else if n == 0 {
				if _, err := tx.ExecContext(ctx, `INSERT INTO notify_consents (user_id, channel, given_at, withdrawn_at) VALUES (?, ?, 0, ?)`,
					userID, c.channel, at); err != nil {
					return err
				}
			}
		}
	}
	return nil
}

// Consents lists the account's consents to e-mail and SMS notices: the
// recorded periods, and e-mail's default (ID 0) while it was never chosen.
func (s *Service) Consents(ctx context.Context, a *auth.Actor) ([]mydata.Consent, error) {
	p, err := s.Prefs(ctx, a.ID)
	if err != nil {
		return nil, err
	}
	rows, err := s.db.QueryContext(ctx, `SELECT id, channel, given_at, withdrawn_at FROM notify_consents WHERE user_id = ? ORDER BY id`, a.ID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []mydata.Consent{}
	seen := map[Channel]bool{}
	for rows.Next() {
		var id, given, withdrawn int64
		var ch Channel
		if err := rows.Scan(&id, &ch, &given, &withdrawn); err != nil {
			return nil, err
		}
		seen[ch] = true
		out = append(out, mydata.Consent{Purpose: purposeOf(ch), ID: id, GivenAt: mydata.Millis(given), WithdrawnAt: mydata.Millis(withdrawn)})
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	if !seen[Email] && p.Email {
		out = append(out, mydata.Consent{Purpose: mydata.PurposeEmail})
	}
	return out, nil
}

func purposeOf(ch Channel) string {
	for _, c := range consentChannels {
		if c.channel == ch {
			return c.purpose
		}
	}
	return string(ch)
}

// Withdraw turns the channel of purpose off for the account and records
// the withdrawal of its consent id (0: the default). Send honours it from
// then on: no e-mail or SMS is queued until the account turns the channel
// on again, which is a fresh consent (SetPrefs).
func (s *Service) Withdraw(ctx context.Context, a *auth.Actor, purpose string, id int64) (bool, error) {
	var ch Channel
	for _, c := range consentChannels {
		if c.purpose == purpose {
			ch = c.channel
		}
	}
	if ch == "" {
		return false, nil
	}
	return true, s.db.InTx(ctx, func(tx *store.Tx) error {
		if id != 0 {
			var open int64
			err := tx.QueryRowContext(ctx, `SELECT withdrawn_at FROM notify_consents WHERE id = ? AND user_id = ? AND channel = ?`, id, a.ID, ch).Scan(&open)
			if errors.Is(err, sql.ErrNoRows) {
				return problem.NotFound("consent_not_found")
			}
			if err != nil {
				return err
			}
		}
		was, err := accountOf(ctx, tx, a.ID)
		if err != nil {
			return err
		}
		now := was.prefs
		if ch == Email {
			now.Email = false
		} else {
			now.SMS = false
		}
		return s.savePrefs(ctx, tx, a.ID, was.prefs, now)
	})
}

// PersonalData is what notify's tables hold about the account (Law
// 91/2025, the right of access): its preferences and every notice queued
// for it, with where it went and whether it was sent.
func (s *Service) PersonalData(ctx context.Context, a *auth.Actor, codes []string) (any, error) {
	p, err := s.Prefs(ctx, a.ID)
	if err != nil {
		return nil, err
	}
	notices, err := store.Records(ctx, s.db, `SELECT channel, kind, recipient, subject, body, status, created_at, sent_at, read_at
		FROM notify_outbox WHERE user_id = ? ORDER BY id`, a.ID)
	if err != nil {
		return nil, err
	}
	return map[string]any{"prefs": map[string]any{"email": p.Email, "sms": p.SMS, "lang": p.Lang}, "notices": notices}, nil
}
