package stats

import (
	"context"
	"fmt"
	"sync"
	"time"

	"golang.org/x/sync/singleflight"

	"github.com/motcua/motcua/report"
)

// scoreTTL is how long the public pages reuse a unit's scorecard. The
// scorecard reads every event of the period (a province-year: about a
// minute at 5M dossiers, BENCHMARKS.md), so a public page must not
// recompute it for every visitor: anyone can ask for it, often.
const scoreTTL = 10 * time.Minute

// scoreCache keeps the public pages' scorecards for scoreTTL, computing
// each at most once at a time however many visitors ask (singleflight).
// A period that runs to now is keyed by the now rounded down to scoreTTL,
// so its figures are at most that old.
type scoreCache struct {
	mu      sync.Mutex
	entries map[scoreKey]scoreEntry
	flight  singleflight.Group
}

type scoreKey struct {
	code     string
	from, to int64
}

type scoreEntry struct {
	sc report.Scorecard
	at time.Time
}

// get returns the unit's scorecard for [from, to), computed by compute
// at most scoreTTL ago.
func (c *scoreCache) get(ctx context.Context, now time.Time, code string, from, to time.Time,
	compute func(ctx context.Context, to time.Time) (report.Scorecard, error)) (report.Scorecard, error) {
	k := scoreKey{code: code, from: from.UnixMilli(), to: to.UnixMilli()}
	if !to.Before(now) {
		// Up to now: one entry per ten minutes, counted up to the moment
		// it was computed (like the rest of the page then).
		k.to = now.Truncate(scoreTTL).UnixMilli()
	}
	c.mu.Lock()
	if e, ok := c.entries[k]; ok && now.Sub(e.at) < scoreTTL {
		c.mu.Unlock()
		return e.sc, nil
	}
	c.mu.Unlock()
	v, err, _ := c.flight.Do(fmt.Sprint(k), func() (any, error) {
		// Not the visitor's context: the others waiting on it would fail
		// with the first one's cancellation.
		sc, err := compute(context.WithoutCancel(ctx), to)
		if err != nil {
			return nil, err
		}
		c.mu.Lock()
		defer c.mu.Unlock()
		if c.entries == nil || len(c.entries) > 1000 {
			c.entries = map[scoreKey]scoreEntry{} // a crawler's every period: start again
		}
		c.entries[k] = scoreEntry{sc: sc, at: now}
		return sc, nil
	})
	if err != nil {
		return report.Scorecard{}, err
	}
	return v.(report.Scorecard), nil
}
