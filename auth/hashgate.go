package auth

import (
	"context"
	"sync/atomic"
	"time"

	"golang.org/x/sync/semaphore"

	"github.com/motcua/motcua/problem"
)

// hashGate bounds the memory that password hashing holds at once (issue 8,
// finding 3: every argon2id check allocates its m KiB, 64 MiB by default,
// and forty parallel logins took the process to 2.7 GB). A check takes its
// hash's memory from a weighted semaphore sized from the allowed budget,
// waiting at most wait in a FIFO queue; beyond that the request is refused
// with ErrBusy (503 + Retry-After) instead of queueing without bound.
type hashGate struct {
	sem     *semaphore.Weighted
	sizeKiB int64
	wait    time.Duration
	// usedKiB and peakKiB measure what the gate let through, for tests
	// and operators (HashMemoryPeak); runs counts the hashes.
	usedKiB, peakKiB, runs atomic.Int64
}

func newHashGate(budgetBytes int64, wait time.Duration) *hashGate {
	size := max(budgetBytes/1024, 1)
	return &hashGate{sem: semaphore.NewWeighted(size), sizeKiB: size, wait: wait}
}

// run calls fn, which needs memKiB of memory, once the budget has room.
// A hash bigger than the whole budget runs alone.
func (g *hashGate) run(ctx context.Context, memKiB uint32, fn func()) error {
	w := min(max(int64(memKiB), 1), g.sizeKiB)
	wctx, cancel := context.WithTimeout(ctx, g.wait)
	defer cancel()
	if err := g.sem.Acquire(wctx, w); err != nil {
		if ctx.Err() != nil {
			return ctx.Err() // the client went away
		}
		return problem.WithRetry(problem.New(problem.ErrBusy, "busy", int((g.wait+time.Second-1)/time.Second)), g.wait)
	}
	defer g.sem.Release(w)
	used := g.usedKiB.Add(int64(memKiB))
	for {
		p := g.peakKiB.Load()
		if used <= p || g.peakKiB.CompareAndSwap(p, used) {
			break
		}
	}
	defer g.usedKiB.Add(-int64(memKiB))
	g.runs.Add(1)
	fn()
	return nil
}

// hashPassword is HashPassword within the service's hashing budget; use
// it (not HashPassword) wherever a request sets a password.
func (s *Service) hashPassword(ctx context.Context, password string) (string, error) {
	var hash string
	var err error
	if gerr := s.gate.run(ctx, s.cfg.Params.MemKiB, func() { hash, err = HashPassword(password, s.cfg.Params) }); gerr != nil {
		return "", gerr
	}
	return hash, err
}

// checkPassword is CheckPassword within the service's hashing budget; use
// it (not CheckPassword) wherever a request checks a password. An error
// means the check did not run (busy, or the request was cancelled).
func (s *Service) checkPassword(ctx context.Context, hash, password string) (bool, error) {
	p, ok := hashParams(hash)
	if !ok {
		return false, nil
	}
	var match bool
	err := s.gate.run(ctx, p.MemKiB, func() { match = CheckPassword(hash, password) })
	return match, err
}

// HashMemoryPeak is the most argon2 memory, in bytes, that password checks
// and hashes held at once since the service started.
func (s *Service) HashMemoryPeak() int64 { return s.gate.peakKiB.Load() * 1024 }
