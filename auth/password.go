package auth

import (
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"fmt"
	"strings"

	"golang.org/x/crypto/argon2"
)

// Params are argon2id cost parameters. The defaults (t=2, 64 MiB, p=2)
// cost about 70 ms on the project's 2-core machines; tests lower them.
type Params struct {
	Time    uint32
	MemKiB  uint32
	Threads uint8
}

// DefaultParams are the production argon2id costs.
var DefaultParams = Params{Time: 2, MemKiB: 64 * 1024, Threads: 2}

// HashPassword returns a PHC-format argon2id hash of password.
func HashPassword(password string, p Params) (string, error) {
	salt := make([]byte, 16)
	if _, err := rand.Read(salt); err != nil {
		return "", err
	}
	key := argon2.IDKey([]byte(password), salt, p.Time, p.MemKiB, p.Threads, 32)
	b64 := base64.RawStdEncoding
	return fmt.Sprintf("$argon2id$v=%d$m=%d,t=%d,p=%d$%s$%s", argon2.Version, p.MemKiB, p.Time, p.Threads,
		b64.EncodeToString(salt), b64.EncodeToString(key)), nil
}

// CheckPassword reports whether password matches the PHC hash, using the
// parameters stored in the hash (so old hashes keep working after a change).
func CheckPassword(hash, password string) bool {
	p, ok := hashParams(hash)
	if !ok {
		return false
	}
	parts := strings.Split(hash, "$")
	b64 := base64.RawStdEncoding
	salt, err1 := b64.DecodeString(parts[4])
	want, err2 := b64.DecodeString(parts[5])
	if err1 != nil || err2 != nil || len(want) == 0 {
		return false
	}
	got := argon2.IDKey([]byte(password), salt, p.Time, p.MemKiB, p.Threads, uint32(len(want)))
	return subtle.ConstantTimeCompare(got, want) == 1
}

// hashParams reads the cost parameters of a PHC argon2id hash, so a check
// knows how much memory it will take before it starts.
func hashParams(hash string) (Params, bool) {
	parts := strings.Split(hash, "$")
	if len(parts) != 6 || parts[1] != "argon2id" {
		return Params{}, false
	}
	var p Params
	if _, err := fmt.Sscanf(parts[3], "m=%d,t=%d,p=%d", &p.MemKiB, &p.Time, &p.Threads); err != nil {
		return Params{}, false
	}
	return p, true
}
