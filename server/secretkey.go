package server

import (
	"context"
	"fmt"
	"log/slog"
	"path/filepath"

	"github.com/motcua/motcua/auth"
)

// secretKey is the key that seals TOTP secrets: --secret-key (or
// MOTCUA_SECRET_KEY) when given, else the key file under --data, made
// (0600) on first start. Several instances on one PostgreSQL database
// must be given the same key. Without either (a test's bare Config) it
// is nil and auth makes up a key for the process.
func secretKey(cfg Config) ([]byte, error) {
	if cfg.SecretKey != "" {
		k, err := auth.ParseKey(cfg.SecretKey)
		if err != nil {
			return nil, fmt.Errorf("--secret-key: %w", err)
		}
		return k, nil
	}
	if cfg.DataDir == "" {
		return nil, nil
	}
	return auth.LoadOrCreateKey(filepath.Join(cfg.DataDir, "secret.key"))
}

// sealTOTPSecrets seals secrets an older version stored in plain text,
// and stops the start when the key does not open the sealed ones.
func sealTOTPSecrets(ctx context.Context, au *auth.Service, key []byte, log *slog.Logger) error {
	if key == nil {
		return nil
	}
	n, err := au.EncryptTOTPSecrets(ctx)
	if err != nil {
		return err
	}
	if n > 0 {
		log.Info("sealed TOTP secrets stored in plain text", "accounts", n)
	}
	return nil
}
