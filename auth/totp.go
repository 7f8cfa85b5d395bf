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

	"github.com/motcua/motcua/problem"
)

// TOTP (RFC 6238: HMAC-SHA1, 30-second steps, 6 digits) is the optional
// second factor for officers; authenticator apps read the otpauth URI.

// NewTOTPSecret returns a random base32 secret.
func NewTOTPSecret() string {
	b := make([]byte, 20)
	rand.Read(b)
	return base32.StdEncoding.WithPadding(base32.NoPadding).EncodeToString(b)
}

// TOTPCode computes the code for secret at t.
func TOTPCode(secret string, t time.Time) (string, error) {
	key, err := base32.StdEncoding.WithPadding(base32.NoPadding).DecodeString(strings.ToUpper(strings.TrimRight(secret, "=")))
	if err != nil {
		return "", err
	}
	var msg [8]byte
	binary.BigEndian.PutUint64(msg[:], uint64(t.Unix()/30))
	m := hmac.New(sha1.New, key)
	m.Write(msg[:])
	sum := m.Sum(nil)
	off := sum[len(sum)-1] & 0x0f
	v := binary.BigEndian.Uint32(sum[off:off+4]) & 0x7fffffff
	return fmt.Sprintf("%06d", v%1_000_000), nil
}

// CheckTOTP accepts the code of the current step or the one before or
// after it (clock drift on a phone).
func CheckTOTP(secret, code string, now time.Time) bool {
	code = strings.TrimSpace(code)
	for _, d := range []time.Duration{0, -30 * time.Second, 30 * time.Second} {
		if c, err := TOTPCode(secret, now.Add(d)); err == nil && hmac.Equal([]byte(c), []byte(code)) {
			return true
		}
	}
	return false
}

// TOTPURI is the otpauth:// URI an authenticator app enrolls from.
func TOTPURI(secret, username string) string {
	return fmt.Sprintf("otpauth://totp/motcua:%s?secret=%s&issuer=motcua", username, secret)
}

// SetTOTP enables (secret != "") or disables the second factor of a user.
// Enabling needs a code from the app, proving it was enrolled.
func (s *Service) SetTOTP(ctx context.Context, userID int64, secret, code string) error {
	if secret != "" && !CheckTOTP(secret, code, s.cfg.Now()) {
		return problem.Invalid("code", "invalid_totp")
	}
	_, err := s.db.ExecContext(ctx, `UPDATE users SET totp_secret = ? WHERE id = ?`, secret, userID)
	return err
}

// HasTOTP reports whether a user has the second factor on.
func (s *Service) HasTOTP(ctx context.Context, userID int64) (bool, error) {
	var secret string
	err := s.db.QueryRowContext(ctx, `SELECT totp_secret FROM users WHERE id = ?`, userID).Scan(&secret)
	return secret != "", err
}
