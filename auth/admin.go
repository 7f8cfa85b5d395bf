package auth

import (
	"context"
	"database/sql"
	"errors"
	"slices"
	"strings"

	"github.com/motcua/motcua/event"
	"github.com/motcua/motcua/problem"
	"github.com/motcua/motcua/store"
)

// Scoper tells which units an actor administers: the units where they hold
// the admin role and every unit below them. unit.Store implements it (auth
// cannot import unit, which imports auth).
type Scoper interface {
	Scope(ctx context.Context, a *Actor) ([]int64, error)
	// AdministersCitizens reports whether a holds the admin role on a
	// province-level unit: only such admins manage citizen accounts.
	AdministersCitizens(ctx context.Context, a *Actor) (bool, error)
}

// Accounts manages officer accounts for unit administrators. Every method
// takes the acting admin and refuses units outside their scope. An account
// may be disabled or have its password reset only when every role it holds
// lies in the admin's scope: a commune admin who granted a clerk role to the
// district's admin must not thereby be able to take over that account.
type Accounts struct {
	s     *Service
	units Scoper
}

// NewAccounts returns the account administration on s, scoped by units.
func NewAccounts(s *Service, units Scoper) *Accounts { return &Accounts{s: s, units: units} }

// Officer is an account as an administrator sees it; Grants are only the
// roles held on units the administrator administers.
type Officer struct {
	User
	Disabled bool
	TOTP     bool
	Grants   []Grant
}

var (
	errNotYourUnit     = problem.Forbidden("not_your_unit")
	errCitizenAccounts = problem.Forbidden("citizen_accounts")
)

func (ad *Accounts) scope(ctx context.Context, a *Actor) ([]int64, error) {
	ids, err := ad.units.Scope(ctx, a)
	if err != nil {
		return nil, err
	}
	if len(ids) == 0 {
		return nil, problem.Forbidden("unit_admin_only")
	}
	return ids, nil
}

func (ad *Accounts) inScope(ctx context.Context, a *Actor, unitID int64) error {
	ids, err := ad.scope(ctx, a)
	if err != nil {
		return err
	}
	if !slices.Contains(ids, unitID) {
		return errNotYourUnit
	}
	return nil
}

// Officers lists the accounts holding roles on units a administers, by
// username, each with those roles.
func (ad *Accounts) Officers(ctx context.Context, a *Actor) ([]Officer, error) {
	ids, err := ad.scope(ctx, a)
	if err != nil {
		return nil, err
	}
	args := make([]any, len(ids))
	for i, id := range ids {
		args[i] = id
	}
	rows, err := ad.s.db.QueryContext(ctx, `SELECT u.id, u.username, u.full_name, u.kind, u.title, u.disabled,
		CASE WHEN u.totp_secret = '' THEN 0 ELSE 1 END, r.unit_id, r.role
		FROM user_roles r JOIN users u ON u.id = r.user_id
		WHERE r.unit_id IN (`+store.Placeholders(len(ids))+`) ORDER BY u.username`, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Officer
	for rows.Next() {
		var o Officer
		var g Grant
		var disabled, totp int64
		if err := rows.Scan(&o.ID, &o.Username, &o.FullName, &o.Kind, &o.Title, &disabled, &totp, &g.UnitID, &g.Role); err != nil {
			return nil, err
		}
		if n := len(out); n > 0 && out[n-1].ID == o.ID {
			out[n-1].Grants = append(out[n-1].Grants, g)
			continue
		}
		o.Disabled, o.TOTP, o.Grants = disabled == 1, totp == 1, []Grant{g}
		out = append(out, o)
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	for _, o := range out {
		if err := ad.s.withCodes(ctx, ad.s.db, o.Grants); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// Officer returns one account as Officers shows it; an account with no
// role in a's scope is not found (whether it exists is not revealed).
func (ad *Accounts) Officer(ctx context.Context, a *Actor, username string) (Officer, error) {
	all, err := ad.Officers(ctx, a)
	if err != nil {
		return Officer{}, err
	}
	username = strings.ToLower(strings.TrimSpace(username))
	for _, o := range all {
		if o.Username == username {
			return o, nil
		}
	}
	return Officer{}, problem.NotFound("user_not_found.officer", username)
}

// CreateOfficer creates an officer account with a first role on a unit a
// administers, so the account is never left outside every admin's reach.
func (ad *Accounts) CreateOfficer(ctx context.Context, a *Actor, nu NewUser, unitID int64, role string) (User, error) {
	if err := ad.inScope(ctx, a, unitID); err != nil {
		return User{}, err
	}
	if !ValidRole(role) || role == Citizen {
		return User{}, problem.Invalid("role", "invalid_role")
	}
	nu.Kind = "officer"
	nu.FullName, nu.Title = strings.TrimSpace(nu.FullName), strings.TrimSpace(nu.Title)
	if nu.FullName == "" {
		return User{}, problem.Invalid("full_name", "name_required")
	}
	var u User
	err := ad.s.db.InTx(ctx, func(tx *store.Tx) error {
		var err error
		if u, err = ad.s.CreateUser(ctx, tx, nu); err != nil {
			return err
		}
		if err := ad.s.publish(ctx, tx, byAdmin(a, unitID, "account_created", u.Username, "")); err != nil {
			return err
		}
		return ad.s.grantAs(ctx, tx, a, u.ID, u.Username, unitID, role)
	})
	return u, err
}

// byAdmin is a security event of admin a acting on account username.
func byAdmin(a *Actor, unitID int64, action, username, details string) event.Security {
	e := event.Security{UnitID: unitID, Action: action, Object: "user:" + username, Details: details}
	if a != nil {
		e.ActorID, e.ActorName, e.ActorRole = a.ID, a.Username, Admin
	}
	return e
}

// grantAs grants role and publishes it as a's act (a nil: the command line).
func (s *Service) grantAs(ctx context.Context, tx *store.Tx, a *Actor, userID int64, username string, unitID int64, role string) error {
	if err := s.Grant(ctx, tx, userID, unitID, role); err != nil {
		return err
	}
	return s.publish(ctx, tx, byAdmin(a, unitID, "role_granted", username, "role="+role))
}

// target loads the account an admin acts on.
func (ad *Accounts) target(ctx context.Context, username string) (id int64, kind string, err error) {
	return ad.s.target(ctx, username)
}

func (s *Service) target(ctx context.Context, username string) (id int64, kind string, err error) {
	username = strings.ToLower(strings.TrimSpace(username))
	err = s.db.QueryRowContext(ctx, `SELECT id, kind FROM users WHERE username = ?`, username).Scan(&id, &kind)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, "", problem.Invalid("username", "user_not_found.username", username)
	}
	return id, kind, err
}

func normName(username string) string { return strings.ToLower(strings.TrimSpace(username)) }

// GrantRole gives an officer account a role on a unit a administers.
func (ad *Accounts) GrantRole(ctx context.Context, a *Actor, username string, unitID int64, role string) error {
	if err := ad.inScope(ctx, a, unitID); err != nil {
		return err
	}
	id, kind, err := ad.target(ctx, username)
	if err != nil {
		return err
	}
	if kind != "officer" {
		return problem.Invalid("username", "not_officer")
	}
	return ad.s.db.InTx(ctx, func(tx *store.Tx) error { return ad.s.grantAs(ctx, tx, a, id, normName(username), unitID, role) })
}

// RevokeRole takes a role on a unit a administers away from an account.
// An admin cannot take away their own admin role (and lock themselves out).
func (ad *Accounts) RevokeRole(ctx context.Context, a *Actor, username string, unitID int64, role string) error {
	if err := ad.inScope(ctx, a, unitID); err != nil {
		return err
	}
	id, _, err := ad.target(ctx, username)
	if err != nil {
		return err
	}
	if id == a.ID && role == Admin {
		return problem.Invalid("role", "own_admin_role")
	}
	return ad.s.db.InTx(ctx, func(tx *store.Tx) error {
		res, err := tx.ExecContext(ctx, `DELETE FROM user_roles WHERE user_id = ? AND unit_id = ? AND role = ?`, id, unitID, role)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return problem.NotFound("role_not_found")
		}
		return ad.s.publish(ctx, tx, byAdmin(a, unitID, "role_revoked", normName(username), "role="+role))
	})
}

// manageable checks that a may disable the account or reset its password,
// and returns its id and the unit the act concerns (0 for a citizen). An
// officer account is manageable when every role it holds lies in a's
// scope; a citizen account (tied to no unit) by the admins of a
// province-level unit, who answer for the whole installation's citizens.
func (ad *Accounts) manageable(ctx context.Context, a *Actor, username string) (int64, int64, error) {
	ids, err := ad.scope(ctx, a)
	if err != nil {
		return 0, 0, err
	}
	id, kind, err := ad.target(ctx, username)
	if err != nil {
		return 0, 0, err
	}
	if kind == "citizen" {
		ok, err := ad.units.AdministersCitizens(ctx, a)
		if err != nil {
			return 0, 0, err
		}
		if !ok {
			return 0, 0, errCitizenAccounts
		}
		return id, 0, nil
	}
	t, err := ad.s.Actor(ctx, id)
	if err != nil {
		return 0, 0, err
	}
	if len(t.Grants) == 0 {
		return 0, 0, problem.Forbidden("account_not_in_unit")
	}
	for _, g := range t.Grants {
		if !slices.Contains(ids, g.UnitID) {
			return 0, 0, problem.Forbidden("account_elsewhere")
		}
	}
	return id, t.Grants[0].UnitID, nil
}

// SetDisabled disables or re-enables an account. A disabled account cannot
// log in and its open sessions end at once. Admins cannot disable themselves.
func (ad *Accounts) SetDisabled(ctx context.Context, a *Actor, username string, disabled bool) error {
	id, unitID, err := ad.manageable(ctx, a, username)
	if err != nil {
		return err
	}
	if id == a.ID && disabled {
		return problem.Invalid("username", "own_account")
	}
	return ad.s.db.InTx(ctx, func(tx *store.Tx) error {
		return ad.s.setDisabled(ctx, tx, a, id, normName(username), unitID, disabled)
	})
}

func (s *Service) setDisabled(ctx context.Context, tx *store.Tx, a *Actor, id int64, username string, unitID int64, disabled bool) error {
	if _, err := tx.ExecContext(ctx, `UPDATE users SET disabled = ?, failed_logins = 0, locked_until = 0 WHERE id = ?`, b2i(disabled), id); err != nil {
		return err
	}
	action := "account_enabled"
	if disabled {
		action = "account_disabled"
		if err := s.revokeAll(ctx, tx, id); err != nil {
			return err
		}
	}
	return s.publish(ctx, tx, byAdmin(a, unitID, action, username, ""))
}

// ResetPassword sets a new password (at least 8 characters) and ends the
// account's sessions, so whoever knew the old one is signed out.
func (ad *Accounts) ResetPassword(ctx context.Context, a *Actor, username, password string) error {
	id, unitID, err := ad.manageable(ctx, a, username)
	if err != nil {
		return err
	}
	return ad.s.resetPassword(ctx, a, id, normName(username), unitID, password)
}

func (s *Service) resetPassword(ctx context.Context, a *Actor, id int64, username string, unitID int64, password string) error {
	if err := checkNewPassword(password); err != nil {
		return err
	}
	hash, err := s.hashPassword(ctx, password)
	if err != nil {
		return err
	}
	return s.db.InTx(ctx, func(tx *store.Tx) error {
		if err := s.storePassword(ctx, tx, id, hash); err != nil {
			return err
		}
		return s.publish(ctx, tx, byAdmin(a, unitID, "password_reset", username, "admin"))
	})
}

// SetPasswordAsOperator sets an account's password from the command line
// (motcua user passwd): no scope applies and the event's actor is 0.
func (s *Service) SetPasswordAsOperator(ctx context.Context, username, password string) error {
	id, _, err := s.target(ctx, username)
	if err != nil {
		return err
	}
	return s.resetPassword(ctx, nil, id, normName(username), 0, password)
}

// SetDisabledAsOperator disables or enables an account from the command
// line (motcua user disable|enable), ending its sessions when disabling.
func (s *Service) SetDisabledAsOperator(ctx context.Context, username string, disabled bool) error {
	id, _, err := s.target(ctx, username)
	if err != nil {
		return err
	}
	return s.db.InTx(ctx, func(tx *store.Tx) error { return s.setDisabled(ctx, tx, nil, id, normName(username), 0, disabled) })
}

func (s *Service) revokeAll(ctx context.Context, tx *store.Tx, userID int64) error {
	_, err := tx.ExecContext(ctx, `UPDATE sessions SET revoked_at = ? WHERE user_id = ? AND revoked_at IS NULL`, s.cfg.Now().UnixMilli(), userID)
	return err
}

// ClearTOTP turns an account's second factor off for someone who lost the
// phone it was on, and ends the account's sessions; they sign in with the
// password and enrol again (at once, if a unit's policy requires it).
func (ad *Accounts) ClearTOTP(ctx context.Context, a *Actor, username string) error {
	id, unitID, err := ad.manageable(ctx, a, username)
	if err != nil {
		return err
	}
	return ad.s.db.InTx(ctx, func(tx *store.Tx) error { return ad.s.clearTOTPAs(ctx, tx, a, id, normName(username), unitID) })
}

// ClearTOTPAsOperator is ClearTOTP from the command line (motcua user totp-off).
func (s *Service) ClearTOTPAsOperator(ctx context.Context, username string) error {
	id, _, err := s.target(ctx, username)
	if err != nil {
		return err
	}
	return s.db.InTx(ctx, func(tx *store.Tx) error { return s.clearTOTPAs(ctx, tx, nil, id, normName(username), 0) })
}

func (s *Service) clearTOTPAs(ctx context.Context, tx *store.Tx, a *Actor, id int64, username string, unitID int64) error {
	if _, err := tx.ExecContext(ctx, `UPDATE users SET totp_secret = '' WHERE id = ?`, id); err != nil {
		return err
	}
	if err := s.revokeAll(ctx, tx, id); err != nil {
		return err
	}
	return s.publish(ctx, tx, byAdmin(a, unitID, "totp_disabled", username, "admin"))
}
