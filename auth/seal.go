package auth

import (
	"context"
	"crypto/aes"
	"crypto/cipher"
	"crypto/rand"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/motcua/motcua/store"
)

// TOTP secrets are stored sealed with AES-256-GCM under the service key
// (Config.SecretKey: --secret-key, MOTCUA_SECRET_KEY, or the key file
// under --data), so a copy of the database alone does not yield the
// second factors. A sealed value is "v1:" + base64(nonce ‖ ciphertext).

const sealedPrefix = "v1:"

// KeySize is the length of Config.SecretKey in bytes.
const KeySize = 32

// ParseKey reads a key given as 64 hex digits or as base64 of 32 bytes.
func ParseKey(s string) ([]byte, error) {
	s = strings.TrimSpace(s)
	if b, err := hex.DecodeString(s); err == nil && len(b) == KeySize {
		return b, nil
	}
	for _, enc := range []*base64.Encoding{base64.StdEncoding, base64.RawStdEncoding, base64.URLEncoding, base64.RawURLEncoding} {
		if b, err := enc.DecodeString(s); err == nil && len(b) == KeySize {
			return b, nil
		}
	}
	return nil, errors.New("secret key must be 32 bytes, as 64 hex digits or base64")
}

// LoadOrCreateKey returns the key stored in file, creating the file (mode
// 0600, hex) with a new random key when it does not exist.
func LoadOrCreateKey(file string) ([]byte, error) {
	b, err := os.ReadFile(file)
	if err == nil {
		k, err := ParseKey(string(b))
		if err != nil {
			return nil, fmt.Errorf("%s: %w", file, err)
		}
		return k, nil
	}
	if !errors.Is(err, os.ErrNotExist) {
		return nil, err
	}
	k := make([]byte, KeySize)
	if _, err := rand.Read(k); err != nil {
		return nil, err
	}
	if err := os.MkdirAll(filepath.Dir(file), 0o700); err != nil {
		return nil, err
	}
	// O_EXCL: two instances starting at once on one data directory must
	// not each write their own key; the loser reads the winner's.
	f, err := os.OpenFile(file, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if errors.Is(err, os.ErrExist) {
		return LoadOrCreateKey(file)
	}
	if err != nil {
		return nil, err
	}
	if _, err := f.WriteString(hex.EncodeToString(k) + "\n"); err != nil {
		f.Close()
		return nil, err
	}
	return k, f.Close()
}

func newAEAD(key []byte) (cipher.AEAD, error) {
	if len(key) != KeySize {
		return nil, fmt.Errorf("auth: secret key is %d bytes, want %d", len(key), KeySize)
	}
	b, err := aes.NewCipher(key)
	if err != nil {
		return nil, err
	}
	return cipher.NewGCM(b)
}

func (s *Service) sealSecret(secret string) (string, error) {
	nonce := make([]byte, s.aead.NonceSize())
	if _, err := rand.Read(nonce); err != nil {
		return "", err
	}
	return sealedPrefix + base64.RawStdEncoding.EncodeToString(s.aead.Seal(nonce, nonce, []byte(secret), []byte("totp"))), nil
}

var errSealed = errors.New("auth: sealed secret does not open with this key")

// openSecret returns the plain secret of a stored value. A value without
// the prefix is a secret from before sealing (EncryptTOTPSecrets seals
// those at start-up) and is returned as is.
func (s *Service) openSecret(stored string) (string, error) {
	rest, ok := strings.CutPrefix(stored, sealedPrefix)
	if !ok {
		return stored, nil
	}
	b, err := base64.RawStdEncoding.DecodeString(rest)
	if err != nil || len(b) < s.aead.NonceSize() {
		return "", errSealed
	}
	n := s.aead.NonceSize()
	plain, err := s.aead.Open(nil, b[:n], b[n:], []byte("totp"))
	if err != nil {
		return "", errSealed
	}
	return string(plain), nil
}

// EncryptTOTPSecrets seals every TOTP secret still stored in plain text
// (from before sealing) and checks that the sealed ones open with the
// configured key, so a wrong key stops the server at start-up rather than
// refusing every officer's code later. It returns how many it sealed.
func (s *Service) EncryptTOTPSecrets(ctx context.Context) (int, error) {
	if s.ephemeral {
		return 0, errors.New("auth: no secret key configured; refusing to seal TOTP secrets with a throw-away key")
	}
	n := 0
	err := s.db.InTx(ctx, func(tx *store.Tx) error {
		rows, err := tx.QueryContext(ctx, `SELECT id, totp_secret FROM users WHERE totp_secret <> ''`)
		if err != nil {
			return err
		}
		plain := map[int64]string{}
		for rows.Next() {
			var id int64
			var v string
			if err := rows.Scan(&id, &v); err != nil {
				rows.Close()
				return err
			}
			if !strings.HasPrefix(v, sealedPrefix) {
				plain[id] = v
			} else if _, err := s.openSecret(v); err != nil {
				rows.Close()
				return fmt.Errorf("auth: the TOTP secret of account %d does not open with the configured secret key (--secret-key)", id)
			}
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return err
		}
		for id, v := range plain {
			sealed, err := s.sealSecret(v)
			if err != nil {
				return err
			}
			if _, err := tx.ExecContext(ctx, `UPDATE users SET totp_secret = ? WHERE id = ?`, sealed, id); err != nil {
				return err
			}
			n++
		}
		return nil
	})
	return n, err
}
