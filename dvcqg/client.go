package dvcqg

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"time"
)

// ClientConfig says how to reach the portal: through the province's data
// sharing platform (LGSP) or the national one (NDXP), which forward the
// JSON calls to the portal (docs/dvcqg.md).
type ClientConfig struct {
	// URL is the endpoint every call is POSTed to.
	URL string
	// Token, when set, is sent as "Authorization: Bearer <token>" (the
	// access token the LGSP/NDXP issues) [M].
	Token string
	// Headers are added to every call (e.g. an LGSP's API key header).
	Headers map[string]string
	// HTTP is the client to use; nil: one with a 30-second timeout.
	HTTP *http.Client
	// Mapping names the services; nil: the embedded mapping.json.
	Mapping *Mapping
	// FileHosts are the hosts ("host" or "host:port"), besides URL's own,
	// that a filed dossier's file URLs may name [M]: the portal's file
	// server if the province says it is elsewhere. Fetch refuses any other.
	FileHosts []string
}

// Client speaks the portal's exchange format over HTTP.
type Client struct {
	cfg   ClientConfig
	m     *Mapping
	base  *url.URL
	hosts map[string]bool
}

// NewClient checks cfg and returns a client.
func NewClient(cfg ClientConfig) (*Client, error) {
	u, err := url.Parse(cfg.URL)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return nil, fmt.Errorf("dvcqg: the portal's URL %q is not an http(s) URL", cfg.URL)
	}
	if cfg.HTTP == nil {
		cfg.HTTP = &http.Client{Timeout: 30 * time.Second}
	}
	if cfg.Mapping == nil {
		if cfg.Mapping, err = DefaultMapping(); err != nil {
			return nil, err
		}
	}
	hosts := map[string]bool{strings.ToLower(u.Host): true}
	for _, h := range cfg.FileHosts {
		hosts[strings.ToLower(h)] = true
	}
	return &Client{cfg: cfg, m: cfg.Mapping, base: u, hosts: hosts}, nil
}

// fileURL checks a file URL from the portal's answer before anything is
// sent to it: the answer is not trusted to name where motcua's token goes
// (a URL elsewhere would receive it) nor which of motcua's neighbours it
// reaches (an internal address). Only the portal's scheme and hosts pass.
func (c *Client) fileURL(raw string) (*url.URL, error) {
	u, err := url.Parse(raw)
	if err != nil || u.Scheme != c.base.Scheme || u.User != nil || !c.hosts[strings.ToLower(u.Host)] {
		return nil, fmt.Errorf("dvcqg: a file URL outside the portal refused: %q", clip(raw, 200))
	}
	return u, nil
}

// Push sends one DongBoHoSoMC or CapNhatTienDoHoSoMC call. The portal's
// "already have it" is a success: it is what a repeat after a crash gets.
func (c *Client) Push(ctx context.Context, call Call) error {
	updating := "False"
	if call.Service == c.m.Services.PushRecord && call.Seq > 1 {
		updating = "True" // the record was pushed before: replace it
	}
	data := json.RawMessage("[" + string(call.Data) + "]")
	r, err := c.do(ctx, Request{Service: call.Service, IsUpdating: updating, Data: data})
	if err != nil {
		return err
	}
	switch r.ErrorCode {
	case CodeOK, CodeDuplicate:
		return nil
	}
	return fmt.Errorf("dvcqg: %s %s: the portal answered error_code %q: %s", call.Service, call.Key, r.ErrorCode, r.Message)
}

// Lookup asks the portal what it holds of a dossier (TraCuuHoSo).
func (c *Client) Lookup(ctx context.Context, maHoSo string) (*Lookup, error) {
	q, _ := json.Marshal(LookupQuery{MaHoSo: maHoSo})
	r, err := c.do(ctx, Request{Service: c.m.Services.Lookup, Data: q})
	if err != nil {
		return nil, err
	}
	if r.ErrorCode != CodeOK {
		return nil, fmt.Errorf("dvcqg: %s %s: error_code %q: %s", c.m.Services.Lookup, maHoSo, r.ErrorCode, r.Message)
	}
	var l Lookup
	if len(r.Data) > 0 && string(r.Data) != "null" {
		if err := json.Unmarshal(r.Data, &l); err != nil {
			return nil, fmt.Errorf("dvcqg: %s %s: %w", c.m.Services.Lookup, maHoSo, err)
		}
	}
	return &l, nil
}

// ListFiled lists the dossiers filed on the portal for the agencies of q [M].
func (c *Client) ListFiled(ctx context.Context, q ListQuery) ([]Filed, error) {
	b, _ := json.Marshal(q)
	r, err := c.do(ctx, Request{Service: c.m.Services.ListFiled, Data: b})
	if err != nil {
		return nil, err
	}
	if r.ErrorCode != CodeOK {
		return nil, fmt.Errorf("dvcqg: %s: error_code %q: %s", c.m.Services.ListFiled, r.ErrorCode, r.Message)
	}
	var out []Filed
	if len(r.Data) > 0 && string(r.Data) != "null" {
		if err := json.Unmarshal(r.Data, &out); err != nil {
			return nil, fmt.Errorf("dvcqg: %s: %w", c.m.Services.ListFiled, err)
		}
	}
	return out, nil
}

// Fetch reads a file a filed dossier names by URL (TaiLieuNop.URL), with
// the same credentials; at most max bytes.
func (c *Client) Fetch(ctx context.Context, rawURL string, max int64) (io.ReadCloser, error) {
	u, err := c.fileURL(rawURL)
	if err != nil {
		return nil, err
	}
	req, err := http.NewRequestWithContext(ctx, "GET", u.String(), nil)
	if err != nil {
		return nil, err
	}
	c.auth(req)
	// A redirect could lead the token elsewhere too: followed only to the
	// portal's own hosts.
	hc := *c.cfg.HTTP
	hc.CheckRedirect = func(r *http.Request, via []*http.Request) error {
		if _, err := c.fileURL(r.URL.String()); err != nil || len(via) >= 5 {
			return http.ErrUseLastResponse
		}
		return nil
	}
	resp, err := hc.Do(req)
	if err != nil {
		return nil, err
	}
	if resp.StatusCode != http.StatusOK {
		resp.Body.Close()
		return nil, fmt.Errorf("dvcqg: fetch %s: HTTP %d", rawURL, resp.StatusCode)
	}
	return struct {
		io.Reader
		io.Closer
	}{io.LimitReader(resp.Body, max+1), resp.Body}, nil
}

func (c *Client) auth(req *http.Request) {
	if c.cfg.Token != "" {
		req.Header.Set("Authorization", "Bearer "+c.cfg.Token)
	}
	for k, v := range c.cfg.Headers {
		req.Header.Set(k, v)
	}
}

// do POSTs one request. A 400 or 422 is permanent (the platform refused
// the content; retrying sends the same); everything else, an expired token
// included, is retried until someone fixes it.
func (c *Client) do(ctx context.Context, body Request) (*Reply, error) {
	b, err := json.Marshal(body)
	if err != nil {
		return nil, err
	}
	req, err := http.NewRequestWithContext(ctx, "POST", c.cfg.URL, bytes.NewReader(b))
	if err != nil {
		return nil, err
	}
	req.Header.Set("Content-Type", "application/json")
	c.auth(req)
	resp, err := c.cfg.HTTP.Do(req)
	if err != nil {
		return nil, fmt.Errorf("dvcqg: %s: %w", body.Service, err)
	}
	defer resp.Body.Close()
	rb, _ := io.ReadAll(io.LimitReader(resp.Body, 64<<20))
	if resp.StatusCode != http.StatusOK {
		err := fmt.Errorf("dvcqg: %s: HTTP %d: %s", body.Service, resp.StatusCode, clip(strings.TrimSpace(string(rb)), 200))
		if resp.StatusCode == http.StatusBadRequest || resp.StatusCode == http.StatusUnprocessableEntity {
			return nil, Permanent(err)
		}
		return nil, err
	}
	var r Reply
	if err := json.Unmarshal(rb, &r); err != nil {
		return nil, fmt.Errorf("dvcqg: %s: unreadable answer: %w", body.Service, err)
	}
	return &r, nil
}
