package auth

import (
	"context"
	"database/sql"
	"errors"
	"strconv"
	"time"

	"github.com/motcua/motcua/event"
	"github.com/motcua/motcua/problem"
	"github.com/motcua/motcua/store"
)

// A unit may require TOTP of the accounts holding the admin or leader role
// on it (exactly that unit: a province that wants it everywhere turns it
// on for each unit, so a commune's policy is visible on the commune).
// Such an account without TOTP can still sign in on the web, but then
// reaches nothing but the enrolment page (Actor.TOTPDue; package web
// enforces it), and gets no API token (totp_enrolment_required): an API
// client has no way to enrol. It cannot turn TOTP off while the policy holds.

// totpRoles are the roles a unit's TOTP policy applies to.
var totpRoles = []string{Admin, Leader}

// TOTPRequired reports whether unitID requires TOTP of its admins and leaders.
func (s *Service) TOTPRequired(ctx context.Context, unitID int64) (bool, error) {
	var req int64
	err := s.db.QueryRowContext(ctx, `SELECT required FROM totp_policies WHERE unit_id = ?`, unitID).Scan(&req)
	if errors.Is(err, sql.ErrNoRows) {
		return false, nil
	}
	return req == 1, err
}

// totpRequired reports whether some unit's policy obliges the account to use TOTP.
func (s *Service) totpRequired(ctx context.Context, q store.Querier, userID int64) (bool, error) {
	var n int
	err := q.QueryRowContext(ctx, `SELECT COUNT(*) FROM user_roles r JOIN totp_policies p ON p.unit_id = r.unit_id
		WHERE r.user_id = ? AND p.required = 1 AND r.role IN (?, ?)`, userID, totpRoles[0], totpRoles[1]).Scan(&n)
	return n > 0, err
}

// totpDue reports whether the account must use TOTP and has not enrolled
// (one query: it runs on every authenticated request).
func (s *Service) totpDue(ctx context.Context, q store.Querier, userID int64) (bool, error) {
	var n int
	err := q.QueryRowContext(ctx, `SELECT COUNT(*) FROM users u JOIN user_roles r ON r.user_id = u.id
		JOIN totp_policies p ON p.unit_id = r.unit_id
		WHERE u.id = ? AND u.totp_secret = '' AND p.required = 1 AND r.role IN (?, ?)`, userID, totpRoles[0], totpRoles[1]).Scan(&n)
	return n > 0, err
}

var errEnrolTOTP = problem.New(problem.ErrForbidden, "totp_enrolment_required")

// Token is the API's login: the password and, for accounts that use it,
// the TOTP code. An account that its unit obliges to use TOTP but that has
// not enrolled gets no token (it must enrol on the web first).
func (s *Service) Token(ctx context.Context, username, password, totp string) (string, time.Time, error) {
	token, exp, err := s.IssueToken(ctx, username, password, totp)
	if err != nil {
		return "", time.Time{}, err
	}
	a, err := s.Authenticate(ctx, token)
	if err != nil {
		return "", time.Time{}, err
	}
	if a.TOTPDue {
		if err := s.Revoke(ctx, token); err != nil {
			return "", time.Time{}, err
		}
		return "", time.Time{}, errEnrolTOTP
	}
	return token, exp, nil
}

// SetTOTPPolicy turns unitID's TOTP requirement for its admins and leaders
// on or off; a must administer the unit.
func (ad *Accounts) SetTOTPPolicy(ctx context.Context, a *Actor, unitID int64, required bool) error {
	if err := ad.inScope(ctx, a, unitID); err != nil {
		return err
	}
	s := ad.s
	return s.db.InTx(ctx, func(tx *store.Tx) error {
		_, err := tx.ExecContext(ctx, `INSERT INTO totp_policies (unit_id, required, updated_by, updated_at) VALUES (?, ?, ?, ?)
			ON CONFLICT (unit_id) DO UPDATE SET required = excluded.required, updated_by = excluded.updated_by, updated_at = excluded.updated_at`,
			unitID, b2i(required), a.ID, s.cfg.Now().UnixMilli())
		if err != nil {
			return err
		}
		codes, err := s.cfg.Units.Codes(ctx, tx, []int64{unitID})
		if err != nil {
			return err
		}
		return s.publish(ctx, tx, event.Security{ActorID: a.ID, ActorName: a.Username, ActorRole: Admin, UnitID: unitID,
			Action: "totp_policy_changed", Object: "unit:" + codes[unitID], Details: "required=" + strconv.FormatBool(required)})
	})
}

func b2i(b bool) int64 {
	if b {
		return 1
	}
	return 0
}
