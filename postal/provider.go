package postal

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/motcua/motcua/problem"
)

// The post's B2B API, as this file models it.
//
// No public specification of Vietnam Post's (VNPost) "bưu chính công ích"
// API for public administration was reachable while this was written. The
// shape follows how Vietnamese carriers' B2B APIs commonly work — JSON over
// HTTPS, a bearer token, PascalCase field names, an order code chosen by
// the customer that makes order creation idempotent, an S10 item code in
// the reply, and tracking events pushed to a webhook signed with HMAC-SHA256
// — but every path, field name, status code and service code below is
// modelled, not copied. When the real specification is at hand, this file
// is what changes (with package postsim, which speaks the same format):
//   - the paths in Client (ordersPath and the item paths);
//   - the JSON tags of WireOrder, WireOrderReply, WireEvent, WireStatus, wireError;
//   - the status codes in wireStatuses and the service codes in wireServices;
//   - SignatureHeader and the signature encoding in Sign;
//   - the time format (RFC 3339 here) and the province/commune codes, which
//     are motcua's unit codes here and the post's own code table in reality.

// SignatureHeader carries "sha256=" and the hex HMAC-SHA256 of the raw
// webhook body, keyed with the secret shared with the post.
const SignatureHeader = "X-Signature"

// ordersPath is where orders are created; an order is then addressed by
// its item code below it.
const ordersPath = "/api/v1/orders"

// WireOrder is a create-order request.
type WireOrder struct {
	OrderCode           string `json:"OrderCode"`
	ServiceCode         string `json:"ServiceCode"`
	SenderName          string `json:"SenderFullname"`
	SenderAddress       string `json:"SenderAddress"`
	SenderPhone         string `json:"SenderTel,omitempty"`
	ReceiverName        string `json:"ReceiverFullname"`
	ReceiverPhone       string `json:"ReceiverTel"`
	ReceiverAddress     string `json:"ReceiverAddress"`
	ReceiverProvince    string `json:"ReceiverProvinceName"`
	ReceiverDistrict    string `json:"ReceiverDistrictName,omitempty"`
	ReceiverCommune     string `json:"ReceiverWardName"`
	ReceiverProvinceID  string `json:"ReceiverProvinceId"`
	ReceiverCommuneID   string `json:"ReceiverWardId"`
	ItemName            string `json:"PackageContent"`
	CODAmount           int64  `json:"CodAmount"`
	WeightGram          int    `json:"WeightEvaluation"`
	IsAdministrativeDoc bool   `json:"IsAdministrativeDocument"`
}

// WireOrderReply is the post's answer to a created (or repeated) order.
type WireOrderReply struct {
	OrderCode  string    `json:"OrderCode"`
	ItemCode   string    `json:"ItemCode"`
	StatusCode string    `json:"StatusCode"`
	CreatedAt  time.Time `json:"CreatedDate"`
}

// WireEvent is one tracking event, pushed to the webhook or listed by the
// status call.
type WireEvent struct {
	EventID    string    `json:"EventId"`
	ItemCode   string    `json:"ItemCode"`
	OrderCode  string    `json:"OrderCode"`
	StatusCode string    `json:"StatusCode"`
	StatusName string    `json:"StatusName"`
	StatusTime time.Time `json:"StatusDate"`
	Location   string    `json:"PostOfficeName"`
	Note       string    `json:"Note"`
}

// WireStatus is the answer to a status request: the order and its events.
type WireStatus struct {
	OrderCode  string      `json:"OrderCode"`
	ItemCode   string      `json:"ItemCode"`
	StatusCode string      `json:"StatusCode"`
	Events     []WireEvent `json:"Traces"`
}

type wireError struct {
	Code    string `json:"ErrorCode"`
	Message string `json:"Message"`
}

// wireStatuses maps the post's status codes to motcua's. A code missing
// here is kept as StatusOther with the post's own name.
var wireStatuses = map[string]Status{
	"CREATED":          StatusCreated,
	"ACCEPTED":         StatusAccepted,
	"IN_TRANSIT":       StatusInTransit,
	"OUT_FOR_DELIVERY": StatusOutForDelivery,
	"DELIVERED":        StatusDelivered,
	"DELIVERY_FAILED":  StatusFailed,
	"RETURNED":         StatusReturned,
	"CANCELLED":        StatusCancelled,
}

// WireCode returns the post's code of a status ("" for StatusOther).
func WireCode(s Status) string {
	for code, st := range wireStatuses {
		if st == s {
			return code
		}
	}
	return ""
}

func statusOf(code string) Status {
	if s, ok := wireStatuses[strings.ToUpper(strings.TrimSpace(code))]; ok {
		return s
	}
	return StatusOther
}

// wireServices maps motcua's service choices to the post's service codes.
var wireServices = map[string]string{
	ServiceExpress:  "EMS",
	ServiceStandard: "BK",
}

// Sign returns the signature header value of a webhook body.
func Sign(secret, body []byte) string {
	m := hmac.New(sha256.New, secret)
	m.Write(body)
	return "sha256=" + hex.EncodeToString(m.Sum(nil))
}

// verify checks a signature header in constant time; an empty secret
// verifies nothing.
func verify(secret, body []byte, header string) bool {
	if len(secret) == 0 {
		return false
	}
	return hmac.Equal([]byte(strings.TrimSpace(header)), []byte(Sign(secret, body)))
}

// ClientConfig says where the post's API is.
type ClientConfig struct {
	// URL is the API's base, e.g. https://api.example.vn (no trailing path
	// is added beyond the paths above).
	URL string
	// Token is the bearer token the post issued to the province.
	Token string
	// Timeout caps one call (default 20 s).
	Timeout time.Duration
}

// Client calls the post's API.
type Client struct {
	base  string
	token string
	http  *http.Client
}

// NewClient checks cfg and returns a client.
func NewClient(cfg ClientConfig) (*Client, error) {
	u, err := url.Parse(cfg.URL)
	if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
		return nil, fmt.Errorf("postal: --postal-url must be an http(s) URL, got %q", cfg.URL)
	}
	if cfg.Timeout == 0 {
		cfg.Timeout = 20 * time.Second
	}
	return &Client{base: strings.TrimRight(cfg.URL, "/"), token: cfg.Token, http: &http.Client{Timeout: cfg.Timeout}}, nil
}

// errUnavailable is what users see when the post cannot be reached; the
// cause is kept for the log.
var errUnavailable = &problem.Error{Code: "postal_unavailable"}

// Create places an order. Repeating an OrderCode returns the same order.
func (c *Client) Create(ctx context.Context, o WireOrder) (WireOrderReply, error) {
	var out WireOrderReply
	err := c.call(ctx, http.MethodPost, ordersPath, o, &out)
	return out, err
}

// Status returns an order and every event the post recorded for it.
func (c *Client) Status(ctx context.Context, itemCode string) (WireStatus, error) {
	var out WireStatus
	err := c.call(ctx, http.MethodGet, ordersPath+"/"+url.PathEscape(itemCode), nil, &out)
	return out, err
}

// Cancel withdraws an order the post has not collected yet.
func (c *Client) Cancel(ctx context.Context, itemCode string) error {
	return c.call(ctx, http.MethodPost, ordersPath+"/"+url.PathEscape(itemCode)+"/cancel", nil, nil)
}

func (c *Client) call(ctx context.Context, method, path string, in, out any) error {
	var body io.Reader
	if in != nil {
		b, err := json.Marshal(in)
		if err != nil {
			return err
		}
		body = bytes.NewReader(b)
	}
	req, err := http.NewRequestWithContext(ctx, method, c.base+path, body)
	if err != nil {
		return err
	}
	req.Header.Set("Authorization", "Bearer "+c.token)
	req.Header.Set("Accept", "application/json")
	if in != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	resp, err := c.http.Do(req)
	if err != nil {
		return fmt.Errorf("%w (%s %s: %v)", errUnavailable, method, path, err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	if err != nil {
		return fmt.Errorf("%w (%s %s: %v)", errUnavailable, method, path, err)
	}
	switch {
	case resp.StatusCode >= 500 || resp.StatusCode == http.StatusUnauthorized || resp.StatusCode == http.StatusForbidden:
		// The post's outage or our credentials: nothing the officer can fix.
		return fmt.Errorf("%w (%s %s: HTTP %d: %.200s)", errUnavailable, method, path, resp.StatusCode, b)
	case resp.StatusCode >= 400:
		var we wireError
		_ = json.Unmarshal(b, &we)
		if resp.StatusCode == http.StatusNotFound {
			return problem.NotFound("postal_order_not_found")
		}
		if we.Message != "" {
			return problem.Invalid("receiver", "postal_rejected.reason", we.Message)
		}
		return problem.Invalid("receiver", "postal_rejected")
	}
	if out == nil {
		return nil
	}
	if err := json.Unmarshal(b, out); err != nil {
		return fmt.Errorf("%w (%s %s: bad reply: %v)", errUnavailable, method, path, err)
	}
	return nil
}
