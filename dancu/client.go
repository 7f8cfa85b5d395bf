package dancu

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"time"
)

// ClientConfig is the connection to the population database through the
// province's LGSP.
type ClientConfig struct {
	// URL is the LGSP's base URL (https://lgsp.<province>.gov.vn/…).
	URL string
	// Token is the bearer token the LGSP issued to motcua.
	Token string
	// Agency is the requesting agency's code (WireRequest.Agency).
	Agency string
	// HTTP makes the calls; nil: a client with Timeout.
	HTTP *http.Client
}

// Client calls the lookup service.
type Client struct {
	cfg ClientConfig
	url string
}

// NewClient checks cfg.
func NewClient(cfg ClientConfig) (*Client, error) {
	u, err := url.Parse(cfg.URL)
	if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
		return nil, fmt.Errorf("dancu: %q is not an http(s) URL", cfg.URL)
	}
	if cfg.HTTP == nil {
		cfg.HTTP = &http.Client{Timeout: 10 * time.Second}
	}
	return &Client{cfg: cfg, url: strings.TrimSuffix(cfg.URL, "/") + lookupPath}, nil
}

// Errors of a lookup that did not find a person.
var (
	// errNotFound: no one has the ID number.
	errNotFound = errors.New("dancu: no such person")
	// errUnavailable: the service failed, timed out or answered nonsense.
	errUnavailable = errors.New("dancu: service unavailable")
)

// Find asks the register about idNumber.
func (c *Client) Find(ctx context.Context, q Query) (Person, error) {
	var rid [8]byte
	rand.Read(rid[:])
	body, _ := json.Marshal(WireRequest{RequestID: hex.EncodeToString(rid[:]), Agency: c.cfg.Agency, Purpose: q.Purpose,
		IDNumber: q.IDNumber, Requester: q.Requester, ConsentID: q.ConsentID})
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, c.url, bytes.NewReader(body))
	if err != nil {
		return Person{}, err
	}
	req.Header.Set("Content-Type", "application/json")
	if c.cfg.Token != "" {
		req.Header.Set("Authorization", "Bearer "+c.cfg.Token)
	}
	resp, err := c.cfg.HTTP.Do(req)
	if err != nil {
		return Person{}, fmt.Errorf("%w: %v", errUnavailable, err)
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(io.LimitReader(resp.Body, 64<<10))
	if err != nil {
		return Person{}, fmt.Errorf("%w: %v", errUnavailable, err)
	}
	var rep WireReply
	if err := json.Unmarshal(raw, &rep); err != nil {
		return Person{}, fmt.Errorf("%w: HTTP %d, not JSON", errUnavailable, resp.StatusCode)
	}
	switch {
	case rep.Result == wireNotFound:
		return Person{}, errNotFound
	case resp.StatusCode != http.StatusOK || rep.Result != wireFound || rep.Person == nil:
		return Person{}, fmt.Errorf("%w: HTTP %d, result %q %s", errUnavailable, resp.StatusCode, rep.Result, rep.Message)
	}
	p, err := fromWire(*rep.Person)
	if err == nil && p.IDNumber != q.IDNumber {
		// Someone else's record must never fill this person's form.
		return Person{}, fmt.Errorf("%w: answered about another ID number", errUnavailable)
	}
	return p, err
}

func fromWire(w WirePerson) (Person, error) {
	p := Person{IDNumber: w.IDNumber, FullName: strings.TrimSpace(w.FullName), Sex: wireSexes[w.Sex],
		Permanent: strings.TrimSpace(w.Permanent.Full), Current: strings.TrimSpace(w.Current.Full)}
	if w.BirthDate != "" {
		t, err := time.Parse(wireDate, w.BirthDate)
		if err != nil {
			return Person{}, fmt.Errorf("%w: birth date %q", errUnavailable, w.BirthDate)
		}
		p.BirthDate = t.Format(time.DateOnly)
	}
	return p, nil
}

// ToWire is p as the register sends it (for the simulator).
func ToWire(p Person) WirePerson {
	w := WirePerson{IDNumber: p.IDNumber, FullName: p.FullName, Permanent: WireAddress{p.Permanent}, Current: WireAddress{p.Current}}
	if t, err := time.Parse(time.DateOnly, p.BirthDate); err == nil {
		w.BirthDate = t.Format(wireDate)
	}
	for code, s := range wireSexes {
		if s == p.Sex {
			w.Sex = code
		}
	}
	return w
}

// Reply builds the register's answer (for the simulator): p, or not found.
func Reply(p *Person) WireReply {
	if p == nil {
		return WireReply{Result: wireNotFound, Message: "Không tìm thấy công dân"}
	}
	w := ToWire(*p)
	return WireReply{Result: wireFound, Person: &w}
}

// LookupPath is the service's path below the LGSP base URL (for the simulator).
const LookupPath = lookupPath
