package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"
)

// loginStorm sends cfg.logins wrong-password logins at once, each for a
// different unknown username from a different address (X-Forwarded-For:
// start the server with --trusted-proxies 127.0.0.1, or the address
// throttle answers most with 429 before any password is checked), and
// reports what the server process (cfg.pid) held in memory: resident
// while idle just before, and at its peak during the storm (VmHWM, reset
// first through /proc/PID/clear_refs, and VmRSS sampled every 5 ms, in
// case the reset is not allowed).
func loginStorm(cfg config, out io.Writer) error {
	idle, err := procKB(cfg.pid, "VmRSS")
	if err != nil {
		return fmt.Errorf("--pid %d: %w", cfg.pid, err)
	}
	hwmReset := os.WriteFile(fmt.Sprintf("/proc/%d/clear_refs", cfg.pid), []byte("5"), 0) == nil
	client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: cfg.logins}, Timeout: 5 * time.Minute}
	stop := make(chan struct{})
	sampled := make(chan int64)
	go func() {
		peak := idle
		tick := time.NewTicker(5 * time.Millisecond)
		defer tick.Stop()
		for {
			select {
			case <-stop:
				sampled <- peak
				return
			case <-tick.C:
				if v, err := procKB(cfg.pid, "VmRSS"); err == nil && v > peak {
					peak = v
				}
			}
		}
	}()
	var mu sync.Mutex
	statuses := map[int]int{}
	var lat []time.Duration
	var wg sync.WaitGroup
	start := make(chan struct{})
	for i := range cfg.logins {
		wg.Go(func() {
			b, _ := json.Marshal(map[string]string{"username": fmt.Sprintf("khach%d", i), "password": "doan-mo"})
			req, _ := http.NewRequestWithContext(context.Background(), "POST", cfg.base+"/api/v1/auth/token", bytes.NewReader(b))
			req.Header.Set("Content-Type", "application/json")
			req.Header.Set("X-Forwarded-For", fmt.Sprintf("10.%d.%d.%d", i>>16&255, i>>8&255, i&255))
			<-start
			t0 := time.Now()
			resp, err := client.Do(req)
			code := 0
			if err == nil {
				io.Copy(io.Discard, resp.Body)
				resp.Body.Close()
				code = resp.StatusCode
			}
			mu.Lock()
			statuses[code]++
			lat = append(lat, time.Since(t0))
			mu.Unlock()
		})
	}
	t0 := time.Now()
	close(start)
	wg.Wait()
	took := time.Since(t0)
	close(stop)
	peak := <-sampled
	if hwmReset {
		if hwm, err := procKB(cfg.pid, "VmHWM"); err == nil && hwm > peak {
			peak = hwm
		}
	}
	sort.Slice(lat, func(i, j int) bool { return lat[i] < lat[j] })
	fmt.Fprintf(out, "%d concurrent logins (unknown usernames, one address each) in %s, p50 %s, p99 %s\n",
		cfg.logins, took.Round(time.Millisecond), lat[len(lat)/2].Round(time.Millisecond), lat[len(lat)*99/100].Round(time.Millisecond))
	var codes []int
	for c := range statuses {
		codes = append(codes, c)
	}
	sort.Ints(codes)
	for _, c := range codes {
		name := map[int]string{0: "no answer", 401: "checked, wrong", 429: "throttled", 503: "busy (hashing at its memory bound)"}[c]
		fmt.Fprintf(out, "  %4d × %d %s\n", statuses[c], c, name)
	}
	fmt.Fprintf(out, "server resident memory: idle %d MiB, peak %d MiB (+%d MiB, %.2f× idle; peak from %s)\n",
		idle>>10, peak>>10, (peak-idle)>>10, float64(peak)/float64(idle), map[bool]string{true: "VmHWM and 5 ms samples", false: "5 ms samples"}[hwmReset])
	if statuses[429] > 0 {
		fmt.Fprintln(out, "  (429s: start the server with --trusted-proxies 127.0.0.1 so each login has its own address)")
	}
	return nil
}

// procKB reads a "kB" field of /proc/PID/status.
func procKB(pid int, field string) (int64, error) {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return 0, err
	}
	for _, line := range strings.Split(string(b), "\n") {
		if v, ok := strings.CutPrefix(line, field+":"); ok {
			return strconv.ParseInt(strings.TrimSuffix(strings.TrimSpace(v), " kB"), 10, 64)
		}
	}
	return 0, fmt.Errorf("no %s in /proc/%d/status", field, pid)
}
