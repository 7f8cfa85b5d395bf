package csc

import (
	"context"
	"fmt"
	"sync"
	"time"
)

// OTPGate sends one-time passwords at most once per Interval for one
// credential. Each is an SMS the province pays for and a buzz on the
// leader's phone, and the button that asks for it is one click: without a
// floor a stuck key or a script sends hundreds. One gate is shared by
// everything that asks for a leader's OTP (results in package esign,
// outgoing documents in package document), so the floor holds whichever
// page the leader is on. The count is per motcua process.
type OTPGate struct {
	// Interval is the least time between two OTPs of one credential;
	// zero: one minute.
	Interval time.Duration
	// Now is the clock; nil: time.Now.
	Now func() time.Time

	mu   sync.Mutex
	sent map[string]time.Time
}

// TooSoonError is Send's answer when an OTP was sent less than Interval ago.
type TooSoonError struct{ Wait time.Duration }

func (e *TooSoonError) Error() string {
	return fmt.Sprintf("csc: an OTP was sent less than a minute ago; wait %s", e.Wait)
}

// Send asks c to send credential id's OTP, unless one was sent for it
// less than Interval ago (*TooSoonError). A send the service refused
// does not count: the leader may retry at once.
func (g *OTPGate) Send(ctx context.Context, c *Client, id string) error {
	now := time.Now()
	if g.Now != nil {
		now = g.Now()
	}
	interval := g.Interval
	if interval == 0 {
		interval = time.Minute
	}
	g.mu.Lock()
	if g.sent == nil {
		g.sent = map[string]time.Time{}
	}
	last, sent := g.sent[id]
	if wait := last.Add(interval).Sub(now); sent && wait > 0 {
		g.mu.Unlock()
		return &TooSoonError{Wait: wait}
	}
	g.sent[id] = now
	g.mu.Unlock()
	if err := c.SendOTP(ctx, id); err != nil {
		// Nothing was sent (as far as motcua knows): put the last send back.
		g.mu.Lock()
		if g.sent[id].Equal(now) {
			if sent {
				g.sent[id] = last
			} else {
				delete(g.sent, id)
			}
		}
		g.mu.Unlock()
		return err
	}
	return nil
}
