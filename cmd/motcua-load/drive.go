package main

import (
	"context"
	"math/rand/v2"
	"sync"
	"sync/atomic"
	"time"
)

// recorder collects each operation's outcomes.
type recorder struct {
	mu  sync.Mutex
	ops map[string]*opStats
}

type opStats struct {
	lat      []time.Duration
	statuses map[int]int // 0: no answer
	errors   int
	firstErr string
}

func newRecorder() *recorder { return &recorder{ops: map[string]*opStats{}} }

func (r *recorder) add(op string, d time.Duration, status int, ok bool, err error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	s := r.ops[op]
	if s == nil {
		s = &opStats{statuses: map[int]int{}}
		r.ops[op] = s
	}
	s.lat = append(s.lat, d)
	s.statuses[status]++
	if !ok || err != nil {
		s.errors++
		if s.firstErr == "" && err != nil {
			s.firstErr = err.Error()
		}
	}
}

// runOne draws the i-th operation of the cycle, runs it and records it,
// its latency counted from start (for the open loop, the moment it was
// due, so a request the server made wait is charged for the wait).
func runOne(ctx context.Context, w *world, rec *recorder, mix []string, i uint64, start time.Time) {
	ran, st, ok, err := w.do(ctx, mix[i%uint64(len(mix))])
	if ctx.Err() != nil && err != nil {
		return // cut off by the end of the run, not the server's failure
	}
	rec.add(ran, time.Since(start), st, ok, err)
}

// closedLoop runs c clients, each sending its next request when the last
// is answered, for d or until n requests (n > 0) have been sent.
func closedLoop(ctx context.Context, w *world, mix []string, c, n int, d time.Duration) (*recorder, time.Duration) {
	ctx, cancel := context.WithTimeout(ctx, d)
	defer cancel()
	rec := newRecorder()
	var next atomic.Uint64
	var wg sync.WaitGroup
	t0 := time.Now()
	for range c {
		wg.Go(func() {
			for ctx.Err() == nil {
				i := next.Add(1) - 1
				if n > 0 && i >= uint64(n) {
					return
				}
				runOne(ctx, w, rec, mix, i, time.Now())
			}
		})
	}
	wg.Wait()
	return rec, time.Since(t0)
}

// arrivals returns the offsets from the start at which requests arrive in
// an open loop: a Poisson process of rate per second (exponential gaps),
// over d. The schedule is drawn before the run, so how fast the server
// answers cannot change it.
func arrivals(rate float64, d time.Duration, seed uint64) []time.Duration {
	r := rand.New(rand.NewPCG(seed, 0x6f70656e))
	var out []time.Duration
	t := 0.0
	for {
		t += r.ExpFloat64() / rate
		at := time.Duration(t * float64(time.Second))
		if at >= d {
			return out
		}
		out = append(out, at)
	}
}

// openResult says what became of the schedule.
type openResult struct {
	Scheduled int `json:"scheduled"`
	Started   int `json:"started"`
	// Dropped arrivals found maxInFlight requests already waiting and
	// were not sent: the server was behind by more than the cap.
	Dropped int `json:"dropped_at_cap"`
	// MaxLate is how late the scheduler itself started a request (this
	// machine's load, not the server's).
	MaxLate time.Duration `json:"max_scheduler_late_ns"`
}

// openLoop sends a request at each arrival whatever the answers to the
// earlier ones, at most maxInFlight at once.
func openLoop(ctx context.Context, w *world, mix []string, sched []time.Duration, maxInFlight int) (*recorder, openResult, time.Duration) {
	rec := newRecorder()
	res := openResult{Scheduled: len(sched)}
	slots := make(chan struct{}, maxInFlight)
	var wg sync.WaitGroup
	t0 := time.Now()
	for i, at := range sched {
		due := t0.Add(at)
		if wait := time.Until(due); wait > 0 {
			select {
			case <-time.After(wait):
			case <-ctx.Done():
				wg.Wait()
				return rec, res, time.Since(t0)
			}
		} else {
			res.MaxLate = max(res.MaxLate, -wait)
		}
		select {
		case slots <- struct{}{}:
		default:
			res.Dropped++
			continue
		}
		res.Started++
		wg.Go(func() {
			defer func() { <-slots }()
			runOne(ctx, w, rec, mix, uint64(i), due)
		})
	}
	wg.Wait()
	return rec, res, time.Since(t0)
}
