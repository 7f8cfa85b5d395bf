package auth

import (
	"encoding/base32"
	"testing"
	"time"
)

// RFC 6238 Appendix B test vectors (SHA-1, secret "12345678901234567890"),
// last six digits of the published eight-digit codes.
func TestTOTPRFC6238(t *testing.T) {
	secret := base32.StdEncoding.WithPadding(base32.NoPadding).EncodeToString([]byte("12345678901234567890"))
	for _, c := range []struct {
		unix int64
		want string
	}{
		{59, "287082"}, {1111111109, "081804"}, {1111111111, "050471"},
		{1234567890, "005924"}, {2000000000, "279037"}, {20000000000, "353130"},
	} {
		got, err := TOTPCode(secret, time.Unix(c.unix, 0))
		if err != nil || got != c.want {
			t.Errorf("T=%d: %s %v, want %s", c.unix, got, err, c.want)
		}
	}
	now := time.Unix(1111111111, 0)
	if !CheckTOTP(secret, "050471", now) || !CheckTOTP(secret, "081804", now) || CheckTOTP(secret, "000000", now) {
		t.Fatal("CheckTOTP window wrong")
	}
}
