package throttle_test

import (
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/motcua/motcua/throttle"
)

type clock struct{ t time.Time }

func (c *clock) now() time.Time { return c.t }

func TestBucket(t *testing.T) {
	c := &clock{time.Date(2026, 3, 2, 8, 0, 0, 0, time.UTC)}
	l := throttle.New(throttle.Config{Burst: 3, Per: 10 * time.Second, Now: c.now})
	for i := range 3 {
		if ok, _ := l.Allow("a"); !ok {
			t.Fatalf("request %d of the burst refused", i+1)
		}
	}
	ok, wait := l.Allow("a")
	if ok || wait != 10*time.Second {
		t.Fatalf("4th request: ok=%v wait=%v, want refused for 10s", ok, wait)
	}
	if ok, _ := l.Allow("b"); !ok {
		t.Fatal("another key is throttled too")
	}
	c.t = c.t.Add(4 * time.Second)
	if ok, wait := l.Allow("a"); ok || wait != 6*time.Second {
		t.Fatalf("after 4s: ok=%v wait=%v, want refused for 6s", ok, wait)
	}
	c.t = c.t.Add(6 * time.Second)
	if ok, _ := l.Allow("a"); !ok {
		t.Fatal("token did not come back after 10s")
	}
	if l.Peek("a") {
		t.Fatal("Peek says a token is left")
	}
	l.Reset("a")
	if !l.Peek("a") {
		t.Fatal("Reset did not refill")
	}
	c.t = c.t.Add(time.Hour)
	for range 3 {
		l.Allow("a")
	}
	if ok, _ := l.Allow("a"); ok {
		t.Fatal("an hour idle gave more than Burst tokens")
	}
}

func TestConcurrentTakesExactlyBurst(t *testing.T) {
	c := &clock{time.Date(2026, 3, 2, 8, 0, 0, 0, time.UTC)}
	l := throttle.New(throttle.Config{Burst: 5, Per: time.Minute, Now: c.now})
	var wg sync.WaitGroup
	var mu sync.Mutex
	allowed := 0
	for range 100 {
		wg.Go(func() {
			if ok, _ := l.Allow("k"); ok {
				mu.Lock()
				allowed++
				mu.Unlock()
			}
		})
	}
	wg.Wait()
	if allowed != 5 {
		t.Fatalf("%d of 100 parallel requests allowed, want 5", allowed)
	}
}

func TestMemoryBound(t *testing.T) {
	c := &clock{time.Date(2026, 3, 2, 8, 0, 0, 0, time.UTC)}
	l := throttle.New(throttle.Config{Burst: 2, Per: time.Minute, MaxKeys: 1000, Now: c.now})
	for i := range 10_000 {
		l.Allow(fmt.Sprint("10.0.", i/256, ".", i%256))
	}
	if n := l.Len(); n > 1000 {
		t.Fatalf("%d keys kept, bound is 1000", n)
	}
}

func TestRefund(t *testing.T) {
	c := &clock{time.Date(2026, 3, 2, 8, 0, 0, 0, time.UTC)}
	l := throttle.New(throttle.Config{Burst: 2, Per: time.Minute, Now: c.now})
	l.Allow("a")
	l.Allow("a")
	l.Refund("a")
	if ok, _ := l.Allow("a"); !ok {
		t.Fatal("refunded token not available")
	}
	if ok, _ := l.Allow("a"); ok {
		t.Fatal("more than the refunded token available")
	}
	l.Refund("b") // unknown key: nothing to give back, nothing created
	l.Refund("a")
	l.Refund("a")
	l.Refund("a")
	for range 2 {
		if ok, _ := l.Allow("a"); !ok {
			t.Fatal("refund lost")
		}
	}
	if ok, _ := l.Allow("a"); ok {
		t.Fatal("refunds filled the bucket beyond Burst")
	}
}
