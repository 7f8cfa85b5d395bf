package sign

import (
	"bytes"
	"context"
	"crypto"
	"crypto/rand"
	"fmt"
	"io"
	"math/big"
	"net/http"
	"time"

	"github.com/motcua/motcua/sign/internal/cms"
)

// TSA is an RFC 3161 time-stamp authority reached over HTTP.
type TSA struct {
	URL string
	// Username and Password, when set, are sent as HTTP basic auth.
	Username, Password string
	// Client is the HTTP client; nil means one with a 30 s timeout.
	Client *http.Client
}

// maxTSAResponse bounds what is read from a time-stamp authority.
const maxTSAResponse = 1 << 20

// stamp asks for a time-stamp on data (hashed with h): the signature
// value, for a PAdES B-T signature time-stamp. The response is checked:
// status, nonce, message imprint and the token's own signature.
func (t *TSA) stamp(ctx context.Context, h crypto.Hash, data []byte) (*cms.Token, error) {
	d := h.New()
	d.Write(data)
	digest := d.Sum(nil)
	nonce, err := rand.Int(rand.Reader, new(big.Int).Lsh(big.NewInt(1), 64))
	if err != nil {
		return nil, err
	}
	req, err := cms.NewRequest(h, digest, nonce)
	if err != nil {
		return nil, err
	}
	hr, err := http.NewRequestWithContext(ctx, http.MethodPost, t.URL, bytes.NewReader(req))
	if err != nil {
		return nil, fmt.Errorf("sign: time-stamp authority: %w", err)
	}
	hr.Header.Set("Content-Type", "application/timestamp-query")
	if t.Username != "" {
		hr.SetBasicAuth(t.Username, t.Password)
	}
	c := t.Client
	if c == nil {
		c = &http.Client{Timeout: 30 * time.Second}
	}
	resp, err := c.Do(hr)
	if err != nil {
		return nil, fmt.Errorf("sign: time-stamp authority: %w", err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, maxTSAResponse))
	if err != nil {
		return nil, fmt.Errorf("sign: time-stamp authority: %w", err)
	}
	if resp.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("sign: time-stamp authority answered %s", resp.Status)
	}
	tok, err := cms.ParseResponse(body, h, digest, nonce)
	if err != nil {
		return nil, fmt.Errorf("sign: %w", err)
	}
	return tok, nil
}
