package main

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"net"
	"net/http"
	"net/url"
	"os"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// Memory under many clients: a portal's visitors keep their connections
// open between clicks, so the server holds a connection (its goroutine
// and buffers) for each. holdKeepAlive opens cfg.keepalive connections,
// one HTTP/1.1 request on each so the server has taken it in, then keeps
// them all open for cfg.hold: most idle, a share (cfg.active) sending a
// light read every two seconds or so. It samples the server's resident
// memory throughout and reports idle-before, peak and at the end.

type rssResult struct {
	Clients  int     `json:"clients"`
	Active   int     `json:"active"`
	HeldOpen int     `json:"held_open_at_end"`
	Requests int64   `json:"requests"`
	Errors   int64   `json:"errors"`
	FirstErr string  `json:"first_error,omitempty"`
	Hold     string  `json:"hold"`
	IdleMiB  float64 `json:"idle_rss_mib"`
	PeakMiB  float64 `json:"peak_rss_mib"`
	EndMiB   float64 `json:"end_rss_mib"`
	Source   string  `json:"source"`
	OpenedIn string  `json:"opened_in"`
	Samples  int     `json:"samples"`
}

// rssReader returns a function that reads the server's RSS in bytes.
func rssReader(cfg config) (func(context.Context) (int64, error), string, error) {
	switch {
	case cfg.serverPID > 0:
		return func(context.Context) (int64, error) {
			kb, err := procKB(cfg.serverPID, "VmRSS")
			return kb << 10, err
		}, fmt.Sprintf("/proc/%d/status VmRSS every 50 ms", cfg.serverPID), nil
	case cfg.metrics != "":
		client := &http.Client{Timeout: 5 * time.Second}
		return func(ctx context.Context) (int64, error) {
			return scrapeRSS(ctx, client, cfg.metrics, cfg.metricTok)
		}, cfg.metrics + " process_resident_memory_bytes every 500 ms", nil
	}
	return nil, "", errors.New("--keepalive needs --server-pid (the server's process id) or --metrics (its /metrics URL)")
}

// scrapeRSS reads process_resident_memory_bytes from a Prometheus text page.
func scrapeRSS(ctx context.Context, client *http.Client, u, token string) (int64, error) {
	req, err := http.NewRequestWithContext(ctx, "GET", u, nil)
	if err != nil {
		return 0, err
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	resp, err := client.Do(req)
	if err != nil {
		return 0, err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return 0, fmt.Errorf("%s: status %d", u, resp.StatusCode)
	}
	sc := bufio.NewScanner(resp.Body)
	for sc.Scan() {
		if v, ok := strings.CutPrefix(sc.Text(), "process_resident_memory_bytes "); ok {
			f, err := strconv.ParseFloat(strings.TrimSpace(v), 64)
			return int64(f), err
		}
	}
	return 0, fmt.Errorf("%s has no process_resident_memory_bytes", u)
}

func holdKeepAlive(ctx context.Context, cfg config) (*rssResult, error) {
	read, source, err := rssReader(cfg)
	if err != nil {
		return nil, err
	}
	idle, err := read(ctx)
	if err != nil {
		return nil, err
	}
	res := &rssResult{Clients: cfg.keepalive, Hold: cfg.hold.String(), Source: source, IdleMiB: mib(idle)}
	hwmReset := cfg.serverPID > 0 && os.WriteFile(fmt.Sprintf("/proc/%d/clear_refs", cfg.serverPID), []byte("5"), 0) == nil
	every := 50 * time.Millisecond
	if cfg.serverPID == 0 {
		every = 500 * time.Millisecond
	}
	stop := make(chan struct{})
	var peak atomic.Int64
	var samples atomic.Int64
	peak.Store(idle)
	sampled := make(chan struct{})
	go func() {
		defer close(sampled)
		tick := time.NewTicker(every)
		defer tick.Stop()
		for {
			select {
			case <-stop:
				return
			case <-tick.C:
				if v, err := read(ctx); err == nil {
					samples.Add(1)
					if v > peak.Load() {
						peak.Store(v)
					}
				}
			}
		}
	}()
	u, err := url.Parse(cfg.base)
	if err != nil {
		return nil, err
	}
	h := &holder{host: u.Host, path: "/api/v1/procedures/" + url.PathEscape(cfg.procedure)}
	conns := make([]*kaConn, cfg.keepalive)
	t0 := time.Now()
	// Open in waves of 50, as visitors arrive, not all in one instant.
	var wg sync.WaitGroup
	sem := make(chan struct{}, 50)
	for i := range conns {
		sem <- struct{}{}
		wg.Go(func() {
			defer func() { <-sem }()
			if c, err := h.dial(ctx, i); err == nil {
				conns[i] = c
			}
		})
	}
	wg.Wait()
	res.OpenedIn = roundDur(time.Since(t0))
	// The active share reads every 2 s ± 1 s until the hold ends.
	holdCtx, cancel := context.WithTimeout(ctx, cfg.hold)
	defer cancel()
	active := int(float64(len(conns)) * cfg.active)
	for i, c := range conns {
		if c == nil || i >= active {
			continue
		}
		res.Active++
		wg.Go(func() {
			r := rand.New(rand.NewPCG(uint64(i), 2))
			for {
				select {
				case <-holdCtx.Done():
					return
				case <-time.After(time.Second + time.Duration(r.Int64N(int64(2*time.Second)))):
				}
				if err := h.get(c); err != nil {
					return
				}
			}
		})
	}
	<-holdCtx.Done()
	wg.Wait()
	close(stop)
	<-sampled
	end, _ := read(ctx)
	res.EndMiB, res.PeakMiB, res.Samples = mib(end), mib(max(peak.Load(), end)), int(samples.Load())
	// VmHWM catches a peak between two samples; it is the process's
	// lifetime high, so it counts only when the reset worked.
	if hwmReset {
		if kb, err := procKB(cfg.serverPID, "VmHWM"); err == nil {
			res.PeakMiB = max(res.PeakMiB, mib(kb<<10))
			res.Source += " and VmHWM (reset first)"
		}
	}
	for _, c := range conns {
		if c != nil && c.alive() {
			res.HeldOpen++
		}
		if c != nil {
			c.Close()
		}
	}
	res.Requests, res.Errors = h.requests.Load(), h.errors.Load()
	if f, ok := h.firstErr.Load().(string); ok {
		res.FirstErr = f
	}
	return res, nil
}

func mib(b int64) float64 { return float64(b) / (1 << 20) }

// holder sends the keep-alive clients' requests, each on its own
// connection, as raw HTTP/1.1 so that one client is exactly one connection.
type holder struct {
	host, path       string
	requests, errors atomic.Int64
	firstErr         atomic.Value
}

type kaConn struct {
	net.Conn
	br   *bufio.Reader
	addr string
}

func (h *holder) dial(ctx context.Context, i int) (*kaConn, error) {
	var d net.Dialer
	nc, err := d.DialContext(ctx, "tcp", h.host)
	if err != nil {
		h.fail(err)
		return nil, err
	}
	c := &kaConn{Conn: nc, br: bufio.NewReader(nc), addr: fmt.Sprintf("10.%d.%d.%d", 201+i>>16&31, i>>8&255, i&255)}
	if err := h.get(c); err != nil {
		nc.Close()
		return nil, err
	}
	return c, nil
}

// get sends one GET on c and reads the whole answer.
func (h *holder) get(c *kaConn) error {
	h.requests.Add(1)
	c.SetDeadline(time.Now().Add(30 * time.Second))
	_, err := fmt.Fprintf(c, "GET %s HTTP/1.1\r\nHost: %s\r\nUser-Agent: motcua-load\r\nX-Forwarded-For: %s\r\n\r\n", h.path, h.host, c.addr)
	if err != nil {
		h.fail(err)
		return err
	}
	resp, err := http.ReadResponse(c.br, nil)
	if err != nil {
		h.fail(err)
		return err
	}
	_, err = io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	if err == nil && resp.StatusCode != http.StatusOK {
		err = fmt.Errorf("status %d", resp.StatusCode)
	}
	if err != nil {
		h.fail(err)
	}
	return err
}

func (h *holder) fail(err error) {
	h.errors.Add(1)
	h.firstErr.CompareAndSwap(nil, err.Error())
}

// alive reports whether the server still holds c open: a read finds
// nothing to read rather than the end of the stream.
func (c *kaConn) alive() bool {
	c.SetReadDeadline(time.Now().Add(time.Millisecond))
	_, err := c.br.Peek(1)
	var ne net.Error
	return errors.As(err, &ne) && ne.Timeout()
}

func (r *rssResult) print(out io.Writer, asJSON bool) error {
	if asJSON {
		enc := json.NewEncoder(out)
		enc.SetIndent("", "  ")
		return enc.Encode(r)
	}
	fmt.Fprintf(out, "%d keep-alive clients (%d lightly active, one read every ~2 s; the rest idle), opened in %s, held %s; %d held open at the end\n",
		r.Clients, r.Active, r.OpenedIn, r.Hold, r.HeldOpen)
	fmt.Fprintf(out, "%d requests, %d errors\n", r.Requests, r.Errors)
	if r.FirstErr != "" {
		fmt.Fprintf(out, "  first error: %s\n", r.FirstErr)
	}
	fmt.Fprintf(out, "server RSS: idle before %.0f MiB, peak %.0f MiB (%.0f MB), at the end %.0f MiB (%s, %d samples)\n",
		r.IdleMiB, r.PeakMiB, r.PeakMiB*(1<<20)/1e6, r.EndMiB, r.Source, r.Samples)
	fmt.Fprintf(out, "RSS under %d keep-alive clients: %.0f MB\n", r.Clients, r.PeakMiB*(1<<20)/1e6)
	return nil
}
