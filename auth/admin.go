package auth

import (
	"context"
	"database/sql"
	"errors"
	"slices"
	"strings"

	"github.com/motcua/motcua/problem"
	"github.com/motcua/motcua/store"
)

// Scoper tells which units an actor administers: the units where they hold
// the admin role and every unit below them. unit.Store implements it (auth
// cannot import unit, which imports auth).
type Scoper interface {
	Scope(ctx context.Context, a *Actor) ([]int64, error)
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

var errNotYourUnit = problem.Forbidden("not_your_unit")

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
		return ad.s.Grant(ctx, tx, u.ID, unitID, role)
	})
	return u, err
}

// target loads the account an admin acts on.
func (ad *Accounts) target(ctx context.Context, username string) (id int64, kind string, err error) {
	username = strings.ToLower(strings.TrimSpace(username))
	err = ad.s.db.QueryRowContext(ctx, `SELECT id, kind FROM users WHERE username = ?`, username).Scan(&id, &kind)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, "", problem.Invalid("username", "user_not_found.username", username)
	}
	return id, kind, err
}

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
	return ad.s.db.InTx(ctx, func(tx *store.Tx) error { return ad.s.Grant(ctx, tx, id, unitID, role) })
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
	res, err := ad.s.db.ExecContext(ctx, `DELETE FROM user_roles WHERE user_id = ? AND unit_id = ? AND role = ?`, id, unitID, role)
	if err != nil {
		return err
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return problem.NotFound("role_not_found")
	}
	return nil
}

// manageable checks that every role of the account lies in a's scope.
func (ad *Accounts) manageable(ctx context.Context, a *Actor, username string) (int64, error) {
	ids, err := ad.scope(ctx, a)
	if err != nil {
		return 0, err
	}
	id, _, err := ad.target(ctx, username)
	if err != nil {
		return 0, err
	}
	t, err := ad.s.Actor(ctx, id)
	if err != nil {
		return 0, err
	}
	if len(t.Grants) == 0 {
		return 0, problem.Forbidden("account_not_in_unit")
	}
	for _, g := range t.Grants {
		if !slices.Contains(ids, g.UnitID) {
			return 0, problem.Forbidden("account_elsewhere")
		}
	}
	return id, nil
}

// SetDisabled disables or re-enables an account. A disabled account cannot
// log in and its open sessions end at once. Admins cannot disable themselves.
func (ad *Accounts) SetDisabled(ctx context.Context, a *Actor, username string, disabled bool) error {
	id, err := ad.manageable(ctx, a, username)
	if err != nil {
		return err
	}
	if id == a.ID && disabled {
		return problem.Invalid("username", "own_account")
	}
	v := int64(0)
	if disabled {
		v = 1
	}
	return ad.s.db.InTx(ctx, func(tx *store.Tx) error {
		if _, err := tx.ExecContext(ctx, `UPDATE users SET disabled = ?, failed_logins = 0, locked_until = 0 WHERE id = ?`, v, id); err != nil {
			return err
		}
		if !disabled {
			return nil
		}
		return ad.s.revokeAll(ctx, tx, id)
	})
}

// ResetPassword sets a new password (at least 8 characters) and ends the
// account's sessions, so whoever knew the old one is signed out.
func (ad *Accounts) ResetPassword(ctx context.Context, a *Actor, username, password string) error {
	id, err := ad.manageable(ctx, a, username)
	if err != nil {
		return err
	}
	if len(password) < 8 {
		return problem.Invalid("password", "weak_password")
	}
	hash, err := HashPassword(password, ad.s.cfg.Params)
	if err != nil {
		return err
	}
	return ad.s.db.InTx(ctx, func(tx *store.Tx) error {
		if _, err := tx.ExecContext(ctx, `UPDATE users SET password_hash = ?, failed_logins = 0, locked_until = 0 WHERE id = ?`, hash, id); err != nil {
			return err
		}
		return ad.s.revokeAll(ctx, tx, id)
	})
}

func (s *Service) revokeAll(ctx context.Context, tx *store.Tx, userID int64) error {
	_, err := tx.ExecContext(ctx, `UPDATE sessions SET revoked_at = ? WHERE user_id = ? AND revoked_at IS NULL`, s.cfg.Now().UnixMilli(), userID)
	return err
}

// DisableTOTP turns the second factor off; it needs a current code, so a
// stolen session alone cannot remove it.
func (s *Service) DisableTOTP(ctx context.Context, userID int64, code string) error {
	var secret string
	if err := s.db.QueryRowContext(ctx, `SELECT totp_secret FROM users WHERE id = ?`, userID).Scan(&secret); err != nil {
		return err
	}
	if secret == "" {
		return nil
	}
	if !CheckTOTP(secret, code, s.cfg.Now()) {
		return problem.Invalid("code", "invalid_totp")
	}
	return s.SetTOTP(ctx, userID, "", "")
}
