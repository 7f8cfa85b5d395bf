package auth

import (
	"context"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha1"
	"encoding/base32"
	"encoding/binary"
	"fmt"
	"strings"
	"time"

	"github.com/motcua/motcua/event"
	"github.com/motcua/motcua/problem"
	"github.com/motcua/motcua/store"
)

// TOTP (RFC 6238: HMAC-SHA1, 30-second steps, 6 digits) is the optional
// second factor for officers; authenticator apps read the otpauth URI.
// Each code is accepted once: the last accepted step is stored with the
// account and a code of that step or an earlier one is refused, so a code
// read over a shoulder or from a phishing page cannot be replayed. The
// secret is stored sealed with the service's key (see seal.go).

// NewTOTPSecret returns a random base32 secret.
func NewTOTPSecret() string {
	b := make([]byte, 20)
	rand.Read(b)
	return base32.StdEncoding.WithPadding(base32.NoPadding).EncodeToString(b)
}

// TOTPCode computes the code for secret at t.
func TOTPCode(secret string, t time.Time) (string, error) {
	return totpAt(secret, t.Unix()/30)
}

func totpAt(secret string, step int64) (string, error) {
	key, err := base32.StdEncoding.WithPadding(base32.NoPadding).DecodeString(strings.ToUpper(strings.TrimRight(secret, "=")))
	if err != nil {
		return "", err
	}
	var msg [8]byte
	binary.BigEndian.PutUint64(msg[:], uint64(step))
	m := hmac.New(sha1.New, key)
	m.Write(msg[:])
	sum := m.Sum(nil)
	off := sum[len(sum)-1] & 0x0f
	v := binary.BigEndian.Uint32(sum[off:off+4]) & 0x7fffffff
	return fmt.Sprintf("%06d", v%1_000_000), nil
}

// matchTOTP returns the step whose code is code: the current step or the
// one before or after it (clock drift on a phone).
func matchTOTP(secret, code string, now time.Time) (int64, bool) {
	code = strings.TrimSpace(code)
	if len(code) != 6 {
		return 0, false
	}
	cur := now.Unix() / 30
	for _, step := range []int64{cur - 1, cur, cur + 1} {
		if c, err := totpAt(secret, step); err == nil && hmac.Equal([]byte(c), []byte(code)) {
			return step, true
		}
	}
	return 0, false
}

// CheckTOTP reports whether code is valid for secret at now, without
// using it up; logins go through UseTOTP.
func CheckTOTP(secret, code string, now time.Time) bool {
	_, ok := matchTOTP(secret, code, now)
	return ok
}

// UseTOTP checks code against the account's stored (sealed) secret and
// uses it up: it succeeds only if the code's step is later than the last
// step accepted for the account, and records that step in the same
// conditional UPDATE, so two requests racing with one code cannot both
// pass. A database error counts as a refusal (fail closed).
func (s *Service) UseTOTP(ctx context.Context, userID int64, stored, code string, now time.Time) bool {
	return s.useTOTP(ctx, s.db, userID, stored, code, now)
}

func (s *Service) useTOTP(ctx context.Context, q store.Querier, userID int64, stored, code string, now time.Time) bool {
	secret, err := s.openSecret(stored)
	if err != nil {
		return false
	}
	step, ok := matchTOTP(secret, code, now)
	if !ok {
		return false
	}
	res, err := q.ExecContext(ctx, `UPDATE users SET totp_last_step = ? WHERE id = ? AND totp_last_step < ?`, step, userID, step)
	if err != nil {
		return false
	}
	n, err := res.RowsAffected()
	return err == nil && n == 1
}

// TOTPURI is the otpauth:// URI an authenticator app enrolls from.
func TOTPURI(secret, username string) string {
	return fmt.Sprintf("otpauth://totp/motcua:%s?secret=%s&issuer=motcua", username, secret)
}

// SetTOTP enables (secret != "") or disables the second factor of a user.
// Enabling needs a code from the app, proving it was enrolled; that code
// is used up. The secret is stored sealed.
func (s *Service) SetTOTP(ctx context.Context, userID int64, secret, code string) error {
	if secret == "" {
		return s.db.InTx(ctx, func(tx *store.Tx) error { return s.clearTOTP(ctx, tx, userID) })
	}
	step, ok := matchTOTP(secret, code, s.cfg.Now())
	if !ok {
		return problem.Invalid("code", "invalid_totp")
	}
	sealed, err := s.sealSecret(secret)
	if err != nil {
		return err
	}
	return s.db.InTx(ctx, func(tx *store.Tx) error {
		if _, err := tx.ExecContext(ctx, `UPDATE users SET totp_secret = ?, totp_last_step = ? WHERE id = ?`, sealed, step, userID); err != nil {
			return err
		}
		return s.publishUser(ctx, tx, userID, "totp_enabled")
	})
}

func (s *Service) clearTOTP(ctx context.Context, tx *store.Tx, userID int64) error {
	if _, err := tx.ExecContext(ctx, `UPDATE users SET totp_secret = '' WHERE id = ?`, userID); err != nil {
		return err
	}
	return s.publishUser(ctx, tx, userID, "totp_disabled")
}

// publishUser publishes action done by the account itself on itself.
func (s *Service) publishUser(ctx context.Context, tx *store.Tx, userID int64, action string) error {
	var name string
	if err := tx.QueryRowContext(ctx, `SELECT username FROM users WHERE id = ?`, userID).Scan(&name); err != nil {
		return err
	}
	return s.publish(ctx, tx, event.Security{ActorID: userID, ActorName: name, Action: action, Object: "user:" + name})
}

// HasTOTP reports whether a user has the second factor on.
func (s *Service) HasTOTP(ctx context.Context, userID int64) (bool, error) {
	var secret string
	err := s.db.QueryRowContext(ctx, `SELECT totp_secret FROM users WHERE id = ?`, userID).Scan(&secret)
	return secret != "", err
}

// DisableTOTP turns the second factor off; it needs a current, unused
// code, so a stolen session alone cannot remove it. An account that a
// unit's policy obliges to use TOTP cannot turn it off.
func (s *Service) DisableTOTP(ctx context.Context, userID int64, code string) error {
	var stored string
	if err := s.db.QueryRowContext(ctx, `SELECT totp_secret FROM users WHERE id = ?`, userID).Scan(&stored); err != nil {
		return err
	}
	if stored == "" {
		return nil
	}
	req, err := s.totpRequired(ctx, s.db, userID)
	if err != nil {
		return err
	}
	if req {
		return problem.Invalid("code", "totp_required_by_unit")
	}
	return s.db.InTx(ctx, func(tx *store.Tx) error {
		if !s.useTOTP(ctx, tx, userID, stored, code, s.cfg.Now()) {
			return problem.Invalid("code", "invalid_totp")
		}
		return s.clearTOTP(ctx, tx, userID)
	})
}
