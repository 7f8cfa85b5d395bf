package auth

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/base64"
	"errors"
	"strconv"
	"strings"
	"time"

	"github.com/motcua/motcua/clientip"
	"github.com/motcua/motcua/event"
	"github.com/motcua/motcua/problem"
	"github.com/motcua/motcua/store"
)

// An account's own password: changed with the old one, or recovered with
// a one-time link sent by e-mail and SMS. Both end the account's other
// sessions, so whoever knew the old password is signed out.

var errTooManyTries = problem.New(problem.ErrTooMany, "too_many_tries")

// MinPassword is the shortest password accepted.
const MinPassword = 8

func checkNewPassword(pw string) error {
	if len(pw) < MinPassword {
		return problem.Invalid("password", "weak_password")
	}
	return nil
}

// ChangePassword sets the account's password when old is its current
// one, and ends every session of the account except keep (the token of
// the session making the change, "" for none).
func (s *Service) ChangePassword(ctx context.Context, userID int64, old, password, keep string) error {
	var name, hash string
	if err := s.db.QueryRowContext(ctx, `SELECT username, password_hash FROM users WHERE id = ?`, userID).Scan(&name, &hash); err != nil {
		return err
	}
	// A stolen session must not become a way to guess the password:
	// five wrong old passwords, then one a minute.
	key := "old-password:" + strconv.FormatInt(userID, 10)
	if !s.guesses.Peek(key) {
		return errTooManyTries
	}
	match, err := s.checkPassword(ctx, hash, old)
	if err != nil {
		return err // busy: nothing was checked
	}
	if !match {
		s.guesses.Allow(key)
		return problem.Invalid("old_password", "wrong_password")
	}
	if err := checkNewPassword(password); err != nil {
		return err
	}
	if old == password {
		return problem.Invalid("password", "same_password")
	}
	newHash, err := s.hashPassword(ctx, password)
	if err != nil {
		return err
	}
	return s.db.InTx(ctx, func(tx *store.Tx) error {
		if _, err := tx.ExecContext(ctx, `UPDATE users SET password_hash = ? WHERE id = ?`, newHash, userID); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `UPDATE sessions SET revoked_at = ? WHERE user_id = ? AND revoked_at IS NULL AND token_hash <> ?`,
			s.cfg.Now().UnixMilli(), userID, tokenHash(keep)); err != nil {
			return err
		}
		return s.publish(ctx, tx, event.Security{ActorID: userID, ActorName: name, Action: "password_changed", Object: "user:" + name})
	})
}

// RecoveryRequested is published in the transaction that issues a
// password recovery link; package notify listens and writes the e-mail
// and SMS into its outbox. Token is the only copy of the link's secret:
// auth keeps its hash.
type RecoveryRequested struct {
	UserID   int64
	Username string
	Token    string
	Expires  time.Time
}

// recoveryGap is the least time between two links for one account, so the
// form cannot be used to flood someone's inbox or phone.
const recoveryGap = time.Minute

// RequestRecovery issues a one-time recovery link for each enabled account
// whose username, e-mail or phone is login. It answers the same (nil)
// whether or not such an account exists, so the form does not tell who has
// an account; an account without e-mail or phone gets nothing it can use.
func (s *Service) RequestRecovery(ctx context.Context, login string) error {
	login = strings.TrimSpace(login)
	if login == "" {
		return problem.Invalid("login", "login_required")
	}
	// Per client address, so the form cannot send links to every account
	// in turn (each account also gets at most one a minute, below).
	if ok, _ := s.guesses.Allow("recovery:" + clientip.String(ctx)); !ok {
		return errTooManyTries
	}
	now := s.cfg.Now()
	return s.db.InTx(ctx, func(tx *store.Tx) error {
		rows, err := tx.QueryContext(ctx, `SELECT id, username FROM users
			WHERE disabled = 0 AND (username = ? OR (email <> '' AND LOWER(email) = ?) OR (phone <> '' AND phone = ?)) ORDER BY id LIMIT 5`,
			strings.ToLower(login), strings.ToLower(login), login)
		if err != nil {
			return err
		}
		type acct struct {
			id   int64
			name string
		}
		var found []acct
		for rows.Next() {
			var a acct
			if err := rows.Scan(&a.id, &a.name); err != nil {
				rows.Close()
				return err
			}
			found = append(found, a)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return err
		}
		for _, a := range found {
			var recent int
			if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM password_resets WHERE user_id = ? AND created_at > ?`,
				a.id, now.Add(-recoveryGap).UnixMilli()).Scan(&recent); err != nil {
				return err
			}
			if recent > 0 {
				continue
			}
			var raw [32]byte
			if _, err := rand.Read(raw[:]); err != nil {
				return err
			}
			token := base64.RawURLEncoding.EncodeToString(raw[:])
			exp := now.Add(s.cfg.RecoveryTTL)
			if _, err := tx.ExecContext(ctx, `INSERT INTO password_resets (token_hash, user_id, created_at, expires_at) VALUES (?, ?, ?, ?)`,
				tokenHash(token), a.id, now.UnixMilli(), exp.UnixMilli()); err != nil {
				return err
			}
			if err := s.publish(ctx, tx, event.Security{ActorName: a.name, Action: "password_recovery_requested", Object: "user:" + a.name}); err != nil {
				return err
			}
			if err := event.Publish(ctx, s.cfg.Bus, tx, RecoveryRequested{UserID: a.id, Username: a.name, Token: token, Expires: exp}); err != nil {
				return err
			}
		}
		return nil
	})
}

var errBadRecovery = problem.Invalid("token", "recovery_link_invalid")

// recoveryUser returns the account a live, unused recovery token is for.
func (s *Service) recoveryUser(ctx context.Context, q store.Querier, token string) (int64, string, error) {
	if token == "" {
		return 0, "", errBadRecovery
	}
	var id int64
	var name string
	err := q.QueryRowContext(ctx, `SELECT u.id, u.username FROM password_resets r JOIN users u ON u.id = r.user_id
		WHERE r.token_hash = ? AND r.used_at IS NULL AND r.expires_at > ? AND u.disabled = 0`,
		tokenHash(token), s.cfg.Now().UnixMilli()).Scan(&id, &name)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, "", errBadRecovery
	}
	return id, name, err
}

// CheckRecovery reports whether token is a live recovery link (so the page
// can say so before the new password is typed).
func (s *Service) CheckRecovery(ctx context.Context, token string) error {
	_, _, err := s.recoveryUser(ctx, s.db, token)
	return err
}

// Recover sets a new password with a recovery token. The token works once
// and until it expires; using it voids the account's other recovery
// links, clears a lock, and ends all its sessions.
func (s *Service) Recover(ctx context.Context, token, password string) error {
	if err := checkNewPassword(password); err != nil {
		return err
	}
	hash, err := s.hashPassword(ctx, password)
	if err != nil {
		return err
	}
	return s.db.InTx(ctx, func(tx *store.Tx) error {
		id, name, err := s.recoveryUser(ctx, tx, token)
		if err != nil {
			return err
		}
		now := s.cfg.Now().UnixMilli()
		// Conditional on used_at: of two requests racing with one link, one wins.
		res, err := tx.ExecContext(ctx, `UPDATE password_resets SET used_at = ? WHERE token_hash = ? AND used_at IS NULL`, now, tokenHash(token))
		if err != nil {
			return err
		}
		if n, err := res.RowsAffected(); err != nil || n != 1 {
			return errBadRecovery
		}
		if _, err := tx.ExecContext(ctx, `UPDATE password_resets SET used_at = ? WHERE user_id = ? AND used_at IS NULL`, now, id); err != nil {
			return err
		}
		if err := s.storePassword(ctx, tx, id, hash); err != nil {
			return err
		}
		return s.publish(ctx, tx, event.Security{ActorID: id, ActorName: name, Action: "password_reset", Object: "user:" + name, Details: "recovery"})
	})
}

// storePassword replaces the hash, clears a lock and ends every session.
func (s *Service) storePassword(ctx context.Context, tx *store.Tx, id int64, hash string) error {
	if _, err := tx.ExecContext(ctx, `UPDATE users SET password_hash = ?, failed_logins = 0, locked_until = 0 WHERE id = ?`, hash, id); err != nil {
		return err
	}
	return s.revokeAll(ctx, tx, id)
}
