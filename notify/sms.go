package notify

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
)

// SMSGateway sends SMS through an HTTP gateway speaking a small JSON
// protocol (implemented by notify/smssim; an adapter for a carrier's own
// API is a few lines in front of it):
//
//	POST {url}   Content-Type: application/json   Idempotency-Key: {ref}
//	{"to": "0912345678", "text": "…", "ref": "outbox-17.1772413200000"}
//
// 2xx means accepted. The gateway must treat a ref it has seen as already
// sent (reply 2xx, send nothing): that is what makes a repeat after a
// crash harmless. 429 and 5xx are retried; other 4xx are permanent.
type SMSGateway struct {
	url    string
	client *http.Client
}

// NewSMSGateway returns a sender posting to url; client nil is http.DefaultClient.
func NewSMSGateway(url string, client *http.Client) *SMSGateway {
	if client == nil {
		client = http.DefaultClient
	}
	return &SMSGateway{url: url, client: client}
}

// SMSRequest is the gateway protocol's request body.
type SMSRequest struct {
	To   string `json:"to"`
	Text string `json:"text"`
	Ref  string `json:"ref"`
}

// Send posts m to the gateway.
func (g *SMSGateway) Send(ctx context.Context, m Message) error {
	body, _ := json.Marshal(SMSRequest{To: m.To, Text: m.Body, Ref: m.Ref})
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, g.url, bytes.NewReader(body))
	if err != nil {
		return Permanent(err)
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Idempotency-Key", m.Ref)
	resp, err := g.client.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	msg, _ := io.ReadAll(io.LimitReader(resp.Body, 300))
	switch {
	case resp.StatusCode >= 200 && resp.StatusCode < 300:
		return nil
	case resp.StatusCode == http.StatusTooManyRequests || resp.StatusCode >= 500:
		return fmt.Errorf("sms gateway: %s: %s", resp.Status, bytes.TrimSpace(msg))
	}
	return Permanent(fmt.Errorf("sms gateway: %s: %s", resp.Status, bytes.TrimSpace(msg)))
}
