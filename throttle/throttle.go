// Package throttle is a keyed token bucket: each key (a client address, an
// account) gets Burst tokens that refill at Per interval each; a request
// takes one or is told how long to wait. The buckets live in this
// process's memory, so with several instances behind a load balancer each
// instance throttles on its own: an attacker gets at most instances×Burst
// before being slowed, which is bounded and good enough for the purpose
// (slowing guessing), and costs no database round trip per request.
package throttle

import (
	"math"
	"sync"
	"time"
)

// Config sets the bucket size and refill rate.
type Config struct {
	// Burst is how many requests a key may make at once.
	Burst int
	// Per is how long one token takes to come back.
	Per time.Duration
	// MaxKeys bounds memory: beyond it, full buckets are dropped first,
	// then arbitrary ones (default 100,000).
	MaxKeys int
	Now     func() time.Time
}

// Limiter throttles by key; safe for concurrent use.
type Limiter struct {
	cfg     Config
	mu      sync.Mutex
	buckets map[string]*bucket
}

type bucket struct {
	tokens float64
	at     time.Time
}

// New returns a limiter; Burst and Per must be positive.
func New(cfg Config) *Limiter {
	if cfg.Burst <= 0 || cfg.Per <= 0 {
		panic("throttle: Burst and Per must be positive")
	}
	if cfg.MaxKeys <= 0 {
		cfg.MaxKeys = 100_000
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	return &Limiter{cfg: cfg, buckets: map[string]*bucket{}}
}

// refill brings b's tokens up to now.
func (l *Limiter) refill(b *bucket, now time.Time) {
	if d := now.Sub(b.at); d > 0 {
		b.tokens = math.Min(float64(l.cfg.Burst), b.tokens+float64(d)/float64(l.cfg.Per))
		b.at = now
	}
}

// Allow takes a token for key. When none is left it takes nothing and
// returns false and how long until one is back.
func (l *Limiter) Allow(key string) (ok bool, retryAfter time.Duration) {
	now := l.cfg.Now()
	l.mu.Lock()
	defer l.mu.Unlock()
	b := l.buckets[key]
	if b == nil {
		l.makeRoom(now)
		b = &bucket{tokens: float64(l.cfg.Burst), at: now}
		l.buckets[key] = b
	}
	l.refill(b, now)
	if b.tokens >= 1 {
		b.tokens--
		return true, 0
	}
	return false, time.Duration((1 - b.tokens) * float64(l.cfg.Per))
}

// Peek reports whether key has a token now, without taking it.
func (l *Limiter) Peek(key string) bool {
	now := l.cfg.Now()
	l.mu.Lock()
	defer l.mu.Unlock()
	b := l.buckets[key]
	if b == nil {
		return true
	}
	l.refill(b, now)
	return b.tokens >= 1
}

// Refund gives back one token taken by Allow, up to Burst: a caller that
// takes a token before it knows whether the request counts (a login
// attempt before the password is checked) returns it when it does not.
func (l *Limiter) Refund(key string) {
	now := l.cfg.Now()
	l.mu.Lock()
	defer l.mu.Unlock()
	if b := l.buckets[key]; b != nil {
		l.refill(b, now)
		b.tokens = math.Min(float64(l.cfg.Burst), b.tokens+1)
	}
}

// Reset gives key a full bucket again (a successful login clears the
// account's failures).
func (l *Limiter) Reset(key string) {
	l.mu.Lock()
	delete(l.buckets, key)
	l.mu.Unlock()
}

// Len is the number of keys tracked.
func (l *Limiter) Len() int {
	l.mu.Lock()
	defer l.mu.Unlock()
	return len(l.buckets)
}

// makeRoom keeps the map under MaxKeys: a full bucket is the same as no
// bucket, so those go first; if an attacker keeps many keys busy, others
// are dropped (they get a fresh bucket: the bound on memory wins over
// exactness).
func (l *Limiter) makeRoom(now time.Time) {
	if len(l.buckets) < l.cfg.MaxKeys {
		return
	}
	for k, b := range l.buckets {
		l.refill(b, now)
		if b.tokens >= float64(l.cfg.Burst) {
			delete(l.buckets, k)
		}
	}
	for k := range l.buckets {
		if len(l.buckets) < l.cfg.MaxKeys*9/10 {
			break
		}
		delete(l.buckets, k)
	}
}
